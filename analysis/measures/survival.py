"""The Kaplan-Meier estimator: the one implementation behind response times, rule compliance and
deadline sensitivity.

Why one module: the curve, its confidence band, the median and the share "within t hours" must be
the same arithmetic wherever a briefing prints them, so that a response-time table and a rule's
compliance share computed from the same complaints can never disagree. Why numpy and not lifelines:
on a million complaints (about 600,000 distinct minute-resolution times) lifelines took 4.4 s per
clock against a 5 s budget for the whole ``analyse`` step; the sorted-array version here takes a
fraction of a second. lifelines stays the reference: the tests check every number against it.

Conventions, each as lifelines has it:

- **Estimator.** S(t) = prod over event times u <= t of (1 - d_u / n_u): right-continuous, so an
  event at exactly t counts as "by t". The timeline starts at 0 with everyone at risk.
- **At risk.** The number at risk at t is the number *still waiting just before t*: every complaint
  whose time (event or censoring) is >= t. This is the survival table's ``at_risk`` column and the
  ``at_risk`` of every "share within t hours" and deadline-sensitivity row, at exact boundaries too:
  a complaint answered at exactly 24 h is at risk at 24 h (it was still waiting just before) and
  counts as answered within 24 h. lifelines' ``event_table["at_risk"]`` is the same count.
- **Confidence band.** Greenwood's variance of log S on the log(-log) scale, so the bounds stay
  within 0 and 1; a point (1, 1) where S = 1.
- **Median (and its CI).** The first time the curve (the band's lower or upper curve for the bounds)
  is at or below one half; ``inf`` ("not reached") when it never is. The comparison with one half
  allows :data:`HALF_TOLERANCE`: S is a product of fractions computed in floating point, so a curve
  that is exactly one half in rational arithmetic (5 events among 10, or 9/10 * 8/9 * ... * 5/6) can
  come out as 0.5000000000000002, and without the tolerance the median would move to the next event
  time on rounding noise alone. lifelines compares without a tolerance, so on such curves it can
  report "not reached" where S is exactly one half; the tests use lifelines as the oracle wherever
  its floating-point curve is on the exact side of one half, and hand-worked values elsewhere.
- **Share within t.** 1 - S(t), with the band's bounds. Where the share is exactly 0% or 100%
  Greenwood's interval collapses to a point, which claims a certainty a handful of complaints cannot
  give; there the Wilson interval on the complaints *followed to t* (had the event by t, or still
  waiting after it) is given instead. Beyond the longest follow-up S(t) is unknown unless the curve
  already reached 0: such a share is NaN and flagged not estimable, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import chdtrc, ndtri

from analysis.measures.intervals import wilson_where_certain

#: How close to one half a curve must be to count as one half (see the module docstring). Floating
#: rounding in a product of a million factors stays below 1e-10; a real curve this close to one
#: half without being at it would need more complaints than any log holds.
HALF_TOLERANCE = 1e-9

#: Columns of a Kaplan-Meier curve (:func:`km_table`).
CURVE_COLUMNS: tuple[str, ...] = (
    "timeline",
    "at_risk",
    "events",
    "censored",
    "estimate",
    "lower",
    "upper",
)


def z_value(level: float) -> float:
    """The normal quantile of a two-sided ``level`` interval (1.96 for 0.95)."""
    return float(ndtri(0.5 + level / 2))


def tabulate(
    durations: np.ndarray, events: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times, and exits and events per (time, group): one sort serves every group.

    ``codes`` numbers each row's group 0..n_groups-1. Returns ``times`` (T,), ``exits`` and
    ``died`` (T, n_groups); each group's curve, the pooled curve and the log-rank test are
    arithmetic on these counts.
    """
    times, inverse = np.unique(np.asarray(durations, dtype=float), return_inverse=True)
    cell = inverse * n_groups + codes
    size = len(times) * n_groups
    exits = np.bincount(cell, minlength=size).reshape(len(times), n_groups)
    died = np.bincount(cell, weights=events, minlength=size).reshape(len(times), n_groups)
    return times, exits, died.astype(np.int64)


@dataclass(frozen=True)
class Curve:
    """A Kaplan-Meier curve as arrays, one entry per distinct time (starting at 0)."""

    timeline: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray
    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def frame(self) -> pd.DataFrame:
        """The curve as a table with :data:`CURVE_COLUMNS`."""
        return pd.DataFrame({c: getattr(self, c) for c in CURVE_COLUMNS})


def curve_from_counts(
    times: np.ndarray, exits: np.ndarray, died: np.ndarray, level: float = 0.95
) -> Curve:
    """Kaplan-Meier curve from exits and events at distinct sorted times (times without exits
    dropped). Greenwood: var(log S) = sum d / (n (n - d)); the band is S ** exp(+-z sqrt(var) /
    log S), the point 1 where S = 1."""
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
        half_width = z_value(level) * np.sqrt(np.cumsum(greenwood)) / log_s
        lower = np.exp(-np.exp(np.log(-log_s) - half_width))
        upper = np.exp(-np.exp(np.log(-log_s) + half_width))
    return Curve(
        timeline=times.astype(float),
        at_risk=at_risk.astype(np.int64),
        events=died.astype(np.int64),
        censored=(exits - died).astype(np.int64),
        estimate=estimate,
        lower=np.nan_to_num(lower, nan=1.0),
        upper=np.nan_to_num(upper, nan=1.0),
    )


