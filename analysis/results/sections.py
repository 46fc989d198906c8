"""The findings sections of the results model, built from the measures' tables.

Each function takes what :mod:`analysis.measures` (and :mod:`analysis.rules`) computed and only
reshapes and rounds it (:mod:`analysis.results.convert`); no statistic is computed here.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.measures.capture_recapture import (
    DEPENDENCE_ODDS_RATIOS,
    dependence_note,
    dependence_range,
)
from analysis.measures.capture_recapture import (
    CaptureRecapture as Estimate,
)
from analysis.measures.response_times import KaplanMeier
from analysis.results import convert
from analysis.results.findings import (
    Bar,
    CurvePoint,
    DeadlinePoint,
    LeagueRow,
    MedianSensitivity,
    Month,
    Monthly,
    NotAnswered,
    Outcomes,
    Share,
)
from analysis.results.model import CaptureRecapture, Dependence, Within


def _within_by_group(km: KaplanMeier, by: str, hours: float) -> dict[str, Within]:
    rows = km.within[km.within["hours"] == hours]
    return {str(r[by]): convert.within(r) for r in rows.to_dict("records")}


def outcomes(
    table: pd.DataFrame, removal: KaplanMeier, by: str, pooled_as: dict[str, str] | None = None
) -> list[Outcomes]:
    """Rows of :func:`analysis.measures.outcomes.outcome_table`, with the Kaplan-Meier removal shares
    at 48 hours and 7 days of ``removal`` (a Kaplan-Meier by ``by``; its pooled group is renamed by
    ``pooled_as`` to match the table's)."""
    rename = pooled_as or {}
    day2, week = (
        {rename.get(k, k): v for k, v in _within_by_group(removal, by, h).items()}
        for h in (48.0, 168.0)
    )
    out = []
    for row in table.to_dict("records"):
        n, group = int(row["reported"]), str(row["group"])
        out.append(
            Outcomes(
                group=group,
                reported=n,
                answered=int(row["answered"]),
                **{
                    name: convert.share_of(row, name, n)
                    for name in (
                        "removed",
                        "restricted",
                        "taken_down",
                        "no_breach_found",
                        "other_answer",
                        "not_answered",
                    )
                },
                no_breach_of_answers=convert.share_of(
                    row, "no_breach_of_answers", int(row["answered"])
                ),
                removed_within_48h=day2.get(group) if n else None,
                removed_within_7d=week.get(group) if n else None,
            )
        )
    return out


def league(table: pd.DataFrame) -> list[LeagueRow]:
    """Rows of :func:`analysis.measures.outcomes.removal_league`."""
    rows = []
    for row in table.to_dict("records"):
        day2 = None
        if not pd.isna(row["within_48h_at_risk"]):
            day2 = convert.within(
                {
                    "hours": 48.0,
                    **{k: row[f"within_48h_{k}"] for k in ("share", "lower", "upper")},
                    "at_risk": row["within_48h_at_risk"],
                    "estimable": row["within_48h_estimable"],
                }
            )
        rows.append(
            LeagueRow(
                rank=int(row["rank"]),
                platform=str(row["platform"]),
                reported=int(row["reported"]),
                taken_down=convert.share_of(row, "taken_down", int(row["reported"])),
                removed_within_48h=day2,
            )
        )
    return rows


def _share(count: int, n: int, value: float, lower: float, upper: float) -> Share:
    return Share(
        share=convert.share(value),
        lower=convert.share(lower),
        upper=convert.share(upper),
        count=int(count),
        n=int(n),
    )


def not_answered(waits: dict, as_of: pd.Timestamp) -> NotAnswered:
    """:func:`analysis.measures.outcomes.not_answered_waits`, labelled with the extract date."""
    days = {
        k: None if math.isnan(waits[k]) else round(waits[k], 1)
        for k in ("median_days", "lower_quartile_days", "upper_quartile_days")
    }
    return NotAnswered(
        label=f"not answered by {as_of.day} {as_of:%B %Y}",
        complaints=int(waits["complaints"]),
        **days,
        over_six_months=_share(
            waits["over_six_months"],
            waits["complaints"],
            *(waits[f"over_six_months_{k}"] for k in ("share", "lower", "upper")),
        ),
    )


def monthly(months: pd.DataFrame, peak: dict | None) -> Monthly:
    """:func:`analysis.measures.monthly.monthly_counts` as the model's section."""
    rows = [
        Month(
            month=r["month"],
            complaints=int(r["complaints"]),
            lower=round(float(r["lower"]), 1),
            upper=round(float(r["upper"]), 1),
        )
        for r in months.to_dict("records")
    ]
    if peak is None:
        return Monthly(months=rows, peak_month=None, peak=None, months_at_peak=0)
    return Monthly(
        months=rows,
        peak_month=peak["month"],
        peak=_share(peak["complaints"], peak["total"], peak["share"], peak["lower"], peak["upper"]),
        months_at_peak=peak["tied"],
    )


def median_sensitivity(table: pd.DataFrame) -> list[MedianSensitivity]:
    """Rows of :func:`analysis.measures.answered_only.events_only_medians`."""
    return [
        MedianSensitivity(
            group=str(r["group"]),
            clock=r["clock"],
            reported=int(r["reported"]),
            events=int(r["events"]),
            km_median=convert.median(r["km_median"], r["km_lower"], r["km_upper"]),
            events_only_median_hours=convert.hours(r["events_only_median"]),
        )
        for r in table.to_dict("records")
    ]


def curve(points: pd.DataFrame) -> list[CurvePoint]:
    """Rows of :func:`analysis.measures.curves.curve_points` (shares to 0.000001)."""
    return [
        CurvePoint(
            group=str(r["group"]),
            hours=float(r["hours"]),
            share=convert.share(r["share"]),
            lower=convert.share(r["lower"]),
            upper=convert.share(r["upper"]),
            at_risk=int(r["at_risk"]),
            censored=int(r["censored"]),
        )
        for r in points.to_dict("records")
    ]


def bars(table: pd.DataFrame, dim: str) -> list[Bar]:
    """A :func:`analysis.measures.counts.count_table` by one dimension, as bars (zeros kept)."""
    return [
        Bar(label=str(r[dim]), complaints=int(r["complaints"])) for r in table.to_dict("records")
    ]


def deadlines(table: pd.DataFrame) -> list[DeadlinePoint]:
    """A pooled :func:`analysis.rules.compliance.deadline_sensitivity` table."""
    return [
        DeadlinePoint(
            deadline_hours=float(r["deadline_hours"]),
            complaints=int(r["complaints"]),
            at_risk=int(r["at_risk"]),
            share_within=convert.share(r["share_within"]),
            lower=convert.share(r["lower"]),
            upper=convert.share(r["upper"]),
        )
        for r in table.to_dict("records")
    ]


def _one_decimal(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else round(float(value), 1)


def capture(result: Estimate | str) -> CaptureRecapture:
    """A :func:`analysis.measures.capture_recapture.capture_recapture` result (or the reason it could
    not be computed) with :func:`~analysis.measures.capture_recapture.dependence_range`."""
    if isinstance(result, str):
        return CaptureRecapture(estimate=None, reason=result)
    out = result.to_dict()
    for key in ("estimate", "lower", "upper", "wald_lower", "wald_upper", "se", "unseen"):
        out[key] = _one_decimal(out[key])
    out["variance"] = _one_decimal(out["variance"])
    if out["estimate"] is None:
        out["reason"] = result.warnings[0]
    if math.isinf(result.upper):
        out["upper_reason"] = "no overlap between the logs: the data set no upper limit"
    rows = dependence_range(result)
    out["dependence"] = [
        Dependence(
            odds_ratio=float(r["odds_ratio"]),
            estimate=round(float(r["estimate"]), 1),
            lower=round(float(r["lower"]), 1),
            upper=_one_decimal(float(r["upper"])),
        )
        for r in rows.to_dict("records")
    ]
    out["dependence_note"] = dependence_note(DEPENDENCE_ODDS_RATIOS) if len(rows) else None
    return CaptureRecapture(**out)
