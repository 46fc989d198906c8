"""Complaints by month received, and the month with most of them.

A briefing names the peak month and its share of all complaints ("44% of complaints fell in
November 2021"): a spike like that changes how every other figure reads (one month's campaign, not a
steady rate), so it is computed here once rather than spotted in a chart.
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.counts import count_table
from analysis.measures.intervals import wilson


def monthly_counts(log: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, object] | None]:
    """Complaints per month received (zeros included, exact Poisson 95% CI) and the peak month.

    Returns the table (month as "YYYY-MM", complaints, lower, upper) and the peak: month,
    complaints, total, share (of all complaints) with its Wilson 95% lower/upper (None for an empty
    log). On a tie the earliest month is the peak, and ``tied`` says how many months share the
    peak count, so a template can say "one of".
    """
    table = count_table(log, "month")
    months = pd.DataFrame(
        {
            "month": pd.DatetimeIndex(table["month"]).strftime("%Y-%m"),
            "complaints": table["complaints"].astype("int64"),
            "lower": table["complaints_lower"],
            "upper": table["complaints_upper"],
        }
    )
    if months.empty or months["complaints"].max() == 0:
        return months, None
    top = int(months["complaints"].max())
    first = months[months["complaints"] == top].iloc[0]
    total = int(months["complaints"].sum())
    lower, upper = wilson(top, total)
    peak = {
        "month": str(first["month"]),
        "complaints": top,
        "total": total,
        "share": top / total,
        "lower": lower,
        "upper": upper,
        "tied": int((months["complaints"] == top).sum()),
    }
    return months, peak
