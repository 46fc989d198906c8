"""How many complaints, and how many distinct incidents, by period and by group.

Two units are counted because they answer different questions. A *complaint* is one row of the log:
the workload of the union or helpline. An *incident* is one post: the same post reported by three
members, or to two organisations, is one incident (same ``content_ref``). A complaint without a
``content_ref`` cannot be matched to any other, so it is its own incident; incident counts are
therefore upper bounds where references are missing.

An incident is dated and described by its *first* complaint (earliest ``received_at``), so incident
counts over the values of any one dimension sum to the number of distinct incidents. The exception is
``category``: a complaint carries several categories and counts once under each, so category counts
sum to more than the number of complaints (and of incidents).

Counts read as rates (complaints per week, per month, or over the whole log for a group) carry exact
(Garwood) Poisson 95% intervals: the count is treated as one draw from a Poisson process whose rate is
the quantity of interest. For a census of a fixed population the interval would be meaningless; for
"how often does this happen" it is the honest one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.special import gammaincinv

from analysis.log.allowed_values import CATEGORIES, NATIONS, PHASES, PLATFORMS, ROLES

#: Dimensions a count table can be broken down by, and the fixed values of each (None: from the data).
DIMENSIONS: dict[str, tuple[str, ...] | None] = {
    "week": None,
    "month": None,
    "nation": NATIONS,
    "phase": PHASES,
    "role": ROLES,
    "platform": PLATFORMS,
    "organisation": None,
    "category": CATEGORIES,
}
#: Pandas period frequency of each period dimension: weeks run Monday to Sunday.
PERIODS: dict[str, str] = {"week": "W-SUN", "month": "M"}
#: Columns of a count table after the dimension columns.
COUNT_COLUMNS: tuple[str, ...] = (
    "complaints",
    "complaints_lower",
    "complaints_upper",
    "incidents",
    "incidents_lower",
    "incidents_upper",
)


def poisson_ci(
    counts: np.ndarray | Sequence[int], level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval for a Poisson mean from observed counts.

    lower = chi2(alpha/2; 2k)/2 (0 when k = 0), upper = chi2(1 - alpha/2; 2k + 2)/2. Conservative:
    coverage is at least ``level`` for every true rate, which matters for the small counts that
    dominate weekly tables. chi2(q; 2k)/2 is the inverse regularised gamma function at (k, q): that
    is how ``scipy.stats.chi2.ppf`` computes it, so the numbers are its own, without the second it
    takes to import ``scipy.stats``.
    """
    k = np.asarray(counts, dtype=float)
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(k > 0, gammaincinv(k, alpha / 2), 0.0)
    upper = gammaincinv(k + 1, 1 - alpha / 2)
    return lower, upper


