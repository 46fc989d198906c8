"""How long platforms take to answer and to take content down, with censoring at the extract date.

A platform that has not answered by the extract date has not answered *yet*: its time is known only
to exceed the time elapsed so far. Treating it as missing would drop the slowest cases and flatter
the platform; treating it as zero would be absurd. So every reported complaint gets a duration and an
event flag, and the durations are summarised with the Kaplan-Meier estimator, which uses censored
cases for as long as they were observed.

Timestamps in the log are naive UK local time, so a duration that spans a clock change is an hour
out if the wall-clock readings are subtracted. Every time is therefore read as Europe/London and
converted to UTC before subtracting (:func:`utc_ns`, which states the rule for the repeated autumn
hour and the skipped spring hour).

:func:`complaint_times` is the per-complaint table every other measure (and the rule compliance of
:mod:`analysis.rules`) builds on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import chdtrc, ndtri

from analysis.log.contract import PLATFORMS, TAKEN_DOWN
from analysis.measures.intervals import wilson_where_certain

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
_CARRIED: tuple[str, ...] = (*TIME_COLUMNS[:6], "outcome")  # complaint_id ... reported_at
#: The log's time zone, and how its two kinds of impossible wall-clock reading are resolved.
UK_TIME_ZONE = "Europe/London"
AMBIGUOUS_IS_SUMMER_TIME = False
NONEXISTENT = "shift_forward"


def _ns(series: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch as int64, with NaT as the int64 minimum (numpy's NaT)."""
    return series.to_numpy(dtype="datetime64[ns]").view("int64")


def _not_nat(values: np.ndarray) -> np.ndarray:
    return values != np.iinfo(np.int64).min


def _localise(local_ns: np.ndarray) -> np.ndarray:
    """pandas' own conversion of UK wall-clock nanoseconds to UTC nanoseconds (NaT kept)."""
    index = pd.DatetimeIndex(local_ns.view("datetime64[ns]"))
    return index.tz_localize(
        UK_TIME_ZONE, ambiguous=AMBIGUOUS_IS_SUMMER_TIME, nonexistent=NONEXISTENT
    ).asi8


