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
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from analysis.config import DATA_DIR
from analysis.text.nlp import installed_model, load

WORDS_FILE: Path = DATA_DIR / "text" / "redaction.yaml"

#: The placeholders redaction writes, one per kind of identifier.
PLACEHOLDERS: tuple[str, ...] = (
    "person",
    "school",
    "organisation",
    "handle",
    "email",
    "phone",
    "postcode",
    "url",
)

# Character-level shapes. URLs before handles so "tiktok.com/@user" is one [url].
_TRAIL = r"(?<![.,;:!?)\]'\"])"
REGEXES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "url",
        re.compile(
            r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
            + _TRAIL
            + r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|co\.uk|org\.uk|org|net|uk|io|ly|me|tv|gg|app)"
            r"(?:/[^\s<>\"']*)?" + _TRAIL,
            re.IGNORECASE,
        ),
    ),
    (
        "handle",
        # Letters of any script: "@zoë_łukasik" must not leave "ë_łukasik" behind.
        re.compile(r"(?<![\w@./])@\w(?:[\w.]*\w)?|\bu/[\w-]{3,}"),
    ),
    (
        "phone",
        re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?!\d)"),
    ),
    (
        "postcode",
        re.compile(
            r"\b(?:GIR\s?0AA|[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
        ),
    ),
)


def _letter_class(test) -> str:
    """A ``re`` character class of the letters ``test`` accepts, as ranges.

    ``re`` has no ``\\p{Lu}``; names are written in any Latin script ("Zoë Łukasik", "Ó Súilleabháin",
    "Siân ap Dafydd"), so "capital" and "small" must mean Unicode upper and lower case, not A-Z.
    Built from ``str.isupper``/``str.islower`` over the Basic Multilingual Plane, so no dependency.
    """
    chars = [c for c in map(chr, range(0x10000)) if c.isalpha() and test(c)]
    ranges: list[list[str]] = []
    for c in chars:
        if ranges and ord(c) == ord(ranges[-1][1]) + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "[" + "".join(a if a == b else f"{a}-{b}" for a, b in ranges) + "]"


_UP = _letter_class(str.isupper)
_LO = _letter_class(str.islower)
_LETTER = r"[^\W\d_]"  # any letter of any script
_NAME_CHAR = rf"(?:{_LETTER}|['’])"

# Rank of each source when two spans of equal length overlap: lower wins.
# Layers that guess from capitalisation alone: the model may veto them.
_GUESSES = frozenset({"shape", "lone"})
_PRIORITY = {
    "regex": 0,
    "deny": 1,
    "school": 2,
    "title": 3,
    "cue": 4,
    "model": 5,
    "shape": 6,
    "lone": 7,
}
# A token that looks like part of a name: capitalised with a lower-case letter (McDonald, O'Neill).
_NAME_SHAPE = rf"^{_UP}(?:{_NAME_CHAR}|-)*{_LO}(?:{_NAME_CHAR}|-)*$"
_NAME_PART = rf"{_UP}{_NAME_CHAR}*{_LO}{_NAME_CHAR}*"
_NAME_WORD = re.compile(rf"(?<![\w@./'’-]){_NAME_PART}(?:-{_NAME_PART})*(?![\w@-])")
# A capitalised word in capitals ("KHAN" of "MR AHMED KHAN"): only trusted after a title.
_CAPS_SHAPE = rf"^{_UP}(?:{_UP}|['’-])+$"
# Welsh- and Irish-medium schools put the word for school first: "Ysgol Bryn Teg", "Gaelscoil Eoin".
_SCHOOL_FIRST = re.compile(
    rf"\b(?:Ysgol|Scoil|Gaelscoil|Gaelcholáiste|Coláiste|Colaiste)(?:\s+(?:{_UP}[\w'’-]*|y|yr|na|an)){{1,4}}"
)
_HEAD = re.compile(r"\b[A-Z][a-z]+\b")
_INNER = re.compile(rf"^(?:{_UP}(?:{_NAME_CHAR}|[.-])*|\d+(?:st|nd|rd|th)?|['’]s)$")
_NAME_RE = re.compile(_NAME_SHAPE)
_CANDIDATE = re.compile(
    rf"(?<![\w@./'’-]){_UP}(?:{_NAME_CHAR}|-)*{_LO}(?:{_NAME_CHAR}|-)*|\b{_UP}{{2,}}\b"
)
_LOWER_WORD = re.compile(rf"(?<![\w@./'’-]){_LO}(?:{_LO}|['’-])+\b")
_INITIAL = rf"^{_UP}\.?$"
# Lower-case words that can join two names, where a school name matched by shape may really start.
_CONNECTORS = frozenset({"of", "the", "and", "&", "upon", "on", "in", "under", "by"})
# Model labels trusted to say a capitalised sequence is not a person. Places, facilities, products
# and nationalities are not: the small model calls "abuse directed at Imran Barker" a PRODUCT and
# "aimed at Simon Adeyemi" a GPE, and redacting a place by mistake costs nothing.
_NOT_PERSON = frozenset(
    {"LANGUAGE", "DATE", "TIME", "EVENT", "LAW", "MONEY", "PERCENT", "QUANTITY", "ORDINAL",
     "CARDINAL"}
)  # fmt: skip


