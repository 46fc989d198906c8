"""What the explorer shows for one choice of filters: computed by the briefings' own functions.

The explorer is a view on :func:`analysis.results.headline` (the figures' one source) of a
selection of the validated log, seen :func:`~analysis.measures.as_at.as_at` a date: the chart is
:func:`~analysis.publish.charts.km_chart` titled by :func:`~analysis.report.story.response_finding`,
tables go through :mod:`analysis.publish` disclosure control, and platforms are named only when the
briefings would name them. Nothing here touches widgets, so it is tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.explore.state import ExplorerState
from analysis.log.allowed_values import OUTCOMES
from analysis.log.validate import ValidationResult
from analysis.measures.as_at import as_at
from analysis.measures.response_times import ALL_GROUPS, complaint_times
from analysis.publish.charts import Chart, km_chart, source_line
from analysis.publish.tables import HtmlTable, counts_html, fmt_count, fmt_date, fmt_pct, table_html
from analysis.report.story import fmt_small, named_platforms, response_finding, rule_total
from analysis.results import headline
from analysis.rules.compliance import deadline_sensitivity

#: At most this many curves on the chart: more would not be readable (as in the briefings).
MAX_CURVES = 4


@dataclass(frozen=True)
class ExplorerView:
    """Everything the explorer displays for one state, ready for ``display``."""

    counts: HtmlTable
    chart: Chart | None
    chart_note: str
    outcomes: HtmlTable | None
    compliance: HtmlTable
    deadline: HtmlTable | None
    headline: dict


def select(log: pd.DataFrame, state: ExplorerState) -> pd.DataFrame:
    """The complaints the filters keep (an empty choice of a dimension keeps every value)."""
    received = log["received_at"].dt.normalize()
    keep = received.between(pd.Timestamp(state.period_start), pd.Timestamp(state.period_end))
    for column, chosen in (
        ("platform", state.platforms),
        ("nation", state.nations),
        ("role", state.roles),
        ("reported_by", state.reporters),
    ):
        if chosen:
            keep &= log[column].isin(chosen)
    if state.categories:
        # A complaint can carry several categories: it is kept when any of them was chosen.
        split = log["categories"].fillna("").str.split(";")
        keep &= split.map(lambda cats: bool(set(cats) & set(state.categories)))
    return log[keep]


def explore(validation: ValidationResult, state: ExplorerState, synthetic: bool) -> ExplorerView:
    """The explorer's displays for ``state`` over a validated log (validated once, up front)."""
    seen = as_at(validation.valid, state.as_at, validation.as_of)
    log = select(seen.log, state)
    threshold = state.suppression_threshold
    source = source_line(
        validation.path.name if validation.path else "log",
        validation.sha256 or "",
        seen.when,
        synthetic,
    )
    result = headline(log, seen.when, list(state.rules), validation)
    counts = _counts(result, seen.received_after, threshold, state)
    if log.empty:
        return ExplorerView(counts, None, "No complaint matches these filters.", None,
                            _compliance(result, state), None, result)  # fmt: skip
    times = complaint_times(log, seen.when)
    chart, note = _chart(result, threshold, source, state)
    return ExplorerView(
        counts=counts,
        chart=chart,
        chart_note=note,
        outcomes=_outcomes(log, threshold, source),
        compliance=_compliance(result, state),
        deadline=_deadline(times, state, source),
        headline=result,
    )


def _counts(result: dict, received_after: int, threshold: int, state: ExplorerState) -> HtmlTable:
    totals = result["totals"]
    rows = {
        "Complaints in the selection": totals["complaints"],
        "Distinct incidents (posts)": totals["incidents"],
        "Reported to the platform by the as-at date": totals["reported"],
        "Not reported by then": totals["not_reported"],
        "Received after the as-at date (out of scope)": received_after,
    }
    frame = pd.DataFrame({"Count": [fmt_small(n, threshold) for n in rows.values()]}, index=rows)
    return table_html(
        frame,
        f"Complaints received {fmt_date(state.period_start)} to {fmt_date(state.period_end)}, "
        f"as at {fmt_date(state.as_at)}",
        [f"Counts below {threshold} read 'fewer than {threshold}'."],
        index_name="",
    )


