"""How many incidents happened, including those nobody logged: two-source capture-recapture.

When two organisations (say a union and a helpline) keep logs independently, the posts in both logs
play the part of "recaptured" animals: if the union saw n1 posts, the helpline n2, and m were in both,
the union caught about m/n2 of all posts, so the total is about n1 * n2 / m (Petersen). Chapman's
(1951) version, (n1 + 1)(n2 + 1)/(m + 1) - 1, is nearly unbiased and finite when m = 0.

The estimate is only as good as its assumptions, which every result states in words:

- closed population: the same set of incidents was there to be logged by both organisations (same
  period, same kind of abuse, same area);
- independent sources: being logged by one organisation does not change the chance of being logged
  by the other. Positive dependence (a union that refers members to the helpline) makes the
  estimate too low; negative dependence makes it too high;
- homogeneous capture: every incident was equally likely to be logged by a given organisation.
  In practice severe abuse is more likely to reach both, which also biases the estimate down;
- perfect matching: the same post has the same ``content_ref`` in both logs and different posts
  differ. Complaints without a ``content_ref`` cannot be matched and are left out (and counted).

Two intervals are given. The Wald interval (Chapman's estimate +/- z times Seber's standard error)
is the textbook one but symmetric, so with few matches it can fall below the number of incidents
actually seen. The log-normal interval (Chao 1987, Biometrics 43:783) puts the log-normal
distribution on the *unseen* number, N - r with r the distinct incidents observed, so its lower bound
is never below r and it is skewed upward as the sampling distribution is: that is the one reported
as the headline interval.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtri

from analysis.measures.counts import incident_codes

#: The assumptions behind every estimate, in words fit for a briefing's method annex.
ASSUMPTIONS: tuple[str, ...] = (
    "closed population: both logs cover the same incidents (same period, area and kind of abuse)",
    "independent sources: being in one log does not change the chance of being in the other",
    "homogeneous capture: every incident was equally likely to be logged by each organisation",
    "perfect matching: the same post has the same content_ref in both logs, and different posts differ",
)
#: Below this many matches Chapman's estimate is noticeably biased and unstable (Robson and Regier
#: 1964 suggest at least 7 recaptures for the bias to be negligible).
MIN_MATCHES = 7


@dataclass(frozen=True)
class CaptureRecapture:
    """A Chapman estimate of the total number of incidents from two overlapping logs.

    ``estimate`` is NaN when there is no overlap (m = 0): the formula still returns a number, but
    with nothing in common the logs say nothing about how many incidents neither saw, so the number
    is reported as undefined, with the reason in ``warnings``; ``lower`` is then the observed count
    (a certain lower bound) and ``upper`` infinite. ``lower``/``upper`` are the log-normal interval;
    ``wald_lower``/``wald_upper`` the symmetric one, for comparison.
    """

    sources: tuple[str, str]
    n1: int
    n2: int
    m: int
    observed: int
    estimate: float
    variance: float
    se: float
    lower: float
    upper: float
    wald_lower: float
    wald_upper: float
    level: float
    unmatched_complaints: int = 0
    warnings: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = field(default=ASSUMPTIONS)
    method: str = (
        "Chapman (1951) estimator with Seber's (1982) variance; headline interval log-normal on "
        "the unseen number (Chao 1987), Wald interval given for comparison"
    )

    @property
    def unseen(self) -> float:
        """Estimated incidents in neither log."""
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["sources"] = list(self.sources)
        out["assumptions"] = list(self.assumptions)
        out["warnings"] = list(self.warnings)
        out["unseen"] = self.unseen
        return out


def chapman(
    n1: int, n2: int, m: int, level: float = 0.95, sources: tuple[str, str] = ("1", "2")
) -> CaptureRecapture:
    """Chapman's estimate from the two list sizes and their overlap, with both intervals.

    Seber's variance: (n1+1)(n2+1)(n1-m)(n2-m) / ((m+1)^2 (m+2)).
    Log-normal interval: with f0 = N - r and C = exp(z sqrt(log(1 + var / f0^2))),
    [r + f0 / C, r + f0 * C].
    """
    if min(n1, n2, m) < 0 or m > min(n1, n2):
        raise ValueError(f"need 0 <= m <= min(n1, n2); got n1={n1}, n2={n2}, m={m}")
    z = float(ndtri(0.5 + level / 2))
    observed = n1 + n2 - m
    estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    se = math.sqrt(variance)
    unseen = estimate - observed
    if unseen > 0 and variance > 0:
        c = math.exp(z * math.sqrt(math.log(1 + variance / unseen**2)))
        lower, upper = observed + unseen / c, observed + unseen * c
    else:  # the lists coincide (or one contains the other): nothing suggests unseen incidents
        lower = upper = estimate
    warnings: list[str] = []
    wald_lower, wald_upper = estimate - z * se, estimate + z * se
    if m == 0:
        warnings.append(
            "no incident is in both logs: the total cannot be estimated (the Chapman formula's "
            f"{estimate:.0f} is an artefact of its +1 corrections); at least {observed} incidents "
            "happened, with no upper limit from these data"
        )
        estimate = variance = se = wald_lower = wald_upper = float("nan")
        lower, upper = float(observed), float("inf")
    elif m < MIN_MATCHES:
        warnings.append(
            f"only {m} incident(s) in both logs (fewer than {MIN_MATCHES}): the estimate is "
            "unstable and may be biased; read the interval, not the point"
        )
    return CaptureRecapture(
        sources=sources,
        n1=n1,
        n2=n2,
        m=m,
        observed=observed,
        estimate=estimate,
        variance=variance,
        se=se,
        lower=lower,
        upper=upper,
        wald_lower=wald_lower,
        wald_upper=wald_upper,
        level=level,
        warnings=tuple(warnings),
    )


def capture_recapture(
    log: pd.DataFrame,
    sources: tuple[str, str] | None = None,
    level: float = 0.95,
    codes: np.ndarray | None = None,
) -> CaptureRecapture:
    """Chapman estimate of distinct incidents from two organisations' complaints in one log.

    ``sources`` names the two organisations; by default the log must hold exactly two, or the two
    with most incidents are used (and a warning says so: with three or more lists a log-linear
    model would use them all). Incidents are distinct ``content_ref`` values per organisation;
    complaints without one cannot be matched, so they are left out and counted in
    ``unmatched_complaints``. ``codes`` may pass :func:`~analysis.measures.counts.incident_codes`
    of ``log`` when already computed (hashing a million references is the slow part).
    """
    refs = log["content_ref"]
    matchable = (refs.notna() & (refs != "")).to_numpy()
    # Integer codes, so de-duplication and matching are sorts of int64
    ref_codes = (incident_codes(log) if codes is None else codes)[matchable]
    org_codes, org_values = pd.factorize(log["organisation"].to_numpy()[matchable])
    orgs = pd.Index(org_values)
    pairs = np.sort(ref_codes.astype(np.int64) * max(len(orgs), 1) + org_codes)
    # sort-based de-duplication: numpy 2.4's hash-based np.unique took 1 s on a million ints
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs
    pair_ref, pair_org = pairs // max(len(orgs), 1), pairs % max(len(orgs), 1)
    per_org = pd.Series(np.bincount(pair_org, minlength=len(orgs)), index=orgs)
    extra: list[str] = []
    if sources is None:
        if len(per_org) < 2:
            raise ValueError(
                "capture-recapture needs two organisations' logs with content_ref; found "
                f"{len(per_org)} ({', '.join(map(str, per_org.index)) or 'none'})"
            )
        ranked = sorted(per_org.index, key=lambda o: (-per_org[o], str(o)))
        sources = (ranked[0], ranked[1])
        if len(per_org) > 2:
            extra.append(
                f"{len(per_org)} organisations in the log: the two largest ({sources[0]}, "
                f"{sources[1]}) were used; the others' incidents are not in this estimate"
            )
    missing = [s for s in sources if s not in per_org.index]
    if missing:
        raise ValueError(f"no matchable incidents from organisation(s) {missing}")
    set1 = pair_ref[pair_org == orgs.get_loc(sources[0])]
    set2 = pair_ref[pair_org == orgs.get_loc(sources[1])]
    m = int(np.isin(set1, set2, assume_unique=True).sum())
    in_sources = log["organisation"].isin(sources)
    result = chapman(len(set1), len(set2), m, level, (str(sources[0]), str(sources[1])))
    return CaptureRecapture(
        **{
            **asdict(result),
            "unmatched_complaints": int((in_sources & ~matchable).sum()),
            "warnings": (*result.warnings, *extra),
        }
    )


#: Odds ratios of dependence between the two sources for the sensitivity range (1: independent).
DEPENDENCE_ODDS_RATIOS: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0)


def dependence_range(
    result: CaptureRecapture, odds_ratios: tuple[float, ...] = DEPENDENCE_ODDS_RATIOS
) -> pd.DataFrame:
    """The estimate if the two sources were positively dependent, for a range of odds ratios.

    Independence is the assumption most likely to fail here: a union that sends members to a
    helpline makes a post in one log likelier to be in the other, so the overlap m is too large and
    the estimate too low. Write the two logs as a 2x2 table of incidents (in both: n11; in one only:
    n10, n01; in neither: n00, unseen). The dependence between the sources is the odds ratio
    psi = n11 n00 / (n10 n01); the two-source estimate assumes psi = 1, and for a known psi the
    unseen cell is psi times the independent one (Brenner H. 1995, "Use and limitations of the
    capture-recapture method in disease monitoring with two dependent sources", Epidemiology
    6(1):42-48; International Working Group for Disease Monitoring and Forecasting 1995, Am J
    Epidemiol 142:1047-58). With only two sources psi cannot be estimated, so the estimate is shown
    for a range of assumed values: from 1 (independent) to 3, a strong positive dependence. Hook
    and Regal (2000, Am J Epidemiol 152:771-9) conclude that most lists epidemiologists combine
    have a net positive dependence, so that capture-recapture tends to underestimate.

    Each row scales Chapman's unseen number and its log-normal interval by psi (treating psi as
    known): estimate = observed + psi (estimate - observed), likewise the bounds. Columns:
    odds_ratio, estimate, lower, upper. Empty when the estimate itself is undefined (no overlap).
    """
    columns = ["odds_ratio", "estimate", "lower", "upper"]
    if math.isnan(result.estimate):
        return pd.DataFrame(columns=columns)
    seen = result.observed
    rows = [
        {
            "odds_ratio": psi,
            "estimate": seen + psi * (result.estimate - seen),
            "lower": seen + psi * (result.lower - seen),
            "upper": seen + psi * (result.upper - seen),
        }
        for psi in odds_ratios
    ]
    return pd.DataFrame(rows, columns=columns)


def dependence_note(odds_ratios: tuple[float, ...] = DEPENDENCE_ODDS_RATIOS) -> str:
    """The sensitivity range in one sentence, for the method annex."""
    return (
        f"If being in one organisation's log made a post up to {max(odds_ratios):g} times as likely "
        "(in odds) to be in the other's, as when one organisation refers people to the other, the "
        "estimate rises in proportion to the unseen posts: see the dependence rows. Independence "
        "cannot be checked with two logs, so the independent estimate is a lower figure, not a "
        "headline."
    )