@dataclass(frozen=True)
class Found:
    """One span to redact: character offsets into the text, its placeholder and which layer found it."""

    start: int
    end: int
    label: str
    source: str


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return {key: frozenset(str(w).lower() for w in values) for key, values in raw.items()}


def _name_token(words: Mapping[str, frozenset[str]], op: str | None = None) -> dict:
    stop = sorted(words["not_names"] | words["titles"])
    token: dict = {"TEXT": {"REGEX": _NAME_SHAPE}, "LOWER": {"NOT_IN": stop}}
    if op:
        token["OP"] = op
    return token


def _build_matcher(vocab, words: Mapping[str, frozenset[str]]) -> Matcher:
    """Token rules for titles and cue words before names (see the module docstring).

    Both start with a word from a list, which the Matcher checks cheaply; school names and bare
    capitalised sequences are found by :func:`_school_spans` and :func:`_shape_spans`, walking from
    their tell-tale words, since a pattern starting with a regular expression tests every token.
    """
    matcher = Matcher(vocab)
    titles = sorted(words["titles"] | {t + "." for t in words["titles"]})
    name, name_opt = _name_token(words), _name_token(words, "?")
    hyphen = {"ORTH": "-", "OP": "?"}
    # "de la", "van der", "Ó", "Ní", "ap": lower-case or one-letter words inside a surname.
    particle = {"LOWER": {"IN": sorted(words["name_particles"])}, "OP": "?"}
    # In capitals ("MR AHMED KHAN") any word can be a name but an ordinary one ("MR KHAN SAID").
    caps_stop = sorted(words["not_names"] | words["titles"] | STOP_WORDS)
    caps = {"TEXT": {"REGEX": _CAPS_SHAPE}, "LOWER": {"NOT_IN": caps_stop}}
    caps_titles = sorted({t.upper() for t in titles})
    initials = {"TEXT": {"REGEX": _INITIAL}, "OP": "*"}
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
                {"TEXT": {"REGEX": _INITIAL}, "OP": "?"},
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


_SCHOOL_WORDS = frozenset(
    {"st", "saint", "catholic", "church", "our", "holy", "christ", "sir", "king", "queen"}
)
_FIRST_OF_SCHOOL = re.compile(rf"^(?:St\.?|{_UP}(?:{_NAME_CHAR}|-)*)$")


