"""Abuse categories from a complaint's free text, and where they disagree with the coded ones.

A log's coded categories are typed by a person in a hurry and are sometimes wrong; the description
usually says what happened. Tagging descriptions with the contract's categories lets an analyst see
where the two disagree and fix a miscoded row.

Why patterns and not a trained classifier: the only labelled text we have is synthetic, and a model
trained on it would learn the generator's sentences, not abuse; patterns written from the category
definitions are readable, editable by a research officer (``data/text/categories.yaml``), and fast.
Why regular expressions on lower-cased sentences rather than spaCy lemmas: lemmas need the tagger
(spacy-lookups-data is not installed, and the model's lemmatizer needs POS tags), which would triple
the cost per description; stems in the patterns (``threat\\w*``) cover the inflections that matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.config import DATA_DIR
from analysis.log.allowed_values import CATEGORIES

PATTERNS_FILE: Path = DATA_DIR / "text" / "categories.yaml"

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[\"'(])")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """One alternation with a named group per category (one scan of each text, not nine)."""
    raw = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    unknown = set(raw) - set(CATEGORIES) - {"negations"}
    if unknown:
        raise ValueError(f"{PATTERNS_FILE.name}: not contract categories: {sorted(unknown)}")
    groups = [
        f"(?P<c{i}>" + "|".join(raw[category]) + ")"
        for i, category in enumerate(CATEGORIES)
        if raw.get(category)
    ]
    combined = re.compile(r"\b(?:" + "|".join(groups) + r")\b")
    negations = raw.get("negations") or []
    return combined, re.compile("|".join(negations)) if negations else None


def _without_addresses(text: str) -> str:
    """Text without URLs, handles and emails: "@burn_book" names an account, it does not threaten."""
    from analysis.text.redact import REGEXES

    for kind, pattern in REGEXES:
        if kind in {"url", "handle", "email"}:
            text = pattern.sub(" ", text)
    return text


def categorise_one(text: str) -> set[str]:
    """Categories one description expresses; "other" when abuse is described but fits no category.

    Matching is per sentence, on lower-cased text: a sentence that only mocks ("makes fun of the
    clothes she wears") adds "other" even when other sentences name a category, and a negated
    sentence ("no threat was made") adds nothing.
    """
    combined, negation = _patterns()
    other = f"c{CATEGORIES.index('other')}"
    found: set[str] = set()
    other_sentence = False
    for sentence in _SENTENCE.split(_without_addresses(text or "")):
        lowered = sentence.lower()
        if negation and negation.search(lowered):
            continue
        hits = {m.lastgroup for m in combined.finditer(lowered)}
        named = {CATEGORIES[int(g[1:])] for g in hits if g != other}
        found |= named
        other_sentence |= other in hits and not named
    if other_sentence or (not found and (text or "").strip()):
        found.add("other")
    return found


def categorise(texts: Sequence[str]) -> list[set[str]]:
    """Categories each text expresses (sets of contract categories, see ``CATEGORIES``)."""
    return [categorise_one(t) for t in texts]


def _split(value: object) -> set[str]:
    return {c for c in str(value).split(";") if c} if isinstance(value, str) else set()


def compare_coded(frame: pd.DataFrame, redacted: Sequence[str] | None = None) -> pd.DataFrame:
    """Coded vs text-derived categories per complaint, for fixing a miscoded log.

    Columns: complaint_id, coded, from_text, only_coded (coded but not in the text),
    only_text (in the text but not coded), agree, and ``description`` holding the REDACTED text
    (``redacted`` if given, else redacted here with the log's own name columns as deny-lists):
    the original description never leaves this function.
    """
    texts = frame["description"].fillna("").astype(str).tolist()
    if redacted is None:
        from analysis.text.redact import deny_list_from_log, redact

        redacted = redact(texts, deny_list_from_log(frame))
    derived = categorise(texts)
    order = {c: i for i, c in enumerate(CATEGORIES)}

    def join(values: set[str]) -> str:
        return ";".join(sorted(values, key=order.__getitem__))

    rows = []
    for cid, coded_raw, found, shown in zip(
        frame["complaint_id"], frame["categories"], derived, redacted, strict=True
    ):
        coded = _split(coded_raw)
        rows.append(
            {
                "complaint_id": cid,
                "coded": join(coded),
                "from_text": join(found),
                "only_coded": join(coded - found),
                "only_text": join(found - coded),
                "agree": coded == found,
                "description": shown,
            }
        )
    return pd.DataFrame(rows)


def disagreement_counts(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per category: complaints coded with it but not found in the text, and the reverse."""
    rows = []
    for category in CATEGORIES:
        rows.append(
            {
                "category": category,
                "coded_not_in_text": int(
                    comparison["only_coded"].map(_split).map(lambda s, c=category: c in s).sum()
                ),
                "in_text_not_coded": int(
                    comparison["only_text"].map(_split).map(lambda s, c=category: c in s).sum()
                ),
            }
        )
    return pd.DataFrame(rows)