def km_curve(durations: np.ndarray, events: np.ndarray, level: float = 0.95) -> Curve:
    """The Kaplan-Meier curve of one sample."""
    durations = np.asarray(durations, dtype=float)
    times, exits, died = tabulate(
        durations, np.asarray(events, dtype=float), np.zeros(len(durations), dtype=np.int64), 1
    )
    return curve_from_counts(times, exits[:, 0], died[:, 0], level)


def km_table(durations: np.ndarray, events: np.ndarray, level: float = 0.95) -> pd.DataFrame:
    """The Kaplan-Meier curve of one sample as a table (:data:`CURVE_COLUMNS`)."""
    return km_curve(durations, events, level).frame()


def first_at_or_below_half(timeline: np.ndarray, curve: np.ndarray) -> float:
    """First time the (non-increasing) curve is at or below one half, within
    :data:`HALF_TOLERANCE`; ``inf`` when it never is (median or bound not reached)."""
    below = np.flatnonzero(curve <= 0.5 + HALF_TOLERANCE)
    return float(timeline[below[0]]) if len(below) else float("inf")


def median_with_ci(curve: Curve) -> tuple[float, float, float]:
    """(median, lower, upper) hours: where the curve and its band first reach one half."""
    return (
        first_at_or_below_half(curve.timeline, curve.estimate),
        first_at_or_below_half(curve.timeline, curve.lower),
        first_at_or_below_half(curve.timeline, curve.upper),
    )


@dataclass(frozen=True)
class Within:
    """Kaplan-Meier share with the event by each time in ``hours`` (arrays of that length)."""

    hours: np.ndarray
    share: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    #: Still waiting just before t (time >= t): the survival table's convention.
    at_risk: np.ndarray
    #: False beyond the longest follow-up, unless the curve already reached 0 (share is NaN).
    estimable: np.ndarray


def within_from_curve(
    curve: Curve, hours: np.ndarray, level: float = 0.95, longest: float | None = None
) -> Within:
    """Evaluate a curve at ``hours``: shares, bounds (Wilson where 0% or 100%) and at-risk counts.

    The curve may end in a pseudo-time (``inf``) holding complaints followed beyond every time of
    interest (see :func:`share_within`): they count as at risk and followed, never as events, and
    ``longest`` (the longest follow-up) must then be given; by default it is the curve's last time.
    """
    hours = np.asarray(hours, dtype=float)
    timeline = curve.timeline
    total = int(curve.at_risk[0]) if len(curve.at_risk) else 0
    exits_by = np.cumsum(curve.events + curve.censored)
    events_by = np.cumsum(curve.events)
    step = np.searchsorted(timeline, hours, side="right") - 1  # last time <= t
    before = np.searchsorted(timeline, hours, side="left") - 1  # last time < t
    left_by_t = np.where(step >= 0, exits_by[np.maximum(step, 0)], 0)
    left_before_t = np.where(before >= 0, exits_by[np.maximum(before, 0)], 0)
    had_event = np.where(step >= 0, events_by[np.maximum(step, 0)], 0)
    at_risk = total - left_before_t
    followed = (total - left_by_t) + had_event
    s, lo, hi = (
        np.where(step >= 0, c[np.maximum(step, 0)], 1.0)
        for c in (curve.estimate, curve.lower, curve.upper)
    )
    if longest is None:
        longest = float(timeline[-1]) if len(timeline) else 0.0
    reached_zero = bool(len(curve.estimate)) and curve.estimate[-1] <= 0.0
    estimable = (hours <= longest) | reached_zero if total else np.zeros(hours.shape, dtype=bool)
    share_lo, share_hi = wilson_where_certain(1.0 - s, 1.0 - hi, 1.0 - lo, followed, z_value(level))
    nan = np.nan
    return Within(
        hours=hours,
        share=np.where(estimable, 1.0 - s, nan),
        lower=np.where(estimable, share_lo, nan),
        upper=np.where(estimable, share_hi, nan),
        at_risk=at_risk.astype(np.int64),
        estimable=np.asarray(estimable, dtype=bool),
    )


def share_within(durations: np.ndarray, events: np.ndarray, hours, level: float = 0.95) -> Within:
    """Kaplan-Meier share with the event by each of ``hours``, from raw durations and event flags.

    Only times up to the last of ``hours`` enter S(t) there, so only those are tabulated; every
    longer time is one pseudo-exit at ``inf`` (at risk, followed, never an event): the same numbers
    as from the whole curve at a fraction of the cost when scoring twenty rules on a million
    complaints.
    """
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    hours = np.asarray(hours, dtype=float)
    if len(durations) == 0:
        nan = np.full(hours.shape, np.nan)
        return Within(
            hours,
            nan,
            nan,
            nan,
            np.zeros(hours.shape, dtype=np.int64),
            np.zeros(hours.shape, dtype=bool),
        )
    early = durations <= hours.max()
    times, exits, died = tabulate(
        durations[early], events[early].astype(float), np.zeros(int(early.sum()), dtype=np.int64), 1
    )
    later = int((~early).sum())
    if later:
        times = np.append(times, np.inf)
        exits = np.vstack([exits, [[later]]])
        died = np.vstack([died, [[0]]])
    curve = curve_from_counts(times, exits[:, 0], died[:, 0], level)
    return within_from_curve(curve, hours, level, longest=float(durations.max()))


def logrank_from_counts(exits: np.ndarray, died: np.ndarray, groups: list[str]) -> dict | None:
    """Multivariate log-rank test that every group shares one curve (None with < 2 groups).

    At each distinct time, group j's expected events are n_j d / n; the statistic is
    Z' V^-1 Z over the first G-1 groups, with Z observed minus expected and V the hypergeometric
    covariance, chi-squared on G-1 degrees of freedom.
    """
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
