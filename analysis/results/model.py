"""The results model, part 1: the figures of the "headline/1" layout, typed.

``provenance``, ``totals``, ``platforms``, ``logrank``, ``rules`` and ``capture_recapture`` keep the
keys and shapes they had as a plain dict, so ``headline()`` (the model's JSON-mode dict) still reads
as before. The findings added for the briefings are in :mod:`analysis.results.findings`.

Conventions: hours are rounded to 0.01, shares (proportions 0-1) to 0.000001, p-values to 3
significant figures (:mod:`analysis.results.convert` says why). A value that cannot be computed is ``null`` with a sibling ``reason``; "not reached" stands
for a median (or bound) the data never reach.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from analysis.results.fields import STRICT, figure

KM = "analysis.measures.response_times.kaplan_meier"
CR = "analysis.measures.capture_recapture.capture_recapture"


class Provenance(BaseModel):
    model_config = STRICT
    as_of: str = figure("Extract date and time (ISO 8601, UK local time): the censoring instant.")
    rows_used: int = figure("Complaints analysed (rows that passed validation).")
    package_version: str = figure("Version of the analysis package that computed the results.")
    file: str | None = figure("File name of the complaint log (null for a DataFrame).")
    sha256: str | None = figure("SHA-256 of the log file's bytes.")
    rows_read: int | None = figure("Rows read from the log file.")
    rows_rejected: int | None = figure("Rows the validator rejected (left out, with reasons).")
    reason: str | None = figure("Why the file fields are null.", default=None)


class Totals(BaseModel):
    model_config = STRICT
    complaints: int = figure("Complaints in the log.", "analysis.measures.counts.totals")
    incidents: int = figure(
        "Distinct posts (same content_ref = one post).", "analysis.measures.counts.totals"
    )
    complaints_without_content_ref: int = figure(
        "Complaints with no content_ref (each its own incident).", "analysis.measures.counts.totals"
    )
    reported: int = figure(
        "Complaints reported to the platform before the extract date (the clocks' base).",
        "analysis.measures.response_times.complaint_times",
    )
    not_reported: int = figure(
        "Complaints never reported to the platform.",
        "analysis.measures.response_times.time_exclusions",
    )
    reported_at_or_after_as_of: int = figure(
        "Complaints reported at or after the extract instant (no time to answer).",
        "analysis.measures.response_times.time_exclusions",
    )


class Median(BaseModel):
    model_config = STRICT
    estimate: float | str | None = figure("Kaplan-Meier median hours, or 'not reached'.")
    lower: float | str | None = figure("Lower 95% bound of the median (hours or 'not reached').")
    upper: float | str | None = figure("Upper 95% bound of the median (hours or 'not reached').")


class Within(BaseModel):
    model_config = STRICT
    share: float | None = figure("Share with the event within the time: 1 - Kaplan-Meier S(t).")
    lower: float | None = figure("Lower 95% bound (Greenwood log-log; Wilson at 0% or 100%).")
    upper: float | None = figure("Upper 95% bound.")
    at_risk: int = figure("Complaints still waiting at that time.")
    reason: str | None = figure("Why the share is null.", default=None)


class _Clock(BaseModel):
    model_config = STRICT
    median_hours: Median = figure("Median hours from the report to the event, with 95% CI.")
    within_24h: Within = figure("Share with the event within 24 hours.")
    within_48h: Within = figure("Share with the event within 48 hours.")
    within_7d: Within = figure("Share with the event within 7 days (168 hours).")


class ResponseClock(_Clock):
    answered: int = figure("Complaints answered (or content taken down) by the extract date.")


class RemovalClock(_Clock):
    removed: int = figure("Complaints whose content was removed or restricted by the extract date.")


class Platform(BaseModel):
    model_config = STRICT
    complaints: int = figure("Complaints about posts on the platform.")
    reported: int = figure("Of which reported to the platform before the extract date.")
    response: ResponseClock | None = figure(
        "Hours to first response (an answer or a removal), censored at the extract date.", KM
    )
    removal: RemovalClock | None = figure(
        "Hours to removal or restriction, censored at the extract date.", KM
    )
    response_reason: str | None = figure("Why response is null.", default=None)
    removal_reason: str | None = figure("Why removal is null.", default=None)


class LogRank(BaseModel):
    model_config = STRICT
    test_statistic: float = figure("Chi-squared statistic of the multivariate log-rank test.")
    degrees_of_freedom: int = figure("Groups minus one.")
    p_value: float = figure("p-value of equal curves across the groups (3 significant figures).")
    groups: list[str] = figure("The groups compared (the pooled group excluded).")


class RuleRow(BaseModel):
    """One rule on one platform: the columns of the compliance table (extra columns pass through)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    rule_id: str = figure("Rule identifier in the catalogue (data/rules).")
    title: str = figure("The rule's title.", "analysis.rules.catalogue.load_rules")
    platform: str = figure("Platform, or 'All platforms'.")
    evaluation: str = figure("'scored', 'no fixed deadline' or 'clock not in log'.")
    in_scope: int | None = figure("Complaints within the rule's scope.")
    compliant: int | None = figure("In scope with the event within the deadline.")
    breached: int | None = figure("In scope, deadline passed without the event.")
    undetermined: int | None = figure("In scope, deadline not reached by the extract date.")
    share_compliant: float | None = figure("compliant / (compliant + breached).")
    share_lower: float | None = figure("Lower Wilson 95% bound of share_compliant.")
    share_upper: float | None = figure("Upper Wilson 95% bound of share_compliant.")
    km_share: float | None = figure("Kaplan-Meier share with the event within the deadline.")
    km_lower: float | None = figure("Lower 95% bound of km_share.")
    km_upper: float | None = figure("Upper 95% bound of km_share.")
    reason: str | None = figure("Why the counts are null.", default=None)
    km_reason: str | None = figure("Why km_share is null.", default=None)


