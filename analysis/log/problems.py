"""The problems validation finds, one line per (row, column, reason), and the raw cell beside each.

Kept apart from the checks (:mod:`analysis.log.validate`, :mod:`analysis.log.timeline`) because it
is the rejected-rows contract itself: which reasons exist, in what order, and how a cell is shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Problem code -> the short label used when counting rejections (listed in this order per row).
REASONS: dict[str, str] = {
    "malformed_row": "row does not fit the header (more fields)",
    "duplicate_id": "duplicate complaint id",
    "missing_required": "required field is empty",
    "unknown_value": "value not in the allowed list",
    "bad_date": "not a readable date",
    "us_date": "US-style (month-first) date",
    "ambiguous_date": "ambiguous date",
    "before_2000": "date before 2000 (a typo in the year?)",
    "after_extract": "date after the extract date",
    "report_before_received": "reported by the organisation before it received the complaint",
    "response_before_report": "platform answered before the report to it",
    "removal_before_report": "content came down before the report to the platform",
    "outcome_contradiction": "outcome contradicts the timestamps",
}

PROBLEM_COLUMNS = ["source_row", "complaint_id", "column", "code", "reason", "value"]


def as_read(raw: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Arrow text columns (see :func:`read_log`'s ``arrow_text``) as Python strings, empty cells None:
    rejected rows and their values then read the same however the log was read."""
    if isinstance(raw, pd.Series):
        if not isinstance(raw.dtype, pd.ArrowDtype):
            return raw
        return pd.Series(raw.to_numpy(dtype=object, na_value=None), index=raw.index, name=raw.name)
    out = raw.copy()
    for name in raw.columns:
        out[name] = as_read(raw[name])
    return out


def _cell_text(values: pd.Series) -> np.ndarray:
    """Raw cells as the text shown beside a problem: an empty cell (None, NaN) shows as ''."""
    cells = as_read(values)
    return cells.astype(object).where(cells.notna(), "").astype(str).to_numpy()


class Problems:
    """Collects problems as small frames, one per check, so that 1M-row logs stay vectorised."""

    def __init__(self, raw: pd.DataFrame, ids: pd.Series) -> None:
        self.raw = raw
        self.ids = ids
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, code: str, reason: str | pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        index = mask.index[mask]
        reasons = reason[mask] if isinstance(reason, pd.Series) else reason
        self.parts.append(
            pd.DataFrame(
                {
                    "source_row": index,
                    "complaint_id": self.ids[mask].to_numpy(),
                    "column": column,
                    "code": code,
                    "reason": reasons,
                    "value": _cell_text(self.raw[column][mask]) if column in self.raw else "",
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS).astype({"source_row": int})
        out = pd.concat(self.parts, ignore_index=True)
        order = {code: i for i, code in enumerate(REASONS)}
        return (
            out.assign(_o=out["code"].map(order))
            .sort_values(["source_row", "_o"], kind="stable")
            .drop(columns="_o")
            .reset_index(drop=True)[PROBLEM_COLUMNS]
        )
