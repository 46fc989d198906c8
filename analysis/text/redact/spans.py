"""Spans to redact: schools and capitalised sequences found by walking from their tell-tale words,
deny-list entries, and merging and applying spans.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from analysis.text.redact.shapes import (
    CONNECTORS,
    HEAD,
    INNER,
    LETTER,
    NAME_CHAR,
    NAME_WORD,
    PRIORITY,
    SCHOOL_FIRST,
    UP,
)


@dataclass(frozen=True)
class Found:
    """One span to redact: character offsets into the text, its placeholder and which layer found it."""

    start: int
    end: int
    label: str
    source: str


_SCHOOL_WORDS = frozenset(
    {"st", "saint", "catholic", "church", "our", "holy", "christ", "sir", "king", "queen"}
)
_FIRST_OF_SCHOOL = re.compile(rf"^(?:St\.?|{UP}(?:{NAME_CHAR}|-)*)$")


def school_spans(
    text: str, doc: Doc, starts: list[int], words: Mapping[str, frozenset[str]]
) -> list[Found]:
    """School names ending in a head word ("... Academy", "St Anne's C of E Primary School").

    From each capitalised head word, walk left over capitalised words, "'s", numbers and
    connectors, then start at the first word that can begin a name ("the", "Pupils" cannot).
    """
    heads = words["school_heads"]
    first_stop = (words["not_names"] - _SCHOOL_WORDS) | heads
    inner = words["school_inner"]
    found = []
    for m in SCHOOL_FIRST.finditer(text):
        found.append(Found(m.start(), m.end(), "school", "school"))
    for m in HEAD.finditer(text):
        if m.group(0).lower() not in heads:
            continue
        i = bisect_right(starts, m.start()) - 1
        j = i
        while j > 0 and (INNER.match(doc[j - 1].text) or doc[j - 1].lower_ in inner):
            j -= 1
        while j < i and not (
            _FIRST_OF_SCHOOL.match(doc[j].text) and doc[j].lower_ not in first_stop
        ):
            j += 1
        if j == i:
            continue
        j = _school_start(doc, j, i + 1, words)
        if j < i:
            found.append(Found(doc[j].idx, m.end(), "school", "school"))
    return found


def shape_spans(
    text: str,
    words: Mapping[str, frozenset[str]],
    ordinary: set[str] | frozenset[str] = frozenset(),
) -> list[Found]:
    """Capitalised name-like words a person's name is made of, unless the model says otherwise
    (see :meth:`Redactor._model_spans`).

    Two or three in a row ("Niamh Kavanagh") anywhere; a single one ("said Wojciech had") only
    inside a sentence and only when the batch never writes it in lower case (``ordinary``): a
    capitalised word mid-sentence that is not an ordinary word is a proper noun, and in a
    complaint most proper nouns name someone.
    """
    stop = words["not_names"] | words["titles"]
    particles = "|".join(
        re.escape(p) for p in sorted(words["name_particles"], key=len, reverse=True)
    )
    # "Juan de la Cruz", "Áine Ó Súilleabháin": up to two particles may sit between two names.
    joiner = re.compile(rf"[ \t]+(?:(?:{particles})[ \t]+){{0,2}}|-", re.IGNORECASE)
    found = []
    run: list[re.Match[str]] = []
    for m in [*NAME_WORD.finditer(text), None]:
        usable = m is not None and m.group(0).lower() not in stop
        joined = usable and run and joiner.fullmatch(text[run[-1].end() : m.start()])
        if usable and (joined or not run):
            run.append(m)
            continue
        if len(run) >= 2:
            found.append(Found(run[0].start(), run[min(len(run), 3) - 1].end(), "person", "shape"))
        elif len(run) == 1 and ordinary and _lone_name(text, run[0], ordinary):
            found.append(Found(run[0].start(), run[0].end(), "person", "lone"))
        run = [m] if usable else []
    return found


def _lone_name(text: str, m: re.Match[str], ordinary: set[str] | frozenset[str]) -> bool:
    word = m.group(0).lower()
    if word in ordinary or word in STOP_WORDS:
        return False
    before = text[: m.start()].rstrip()
    if not before or before[-1] in ".!?:;\"'‘“(\n":
        return False
    # A URL or an address often ends a sentence without a full stop ("... /video/123 Member is").
    last = before.rsplit(None, 1)[-1]
    return not any(mark in last for mark in ("/", "@", "www."))


def _school_start(doc: Doc, start: int, end: int, words: Mapping[str, frozenset[str]]) -> int:
    """Where a school name matched by shape really starts: after the last connector that is not
    part of the name ("Mr Jon Hill of Oakfield Academy" -> "Oakfield Academy"; but "St Mary's
    Church of England Primary" and "C of E" keep their "of")."""
    for i in range(end - 2, start, -1):
        word = doc[i].lower_
        if word in CONNECTORS:
            if word == "of" and doc[i - 1].lower_ in {"church", "c"}:
                continue
            return i + 1
    return start


def school_shaped(text: str, words: Mapping[str, frozenset[str]]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(h)}\b", lowered) for h in words["school_heads"])


def deny_entries(
    deny_list: Iterable[str] | Mapping[str, Iterable[str]] | None,
    words: Mapping[str, frozenset[str]],
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Deny-list names -> (whole names matched ignoring case, parts: see :meth:`Redactor._rule_spans`).

    A plain list is sorted by shape: names ending like a school are schools, the rest people. For a
    person the given name and surname alone are personal too ("Ms Hart", "Ben"); for a school, its
    distinctive stem ("Oakfield" of "Oakfield Academy").
    """
    if deny_list is None:
        return {}, {}
    if isinstance(deny_list, Mapping):
        items = [(label, str(n)) for label, names in deny_list.items() for n in names]
    else:
        items = [
            ("school" if school_shaped(str(n), words) else "person", str(n)) for n in deny_list
        ]
    generic = (
        words["not_names"]
        | words["titles"]
        | words["school_heads"]
        | words["school_inner"]
        | words["name_particles"]
    )
    whole: dict[str, set[str]] = {}
    parts: dict[str, set[str]] = {}
    for label, name in items:
        name = " ".join(unicodedata.normalize("NFC", name).split())
        if not name or name.lower() in {"nan", "none"}:
            continue
        whole.setdefault(label, set()).add(name)
        # Words of any script ("Zoë", "Łukasik", "Súilleabháin"), apostrophes and hyphens inside.
        pieces = re.findall(rf"{LETTER}(?:[\w'’-]*{LETTER})?", name)
        if label == "school":
            stem = [p for p in pieces if p.lower() not in generic]
            if stem:
                parts.setdefault(label, set()).add(" ".join(stem))
        else:
            for piece in pieces:
                if len(piece) > 1 and piece.lower() not in generic:
                    parts.setdefault(label, set()).add(piece)
    return whole, parts


def parts_outside(span: Found, certain: Sequence[Found], text: str) -> list[Found]:
    """``span`` without the parts a regex found ("Lewis, S27 6EW" tagged PERSON keeps "Lewis")."""
    pieces = [(span.start, span.end)]
    for c in certain:
        pieces = [
            part
            for a, b in pieces
            for part in (((a, b),) if c.end <= a or b <= c.start else ((a, c.start), (c.end, b)))
        ]
    out = []
    for a, b in pieces:
        piece = text[a:b]
        a += len(piece) - len(piece.lstrip(" ,;:()-"))
        b -= len(piece) - len(piece.rstrip(" ,;:()-"))
        if b - a > 1:
            out.append(Found(a, b, span.label, span.source))
    return out


def merge(spans: Iterable[Found]) -> list[Found]:
    """Non-overlapping spans in text order: the longest wins, ties go to the more specific layer."""
    ranked = sorted(spans, key=lambda f: (-(f.end - f.start), PRIORITY[f.source], f.start))
    kept: list[Found] = []
    for f in ranked:
        if all(f.end <= k.start or k.end <= f.start for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def apply(text: str, spans: Sequence[Found]) -> str:
    """Replace merged spans with ``[label]``."""
    out: list[str] = []
    last = 0
    for f in spans:
        out += [text[last : f.start], f"[{f.label}]"]
        last = f.end
    out.append(text[last:])
    return "".join(out)