def utc_ns(values: pd.Series | np.ndarray) -> np.ndarray:
    """UTC nanoseconds (int64, NaT as int64-min) of times given as naive UK local time.

    The two readings a clock change makes impossible to place are resolved by a fixed rule:

    - a time in the hour repeated when the clocks go back (01:00-01:59 on the last Sunday of
      October) is read as the *second* occurrence, GMT (``ambiguous=False``). The log cannot say
      which was meant; the later reading is the one a clock shows for the rest of the winter, and
      the error, if any, is at most one hour on complaints logged in that one hour of the year;
    - a time in the hour skipped when the clocks go forward (01:00-01:59 on the last Sunday of
      March) is moved forward to 02:00 BST, the first instant that exists (``shift_forward``).

    Both rules keep the order of the readings (a later reading is never an earlier instant), so a
    response logged after its report never comes out before it. Series that already carry a time
    zone are converted, not re-localised.

    Localising a million timestamps with pandas costs about 0.13 s per column, so the offset is
    looked up per wall-clock hour instead (a year of data has under 9,000 distinct hours) and pandas
    localises only the rows in an hour whose offset changes within it (the skipped hour, under the
    rules above): identical results, a tenth of the time.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None).pipe(_ns)
    local = _ns(values) if isinstance(values, pd.Series) else np.asarray(values, dtype=np.int64)
    out = local.copy()
    valid = _not_nat(local)
    if not valid.any():
        return out
    present = local[valid]
    first, last = present.min() // _NS_PER_HOUR, present.max() // _NS_PER_HOUR
    if last - first + 1 > len(present):  # hours far apart: a table would be longer than the data
        out[valid] = _localise(present)
        return out
    starts = np.arange(first, last + 1, dtype=np.int64) * _NS_PER_HOUR
    offset = _localise(starts) - starts
    regular = offset == _localise(starts + (_NS_PER_HOUR - 1)) - (starts + (_NS_PER_HOUR - 1))
    hour = present // _NS_PER_HOUR - first
    utc = present + offset[hour]
    odd = ~regular[hour]
    if odd.any():
        utc[odd] = _localise(present[odd])
    out[valid] = utc
    return out


def _utc_cutoff(as_of: pd.Timestamp) -> int:
    """The extract instant in UTC nanoseconds (a naive ``as_of`` is UK local time, like the log)."""
    if as_of.tz is not None:
        return int(as_of.value)
    return int(utc_ns(np.array([as_of.value], dtype=np.int64))[0])


def time_exclusions(log: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, int]:
    """Complaints left out of response-time measures, by reason.

    - ``not_reported``: never reported to the platform, so there is no clock to run;
    - ``reported_at_or_after_as_of``: reported at (or, in a malformed extract, after) the extract
      instant, so the platform has had no time at all: such a case carries no information about
      response times and would otherwise enter as a zero-length censored time.
    """
    reported_ns = utc_ns(log["reported_at"])
    reported = _not_nat(reported_ns)
    late = reported & (reported_ns >= _utc_cutoff(pd.Timestamp(as_of)))
    return {"not_reported": int((~reported).sum()), "reported_at_or_after_as_of": int(late.sum())}


def complaint_times(log: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Hours to first response and to removal for each complaint reported to the platform.

    One row per complaint with ``reported_at`` before ``as_of`` (others: see
    :func:`time_exclusions`), columns :data:`TIME_COLUMNS`:

    Hours are elapsed hours: the log's UK wall-clock times are converted to UTC first
    (:func:`utc_ns`), so a wait across a clock change is not an hour out.

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

    Vectorised over int64 nanoseconds: a million complaints take about 0.2 s.
    """
    cutoff = _utc_cutoff(pd.Timestamp(as_of))
    reported_ns = utc_ns(log["reported_at"])
    keep = _not_nat(reported_ns) & (reported_ns < cutoff)
    # numpy takes of the columns used: filtering the frame copied every column (free text too)
    # and pandas' take on object columns was several times slower than numpy's.
    frame = {c: log[c].to_numpy()[keep] for c in _CARRIED}
    reported_ns = reported_ns[keep]
    first_ns = utc_ns(log["first_response_at"])[keep]
    removed_ns = utc_ns(log["removed_at"])[keep]
    outcome = frame["outcome"]
    taken_down = np.logical_or.reduce([outcome == v for v in TAKEN_DOWN]) & _not_nat(removed_ns)
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
        ids = frame["complaint_id"][negative][:5].tolist()
        raise ValueError(
            f"{int(negative.sum())} complaint(s) have a response or removal dated before the "
            f"report (e.g. {', '.join(map(str, ids))}): fix the log or run it through the validator"
        )

    return pd.DataFrame(
        {
            **{c: frame[c] for c in TIME_COLUMNS[:5]},
            "reported_at": frame["reported_at"].astype("datetime64[ns]"),
            "hours_to_response": hours_to_response,
            "responded": responded,
            "hours_to_removal": hours_to_removal,
            "removed": removed,
        },
        columns=list(TIME_COLUMNS),
        copy=False,  # the arrays are new: stacking them into blocks copied 0.17 s worth
    )


