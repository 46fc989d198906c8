"""Measures' numbers into the results model: one rounding rule for every consumer.

Hours are rounded to 0.01, shares to 0.000001, p-values to 3 significant figures: every notebook
and briefing formats the same stored digits, and they are fine enough that the formatting's own
rounding (whole percentages, whole hours) is the only one that shows. With shares stored to 0.0001,
31 percentages of the sample printed one point off: a bound of 30.503% was stored as 0.305 and
printed "30%".
NaN never leaves this module: it becomes null (with a reason where the model has one), and an
infinite median becomes "not reached".
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.results.findings import Share
from analysis.results.model import LogRank, Median, Within

NOT_REACHED = "not reached"


def hours(value: float | None) -> float | str | None:
    """Hours to 0.01; inf (a median the curve never reaches) as "not reached"; NaN as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if math.isinf(value):
        return NOT_REACHED
    return round(float(value), 2)


def share(value: float | None) -> float | None:
    """A proportion to 0.000001 (NaN as None)."""
    return None if value is None or math.isnan(value) else round(float(value), 6)


def sig(value: float, digits: int = 3) -> float:
    """A p-value (or any positive figure) to ``digits`` significant figures."""
    return float(f"{value:.{digits}g}")


def median(estimate: float, lower: float, upper: float) -> Median:
    return Median(estimate=hours(estimate), lower=hours(lower), upper=hours(upper))


def within(row: pd.Series | dict) -> Within:
    """One row of :attr:`KaplanMeier.within` (share, lower, upper, at_risk, estimable, hours)."""
    return Within(
        share=share(row["share"]),
        lower=share(row["lower"]),
        upper=share(row["upper"]),
        at_risk=int(row["at_risk"]),
        reason=None
        if row["estimable"]
        else f"no complaint was followed for {row['hours']:g} hours before the extract date",
    )


def share_of(row: pd.Series | dict, name: str, n: int) -> Share:
    """The ``name`` count of an outcome table row with its ``name_share/_lower/_upper`` columns."""
    return Share(
        share=share(row[f"{name}_share"]),
        lower=share(row[f"{name}_lower"]),
        upper=share(row[f"{name}_upper"]),
        count=int(row[name]),
        n=int(n),
    )


def logrank(test: dict | None) -> LogRank | None:
    if test is None:
        return None
    return LogRank(
        test_statistic=round(test["test_statistic"], 2),
        degrees_of_freedom=int(test["degrees_of_freedom"]),
        p_value=sig(test["p_value"]),
        groups=[str(g) for g in test["groups"]],
    )
