"""Mark as absent two optional modules that libraries import at start-up but a briefing never uses.

jsonschema (under nbformat) imports ``rfc3987_syntax`` when it is installed, only to check "iri"
string formats that the notebook schema never uses; building that grammar costs about a second at
every start. pandera (under the parameters' vocabularies) imports pandas-on-Spark
(``pyspark.pandas``), about half a second, to register a backend for Spark frames that no briefing
uses. Importing this module first, in the ``briefings`` command and in its render workers, skips
both (the libraries then take the branch they take when the module is not installed).
"""

from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax", "pyspark.pandas")

for _name in SKIPPED:
    sys.modules.setdefault(_name, None)  # type: ignore[arg-type]
