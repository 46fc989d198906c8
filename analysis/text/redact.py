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
4. the statistical NER model on top (PERSON; ORG when it is a school or holds a person's name),
   run only on windows around capitalised words that no rule has explained, which keeps 10,000
   descriptions within seconds;
5. capitalised two- or three-word sequences as a last resort, when the model has not said they are
   a place or an organisation.

Overlapping spans are merged, longest first, and replaced with typed placeholders such as
``[person]``. The word lists live in ``data/text/redaction.yaml``.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
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
_REGEXES: tuple[tuple[str, re.Pattern[str]], ...] = (
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
        re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?|\bu/[\w-]{3,}"),
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

# Rank of each source when two spans of equal length overlap: lower wins.
_PRIORITY = {"regex": 0, "deny": 1, "school": 2, "title": 3, "cue": 4, "model": 5, "shape": 6}
# A token that looks like part of a name: capitalised with a lower-case letter (McDonald, O'Neill).
_NAME_SHAPE = r"^[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*$"
_NAME_RE = re.compile(_NAME_SHAPE)
_INITIAL = r"^[A-Z]\.?$"


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
    """Token rules for titles, cue words and school shapes (see the module docstring)."""
    matcher = Matcher(vocab)
    titles = sorted(words["titles"] | {t + "." for t in words["titles"]})
    name, name_opt = _name_token(words), _name_token(words, "?")
    hyphen = {"ORTH": "-", "OP": "?"}
    matcher.add(
        "title",
        [
            [
                {"LOWER": {"IN": titles}},
                {"ORTH": ".", "OP": "?"},
                {"TEXT": {"REGEX": _INITIAL}, "OP": "*"},
                name,
                hyphen,
                name_opt,
                hyphen,
                name_opt,
            ]
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
                name_opt,
                hyphen,
                name_opt,
            ]
        ],
        greedy="LONGEST",
    )
    school_words = {
        "st",
        "saint",
        "catholic",
        "church",
        "our",
        "holy",
        "christ",
        "sir",
        "king",
        "queen",
    }
    first_stop = sorted((words["not_names"] - school_words) | words["school_heads"])
    connectors = "|".join(re.escape(w) for w in sorted(words["school_inner"]))
    inner = rf"^(?:[A-Z][A-Za-z'’.-]*|\d+(?:st|nd|rd|th)?|{connectors})$"
    heads = sorted(h for h in words["school_heads"] if " " not in h)
    matcher.add(
        "school",
        [
            [
                {
                    "TEXT": {"REGEX": r"^(?:St\.?|[A-Z][A-Za-z'’-]*)$"},
                    "LOWER": {"NOT_IN": first_stop},
                },
                {"OP": "*", "TEXT": {"REGEX": inner}},
                {"LOWER": {"IN": heads}},
            ]
        ],
        greedy="LONGEST",
    )
    matcher.add("shape", [[name, name, name_opt]], greedy="LONGEST")
    return matcher


def _school_start(doc: Doc, start: int, end: int, words: Mapping[str, frozenset[str]]) -> int:
    """Where a school name matched by shape really starts: after the last connector that is not
    part of the name ("Mr Jon Hill of Oakfield Academy" -> "Oakfield Academy"; but "St Mary's
    Church of England Primary" and "C of E" keep their "of")."""
    for i in range(end - 2, start, -1):
        word = doc[i].lower_
        if word in words["school_inner"] and word not in {"'s", "’s", "-"}:
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
    """Deny-list names -> (whole names matched ignoring case, parts matched with their capitals).

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
    generic = words["not_names"] | words["titles"] | words["school_heads"] | words["school_inner"]
    whole: dict[str, set[str]] = {}
    parts: dict[str, set[str]] = {}
    for label, name in items:
        name = " ".join(name.split())
        if not name or name.lower() in {"nan", "none"}:
            continue
        whole.setdefault(label, set()).add(name)
        pieces = re.findall(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]", name)
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

    def __init__(self, use_model: bool = True, window: int = 6) -> None:
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
        by_lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        by_orth = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for label, names in whole.items():
            by_lower.add(label, list(self.nlp.tokenizer.pipe(sorted(names))))
        for label, names in parts.items():
            by_orth.add(label, list(self.nlp.tokenizer.pipe(sorted(names))))
        return by_lower, by_orth

    def _rule_spans(
        self, doc: Doc, deny: tuple[PhraseMatcher | None, PhraseMatcher | None]
    ) -> list[Found]:
        found = [
            Found(m.start(), m.end(), label, "regex")
            for label, pattern in _REGEXES
            for m in pattern.finditer(doc.text)
        ]
        strings = self.nlp.vocab.strings
        for match_id, start, end in self.matcher(doc):
            key = strings[match_id]
            if key == "cue":
                start += 1 + (doc[start + 1].text in {",", ":"})
            elif key == "school":
                start = _school_start(doc, start, end, self.words)
            while end > start and doc[end - 1].is_punct:
                end -= 1
            if end > start:
                label = "school" if key == "school" else "person"
                found.append(
                    Found(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label, key)
                )
        for matcher in deny:
            if matcher is None:
                continue
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                found.append(Found(span.start_char, span.end_char, strings[match_id], "deny"))
        return found

    def _windows(self, doc: Doc, found: list[Found]) -> list[tuple[int, int]]:
        """Token windows around capitalised words that no rule explained: where the model must look."""
        covered = [(f.start, f.end) for f in found if f.source != "shape"]
        stop = self.words["not_names"]
        windows: list[tuple[int, int]] = []
        for token in doc:
            if not (_NAME_RE.match(token.text) or (token.is_upper and len(token) > 1)):
                continue
            if token.lower_ in stop or token.lower_ in STOP_WORDS:
                continue
            if any(s <= token.idx < e for s, e in covered):
                continue
            lo, hi = max(0, token.i - self.window), min(len(doc), token.i + self.window + 1)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        return windows

    def _model_spans(self, doc: Doc, ents: Iterable, found: list[Found]) -> list[Found]:
        """Model entities kept for redaction, and capitalised sequences the model did not veto."""
        public = self.words["public_orgs"]
        person_words = {
            w
            for f in found
            if f.label == "person"
            for w in re.findall(r"[A-Za-z'’-]+", doc.text[f.start : f.end])
        }
        kept: list[Found] = []
        vetoes: list[tuple[int, int]] = []
        for start, end, label in ents:
            text = doc.text[start:end]
            if label == "PERSON":
                kept.append(Found(start, end, "person", "model"))
                person_words.update(re.findall(r"[A-Za-z'’-]+", text))
            elif label == "ORG" and text.lower().removeprefix("the ") not in public:
                if _school_shaped(text, self.words):
                    kept.append(Found(start, end, "school", "model"))
                elif person_words & set(re.findall(r"[A-Za-z'’-]+", text)):
                    kept.append(Found(start, end, "organisation", "model"))
                else:
                    vetoes.append((start, end))
            else:
                vetoes.append((start, end))
        shapes = [
            f
            for f in found
            if f.source == "shape" and not any(s < f.end and f.start < e for s, e in vetoes)
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
        docs = [self.nlp.make_doc(t or "") for t in texts]
        rules = [self._rule_spans(doc, deny) for doc in docs]
        if not self.has_ner:
            return [merge(spans) for spans in rules]
        pieces: list[tuple[int, int]] = []  # (text index, char offset of the window)
        windows: list[Doc] = []
        for i, (doc, spans) in enumerate(zip(docs, rules, strict=True)):
            for lo, hi in self._windows(doc, spans):
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
        return [
            merge([f for f in spans if f.source != "shape"] + self._model_spans(doc, e, spans))
            for doc, spans, e in zip(docs, rules, ents, strict=True)
        ]

    def redact(
        self,
        texts: Sequence[str],
        deny_list: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
        batch_size: int = 512,
    ) -> list[str]:
        """Each text with its personal data replaced by typed placeholders."""
        return [
            apply(text or "", spans)
            for text, spans in zip(texts, self.find(texts, deny_list, batch_size), strict=True)
        ]


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
        result = frame.to_csv(index=False)
    else:
        text = sys.stdin.read() if path is None else path.read_text(encoding="utf-8")
        lines = text.split("\n")
        result = "\n".join(redact(lines, args.deny or None, use_model=not args.no_model))
    if args.output:
        args.output.write_text(result, encoding="utf-8")
    else:
        sys.stdout.write(result)
    return 0