def _chart(
    result: dict, threshold: int, source: str, state: ExplorerState
) -> tuple[Chart | None, str]:
    shown = named_platforms(result, threshold)[:MAX_CURVES]
    if not shown:
        return None, f"No platform has {threshold} or more complaints reported: no curve is shown."
    curves = pd.DataFrame(result["charts"]["response_curves"])
    reported = sum(result["platforms"][p]["reported"] for p in shown)
    chart = km_chart(
        curves[curves["group"].isin(shown)],
        title=response_finding(result, threshold, among=shown),
        subtitle=(
            "Share of complaints with a first response from the platform, by time since reported; "
            f"Kaplan-Meier estimate with 95% band, | = still waiting at {fmt_date(state.as_at)}; "
            f"{', '.join(shown)}; N = {fmt_count(reported)}"
        ),
        source=source,
        alt="Line chart of the share of complaints answered over the first four weeks, per "
        "platform: " + ", ".join(shown),
        max_hours=672,
        min_at_risk=threshold,
        name="explorer-response",
    )
    return chart, ""


def _outcomes(log: pd.DataFrame, threshold: int, source: str) -> HtmlTable | None:
    reported = log[log["reported_at"].notna()]
    if reported.empty:
        return None
    cross = pd.crosstab(reported["platform"], reported["outcome"])
    cross = cross.reindex(columns=[o for o in OUTCOMES if o in cross.columns])
    cross.index.name, cross.columns.name = "Platform", None
    return counts_html(cross, "Outcome of complaints reported to the platform", source, threshold)


def _compliance(result: dict, state: ExplorerState) -> HtmlTable:
    rows = {}
    threshold = state.suppression_threshold
    for rule_id in dict.fromkeys(r["rule_id"] for r in result["rules"]):
        total = rule_total(result, rule_id)
        if total is None:
            continue
        if total.get("compliant") is None:
            rows[rule_id] = [fmt_small(total["in_scope"], threshold), "", "", "", total["reason"]]
            continue
        share = (
            f"{fmt_pct(total['km_share'])} ({fmt_pct(total['km_lower'])} to "
            f"{fmt_pct(total['km_upper'])})"
            if total["km_share"] is not None and total["in_scope"] >= threshold
            else "[c]"
            if total["in_scope"] < threshold
            else "not estimable"
        )
        rows[rule_id] = [
            fmt_small(total["in_scope"], threshold),
            fmt_small(total["compliant"], threshold),
            fmt_small(total["breached"], threshold),
            fmt_small(total["undetermined"], threshold),
            share,
        ]
    columns = ["In scope", "Compliant", "Breached", "Undetermined", "Within deadline (95% CI)"]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    return table_html(
        frame,
        f"Rules compared, all platforms ({ALL_GROUPS.lower()} together)",
        ["Within deadline: Kaplan-Meier share with the event by the rule's deadline."],
        index_name="Rule",
    )


def _deadline(times: pd.DataFrame, state: ExplorerState, source: str) -> HtmlTable | None:
    hours = float(state.deadline_hours)
    table = deadline_sensitivity(times, hours=[hours], event="removal", by="platform")
    threshold = state.suppression_threshold
    rows = {}
    for r in table.itertuples():
        if r.complaints < threshold:
            rows[r.platform] = [fmt_small(r.complaints, threshold), "[c]"]
        elif not r.estimable:
            rows[r.platform] = [fmt_count(r.complaints), "not estimable"]
        else:
            rows[r.platform] = [
                fmt_count(r.complaints),
                f"{fmt_pct(r.share_within)} ({fmt_pct(r.lower)} to {fmt_pct(r.upper)})",
            ]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["Reported", "Removed in time"])
    return table_html(
        frame,
        f"Share of reported posts removed or restricted within {hours:g} hours",
        [
            "Kaplan-Meier estimate with 95% CI; posts still up are censored at the as-at date.",
            source,
        ],
        index_name="Platform",
    )
