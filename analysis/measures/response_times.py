"""How long platforms take to answer and to take content down, with censoring at the extract date.

A platform that has not answered by the extract date has not answered *yet*: its time is known only
to exceed the time elapsed so far. Treating it as missing would drop the slowest cases and flatter
the platform; treating it as zero would be absurd. So every reported complaint gets a duration and an
event flag, and the durations are summarised with the Kaplan-Meier estimator, which uses censored
cases for as long as they were observed.

:func:`complaint_times` is the per-complaint table every other measure (and the rule compliance of
:mod:`analysis.rules`) builds on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

from analysis.log.contract import PLATFORMS, TAKEN_DOWN

#: Columns of :func:`complaint_times`, in order.
TIME_COLUMNS: tuple[str, ...] = (
    "complaint_id",
    "platform",
    "categories",
    "reported_by",
    "organisation",
    "reported_at",
    "hours_to_response",
    "responded",
    "hours_to_removal",
    "removed",
)

_NS_PER_HOUR = 3_600 * 10**9


def _ns(series: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch as int64, with NaT as the int64 minimum (numpy's NaT)."""
    return series.to_numpy(dtype="datetime64[ns]").view("int64")


def _not_nat(values: np.ndarray) -> np.ndarray:
    return values != np.iinfo(np.int64).min


def time_exclusions(log: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, int]:
    """Complaints left out of response-time measures, by reason.

    - ``not_reported``: never reported to the platform, so there is no clock to run;
    - ``reported_at_or_after_as_of``: reported at (or, in a malformed extract, after) the extract
      instant, so the platform has had no time at all: such a case carries no information about
      response times and would otherwise enter as a zero-length censored time.
    """
    reported = log["reported_at"].notna()
    late = reported & (log["reported_at"] >= pd.Timestamp(as_of))
    return {"not_reported": int((~reported).sum()), "reported_at_or_after_as_of": int(late.sum())}