def _school_spans(
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
    for m in _SCHOOL_FIRST.finditer(text):
        found.append(Found(m.start(), m.end(), "school", "school"))
    for m in _HEAD.finditer(text):
        if m.group(0).lower() not in heads:
            continue
        i = bisect_right(starts, m.start()) - 1
        j = i
        while j > 0 and (_INNER.match(doc[j - 1].text) or doc[j - 1].lower_ in inner):
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


def _shape_spans(
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
    for m in [*_NAME_WORD.finditer(text), None]:
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
        if word in _CONNECTORS:
            if word == "of" and doc[i - 1].lower_ in {"church", "c"}:
                continue
            return i + 1
    return start


def _school_shaped(text: str, words: Mapping[str, frozenset[str]]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(h)}\b", lowered) for h in words["school_heads"])


def _deny_entries(
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
            ("school" if _school_shaped(str(n), words) else "person", str(n)) for n in deny_list
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
        pieces = re.findall(rf"{_LETTER}(?:[\w'’-]*{_LETTER})?", name)
        if label == "school":
            stem = [p for p in pieces if p.lower() not in generic]
            if stem:
                parts.setdefault(label, set()).add(" ".join(stem))
        else:
            for piece in pieces:
                if len(piece) > 1 and piece.lower() not in generic:
                    parts.setdefault(label, set()).add(piece)
    return whole, parts


class Redactor:
    """A reusable redaction pipeline: load the model and compile the rules once, call many times."""

    def __init__(self, use_model: bool = True, window: int = 3) -> None:
        self.nlp = load(use_model)
        self.has_ner = "ner" in self.nlp.pipe_names
        if use_model and not self.has_ner:
            warnings.warn(
                "no spaCy model installed (looked for analysis.config.SPACY_MODELS); "
                "redacting with rules and deny-lists only",
                stacklevel=2,
            )
        self.model_name = installed_model() if self.has_ner else None
        self.words = _words()
        self.matcher = _build_matcher(self.nlp.vocab, self.words)
        self.window = window

    # -- layers --------------------------------------------------------------------------------
    def _deny_matcher(
        self, deny_list: Iterable[str] | Mapping[str, Iterable[str]] | None
    ) -> tuple[PhraseMatcher | None, PhraseMatcher | None]:
        whole, parts = _deny_entries(deny_list, self.words)
        if not whole:
            return None, None
        by_whole = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        by_part = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for label, names in whole.items():
            by_whole.add(label, list(self.nlp.tokenizer.pipe(sorted(names))))
        for label, names in parts.items():
            by_part.add(label, list(self.nlp.tokenizer.pipe(sorted(names))))
        return by_whole, by_part

    def _rule_spans(
        self,
        text: str,
        doc: Doc,
        deny: tuple[PhraseMatcher | None, PhraseMatcher | None],
        ordinary: set[str],
    ) -> list[Found]:
        found = [
            Found(m.start(), m.end(), label, "regex")
            for label, pattern in REGEXES
            for m in pattern.finditer(text)
        ]
        strings = self.nlp.vocab.strings
        for match_id, start, end in self.matcher(doc):
            key = strings[match_id]
            if key == "cue":
                start += 1 + (doc[start + 1].text in {",", ":"})
            # A particle ends no name ("Mr Hart de" is "Mr Hart" before a foreign word).
            while end > start and (
                doc[end - 1].is_punct or doc[end - 1].lower_ in self.words["name_particles"]
            ):
                end -= 1
            if end > start:
                found.append(
                    Found(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), "person", key)
                )
        starts = doc.to_array("IDX").tolist()
        found += _school_spans(text, doc, starts, self.words)
        found += _shape_spans(text, self.words, ordinary)
        titles = self.words["titles"]
        for is_part, matcher in enumerate(deny):
            if matcher is None:
                continue
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                # A part alone in lower case is usually an ordinary word ("hill", "grace"), so it
                # counts only after a title ("mrs hart"); whole names count in any case.
                if is_part and span.text.islower() and not _after_title(doc, start, titles):
                    continue
                found.append(Found(span.start_char, span.end_char, strings[match_id], "deny"))
        return found

    def _windows(
        self, text: str, doc: Doc, found: list[Found], ordinary: set[str]
    ) -> list[tuple[int, int]]:
        """Token windows around capitalised words no rule explained: where the model must look.

        ``ordinary``: words seen in lower case in the batch ("Comments", "Replies" start sentences
        but are ordinary words; a name is hardly ever written in lower case), so they need no model.
        """
        covered = [(f.start, f.end) for f in found]
        stop = self.words["not_names"]
        starts = None
        windows: list[tuple[int, int]] = []
        for m in _CANDIDATE.finditer(text):
            lower = m.group(0).lower()
            if lower in stop or lower in STOP_WORDS or lower in ordinary:
                continue
            if any(s <= m.start() < e for s, e in covered):
                continue
            if starts is None:
                starts = doc.to_array("IDX").tolist()
            i = bisect_right(starts, m.start()) - 1
            lo, hi = max(0, i - self.window), min(len(doc), i + self.window + 1)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        return windows

    def _model_spans(
        self, text: str, ents: Iterable, found: list[Found], ordinary: set[str]
    ) -> list[Found]:
        """Model entities kept for redaction, and capitalised sequences the model did not veto."""
        public = self.words["public_orgs"]
        kept: list[Found] = []
        vetoes: list[tuple[int, int]] = []
        stop = self.words["not_names"] | self.words["titles"]
        for start, end, label in ents:
            said = text[start:end]
            if all(w.lower() in stop or w.lower() in STOP_WORDS for w in re.findall(r"\w+", said)):
                continue  # "Email", "Twitter": not a name whatever the model says
            if label == "PERSON":
                kept.append(Found(start, end, "person", "model"))
            elif label == "ORG" and said.lower().removeprefix("the ") not in public:
                # An organisation a complaint names and the word lists do not know as public is
                # usually a school, club or business tied to the people involved; the small model
                # also calls lone given names ("Kerensa was in tears") ORG.
                if _school_shaped(said, self.words):
                    kept.append(Found(start, end, "school", "model"))
                elif " " not in said and _NAME_RE.match(said) and said.lower() not in ordinary:
                    kept.append(Found(start, end, "person", "model"))
                else:
                    kept.append(Found(start, end, "organisation", "model"))
            elif label in _NOT_PERSON or (label == "ORG" and said.lower() in public):
                vetoes.append((start, end))
        shapes = [
            f
            for f in found
            if f.source in _GUESSES and not any(s < f.end and f.start < e for s, e in vetoes)
        ]
        return kept + shapes

    # -- public --------------------------------------------------------------------------------
    def find(
        self,
        texts: Sequence[str],
        deny_list: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
        batch_size: int = 512,
    ) -> list[list[Found]]:
        """Spans to redact in each text, after merging (longest first; see :func:`merge`)."""
        deny = self._deny_matcher(deny_list)
        texts = [t if isinstance(t, str) else "" for t in texts]  # None, NaN: nothing to redact
        docs = list(self.nlp.tokenizer.pipe(texts, batch_size=batch_size))
        ordinary = _lower_case_words(texts)
        rules = [
            self._rule_spans(text, doc, deny, ordinary)
            for text, doc in zip(texts, docs, strict=True)
        ]
        if not self.has_ner:
            return [merge(spans) for spans in rules]
        pieces: list[tuple[int, int]] = []  # (text index, char offset of the window)
        windows: list[Doc] = []
        for i, (text, doc, spans) in enumerate(zip(texts, docs, rules, strict=True)):
            for lo, hi in self._windows(text, doc, spans, ordinary):
                span = doc[lo:hi]
                pieces.append((i, span.start_char))
                windows.append(span.as_doc())
        ents: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        for (i, offset), wdoc in zip(
            pieces, self.nlp.pipe(windows, batch_size=batch_size), strict=True
        ):
            ents[i].extend(
                (offset + e.start_char, offset + e.end_char, e.label_) for e in wdoc.ents
            )
        out = []
        for text, spans, e in zip(texts, rules, ents, strict=True):
            certain = [f for f in spans if f.source == "regex"]
            model = [
                p
                for f in self._model_spans(text, e, spans, ordinary)
                for p in _outside(f, certain, text)
            ]
            out.append(merge([f for f in spans if f.source not in _GUESSES] + model))
        return out

    def redact(
        self,
        texts: Sequence[str],
        deny_list: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
        batch_size: int = 512,
    ) -> list[str]:
        """Each text with its personal data replaced by typed placeholders.

        Texts are first put in Unicode normal form C, so a name typed with combining accents
        ("Zoe" + U+0308, as some PDFs and Macs write it) reads as letters like "Zoë".
        """
        texts = [unicodedata.normalize("NFC", t) if isinstance(t, str) else "" for t in texts]
        return [
            apply(text, spans)
            for text, spans in zip(texts, self.find(texts, deny_list, batch_size), strict=True)
        ]


def _after_title(doc: Doc, i: int, titles: frozenset[str]) -> bool:
    """Whether token ``i`` follows a title, with or without its full stop ("mrs hart", "Dr. hart")."""
    j = i - 1
    if j >= 0 and doc[j].text == ".":
        j -= 1
    return j >= 0 and doc[j].lower_.rstrip(".") in titles


def _lower_case_words(texts: Sequence[str]) -> set[str]:
    """Words written in lower case somewhere in ``texts``, outside emails, URLs and handles."""
    seen: set[str] = set()
    for text in texts:
        for _, pattern in REGEXES[:3]:
            text = pattern.sub(" ", text)
        seen.update(_LOWER_WORD.findall(text))
    return seen


def _outside(span: Found, certain: Sequence[Found], text: str) -> list[Found]:
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
    ranked = sorted(spans, key=lambda f: (-(f.end - f.start), _PRIORITY[f.source], f.start))
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


@lru_cache(maxsize=2)
def redactor(use_model: bool = True) -> Redactor:
    """The shared :class:`Redactor` (model loading and rule compiling happen once per process)."""
    return Redactor(use_model=use_model)


def redact(
    texts: Sequence[str],
    deny_list: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
    use_model: bool = True,
) -> list[str]:
    """Redact personal data in ``texts``, batched through ``nlp.pipe``.

    ``deny_list``: names known to be personal (a list, sorted into schools and people by shape, or a
    mapping placeholder -> names). ``use_model=False`` uses the rules and deny-lists alone.
    """
    return redactor(use_model).redact(list(texts), deny_list)


def deny_list_from_log(frame: pd.DataFrame) -> dict[str, list[str]]:
    """A log's own personal columns as a deny-list: ``staff_name`` -> person, ``school_name`` -> school."""
    out: dict[str, list[str]] = {}
    for column, label in (("staff_name", "person"), ("school_name", "school")):
        if column in frame:
            out[label] = sorted({str(v) for v in frame[column].dropna() if str(v).strip()})
    return out


def redact_log(frame: pd.DataFrame, use_model: bool = True) -> pd.DataFrame:
    """A complaint log safe to share: description redacted, the personal name columns dropped."""
    out = frame.drop(columns=[c for c in ("staff_name", "school_name") if c in frame])
    if "description" in frame:
        texts = frame["description"].fillna("").astype(str).tolist()
        redacted = redact(texts, deny_list_from_log(frame), use_model=use_model)
        out["description"] = pd.Series(redacted, index=frame.index).where(
            frame["description"].notna()
        )
    return out


def leaked_identifiers(
    text: str, identifiers: pd.DataFrame | Iterable[str] | Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Planted identifiers that still appear in ``text``, as (kind, value) pairs; empty means no leak.

    ``identifiers`` is a frame with ``value`` (and ``kind``) columns, such as
    ``complaints.identifiers.csv``, or plain values, or (kind, value) pairs. Matching ignores case
    and treats any run of whitespace as one space, so line breaks in text extracted from a PDF do
    not hide a name; phone numbers are also compared digit for digit.
    """
    if isinstance(identifiers, pd.DataFrame):
        kinds = (
            identifiers["kind"] if "kind" in identifiers else pd.Series("", index=identifiers.index)
        )
        pairs = list(zip(kinds.astype(str), identifiers["value"].astype(str), strict=True))
    else:
        pairs = [(("", v) if isinstance(v, str) else (str(v[0]), str(v[1]))) for v in identifiers]
    flat = " ".join(text.split())
    digits = re.sub(r"\D", "", text)
    leaks: list[tuple[str, str]] = []
    for kind, value in dict.fromkeys(pairs):
        words = value.split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        if value[0].isalnum():
            pattern = r"(?<!\w)" + pattern
        if value[-1].isalnum():
            pattern += r"(?!\w)"
        hit = re.search(pattern, flat, re.IGNORECASE) is not None
        if not hit and kind == "phone":
            number = re.sub(r"\D", "", value)
            hit = len(number) >= 9 and number in digits
        if hit:
            leaks.append((kind, value))
    return leaks


def _not_utf8(path: Path | None, exc: UnicodeDecodeError) -> str:
    """One line saying why a file cannot be read, instead of a traceback."""
    where = "standard input" if path is None else str(path)
    byte = exc.object[exc.start]
    return (
        f"{where}: not UTF-8 text (byte 0x{byte:02x} at position {exc.start}); "
        "a binary file, or text saved in another encoding (re-save it as UTF-8)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis redact",
        description="Replace names, schools, handles, emails, phones, postcodes and URLs with "
        "placeholders. Plain text is redacted line by line; a complaint log (CSV/XLSX/Parquet, "
        "or --log) has its description column redacted, using its staff_name and school_name "
        "columns as deny-lists, and those two columns dropped.",
    )
    parser.add_argument(
        "file", nargs="?", default="-", help="text file or complaint log; - for stdin"
    )
    parser.add_argument("--log", action="store_true", help="treat FILE as a complaint log")
    parser.add_argument(
        "--deny", action="append", default=[], metavar="NAME", help="a name to redact (repeatable)"
    )
    parser.add_argument("--no-model", action="store_true", help="rules and deny-lists only")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)

    path = None if args.file == "-" else Path(args.file)
    if path is not None and not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    is_log = args.log or (path is not None and path.suffix.lower() in {".csv", ".xlsx", ".parquet"})
    if is_log:
        if path is None:
            print("error: a complaint log must be given as a file, not stdin", file=sys.stderr)
            return 2
        from analysis.log.reader import NotAComplaintLog, read_log

        try:
            raw = read_log(path)
        except NotAComplaintLog as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        frame = redact_log(raw.frame, use_model=not args.no_model)
        from analysis.log.export import csv_text  # formula-safe, CR quoted

        result = csv_text(frame)
    else:
        try:
            text = sys.stdin.read() if path is None else path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            print(f"error: {_not_utf8(path, exc)}", file=sys.stderr)
            return 2
        lines = text.split("\n")
        result = "\n".join(redact(lines, args.deny or None, use_model=not args.no_model))
    if args.output:
        args.output.write_text(result, encoding="utf-8")
    else:
        sys.stdout.write(result)
    return 0
