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

import numpy as np
import pandas as pd

from analysis.log.contract import TAKEN_DOWN

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
