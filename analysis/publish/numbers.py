"""Numbers as the briefings print them, in the GSS style.

Commas for thousands, whole percentages, intervals written "x to y"; a value that could not be
computed prints ``[x]``, never ``nan``. Kept apart from the tables so that disclosure control
(:mod:`analysis.publish.release`) formats a count or a share exactly as a table would.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.publish.disclosure import NOT_AVAILABLE

NOT_REACHED = "not reached"


def fmt_count(n: float | None) -> str:
    """12345 -> "12,345"."""
    return NOT_AVAILABLE if n is None else f"{round(n):,}"


def fmt_pct(share: float | None) -> str:
    """A proportion 0-1 as a whole percentage: 0.4567 -> "46%"."""
    return NOT_AVAILABLE if share is None else f"{share * 100:.0f}%"


def fmt_share_ci(entry: Mapping[str, object] | None) -> str:
    """{share, lower, upper} -> "46% (95% CI 38% to 53%)"."""
    if not entry or entry.get("share") is None:
        return NOT_AVAILABLE
    return (
        f"{fmt_pct(entry['share'])} (95% CI {fmt_pct(entry['lower'])} to {fmt_pct(entry['upper'])})"
    )


def fmt_hours(hours: float | str | None) -> str:
    """Hours as people say them: under three days in hours, longer in days (one decimal).

    "not reached" (a Kaplan-Meier median the curve never got to) is kept as words.
    """
    if hours is None:
        return NOT_AVAILABLE
    if hours == NOT_REACHED:
        return NOT_REACHED
    hours = float(hours)
    if hours < 72:
        return f"{hours:.0f} hours" if round(hours) != 1 else "1 hour"
    return f"{hours / 24:.1f} days"


def fmt_median_ci(median: Mapping[str, object] | None) -> str:
    """{estimate, lower, upper} hours -> "31 hours (95% CI 25 hours to 2.1 days)"."""
    if not median or median.get("estimate") is None:
        return NOT_AVAILABLE
    est, lo, hi = (median[k] for k in ("estimate", "lower", "upper"))
    if est == NOT_REACHED:
        return f"{NOT_REACHED} (more than half still waiting at the extract date)"
    upper = "beyond the extract date" if hi in (None, NOT_REACHED) else fmt_hours(hi)
    return f"{fmt_hours(est)} (95% CI {fmt_hours(lo)} to {upper})"


def fmt_p(p: float | None) -> str:
    """A p-value as a reader needs it: "p < 0.001" rather than "7.76e-05"."""
    if p is None:
        return NOT_AVAILABLE
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_date(value: object) -> str:
    """2022-03-31 -> "31 March 2022" (GOV.UK date style)."""
    return pd.Timestamp(value).strftime("%-d %B %Y")
