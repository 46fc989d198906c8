"""Confidence intervals for shares, shared by the measures and the rule compliance.

One implementation of the Wilson interval, and of the rule for when a Kaplan-Meier share falls back
on it, so that "share answered within 24 hours" (:mod:`analysis.measures.response_times`) and
"share removed within the rule's deadline" (:mod:`analysis.rules.compliance`) can never disagree
about how uncertain a 0% or a 100% is.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

#: The normal quantile of a two-sided 95% interval (``ndtri`` is what ``scipy.stats.norm.ppf``
#: calls: the same number, without the second it takes to import ``scipy.stats``).
Z95: float = float(ndtri(0.975))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (NaN, NaN when n is 0).

    Chosen over the normal approximation because shares near 0% or 100% on a few dozen complaints
    are common here, and Wilson's interval stays inside 0-1 and keeps its coverage there.
    """
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def wilson_where_certain(
    share: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    followed: np.ndarray,
    z: float = Z95,
) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier interval bounds of a share, with Wilson's where the share is exactly 0 or 1.

    Where the Kaplan-Meier share with the event by time t is 0% (no event yet) or 100% (every
    complaint followed that long had it), Greenwood's variance is zero and its interval collapses to
    a point: "0% (95% CI 0% to 0%)" on sixteen complaints would claim certainty from a handful of
    cases. There the Wilson interval for 0 (or n) of the n complaints ``followed`` to t (had the
    event by t, or were still waiting after it) is given instead. Elsewhere ``lower`` and
    ``upper`` are returned unchanged (as new arrays); NaN shares are left alone.
    """
    share = np.asarray(share, dtype=float)
    lower, upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
    followed = np.asarray(followed)
    for i in np.flatnonzero((share <= 0.0) | (share >= 1.0)):
        n = int(followed[i])
        lower[i], upper[i] = wilson(n if share[i] >= 1.0 else 0, n, z)
    return lower, upper
