"""Checks across a row's timestamps: the order the log contract requires and the extract date.

Apart from :mod:`analysis.log.validate` (one check per column) because these read several columns
of one row together; each problem goes to the same :class:`~analysis.log.problems.Problems`.
"""

from __future__ import annotations

import pandas as pd

from analysis.log.allowed_values import TAKEN_DOWN
from analysis.log.contract import EARLIEST_DATE, REPORT_BEFORE_RECEIPT_TOLERANCE, TIMESTAMP_COLUMNS
from analysis.log.problems import Problems


def check_timeline(clean: dict[str, pd.Series], as_of: pd.Timestamp, problems: Problems) -> None:
    received, reported = clean["received_at"], clean["reported_at"]
    response, removed = clean["first_response_at"], clean["removed_at"]
    # As categoricals, the comparisons below cost a few ms each on a million rows, not ~30 ms.
    outcome = clean["outcome"].astype("category")
    reporter = clean["reported_by"].astype("category")

    for name in TIMESTAMP_COLUMNS:
        problems.add(
            clean[name] < EARLIEST_DATE,
            name,
            "before_2000",
            f"{name} is before {EARLIEST_DATE:%Y-%m-%d}: a typo in the year? "
            "A date must fall between 2000-01-01 and the extract date",
        )
        later = clean[name] > as_of
        problems.add(
            later,
            name,
            "after_extract",
            f"{name} is after the extract date {as_of:%Y-%m-%d %H:%M}; correct the date or the extract date",
        )
    # A school or member may report a post before complaining to us; we cannot report before we
    # hear, not even earlier on the same day (the contract's REPORT_BEFORE_RECEIPT_TOLERANCE).
    problems.add(
        (reporter == "organisation") & (reported < received - REPORT_BEFORE_RECEIPT_TOLERANCE),
        "reported_at",
        "report_before_received",
        "reported to the platform by the organisation before the organisation received the complaint",
    )
    problems.add(
        response < reported,
        "first_response_at",
        "response_before_report",
        "the platform's first response is dated before the report to the platform",
    )
    problems.add(
        removed < reported,
        "removed_at",
        "removal_before_report",
        "the removal is dated before the report to the platform",
    )
    taken_down = outcome.isin(list(TAKEN_DOWN))
    rules = [
        (
            taken_down & removed.isna(),
            "removed_at",
            "outcome is {o!r} but no removal time is given",
        ),
        (
            outcome.notna() & ~taken_down & removed.notna(),
            "removed_at",
            "a removal time is given but the outcome is {o!r}",
        ),
        (
            (outcome == "no response") & response.notna(),
            "first_response_at",
            "outcome is 'no response' but a platform response time is given",
        ),
        (
            (outcome == "no breach found") & response.isna(),
            "first_response_at",
            "outcome 'no breach found' needs the date the platform answered (first_response_at)",
        ),
        (
            reported.isna() & outcome.notna() & (outcome != "pending"),
            "reported_at",
            "outcome is {o!r} but the post was never reported to the platform (reported_at is empty)",
        ),
        (
            reported.isna() & (response.notna() | removed.notna()),
            "reported_at",
            "a platform response or removal is recorded but no report to the platform",
        ),
    ]
    for mask, column, template in rules:
        mask = mask.fillna(False)
        if "{o" in template:
            reason = (
                clean["outcome"][mask].map(lambda o, t=template: t.format(o=o)).reindex(mask.index)
            )
            problems.add(mask, column, "outcome_contradiction", reason)
        else:
            problems.add(mask, column, "outcome_contradiction", template)
