"""Token rules (spaCy ``Matcher``) for titles and cue words before names, from the word lists."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher

from analysis.config import DATA_DIR
from analysis.text.redact.shapes import CAPS_SHAPE, INITIAL, NAME_SHAPE

WORDS_FILE: Path = DATA_DIR / "text" / "redaction.yaml"


@lru_cache(maxsize=1)
def word_lists() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return {key: frozenset(str(w).lower() for w in values) for key, values in raw.items()}


def name_token(words: Mapping[str, frozenset[str]], op: str | None = None) -> dict:
    stop = sorted(words["not_names"] | words["titles"])
    token: dict = {"TEXT": {"REGEX": NAME_SHAPE}, "LOWER": {"NOT_IN": stop}}
    if op:
        token["OP"] = op
    return token


def build_matcher(vocab, words: Mapping[str, frozenset[str]]) -> Matcher:
    """Token rules for titles and cue words before names (see the module docstring).

    Both start with a word from a list, which the Matcher checks cheaply; school names and bare
    capitalised sequences are found by :func:`school_spans` and :func:`shape_spans`, walking from
    their tell-tale words, since a pattern starting with a regular expression tests every token.
    """
    matcher = Matcher(vocab)
    titles = sorted(words["titles"] | {t + "." for t in words["titles"]})
    name, name_opt = name_token(words), name_token(words, "?")
    hyphen = {"ORTH": "-", "OP": "?"}
    # "de la", "van der", "Ó", "Ní", "ap": lower-case or one-letter words inside a surname.
    particle = {"LOWER": {"IN": sorted(words["name_particles"])}, "OP": "?"}
    # In capitals ("MR AHMED KHAN") any word can be a name but an ordinary one ("MR KHAN SAID").
    caps_stop = sorted(words["not_names"] | words["titles"] | STOP_WORDS)
    caps = {"TEXT": {"REGEX": CAPS_SHAPE}, "LOWER": {"NOT_IN": caps_stop}}
    caps_titles = sorted({t.upper() for t in titles})
    initials = {"TEXT": {"REGEX": INITIAL}, "OP": "*"}
    matcher.add(
        "title",
        [
            [
                {"LOWER": {"IN": titles}},
                {"ORTH": ".", "OP": "?"},
                initials,
                particle,
                particle,
                name,
                hyphen,
                particle,
                particle,
                name_opt,
                hyphen,
                name_opt,
            ],
            [
                {"TEXT": {"IN": caps_titles}},
                {"ORTH": ".", "OP": "?"},
                initials,
                particle,
                particle,
                caps,
                hyphen,
                particle,
                particle,
                caps | {"OP": "?"},
            ],
        ],
        greedy="LONGEST",
    )
    matcher.add(
        "cue",
        [
            [
                {"LOWER": {"IN": sorted(words["name_cues"])}},
                {"ORTH": {"IN": [",", ":"]}, "OP": "?"},
                name,
                {"TEXT": {"REGEX": INITIAL}, "OP": "?"},
                hyphen,
                particle,
                particle,
                name_opt,
                hyphen,
                name_opt,
            ]
        ],
        greedy="LONGEST",
    )
    return matcher
