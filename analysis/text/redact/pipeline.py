"""The redaction pipeline: regexes, token rules, deny-lists, the NER model and the last-resort shapes."""

from __future__ import annotations

import re
import unicodedata
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from analysis.text.nlp import installed_model, load
from analysis.text.redact.matcher import build_matcher, word_lists
from analysis.text.redact.shapes import (
    CANDIDATE,
    GUESSES,
    LOWER_WORD,
    NAME_RE,
    NOT_PERSON,
    REGEXES,
)
from analysis.text.redact.spans import (
    Found,
    apply,
    deny_entries,
    merge,
    parts_outside,
    school_shaped,
    school_spans,
    shape_spans,
)


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
        self.words = word_lists()
        self.matcher = build_matcher(self.nlp.vocab, self.words)
        self.window = window

    # -- layers --------------------------------------------------------------------------------
    def _deny_matcher(
        self, deny_list: Iterable[str] | Mapping[str, Iterable[str]] | None
    ) -> tuple[PhraseMatcher | None, PhraseMatcher | None]:
        whole, parts = deny_entries(deny_list, self.words)
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
        found += school_spans(text, doc, starts, self.words)
        found += shape_spans(text, self.words, ordinary)
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
        for m in CANDIDATE.finditer(text):
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
                if school_shaped(said, self.words):
                    kept.append(Found(start, end, "school", "model"))
                elif " " not in said and NAME_RE.match(said) and said.lower() not in ordinary:
                    kept.append(Found(start, end, "person", "model"))
                else:
                    kept.append(Found(start, end, "organisation", "model"))
            elif label in NOT_PERSON or (label == "ORG" and said.lower() in public):
                vetoes.append((start, end))
        shapes = [
            f
            for f in found
            if f.source in GUESSES and not any(s < f.end and f.start < e for s, e in vetoes)
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
                for p in parts_outside(f, certain, text)
            ]
            out.append(merge([f for f in spans if f.source not in GUESSES] + model))
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
        seen.update(LOWER_WORD.findall(text))
    return seen


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
