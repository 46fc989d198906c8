"""Complaints set against the dates their rules applied."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.rules.catalogue import Rule, get_rule
from analysis.rules.timing import complaints_against_rule_dates

BASE = get_rule("UK_OSA_S10").model_dump()


def rule(**changes: object) -> Rule:
    return Rule.model_validate(BASE | {"id": "TEST", "covers": "all"} | changes)


TIMES = pd.DataFrame(
    {
        "complaint_id": ["a", "b", "c", "d"],
        "platform": "TikTok",
        "categories": ["threat", "threat", "racist", "other"],
        "reported_by": "school",
        "reported_at": pd.to_datetime(
            ["2021-11-10 09:00", "2025-03-16 23:59", "2025-03-17 00:00", "2026-01-05 10:00"]
        ),
        "hours_to_response": 1.0,
        "responded": True,
        "hours_to_removal": 1.0,
        "removed": True,
    }
)


def test_complaints_before_the_rule_applied_are_counted() -> None:
    row = complaints_against_rule_dates(TIMES, [rule()]).iloc[0]
    # applies_from 17 March 2025: a and b are before; c (at midnight that day) and d are under it.
    assert (row.in_scope, row.before_rule, row.while_rule_applied, row.after_rule) == (4, 2, 2, 0)
    assert row.first_report == pd.Timestamp("2021-11-10 09:00")
    assert not row.never_applied


def test_only_complaints_in_scope_count() -> None:
    # UK_OSA_S10's own scope: "other" is not illegal content, so d is out.
    row = complaints_against_rule_dates(TIMES, [get_rule("UK_OSA_S10")]).iloc[0]
    assert (row.in_scope, row.before_rule) == (3, 2)


def test_a_rule_that_stopped_applying_and_one_that_never_did() -> None:
    ended = rule(
        status="superseded", applies_from=date(2018, 1, 1), applies_until=date(2024, 2, 17)
    )
    never = rule(id="NEVER", status="struck down", applies_from=None)
    table = complaints_against_rule_dates(TIMES, [ended, never]).set_index("rule_id")
    assert table.loc["TEST", ["before_rule", "while_rule_applied", "after_rule"]].tolist() == [
        0,
        1,
        3,
    ]
    assert table.loc["NEVER", "never_applied"] and table.loc["NEVER", "before_rule"] == 4


def test_the_sample_predates_the_online_safety_act_duties() -> None:
    from analysis.config import SAMPLE_AS_OF, SAMPLE_LOG
    from analysis.log.validate import validate_file
    from analysis.measures.response_times import complaint_times
    from analysis.rules.catalogue import load_rules

    log = validate_file(SAMPLE_LOG, as_of=SAMPLE_AS_OF)
    table = complaints_against_rule_dates(complaint_times(log.valid, log.as_of), load_rules())
    osa = table.set_index("rule_id").loc["UK_OSA_S10"]
    assert osa.before_rule == osa.in_scope > 0
