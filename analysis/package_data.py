"""Data files shipped inside the package (name pools, word and pattern lists), read as constants.

Kept as YAML so that a list is an edit a reviewer can read without Python. Lists are read as
tuples: their order matters, and module-level constants built from them must not change while
the code runs. Used by the sample generator (:mod:`analysis.log.sample.vocabulary`) and the text
stage (:mod:`analysis.text.wordlists`).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def read_data(package: str, name: str) -> Any:
    """``<package>/data/<name>`` (YAML), lists as tuples."""
    text = resources.files(package).joinpath("data", name).read_text("utf-8")
    return _frozen(yaml.safe_load(text))
