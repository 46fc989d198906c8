"""What became of the complaints reported to a platform, as of the extract date.

Each complaint reported before the extract date ends in exactly one of five outcomes *at that date*:

- ``removed`` / ``restricted``: the content came down (or access to it was restricted) by then;
- ``no_breach_found``: answered, content left up, the platform found no breach of its rules;
- ``other_answer``: answered, content still up, and no decision recorded (or a removal recorded only
  after the extract date);
- ``not_answered``: no answer and no removal by the extract date. These complaints are *censored*,
  not "still waiting": the log says only that nothing had happened by the extract date, so they are
  named "not answered by <extract date>" in print.

The outcome is read at the extract date, so a removal logged a week after it counts as not yet
removed, just as in the Kaplan-Meier clocks of :mod:`analysis.measures.response_times`. Counts are
raw; suppression of small counts is for :mod:`analysis.publish` when a table is printed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.log.allowed_values import PLATFORMS
from analysis.measures.intervals import wilson
from analysis.measures.response_times import ALL_GROUPS, utc_ns

#: The five outcomes at the extract date, in print order, then the two sums derived from them.
OUTCOMES: tuple[str, ...] = (
    "removed",
    "restricted",
    "no_breach_found",
    "other_answer",
    "not_answered",
)
SHARES: tuple[str, ...] = (*OUTCOMES, "taken_down")
#: Label of the group pooling every reporter.
EVERYONE = "Everyone"
#: Who reported, for a complaint whose ``reported_by`` is empty.
NOT_RECORDED = "not recorded"
#: Who reported, in print order (the logging organisations, named, come after these).
REPORTER_ORDER: tuple[str, ...] = ("staff member", "school")
#: A wait longer than this many days reads as "more than six months".
SIX_MONTHS_DAYS = 365.0 / 2


def reported_before(log: pd.DataFrame, as_of: pd.Timestamp | str) -> np.ndarray:
    """Which rows of ``log`` are in :func:`~analysis.measures.response_times.complaint_times`.

    The same test (reported, in UTC, before the extract instant read as UK time) in the same row
    order, so ``log[...][mask]`` lines up row for row with the complaint times.
    """
    as_of = pd.Timestamp(as_of)
    cutoff = as_of.value if as_of.tz is not None else utc_ns(np.array([as_of.value]))[0]
    reported = utc_ns(log["reported_at"])
    return (reported != np.iinfo(np.int64).min) & (reported < cutoff)


def outcome_codes(outcome: np.ndarray, responded: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """Each reported complaint's outcome at the extract date, as an index into :data:`OUTCOMES`.

    ``outcome`` is the log's outcome column; ``responded`` and ``removed`` the event flags of
    :func:`~analysis.measures.response_times.complaint_times` (a removal is also an answer).
    """
    outcome = np.asarray(outcome, dtype=object)
    no_breach = responded & ~removed & (outcome == "no breach found")
    return np.select(
        [removed & (outcome == "removed"), removed, no_breach, responded & ~removed],
        [0, 1, 2, 3],
        default=4,
    )


def reporter_groups(reported_by: pd.Series, organisation: pd.Series) -> np.ndarray:
    """Who reported each complaint: "staff member", "school", the logging organisation's name
    (a union or a helpline, when it reported the post itself), or :data:`NOT_RECORDED`."""
    by = reported_by.astype(object).to_numpy()
    org = organisation.astype(object).to_numpy()
    named = np.where(by == "organisation", org, by)
    return np.where(pd.isna(named) | (named == ""), NOT_RECORDED, named).astype(object)


def _share_columns(counts: pd.DataFrame, name: str, n: pd.Series) -> dict[str, list]:
    bounds = [
        wilson(int(k), int(m)) if m else (np.nan, np.nan)
        for k, m in zip(counts[name], n, strict=True)
    ]
    return {
        f"{name}_share": [k / m if m else np.nan for k, m in zip(counts[name], n, strict=True)],
        f"{name}_lower": [b[0] for b in bounds],
        f"{name}_upper": [b[1] for b in bounds],
    }


def _ordered_codes(groups: np.ndarray, first: tuple[str, ...]) -> tuple[np.ndarray, list]:
    """Group numbers with the groups in ``first``'s order, others after them sorted, and
    :data:`NOT_RECORDED` last (as in every table, so the same group is always in the same place)."""
    codes, uniques = pd.factorize(groups)
    rank = {g: i for i, g in enumerate(first)}
    labels = sorted(uniques, key=lambda g: (rank.get(g, len(first)), g == NOT_RECORDED, str(g)))
    position = np.array([labels.index(u) for u in uniques] + [-1], dtype=np.int64)
    return position[codes], labels


def outcome_table(
    groups: np.ndarray | pd.Series,
    codes: np.ndarray,
    pooled: str | None = ALL_GROUPS,
    first: tuple[str, ...] = PLATFORMS,
) -> pd.DataFrame:
    """Outcome counts and shares per group (and pooled, under the label ``pooled``).

    Columns: group, reported, answered, then for each of :data:`SHARES` the count and
    ``<name>_share``/``_lower``/``_upper`` (share of reported, Wilson 95%), and
    ``no_breach_of_answers_*`` ("no breach found" as a share of the answers). Groups come in the
    order of ``first`` (the contract's platforms), others after them sorted.
    """
    group_index, labels = _ordered_codes(np.asarray(groups, dtype=object), first)
    known = group_index >= 0
    cells = np.bincount(
        group_index[known] * len(OUTCOMES) + codes[known],
        minlength=len(labels) * len(OUTCOMES),
    ).reshape(len(labels), len(OUTCOMES))
    if pooled is not None:
        cells = np.vstack([cells, np.bincount(codes, minlength=len(OUTCOMES))])
        labels = [*labels, pooled]
    counts = pd.DataFrame(cells, columns=list(OUTCOMES)).assign(group=labels)
    counts["taken_down"] = counts["removed"] + counts["restricted"]
    counts["reported"] = cells.sum(axis=1)
    counts["answered"] = counts["reported"] - counts["not_answered"]
    counts["no_breach_of_answers"] = counts["no_breach_found"]
    out = {c: counts[c] for c in ("group", "reported", "answered")}
    for name in SHARES:
        out[name] = counts[name]
        out.update(_share_columns(counts, name, counts["reported"]))
    out["no_breach_of_answers"] = counts["no_breach_of_answers"]
    out.update(_share_columns(counts, "no_breach_of_answers", counts["answered"]))
    return pd.DataFrame(out)


def removal_league(outcomes: pd.DataFrame, within_48h: pd.DataFrame) -> pd.DataFrame:
    """Platforms ranked by the share of reported posts taken down (removed or restricted).

    ``outcomes``: :func:`outcome_table` by platform; ``within_48h``: the ``within`` frame of
    :func:`~analysis.measures.response_times.kaplan_meier` for removal, at 48 hours. The pooled row
    and platforms with nothing reported are left out. Equal shares get the same rank ("competition"
    ranking, 1, 2, 2, 4): the order of a tie says nothing, so no platform is placed above another
    on it. Columns: rank, platform, reported, taken_down (+ share/lower/upper), and the 48-hour
    share, lower, upper, at_risk, estimable.
    """
    table = outcomes[(outcomes["group"] != ALL_GROUPS) & (outcomes["reported"] > 0)]
    table = table.rename(columns={"group": "platform"})
    day2 = within_48h[within_48h["hours"] == 48.0].set_index("platform")
    keep = ["share", "lower", "upper", "at_risk", "estimable"]
    day2 = day2[keep].add_prefix("within_48h_")
    table = table.join(day2, on="platform")
    table = table.sort_values("taken_down_share", ascending=False, kind="stable")
    table.insert(0, "rank", table["taken_down_share"].rank(method="min", ascending=False))
    table["rank"] = table["rank"].astype("int64")
    columns = ["rank", "platform", "reported", "taken_down"]
    columns += [f"taken_down_{s}" for s in ("share", "lower", "upper")]
    return table[columns + list(day2.columns)].reset_index(drop=True)


def not_answered_waits(times: pd.DataFrame) -> dict[str, float | int]:
    """How long the complaints not answered by the extract date had been waiting by then.

    Their censored ``hours_to_response`` *is* that wait. Returns complaints, median_days,
    lower_quartile_days, upper_quartile_days (NaN with none), over_six_months (how many waited
    more than :data:`SIX_MONTHS_DAYS`) and its share with Wilson bounds (over_six_months_share,
    _lower, _upper): "most after about eight months" reads off the median.
    """
    days = times["hours_to_response"].to_numpy(dtype=float)[~times["responded"].to_numpy(bool)]
    days = days / 24.0
    if len(days) == 0:
        q1 = median = q3 = float("nan")
    else:
        q1, median, q3 = (float(v) for v in np.quantile(days, [0.25, 0.5, 0.75]))
    over = int((days > SIX_MONTHS_DAYS).sum())
    lower, upper = wilson(over, len(days))
    return {
        "complaints": len(days),
        "median_days": median,
        "lower_quartile_days": q1,
        "upper_quartile_days": q3,
        "over_six_months": over,
        "over_six_months_share": over / len(days) if len(days) else float("nan"),
        "over_six_months_lower": lower,
        "over_six_months_upper": upper,
    }