# --- Kaplan-Meier -------------------------------------------------------------------------------
#
# The estimator, its Greenwood confidence band and the log-rank test are computed here with numpy
# rather than by calling lifelines per group: on a million complaints (about 600,000 distinct
# minute-resolution times) lifelines took 4.4 s per clock and 2.6 s per log-rank test, against the
# 5 s budget for the whole ``analyse`` step; the sorted-array version takes a fraction of a second.
# The formulas are lifelines' (log(-log) Greenwood band, median as the first time S <= 0.5,
# multivariate log-rank with the hypergeometric covariance), and the tests check every number
# against lifelines on random data with ties and censoring, so lifelines remains the reference.

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

    All frames are tidy, one row per group (and time or threshold); the group column is named
    after ``by`` (default ``platform``), and the pooled group is :data:`ALL_GROUPS`:

    - ``survival``: group, timeline (hours, starting at 0), at_risk (still waiting just before the
      time), events, censored, estimate (S(t): share *not yet* answered/removed), lower, upper (95%
      pointwise CI: Greenwood's variance on the log(-log) scale, so bounds stay within 0-1);
    - ``medians``: group, complaints, events, median_hours, lower, upper. ``inf`` means *not
      reached*: fewer than half had the event by the end of follow-up (for a bound: the CI band
      never falls to one half), so the median (or bound) is longer than anything observed;
    - ``within``: group, hours, share (1 - S(t): share answered/removed within that many hours),
      lower, upper (Greenwood's as for the curve, but Wilson's on the complaints followed that long
      where the share is exactly 0% or 100%, where Greenwood's collapses to a point), at_risk (still waiting at that time), estimable (False when no complaint of
      the group was followed that long and the curve had not reached 0: share and bounds are then
      NaN, not a guess);
    - ``logrank``: the multivariate log-rank test of equal curves across groups (the pooled group
      excluded): test_statistic, degrees_of_freedom, p_value, groups; None with fewer than two.
    """

    outcome: str
    survival: pd.DataFrame
    medians: pd.DataFrame
    within: pd.DataFrame
    logrank: dict[str, object] | None


def group_codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Each row's group number (-1: no value) and the groups: platforms in the contract's order,
    other values after them, sorted. One hash of the column (about 30 ms on a million complaints)
    gives both; the Kaplan-Meier curves, the log-rank test and the rule compliance all use it."""
    codes, uniques = pd.factorize(values)
    present = set(uniques)
    known = [p for p in PLATFORMS if p in present]
    groups = known + sorted(present - set(known))
    position = {group: i for i, group in enumerate(groups)}
    remap = np.array([*(position[u] for u in uniques), -1], dtype=np.int64)
    return remap[codes], groups


def _tabulate(
    durations: np.ndarray, events: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times, and exits and events per (time, group): one sort serves every group.

    ``codes`` numbers each row's group 0..n_groups-1. Returns ``times`` (T,), ``exits`` and
    ``died`` (T, n_groups); everything else (each group's curve, the pooled curve, the log-rank
    test) is arithmetic on these counts.
    """
    times, inverse = np.unique(np.asarray(durations, dtype=float), return_inverse=True)
    cell = inverse * n_groups + codes
    size = len(times) * n_groups
    exits = np.bincount(cell, minlength=size).reshape(len(times), n_groups)
    died = np.bincount(cell, weights=events, minlength=size).reshape(len(times), n_groups)
    return times, exits, died.astype(np.int64)


def _km_from_counts(
    times: np.ndarray, exits: np.ndarray, died: np.ndarray, level: float
) -> pd.DataFrame:
    """Kaplan-Meier table from exits and events at distinct times (only times with exits kept).

    S(t) = prod over event times u <= t of (1 - d_u / n_u). Greenwood: var(log S) = sum d/(n(n-d));
    on the log(-log) scale the band is S ** exp(+-z sqrt(var) / log S), 1 where S = 1. The timeline
    starts at 0 (everyone at risk), as lifelines' does.
    """
    keep = exits > 0
    times, exits, died = times[keep], exits[keep], died[keep]
    if len(times) == 0 or times[0] != 0.0:
        times = np.concatenate([[0.0], times])
        exits = np.concatenate([[0], exits])
        died = np.concatenate([[0], died])
    at_risk = exits.sum() - np.concatenate([[0], np.cumsum(exits)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.cumprod(1.0 - died / np.where(at_risk > 0, at_risk, 1))
        greenwood = died / (at_risk * (at_risk - died).astype(float))
        greenwood[~np.isfinite(greenwood)] = 0.0
        log_s = np.log(estimate)
        half_width = ndtri(0.5 + level / 2) * np.sqrt(np.cumsum(greenwood)) / log_s
        lower = np.exp(-np.exp(np.log(-log_s) - half_width))
        upper = np.exp(-np.exp(np.log(-log_s) + half_width))
    return pd.DataFrame(
        {
            "timeline": times,
            "at_risk": at_risk.astype("int64"),
            "events": died.astype("int64"),
            "censored": (exits - died).astype("int64"),
            "estimate": estimate,
            "lower": np.nan_to_num(lower, nan=1.0),
            "upper": np.nan_to_num(upper, nan=1.0),
        }
    )


def km_table(durations: np.ndarray, events: np.ndarray, level: float = 0.95) -> pd.DataFrame:
    """The Kaplan-Meier curve of one sample: timeline, at_risk, events, censored, estimate, lower, upper."""
    durations = np.asarray(durations, dtype=float)
    times, exits, died = _tabulate(
        durations, np.asarray(events, dtype=float), np.zeros(len(durations), dtype=np.int64), 1
    )
    return _km_from_counts(times, exits[:, 0], died[:, 0], level)


def _first_at_or_below(timeline: np.ndarray, curve: np.ndarray, q: float = 0.5) -> float:
    """First time the (non-increasing) curve is <= q; inf if it never is."""
    below = np.flatnonzero(curve <= q)
    return float(timeline[below[0]]) if len(below) else float("inf")


def _step_at(timeline: np.ndarray, values: np.ndarray, t: float) -> float:
    """Value of a right-continuous step function (given at sorted ``timeline``) at time ``t``."""
    return float(values[np.searchsorted(timeline, t, side="right") - 1])


def kaplan_meier(
    times: pd.DataFrame,
    outcome: str = "response",
    by: str = "platform",
    within: tuple[float, ...] = WITHIN_HOURS,
    pooled: bool = True,
    level: float = 0.95,
) -> KaplanMeier:
    """Kaplan-Meier curves per value of ``by`` (and pooled) on :func:`complaint_times` output."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {sorted(OUTCOMES)}, not {outcome!r}")
    duration_col, event_col = OUTCOMES[outcome]
    durations = times[duration_col].to_numpy(dtype=float)
    events = times[event_col].to_numpy(dtype=bool)
    codes, groups = group_codes(times[by])
    table_times, exits, died = _tabulate(durations, events.astype(float), codes, len(groups))

    selections = [(g, k) for k, g in enumerate(groups)]
    if pooled and len(times):
        selections.append((ALL_GROUPS, None))

    survival, medians, shares = [], [], []
    for group, k in selections:
        group_exits = exits.sum(axis=1) if k is None else exits[:, k]
        group_died = died.sum(axis=1) if k is None else died[:, k]
        table = _km_from_counts(table_times, group_exits, group_died, level)
        survival.append(table.assign(**{by: group}))
        timeline = table["timeline"].to_numpy()
        estimate, lower, upper = (table[c].to_numpy() for c in ("estimate", "lower", "upper"))
        medians.append(
            {
                by: group,
                "complaints": int(group_exits.sum()),
                "events": int(group_died.sum()),
                "median_hours": _first_at_or_below(timeline, estimate),
                "lower": _first_at_or_below(timeline, lower),
                "upper": _first_at_or_below(timeline, upper),
            }
        )
        longest = float(timeline[-1])  # the timeline holds every time with an exit
        events_by = np.cumsum(table["events"].to_numpy())
        exits_by = np.cumsum(table["events"].to_numpy() + table["censored"].to_numpy())
        for t in within:
            # still waiting after t: everyone but those who left at or before it
            waiting = int(exits_by[-1]) - (int(_step_at(timeline, exits_by, t)) if t >= 0 else 0)
            # Beyond the longest follow-up S(t) is unknown, unless the curve already reached 0.
            ok = t <= longest or estimate[-1] == 0.0
            s, lo, hi = (
                (_step_at(timeline, col, t) for col in (estimate, lower, upper))
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
                    "at_risk": waiting,
                    "estimable": ok,
                    # followed to t: had the event by then, or still waiting after it
                    "followed": int(waiting + _step_at(timeline, events_by, t)),
                }
            )

    columns = [by, "timeline", "at_risk", "events", "censored", "estimate", "lower", "upper"]
    return KaplanMeier(
        outcome=outcome,
        survival=pd.concat(survival, ignore_index=True)[columns]
        if survival
        else pd.DataFrame(columns=columns),
        medians=pd.DataFrame(
            medians, columns=[by, "complaints", "events", "median_hours", "lower", "upper"]
        ),
        within=_within_frame(shares, by, ndtri(0.5 + level / 2)),
        logrank=_logrank_from_counts(exits, died, groups),
    )