class Dependence(BaseModel):
    model_config = STRICT
    odds_ratio: float = figure(
        "Assumed odds ratio of dependence between the two sources (1: none)."
    )
    estimate: float = figure("Total incidents if the sources were dependent to that degree.")
    lower: float = figure("Lower 95% bound (log-normal interval scaled likewise).")
    upper: float | None = figure("Upper 95% bound.")


class CaptureRecapture(BaseModel):
    model_config = STRICT
    estimate: float | None = figure("Chapman estimate of distinct incidents (both logs).", CR)
    reason: str | None = figure("Why the estimate is null.", default=None)
    upper_reason: str | None = figure("Why the upper bound is null.", default=None)
    sources: list[str] | None = figure(
        "The two organisations whose logs are compared.", default=None
    )
    n1: int | None = figure("Distinct posts in the first log.", default=None)
    n2: int | None = figure("Distinct posts in the second log.", default=None)
    m: int | None = figure("Posts in both logs.", default=None)
    observed: int | None = figure("Distinct posts in either log.", default=None)
    lower: float | None = figure("Lower 95% bound (log-normal on the unseen).", default=None)
    upper: float | None = figure("Upper 95% bound (log-normal on the unseen).", default=None)
    wald_lower: float | None = figure("Lower Wald 95% bound.", default=None)
    wald_upper: float | None = figure("Upper Wald 95% bound.", default=None)
    se: float | None = figure("Seber's standard error.", default=None)
    variance: float | None = figure("Seber's variance.", default=None)
    unseen: float | None = figure("Estimated posts in neither log.", default=None)
    level: float | None = figure("Confidence level.", default=None)
    unmatched_complaints: int | None = figure(
        "Complaints without a content_ref (cannot be matched).", default=None
    )
    warnings: list[str] = figure("Cautions to print with the estimate.", default=[])
    assumptions: list[str] = figure("The assumptions, in words for a method annex.", default=[])
    method: str | None = figure("Estimator and intervals, in words.", default=None)
    dependence: list[Dependence] = figure(
        "The estimate under positive dependence between the sources, odds ratio 1 to 3.",
        "analysis.measures.capture_recapture.dependence_range",
        default=[],
    )
    dependence_note: str | None = figure(
        "What the dependence range means, in words.",
        "analysis.measures.capture_recapture.dependence_range",
        default=None,
    )
