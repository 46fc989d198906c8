"""The results of a complaint log: ONE source of numbers for notebooks, charts and briefings.

- :mod:`~analysis.results.model` and :mod:`~analysis.results.findings`: the typed model
  (:class:`Results`, schema "headline/2"); every field says what it is and which function computes it
  (``docs/figures.md`` is generated from them by :mod:`~analysis.results.figures_doc`);
- :mod:`~analysis.results.build`: :func:`headline` and :func:`headline_file`, which compute it;
- :mod:`~analysis.results.io`: :func:`save_results` / :func:`load_results` (JSON beside the reports);
- :mod:`~analysis.results.text`: the ``analyse`` command and its plain-text summary.
"""

from analysis.results.build import (
    NOT_REACHED,
    SCHEMA,
    headline,
    headline_file,
    main,
    select_rules,
    summary_text,
    to_json,
)
from analysis.results.findings import Results

__all__ = [
    "NOT_REACHED",
    "SCHEMA",
    "Results",
    "headline",
    "headline_file",
    "main",
    "select_rules",
    "summary_text",
    "to_json",
]
