"""The results model, part 2: the findings the briefings need beyond the headline/1 layout, and
:class:`Results`, the whole model (schema "headline/2").

Counts here are raw: publication-level suppression of small counts happens in
:mod:`analysis.publish` when a table is printed, never here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from analysis.results.fields import STRICT, figure
from analysis.results.model import (
    CaptureRecapture,
    LogRank,
    Median,
    Platform,
    Provenance,
    RuleRow,
    Totals,
    Within,
)

OUT = "analysis.measures.outcomes.outcome_table"


class Share(BaseModel):
    """A share of a count (proportion 0-1) with its Wilson 95% interval."""

    model_config = STRICT
    share: float | None = figure("count / n (null when n is 0).")
    lower: float | None = figure("Lower Wilson 95% bound.")
    upper: float | None = figure("Upper Wilson 95% bound.")
    count: int = figure("The count.")
    n: int = figure("The denominator.")


class Outcomes(BaseModel):
    """What became of the complaints of one group reported before the extract date."""

    model_config = STRICT
    group: str = figure("Platform, or who reported, or 'All platforms' / 'Everyone'.")
    reported: int = figure("Complaints reported to the platform before the extract date.")
    removed: Share = figure("Content removed by the extract date, share of reported.", OUT)
    restricted: Share = figure("Access restricted by the extract date, share of reported.", OUT)
    taken_down: Share = figure("Removed or restricted, share of reported.", OUT)
    no_breach_found: Share = figure("Answered 'no breach found', share of reported.", OUT)
    other_answer: Share = figure(
        "Answered, but no removal by the extract date and no 'no breach' decision recorded.", OUT
    )
    not_answered: Share = figure("Not answered by the extract date, share of reported.", OUT)
    answered: int = figure("Complaints answered by the extract date.", OUT)
    no_breach_of_answers: Share = figure("'No breach found' as a share of the answers.", OUT)
    removed_within_48h: Within | None = figure(
        "Kaplan-Meier share removed or restricted within 48 hours.",
        "analysis.measures.response_times.kaplan_meier",
    )
    removed_within_7d: Within | None = figure(
        "Kaplan-Meier share removed or restricted within 7 days.",
        "analysis.measures.response_times.kaplan_meier",
    )


class LeagueRow(BaseModel):
    model_config = STRICT
    rank: int = figure("Position by share taken down (1: highest); equal shares share a rank.")
    platform: str = figure("Platform.")
    reported: int = figure("Complaints reported to it before the extract date.")
    taken_down: Share = figure("Removed or restricted by the extract date, share of reported.")
    removed_within_48h: Within | None = figure(
        "Kaplan-Meier share taken down within 48 hours.",
        "analysis.measures.response_times.kaplan_meier",
    )


class NotAnswered(BaseModel):
    """How long the complaints not answered by the extract date had waited by then."""

    model_config = STRICT
    label: str = figure("Their name in print: 'not answered by <extract date>'.")
    complaints: int = figure("Complaints not answered by the extract date.")
    median_days: float | None = figure("Median days from the report to the extract date.")
    lower_quartile_days: float | None = figure("25th percentile of those days.")
    upper_quartile_days: float | None = figure("75th percentile of those days.")
    over_six_months: Share = figure("Share of them waiting more than 182.5 days.")


class Month(BaseModel):
    model_config = STRICT
    month: str = figure("Month received (YYYY-MM).")
    complaints: int = figure("Complaints received in the month.")
    lower: float = figure("Lower exact Poisson 95% bound.")
    upper: float = figure("Upper exact Poisson 95% bound.")


class Monthly(BaseModel):
    model_config = STRICT
    months: list[Month] = figure(
        "Complaints by month received, zeros included.", "analysis.measures.counts.count_table"
    )
    peak_month: str | None = figure("The month with most complaints (earliest on a tie).")
    peak: Share | None = figure("The peak month's complaints as a share of all complaints.")
    months_at_peak: int = figure("Months with the peak count (more than 1: a tie).")


class MedianSensitivity(BaseModel):
    """A median counting only complaints with the event (as platforms publish) beside our estimate."""

    model_config = STRICT
    group: str = figure("Platform or 'All platforms'.")
    clock: str = figure("'response' or 'removal'.")
    reported: int = figure("Complaints reported (the Kaplan-Meier base).")
    events: int = figure("Of which with the event by the extract date (the answered-only base).")
    km_median: Median = figure(
        "Kaplan-Meier median hours, censored complaints counted.",
        "analysis.measures.response_times.kaplan_meier",
    )
    events_only_median_hours: float | None = figure(
        "Median hours among complaints with the event only (the DSA-style figure)."
    )


class CurvePoint(BaseModel):
    model_config = STRICT
    group: str = figure("Platform or 'All platforms'.")
    hours: float = figure("Hours since the report.")
    share: float = figure("Share with the event by then: 1 - Kaplan-Meier S(t).")
    lower: float = figure("Lower 95% bound.")
    upper: float = figure("Upper 95% bound.")
    at_risk: int = figure(
        "Complaints still waiting at that time (curves stop below the threshold)."
    )
    censored: int = figure(
        "Waits that ended unanswered at the extract date since the previous point (| marks)."
    )


class Bar(BaseModel):
    model_config = STRICT
    label: str = figure("The bar's label (category, nation, phase or role).")
    complaints: int = figure("Complaints (a complaint counts once under each of its categories).")


class DeadlinePoint(BaseModel):
    model_config = STRICT
    deadline_hours: float = figure("A possible deadline, hours after the report.")
    complaints: int = figure("Complaints reported.")
    at_risk: int = figure("Still waiting at that many hours.")
    share_within: float | None = figure("Kaplan-Meier share removed or restricted within it.")
    lower: float | None = figure("Lower 95% bound.")
    upper: float | None = figure("Upper 95% bound.")


class Charts(BaseModel):
    """The points each chart plots, at the resolution it is published at."""

    model_config = STRICT
    response_curves: list[CurvePoint] = figure(
        "Share answered by hours since report, per platform: hourly to 48 h, then every 12 h to 4 weeks.",
        "analysis.measures.curves.curve_points",
    )
    removal_curves: list[CurvePoint] = figure(
        "Share removed or restricted by hours since report, per platform (same grid).",
        "analysis.measures.curves.curve_points",
    )
    removal_deadlines: list[DeadlinePoint] = figure(
        "Share of reported posts taken down within each deadline, 1 hour to 30 days, all platforms.",
        "analysis.rules.compliance.deadline_sensitivity",
    )
    by_category: list[Bar] = figure(
        "Complaints per kind of abuse.", "analysis.measures.counts.count_table"
    )
    by_nation: list[Bar] = figure("Complaints per nation.", "analysis.measures.counts.count_table")
    by_phase: list[Bar] = figure(
        "Complaints per school phase.", "analysis.measures.counts.count_table"
    )
    by_role: list[Bar] = figure("Complaints per role.", "analysis.measures.counts.count_table")


class Results(BaseModel):
    """Every number a notebook, chart or briefing prints, computed once per extract."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, serialize_by_alias=True
    )
    schema_: Literal["headline/2"] = figure(
        "Layout name: 'headline/2'.", "analysis.results.build.compute_results", alias="schema"
    )
    provenance: Provenance = figure(
        "Where the figures come from.", "analysis.results.build.provenance"
    )
    totals: Totals = figure("Whole-log counts.", "analysis.measures.counts.totals")
    platforms: dict[str, Platform] = figure(
        "Response and removal clocks per platform and 'All platforms'.",
        "analysis.results.build.platform_entries",
    )
    logrank: dict[str, LogRank | None] = figure(
        "Log-rank tests of equal response / removal curves across platforms.",
        "analysis.measures.response_times.kaplan_meier",
    )
    rules: list[RuleRow] = figure(
        "Compliance per rule and platform.", "analysis.rules.compliance.compliance_table"
    )
    capture_recapture: CaptureRecapture = figure(
        "Estimated incidents including those neither organisation logged.",
        "analysis.measures.capture_recapture.capture_recapture",
    )
    outcomes_by_platform: list[Outcomes] = figure(
        "What became of reported complaints, per platform and all platforms.", OUT
    )
    removal_league: list[LeagueRow] = figure(
        "Platforms ranked by share taken down, with the 48-hour share.",
        "analysis.measures.outcomes.removal_league",
    )
    outcomes_by_reporter: list[Outcomes] = figure(
        "What became of reported complaints, by who reported them (a staff member, the school, "
        "or the logging organisation, named).",
        OUT,
    )
    reporter_logrank: LogRank | None = figure(
        "Log-rank test of equal removal curves across who reported.",
        "analysis.measures.response_times.kaplan_meier",
    )
    not_answered: NotAnswered = figure(
        "How long the unanswered complaints had waited by the extract date.",
        "analysis.measures.outcomes.not_answered_waits",
    )
    monthly: Monthly = figure(
        "Complaints by month received, and the peak month.",
        "analysis.measures.monthly.monthly_counts",
    )
    median_sensitivity: list[MedianSensitivity] = figure(
        "Each median counting only complaints with the event, beside the censored estimate.",
        "analysis.measures.answered_only.events_only_medians",
    )
    charts: Charts = figure("Chart series.", "analysis.results.build.chart_series")