def incident_codes(log: pd.DataFrame) -> np.ndarray:
    """One int64 code per incident: equal ``content_ref`` -> equal code; no reference -> a code of its own.

    Codes are dense (0 .. incidents-1). Integer codes rather than strings so that de-duplication is
    cheap; the strings are hashed once, by Arrow's dictionary encoding, which took under half the
    time of ``pd.factorize`` on millions of 64-character references.
    """
    refs = log["content_ref"].to_numpy(dtype=object)
    missing = pd.isna(refs) | (refs == "")
    encoded = pc.dictionary_encode(pa.array(np.where(missing, None, refs), type=pa.string()))
    codes = pc.fill_null(encoded.indices, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    codes[missing] = len(encoded.dictionary) + np.arange(int(missing.sum()))
    return codes


def first_complaint_mask(log: pd.DataFrame, codes: np.ndarray | None = None) -> np.ndarray:
    """True on each incident's earliest complaint by ``received_at`` (ties: the earlier row).

    ``codes``: :func:`incident_codes` of ``log`` if already computed.
    """
    codes = incident_codes(log) if codes is None else codes
    order = np.argsort(log["received_at"].to_numpy(dtype="datetime64[ns]"), kind="stable")
    _, first = np.unique(codes[order], return_index=True)
    mask = np.zeros(len(log), dtype=bool)
    mask[order[first]] = True
    return mask


def _period_start(stamps: pd.Series, dim: str) -> np.ndarray:
    """First day of each stamp's month, or the Monday of its week (numpy, no Period objects)."""
    days = stamps.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    if dim == "month":
        return days.astype("datetime64[M]").astype("datetime64[ns]")
    # 1970-01-01 was a Thursday: (day number + 3) % 7 is days since Monday
    since_monday = (days.view("int64") + 3) % 7
    return (days - since_monday.astype("timedelta64[D]")).astype("datetime64[ns]")


def _explode_categories(frame: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """One row per (complaint, category), splitting each distinct ';'-joined value only once."""
    codes, combos = pd.factorize(categories.to_numpy(dtype=object))
    parts = [str(c).split(";") for c in combos]
    lengths = np.array([len(p) for p in parts])[codes]
    pieces = []
    for j in range(max((len(p) for p in parts), default=0)):
        rows = np.flatnonzero(lengths > j)
        nth = np.array([p[j] if len(p) > j else "" for p in parts], dtype=object)
        pieces.append(frame.iloc[rows].assign(category=nth[codes[rows]]))
    return pd.concat(pieces, ignore_index=True) if pieces else frame.assign(category=None)


def _levels(values: pd.Series, dim: str) -> list:
    """Every value a dimension should show, zeros included: a week with no complaints is a finding."""
    present = values.dropna().unique()
    if dim in PERIODS:
        if len(present) == 0:
            return []
        lo, hi = pd.Timestamp(min(present)), pd.Timestamp(max(present))
        return list(pd.period_range(lo, hi, freq=PERIODS[dim]).start_time)
    fixed = DIMENSIONS.get(dim)
    if fixed is None:
        return sorted(present)
    return list(fixed) + sorted(set(present) - set(fixed))


def count_table(
    log: pd.DataFrame,
    by: str | Sequence[str],
    level: float = 0.95,
    first: np.ndarray | None = None,
) -> pd.DataFrame:
    """Complaints and incidents per combination of the ``by`` dimensions, zeros included.

    ``by`` is one name of :data:`DIMENSIONS` or several (a cross-table, e.g. ``("platform", "month")``).
    Columns: the dimensions, then :data:`COUNT_COLUMNS`. Periods are labelled by their first day
    (weeks start on Monday) and taken from ``received_at``. An incident is counted where its first
    complaint falls. ``first``: :func:`first_complaint_mask` of ``log`` if already computed (the
    results draw five tables from one log, and the mask is most of a table's time).
    """
    dims = [by] if isinstance(by, str) else list(by)
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}: choose from {list(DIMENSIONS)}")

    slim = pd.DataFrame({"_first": first_complaint_mask(log) if first is None else first})
    for dim in dims:
        if dim in PERIODS:
            slim[dim] = _period_start(log["received_at"], dim)
        elif dim != "category":
            slim[dim] = log[dim].to_numpy()
    if "category" in dims:
        slim = _explode_categories(slim, log["categories"])
    levels = [_levels(slim[d], d) for d in dims]
    index = (
        pd.MultiIndex.from_product(levels, names=dims)
        if len(dims) > 1
        else pd.Index(levels[0], name=dims[0])
    )
    grouped = slim.groupby(dims)["_first"]
    table = pd.DataFrame(
        {
            "complaints": grouped.size().reindex(index, fill_value=0),
            "incidents": grouped.sum().reindex(index, fill_value=0),
        }
    ).astype("int64")
    for unit in ("complaints", "incidents"):
        table[f"{unit}_lower"], table[f"{unit}_upper"] = poisson_ci(table[unit], level)
    return table.reset_index()[[*dims, *COUNT_COLUMNS]]


def totals(log: pd.DataFrame, codes: np.ndarray | None = None) -> dict[str, int]:
    """Whole-log totals: complaints, distinct incidents, and complaints lacking a content_ref.

    ``codes``: :func:`incident_codes` of ``log`` if already computed.
    """
    refs = log["content_ref"]
    codes = incident_codes(log) if codes is None else codes
    return {
        "complaints": len(log),
        "incidents": int(codes.max()) + 1 if len(codes) else 0,  # codes are 0..k-1
        "complaints_without_content_ref": int((refs.isna() | (refs == "")).sum()),
    }


def trend(
    log: pd.DataFrame,
    as_of: pd.Timestamp,
    period: str = "month",
    unit: str = "complaints",
    level: float = 0.95,
) -> pd.DataFrame:
    """Period-on-period trend of complaints (or incidents) per day, with tests of change.

    Periods differ in length (February against March) and the last one is usually cut short by the
    extract date, so counts are compared as *rates per day* over each period's days up to ``as_of``
    (the first period is assumed observed from its first day). Columns: period (first day), days,
    count, rate_per_day with lower/upper (exact Poisson), rate_ratio (this period's rate over the
    previous one's), p_value of an exact conditional test of equal rates (given the two counts'
    sum, this period's count is binomial with p = days / (days + previous days)), ``significant``
    (p < 1 - level) and ``ci_no_overlap`` (the two rate intervals do not overlap: a stricter,
    easier-to-explain reading). The first period has nothing to compare with: NaN and False.
    """
    from scipy.stats import binomtest  # here, not at the top: importing scipy.stats takes a second

    if period not in PERIODS:
        raise ValueError(f"period must be one of {list(PERIODS)}, not {period!r}")
    if unit not in ("complaints", "incidents"):
        raise ValueError(f"unit must be 'complaints' or 'incidents', not {unit!r}")
    as_of = pd.Timestamp(as_of)
    table = count_table(log, period, level)
    starts = pd.DatetimeIndex(table[period])
    ends = starts.to_period(PERIODS[period]).end_time + pd.Timedelta(1, "ns")
    ends = ends.where(ends < as_of, as_of)
    days = ((ends - starts) / pd.Timedelta(days=1)).to_numpy()
    counts = table[unit].to_numpy()
    lower, upper = poisson_ci(counts, level)
    out = pd.DataFrame(
        {
            "period": starts,
            "days": days,
            "count": counts,
            "rate_per_day": counts / days,
            "lower": lower / days,
            "upper": upper / days,
        }
    )
    prev_rate, prev_counts, prev_days = (
        out["rate_per_day"].shift(),
        out["count"].shift(),
        out["days"].shift(),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate_ratio"] = out["rate_per_day"] / prev_rate
    p_values = [np.nan]
    for k, k_prev, d, d_prev in zip(
        counts[1:], prev_counts[1:], days[1:], prev_days[1:], strict=True
    ):
        n = int(k + k_prev)
        p_values.append(binomtest(int(k), n, d / (d + d_prev)).pvalue if n > 0 else 1.0)
    out["p_value"] = p_values
    out["significant"] = out["p_value"] < 1 - level
    out["ci_no_overlap"] = (out["lower"] > out["upper"].shift()) | (
        out["upper"] < out["lower"].shift()
    )
    return out
