"""Redaction of a complaint log's free text, with its own personal columns as deny-lists, and the leak check."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from analysis.text.redact.pipeline import redact


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
