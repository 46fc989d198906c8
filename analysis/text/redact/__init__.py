"""Redaction of personal data in free text: people, schools, handles, emails, phones, postcodes, URLs.

A complaint's description names the member of staff, their school, the accounts that posted the
abuse and sometimes contact details. Nothing from it may reach a briefing unredacted, so this module
is the only road from the log's free text into any output.

Layers, all offline and deterministic given the installed model:

1. regular expressions for shapes a model does not know: emails, URLs, social-media handles,
   UK phone numbers and UK postcodes (character level, so tokenisation cannot split them);
2. spaCy ``Matcher`` rules on tokens, which work with ``spacy.blank("en")``: titles before names
   ("Mrs Okafor", "Dr J. Hill"), capitalised words after a cue ("a teacher called Ben Hart"),
   school-name shapes ("St Anne's Catholic Primary School", "Hillside High", "... Academy");
3. deny-lists: names the caller knows are personal (a log's own ``staff_name`` and ``school_name``
   columns), matched as whole names and, for people, as given name or surname alone;
4. the statistical NER model on top (PERSON; ORG unless it is a known public body: a school, or
   a club or business tied to the people involved; the small model also calls lone given names
   ORG), run only on windows around capitalised words that no rule has explained, which keeps
   10,000 descriptions within seconds;
5. as a last resort, capitalised two- or three-word sequences, and single capitalised words inside
   a sentence that the batch never writes in lower case ("said Wojciech had"), unless the model
   says they are a date, a law or the like. This layer depends on the batch: a word written in lower
   case in another text of the same call counts as ordinary, so redact a log in one call.

"Capitalised" means upper case in any script ("Zoë Łukasik", "Ó Súilleabháin"), name particles
("de la", "van der", "Ó", "Ní", "ap") may sit inside a name, and after a title in capitals ("MR AHMED
KHAN") words in capitals are a name.

Overlapping spans are merged, longest first, and replaced with typed placeholders such as
``[person]``. The word lists live in ``data/text/redaction.yaml``.

Why not Presidio (installed, and it can run offline given our model's package name): its analyzer
runs the whole spaCy pipeline on every text and its email/URL recognizers try to fetch the public
suffix list. Measured here, 300 synthetic descriptions took 4.0 s of CPU (about 130 s per 10,000,
against about 9 s for this module), and the UK phone and postcode shapes were ours to write anyway.

The package, one idea per module: :mod:`.shapes` (placeholders, regexes, name and school shapes),
:mod:`.matcher` (token rules from the word lists), :mod:`.spans` (school, shape and deny-list
spans; merging and applying them), :mod:`.pipeline` (the redactor), :mod:`.logs` (a complaint
log's descriptions, and the leak check) and :mod:`.cli`.
"""

from analysis.text.redact.cli import main
from analysis.text.redact.logs import deny_list_from_log, leaked_identifiers, redact_log
from analysis.text.redact.pipeline import Redactor, redact, redactor
from analysis.text.redact.shapes import PLACEHOLDERS, REGEXES
from analysis.text.redact.spans import Found, apply, merge

__all__ = [
    "PLACEHOLDERS",
    "REGEXES",
    "Found",
    "Redactor",
    "apply",
    "deny_list_from_log",
    "leaked_identifiers",
    "main",
    "merge",
    "redact",
    "redact_log",
    "redactor",
]