def _within_frame(shares: list[dict], by: str, z: float) -> pd.DataFrame:
    """The ``within`` table, with Wilson bounds where a share is exactly 0% or 100%.

    Greenwood's interval is a point there ("0%, 95% CI 0% to 0%" on sixteen complaints), which
    claims certainty that a handful of cases cannot give; the rule compliance shares face the same
    problem and both use :func:`analysis.measures.intervals.wilson_where_certain`.
    """
    columns = [by, "hours", "share", "lower", "upper", "at_risk", "estimable", "followed"]
    frame = pd.DataFrame(shares, columns=columns)
    frame["lower"], frame["upper"] = wilson_where_certain(
        frame["share"].to_numpy(float),
        frame["lower"].to_numpy(float),
        frame["upper"].to_numpy(float),
        frame["followed"].to_numpy(),
        z,
    )
    return frame.drop(columns="followed")


def logrank(times: pd.DataFrame, outcome: str = "response", by: str = "platform") -> dict | None:
    """Multivariate log-rank test that every group shares one curve (None with < 2 groups).

    At each distinct time, group j's expected events are n_j d / n; the statistic is
    Z' V^-1 Z over the first G-1 groups, with Z observed minus expected and V the hypergeometric
    covariance, chi-squared on G-1 degrees of freedom. A small p-value says platforms differ in how
    fast they answer; it does not say which, nor by how much: the curves and medians say that.
    """
    duration_col, event_col = OUTCOMES[outcome]
    codes, groups = group_codes(times[by])
    _, exits, died = _tabulate(
        times[duration_col].to_numpy(dtype=float),
        times[event_col].to_numpy(dtype=float),
        codes,
        len(groups),
    )
    return _logrank_from_counts(exits, died, groups)