def complaint_times(log: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Hours to first response and to removal for each complaint reported to the platform.

    One row per complaint with ``reported_at`` before ``as_of`` (others: see
    :func:`time_exclusions`), columns :data:`TIME_COLUMNS`:

    - ``hours_to_response``: float hours from ``reported_at`` to the first response, or to
      ``as_of`` when there was none by then (censored: ``responded`` is False). The first response
      is the earlier of ``first_response_at`` and ``removed_at``: taking the content down *is* an
      answer, even when the platform never wrote back.
    - ``hours_to_removal``: float hours to ``removed_at`` when the outcome is removed or restricted,
      else to ``as_of`` (censored: ``removed`` is False).

    Events dated after ``as_of`` had not happened at the extract date and are censored at it, so
    figures for one extract date never depend on later information. Durations are never NaN and a
    censored duration is never zero (reports at ``as_of`` itself are excluded). An event dated
    before the report (a data error the validator should have caught) raises ``ValueError``.

    Vectorised over int64 nanoseconds: a million complaints take well under a second.
    """
    as_of = pd.Timestamp(as_of)
    cutoff = as_of.value
    reported_ns = _ns(log["reported_at"])
    keep = _not_nat(reported_ns) & (reported_ns < cutoff)
    frame = log.loc[keep]
    reported_ns = reported_ns[keep]

    first_ns = _ns(frame["first_response_at"])
    removed_ns = _ns(frame["removed_at"])
    taken_down = frame["outcome"].isin(TAKEN_DOWN).to_numpy() & _not_nat(removed_ns)
    has_first = _not_nat(first_ns)
    # NaT is int64-min, so a plain minimum would pick it: compare only the dates that exist.
    response_ns = np.where(
        taken_down & (~has_first | (removed_ns < first_ns)), removed_ns, first_ns
    )
    responded = (taken_down | has_first) & (response_ns <= cutoff)
    removed = taken_down & (removed_ns <= cutoff)

    end_response = np.where(responded, response_ns, cutoff)
    end_removal = np.where(removed, removed_ns, cutoff)
    hours_to_response = (end_response - reported_ns) / _NS_PER_HOUR
    hours_to_removal = (end_removal - reported_ns) / _NS_PER_HOUR

    negative = (hours_to_response < 0) | (hours_to_removal < 0)
    if negative.any():
        ids = frame["complaint_id"].to_numpy()[negative][:5].tolist()
        raise ValueError(
            f"{int(negative.sum())} complaint(s) have a response or removal dated before the "
            f"report (e.g. {', '.join(map(str, ids))}): fix the log or run it through the validator"
        )

    return pd.DataFrame(
        {
            "complaint_id": frame["complaint_id"].to_numpy(),
            "platform": frame["platform"].to_numpy(),
            "categories": frame["categories"].to_numpy(),
            "reported_by": frame["reported_by"].to_numpy(),
            "organisation": frame["organisation"].to_numpy(),
            "reported_at": frame["reported_at"].to_numpy(dtype="datetime64[ns]"),
            "hours_to_response": hours_to_response,
            "responded": responded,
            "hours_to_removal": hours_to_removal,
            "removed": removed,
        },
        columns=list(TIME_COLUMNS),
    )


# --- Kaplan-Meier -------------------------------------------------------------------------------

#: The two clocks a complaint runs: hours to the first answer, hours to the content coming down.
OUTCOMES: dict[str, tuple[str, str]] = {
    "response": ("hours_to_response", "responded"),
    "removal": ("hours_to_removal", "removed"),
}
#: Label of the group pooling every platform.
ALL_GROUPS = "All platforms"
#: Thresholds for "share answered within": 24 hours, 48 hours, 7 days.
WITHIN_HOURS: tuple[float, ...] = (24.0, 48.0, 168.0)


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier estimates of one clock (``outcome``: "response" or "removal") per group.

    All frames are tidy, one row per group (and time or threshold):

    - ``survival``: group, timeline (hours), at_risk (just before the time), events, censored,
      estimate (S(t): share *not yet* answered/removed), lower, upper (95% pointwise CI, Greenwood's
      variance on the log(-log) scale, so bounds stay within 0-1: lifelines' default);
    - ``medians``: group, complaints, events, median_hours, lower, upper. ``inf`` means *not
      reached*: fewer than half had the event by the end of follow-up (for the bounds: the CI band
      never crosses one half), so the median (or bound) is longer than anything observed;
    - ``within``: group, hours, share (1 - S(t): share answered/removed within that many hours),
      lower, upper, at_risk (still waiting at that time), estimable (False when no complaint of
      the group was followed that long: then share and bounds are NaN, not a guess);
    - ``logrank``: the multivariate log-rank test of equal curves across groups (excluding the
      pooled group): test_statistic, degrees_of_freedom, p_value, groups; or None with fewer than
      two groups.
    """

    outcome: str
    survival: pd.DataFrame
    medians: pd.DataFrame
    within: pd.DataFrame
    logrank: dict[str, object] | None


def _group_order(values: pd.Series) -> list[str]:
    """Groups in the contract's order (platforms as listed there), unknown values after, sorted."""
    present = set(values.dropna().unique())
    known = [p for p in PLATFORMS if p in present]
    return known + sorted(present - set(known))


def _fit(durations: np.ndarray, events: np.ndarray, label: str) -> KaplanMeierFitter:
    return KaplanMeierFitter(alpha=0.05).fit(durations, events, label=label)


def _step_at(index: np.ndarray, values: np.ndarray, t: float) -> float:
    """Value of a right-continuous step function (given at sorted ``index``) at time ``t``."""
    return float(values[np.searchsorted(index, t, side="right") - 1])


def kaplan_meier(
    times: pd.DataFrame,
    outcome: str = "response",
    by: str = "platform",
    within: tuple[float, ...] = WITHIN_HOURS,
    pooled: bool = True,
) -> KaplanMeier:
    """Fit Kaplan-Meier curves per value of ``by`` (and pooled) on :func:`complaint_times` output.

    lifelines is used because it is the standard, tested implementation of KM with Greenwood CIs
    and the log-rank test; it needs pandas < 3, hence the project's pin.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {sorted(OUTCOMES)}, not {outcome!r}")
    duration_col, event_col = OUTCOMES[outcome]
    durations = times[duration_col].to_numpy(dtype=float)
    events = times[event_col].to_numpy(dtype=bool)
    labels = times[by].to_numpy()

    groups = _group_order(times[by])
    selections = [(g, labels == g) for g in groups]
    if pooled:
        selections.append((ALL_GROUPS, np.ones(len(times), dtype=bool)))

    survival, medians, shares = [], [], []
    for group, mask in selections:
        d, e = durations[mask], events[mask]
        if len(d) == 0:
            continue
        kmf = _fit(d, e, "KM")
        table = kmf.event_table
        ci = kmf.confidence_interval_.to_numpy()
        timeline = table.index.to_numpy(dtype=float)
        estimate = kmf.survival_function_["KM"].to_numpy()
        survival.append(
            pd.DataFrame(
                {
                    by: group,
                    "timeline": timeline,
                    "at_risk": table["at_risk"].to_numpy(),
                    "events": table["observed"].to_numpy(),
                    "censored": table["censored"].to_numpy(),
                    "estimate": estimate,
                    "lower": ci[:, 0],
                    "upper": ci[:, 1],
                }
            )
        )
        median_ci = median_survival_times(kmf.confidence_interval_).to_numpy()[0]
        medians.append(
            {
                by: group,
                "complaints": len(d),
                "events": int(e.sum()),
                "median_hours": float(kmf.median_survival_time_),
                "lower": float(median_ci[0]),
                "upper": float(median_ci[1]),
            }
        )
        followed = float(d.max())
        for t in within:
            # Beyond the longest follow-up S(t) is unknown, unless the curve already reached 0.
            ok = t <= followed or estimate[-1] == 0.0
            s, lo, hi = (
                (_step_at(timeline, col, t) for col in (estimate, ci[:, 0], ci[:, 1]))
                if ok
                else (np.nan, np.nan, np.nan)
            )
            shares.append(
                {
                    by: group,
                    "hours": t,
                    "share": 1.0 - s,
                    "lower": 1.0 - hi,
                    "upper": 1.0 - lo,
                    "at_risk": int((d > t).sum()),
                    "estimable": ok,
                }
            )

    return KaplanMeier(
        outcome=outcome,
        survival=pd.concat(survival, ignore_index=True)
        if survival
        else pd.DataFrame(
            columns=[by, "timeline", "at_risk", "events", "censored", "estimate", "lower", "upper"]
        ),
        medians=pd.DataFrame(
            medians, columns=[by, "complaints", "events", "median_hours", "lower", "upper"]
        ),
        within=pd.DataFrame(
            shares, columns=[by, "hours", "share", "lower", "upper", "at_risk", "estimable"]
        ),
        logrank=logrank(times, outcome, by),
    )


def logrank(times: pd.DataFrame, outcome: str = "response", by: str = "platform") -> dict | None:
    """Multivariate log-rank test that every group shares one curve (None with < 2 groups).

    A small p-value says platforms differ in how fast they answer; it does not say which, nor by
    how much: read the curves and medians for that.
    """
    duration_col, event_col = OUTCOMES[outcome]
    groups = times[by]
    if groups.nunique() < 2:
        return None
    result = multivariate_logrank_test(
        times[duration_col].to_numpy(dtype=float),
        groups.to_numpy(),
        times[event_col].to_numpy(dtype=bool),
    )
    return {
        "test_statistic": float(result.test_statistic),
        "degrees_of_freedom": int(result.degrees_of_freedom),
        "p_value": float(result.p_value),
        "groups": _group_order(groups),
    }
