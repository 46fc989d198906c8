"""The sample's words: name pools, contact formats and phrase templates, read from ``data/*.yaml``.

Kept as data files, not code, so that adding a name or a phrase is an edit to a list, and the
pools can be read by anyone checking what the sample may contain. Lists are read as tuples: the
generator indexes them and they must not change while it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.log.allowed_values import PLATFORMS
from analysis.package_data import read_data


def load(name: str) -> dict[str, Any]:
    """One data file of this package (``data/<name>``), lists as tuples."""
    return read_data("analysis.log.sample", name)


@dataclass(frozen=True)
class NamePool:
    """Names a synthetic log draws from."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    school_stems: tuple[str, ...]
    saints: tuple[str, ...]
    handle_stems: tuple[str, ...]

    def tokens(self) -> set[str]:
        """Every name in the pool, for the disjointness check."""
        return {
            *self.female,
            *self.male,
            *self.surnames,
            *self.school_stems,
            *self.saints,
            *self.handle_stems,
        }


#: "main" fills the bundled sample; "heldout" shares no name with it (for redaction tests).
NAME_POOLS: dict[str, NamePool] = {
    name: NamePool(**pool) for name, pool in load("names.yaml").items()
}

_CONTACTS = load("contacts.yaml")
POSTCODE_AREAS: dict[str, tuple[str, ...]] = _CONTACTS["postcode_areas"]
#: Ofcom reserves these numbers for drama: no real line answers them.
DRAMA_LANDLINES: dict[str, tuple[str, ...]] = _CONTACTS["drama_landlines"]
MOBILE_FORMATS: tuple[str, ...] = _CONTACTS["mobile_formats"]
EMAIL_DOMAINS: tuple[str, ...] = _CONTACTS["email_domains"]

_PHRASES = load("phrases.yaml")
CATEGORY_PHRASES: dict[str, tuple[str, ...]] = _PHRASES["category_phrases"]
OPENINGS: tuple[str, ...] = _PHRASES["openings"]
POSTER_PHRASES: tuple[str, ...] = _PHRASES["poster_phrases"]
CONTACT_PHRASES: tuple[str, ...] = _PHRASES["contact_phrases"]
CLOSINGS: tuple[str, ...] = _PHRASES["closings"]
ROLE_TEXT: dict[str, tuple[str, ...]] = _PHRASES["role_text"]
URL_TEMPLATES: dict[str, str] = _PHRASES["url_templates"]
SCHOOL_SHAPES: dict[str, tuple[str, ...]] = _PHRASES["school_shapes"]
PHASE_SHAPES: dict[str, str] = _PHRASES["phase_shapes"]

#: How a platform is named in free text.
PLATFORM_TEXT: dict[str, str] = {p: p for p in PLATFORMS} | {"X": "Twitter", "Other": "a forum"}
TOKEN_ALPHABET = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
)
IDENTIFIER_KINDS = ("person", "school", "handle", "email", "phone", "postcode", "url")
