"""Word and pattern lists of the text stage, read from ``analysis/text/data/*.yaml``.

Kept as data, not code, so that adding a duty verb, a trigger or a redaction cue is an edit to a
list that a reviewer can read without Python. Lists are read as tuples (their order matters: most
specific first) and must not change while the code runs.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


@cache
def load(name: str) -> dict[str, Any]:
    """One data file of the text stage (``data/<name>``), lists as tuples."""
    text = resources.files("analysis.text").joinpath("data", name).read_text("utf-8")
    return _frozen(yaml.safe_load(text))
