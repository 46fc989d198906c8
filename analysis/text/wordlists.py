"""Word and pattern lists of the text stage, read from ``analysis/text/data/*.yaml``.

Kept as data, not code, so that adding a duty verb, a trigger or a redaction cue is an edit to a
list that a reviewer can read without Python. Lists are read as tuples (their order matters: most
specific first) and must not change while the code runs.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from analysis.package_data import read_data


@cache
def load(name: str) -> dict[str, Any]:
    """One data file of the text stage (``data/<name>``), lists as tuples."""
    return read_data("analysis.text", name)
