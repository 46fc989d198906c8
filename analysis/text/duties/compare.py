"""Extracted duties set beside the rules catalogue: the same instrument and provision, and where they differ."""

from __future__ import annotations

import re

import pandas as pd

# --- beside the rules catalogue ---------------------------------------------------------------

_REF = re.compile(r"(?:s\.|Art\.|§)\s*\d+[A-Z]*(?:\s*\(\w+\))*(?:\s+no\.\s*\d+)?")
_COMPARED = ("event", "clock_starts", "deadline_hours")


def _norm_ref(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("no.", " no.")


def _instrument_words(text: str) -> tuple[set[str], set[str]]:
    """(significant words, years and EU numbers) of an instrument's name."""
    numbers = set(re.findall(r"\b\d{4}/\d+\b|\b(?:19|20)\d\d\b", text))
    words = {
        w
        for w in re.findall(r"[a-zà-ÿ]{3,}", text.lower())
        if w not in {"the", "and", "for", "act", "regulation", "amended", "with", "code"}
    }
    return words, numbers


def same_instrument(extracted: str, catalogued: str) -> bool:
    """Whether two names denote the same instrument: a year or EU number in common and most of
    the extracted name's words in the catalogue's ("Online Safety Act 2023" and "Online Safety Act
    2023 (c. 50)" do; "Online Safety Act 2021 (Cth)" does not)."""
    words_a, numbers_a = _instrument_words(extracted)
    words_b, numbers_b = _instrument_words(catalogued)
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        return False
    return bool(words_a) and len(words_a & words_b) / len(words_a) >= 0.6


def compare_with_rules(duties: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Extracted duties beside the catalogue's rules, with the fields that differ.

    ``rules``: :func:`analysis.rules.catalogue.rules_frame` (rule_id, instrument, provision,
    status, event, clock_starts, deadline_hours, deadline_words). Proposed options are left out
    (no statute to read them from), and so are rules of instruments none of the texts is. A duty
    pairs with a rule whose provision cites it ("s.10(3)(b) (and s.10(3)(a))" cites two); when no
    duty has the exact number, the rule's section or article takes every duty inside it.

    One row per pair, plus a row per rule with no duty found ("not found in the text") and per
    duty no rule covers ("not in the catalogue"); ``differences`` names the fields that disagree.
    """
    real = rules[rules["status"] != "proposed option"]
    rows: list[dict] = []
    paired: set[str] = set()
    for rule in real.itertuples(index=False):
        mine = duties[[same_instrument(i, rule.instrument) for i in duties["instrument"]]]
        if mine.empty:
            continue
        refs = [_norm_ref(r) for r in _REF.findall(rule.provision)]
        provisions = mine["provision"].map(_norm_ref)
        hit = mine[provisions.isin(refs)]
        if hit.empty:
            inside = provisions.map(
                lambda p, refs=refs: any(p.startswith((r + "(", r + " ")) for r in refs)
            )
            hit = mine[inside]
        if hit.empty:
            rows.append(
                {
                    "rule_id": rule.rule_id,
                    "provision": rule.provision,
                    "differences": "not found in the text",
                }
            )
            continue
        for duty in hit.itertuples(index=False):
            paired.add(duty.id)
            differ = [
                name for name in _COMPARED if not _same(getattr(rule, name), getattr(duty, name))
            ]
            rows.append(
                {
                    "rule_id": rule.rule_id,
                    "duty_id": duty.id,
                    "provision": duty.provision,
                    "catalogue_event": rule.event,
                    "text_event": duty.event,
                    "catalogue_clock": rule.clock_starts,
                    "text_clock": duty.clock_starts,
                    "catalogue_hours": rule.deadline_hours,
                    "text_hours": duty.deadline_hours,
                    "catalogue_words": rule.deadline_words,
                    "text_words": duty.deadline_words,
                    "differences": ", ".join(differ) if differ else "agree",
                }
            )
    for duty in duties[~duties["id"].isin(paired)].itertuples(index=False):
        rows.append(
            {
                "duty_id": duty.id,
                "provision": duty.provision,
                "text_event": duty.event,
                "text_clock": duty.clock_starts,
                "text_hours": duty.deadline_hours,
                "text_words": duty.deadline_words,
                "differences": "not in the catalogue",
            }
        )
    columns = [
        "rule_id", "duty_id", "provision", "catalogue_event", "text_event", "catalogue_clock",
        "text_clock", "catalogue_hours", "text_hours", "catalogue_words", "text_words", "differences",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _same(a: object, b: object) -> bool:
    missing_a = a is None or (isinstance(a, float) and pd.isna(a)) or a == ""
    missing_b = b is None or (isinstance(b, float) and pd.isna(b)) or b == ""
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-6
    return str(a) == str(b)