def _logrank_from_counts(exits: np.ndarray, died: np.ndarray, groups: list[str]) -> dict | None:
    if len(groups) < 2:
        return None
    n_groups = len(groups)
    # at risk at time k: everyone whose time is >= k (reverse cumulative sum of exits). Counts are
    # summed as integers and converted once: exact, so the same floats as summing floats.
    at_risk = np.cumsum(exits[::-1], axis=0)[::-1].astype(float)
    n_all, d_all = at_risk.sum(axis=1), died.sum(axis=1).astype(float)
    z = died.sum(axis=0).astype(float) - (at_risk * (d_all / n_all)[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ties = np.where(n_all > 1, (n_all - d_all) / (n_all - 1), 1.0)
    factor = ties * d_all / n_all**2
    weighted = at_risk * factor[:, None]
    cov = np.diag((weighted * n_all[:, None]).sum(axis=0)) - weighted.T @ at_risk
    statistic = float(z[:-1] @ np.linalg.pinv(cov[:-1, :-1]) @ z[:-1])
    return {
        "test_statistic": statistic,
        "degrees_of_freedom": n_groups - 1,
        # chdtrc is scipy.stats.chi2.sf without its argument checks (which give 1 for x <= 0)
        "p_value": float(chdtrc(n_groups - 1, max(statistic, 0.0))),
        "groups": groups,
    }
