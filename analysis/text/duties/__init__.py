"""Duties in legislation: who must do what, on what trigger, by when, with the citation.

Statutes hide their deadlines in prose ("within one hour of receipt of a removal order", "swiftly
take down"). This module reads a statute or bill as plain text or HTML (legislation.gov.uk-like
markup), splits it into numbered provisions (section 10, subsection (3), paragraph (b): ``10(3)(b)``),
finds the sentences that impose a duty ("must", "shall", "is required to", "has a duty to", "it is
the duty of", "a duty to") and extracts, for each, the duty holder, the action, the trigger that
starts the clock and the deadline, as written and in hours.

A deadline with no number ("without undue delay", "expeditiously", "swiftly") is a value, not a
gap: ``deadline_hours`` stays empty and ``deadline_words`` keeps the words. A provision that gives no
deadline itself but refers to one that does ("within the period mentioned in subsection (2)")
inherits it, and says so.

The output columns carry the rules catalogue's names (``id``, ``instrument``, ``provision``,
``event``, ``clock_starts``, ``deadline_hours``, ``deadline_words``; see
:mod:`analysis.rules.catalogue`) so extracted duties can be set beside the catalogue. Pure rules on
text (no model): the wording of legislation is regular enough, and the result must be reproducible.

The package, one idea per module: :mod:`.reading` (text or HTML in), :mod:`.provisions` (numbered
provisions), :mod:`.sentences` (duty sentences and their parts), :mod:`.deadlines` (deadlines in
words and hours), :mod:`.extract` (the duties table), :mod:`.compare` (beside the rules catalogue)
and :mod:`.cli`. Word lists are in ``analysis/text/data/duties.yaml``.
"""

from analysis.text.duties.cli import main
from analysis.text.duties.compare import compare_with_rules, same_instrument
from analysis.text.duties.deadlines import Deadline, find_deadline, words_to_number
from analysis.text.duties.extract import COLUMNS, Duty, duties_table, extract_duties, short_name
from analysis.text.duties.provisions import Provision, parse_provisions, walk
from analysis.text.duties.reading import NotText, html_to_text, read_text

__all__ = [
    "COLUMNS",
    "Deadline",
    "Duty",
    "NotText",
    "Provision",
    "compare_with_rules",
    "duties_table",
    "extract_duties",
    "find_deadline",
    "html_to_text",
    "main",
    "parse_provisions",
    "read_text",
    "same_instrument",
    "short_name",
    "walk",
    "words_to_number",
]
