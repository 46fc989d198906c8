"""A validated log seen "as at" an earlier date than its extract: what was known on that day.

Validating a log against an earlier extract date would reject every later complaint and event as
an error ("after the extract date"): wrong for an analyst who asks how things stood at the end of
March. :func:`as_at` is applied *after* validation instead. Complaints received after the date are
out of scope (dropped, and counted), not invalid; reports, responses and removals dated after it
had not happened yet, so they are blanked and the outcome reads ``pending``, and every clock
(:func:`analysis.measures.response_times.complaint_times` at the returned date) is censored there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analysis.log.allowed_values import TAKEN_DOWN
from analysis.log.dates import parse_as_of


@dataclass(frozen=True)
class AsAt:
    """The log as at ``when`` (end of that day), and how many complaints came in after it."""

    log: pd.DataFrame
    when: pd.Timestamp
    received_after: int


def as_at(log: pd.DataFrame, when: dt.date | str, extract: pd.Timestamp) -> AsAt:
    """The validated ``log`` as it stood at the end of ``when`` (its extract date is ``extract``).

    A date after the extract is refused: nothing is known after the extract date.
    """
    cutoff = parse_as_of(when if isinstance(when, str) else pd.Timestamp(when).date())
    if cutoff > extract:
        raise ValueError(
            f"as at {cutoff:%Y-%m-%d} is after the extract date {extract:%Y-%m-%d}: "
            "nothing is known after it"
        )
    if cutoff == extract:
        return AsAt(log, extract, 0)
    received = log["received_at"] <= cutoff
    seen = log[received].copy()
    later = {c: seen[c] > cutoff for c in ("reported_at", "first_response_at", "removed_at")}
    for column, mask in later.items():
        seen.loc[mask, column] = pd.NaT
    outcome = seen["outcome"]
    # An outcome that its own dates put after the cutoff was not known yet (nor any outcome of a
    # post not reported yet): it reads "pending", as the log writes an open complaint.
    undecided = (
        later["reported_at"]
        | (outcome.isin(list(TAKEN_DOWN)) & later["removed_at"])
        | ((outcome == "no breach found") & later["first_response_at"])
    )
    seen.loc[undecided, "outcome"] = "pending"
    return AsAt(seen, cutoff, int((~received).sum()))
