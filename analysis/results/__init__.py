"""The results of a complaint log: ONE source of numbers for notebooks, charts and briefings.

- :mod:`~analysis.results.model` and :mod:`~analysis.results.findings`: the typed model
  (:class:`Results`, schema "headline/2"); every field says what it is and which function computes it
  (``docs/figures.md`` is generated from them by :mod:`~analysis.results.figures_doc`);
- :mod:`~analysis.results.build`: :func:`compute_results` (the model), :func:`headline` (its
  JSON-mode dict, the "headline/1" keys kept) and the ``*_file`` forms that validate a log first;
- :mod:`~analysis.results.sections` and :mod:`~analysis.results.convert`: measures into the model,
  rounded once;
- :mod:`~analysis.results.io`: :func:`to_json`, :func:`save_results`, :func:`load_results`;
- :mod:`~analysis.results.text`: the ``analyse`` command and its plain-text summary.
"""

from analysis.results.build import (
    SCHEMA,
    compute_results,
    headline,
    headline_file,
    results_file,
    select_rules,
)
from analysis.results.convert import NOT_REACHED
from analysis.results.findings import Results
from analysis.results.io import load_results, save_results, to_json
from analysis.results.text import main, summary_text

__all__ = [
    "NOT_REACHED",
    "SCHEMA",
    "Results",
    "compute_results",
    "headline",
    "headline_file",
    "load_results",
    "main",
    "results_file",
    "save_results",
    "select_rules",
    "summary_text",
    "to_json",
]
