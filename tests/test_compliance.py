"""Rule compliance on complaints whose status is obvious by eye."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from analysis.measures.intervals import wilson
from analysis.measures.survival import share_within
from analysis.rules.catalogue import Rule, get_rule, load_rules
from analysis.rules.compliance import (
    complaint_compliance,
    compliance_table,
    deadline_sensitivity,
)

BASE = get_rule("OPT2_24H_SCHOOL_NOTICE").model_dump()


def rule(**changes: object) -> Rule:
    return Rule.model_validate(
        BASE | {"id": "TEST", "clock_starts": "complainant notice"} | changes
    )


def times(rows: list[tuple]) -> pd.DataFrame:
    """Complaint times as complaint_times() returns them, from (id, platform, categories,
    reported_by, hours_to_response, responded, hours_to_removal, removed)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "complaint_id",
            "platform",
            "categories",
            "reported_by",
            "hours_to_response",
            "responded",
            "hours_to_removal",
            "removed",
        ],
    )
    frame["organisation"] = "Union A"
    frame["reported_at"] = pd.Timestamp("2021-11-01")
    return frame


# Removal within 24 hours, each case obvious:
OBVIOUS = times(
    [
        ("A", "TikTok", "threat", "school", 2.0, True, 10.0, True),  # down at 10 h: compliant
        ("B", "TikTok", "racist", "school", 3.0, True, 30.0, True),  # down at 30 h: breached
        ("C", "TikTok", "defamatory allegation", "staff member", 100.0, False, 100.0, False),
        # C: still up at the extract date, 100 h after the report: breached
        ("D", "TikTok", "sexist", "organisation", 5.0, False, 5.0, False),  # 5 h old: undetermined
        ("E", "TikTok", "threat;racist", None, 1.0, True, 24.0, True),  # down at 24 h: compliant
        ("F", "X", "other", "school", 50.0, True, 2.0, True),  # down at 2 h: compliant
    ]
)


def status(frame: pd.DataFrame, r: Rule) -> dict[str, str]:
    return dict(
        zip(*complaint_compliance(frame, r)[["complaint_id", "status"]].T.values, strict=True)
    )


def test_obvious_statuses_for_a_24_hour_removal_rule() -> None:
    assert status(OBVIOUS, rule()) == {
        "A": "compliant",
        "B": "breached",
        "C": "breached",
        "D": "undetermined",
        "E": "compliant",
        "F": "compliant",
    }


def test_review_rules_are_scored_on_first_response_not_removal() -> None:
    review = rule(event="review", deadline_hours=4)
    # A answered at 2 h, B at 3 h, C never (100 h), D not yet (5 h > 4 h: breached), F at 50 h.
    assert status(OBVIOUS, review) == {
        "A": "compliant",
        "B": "compliant",
        "C": "breached",
        "D": "breached",
        "E": "compliant",
        "F": "breached",
    }


def test_table_counts_shares_and_kaplan_meier() -> None:
    table = compliance_table(OBVIOUS, [rule()]).set_index("platform")
    tiktok = table.loc["TikTok"]
    assert (tiktok.in_scope, tiktok.compliant, tiktok.breached, tiktok.undetermined) == (5, 2, 2, 1)
    assert tiktok.share_compliant == 0.5
    assert (tiktok.share_lower, tiktok.share_upper) == pytest.approx(wilson(2, 4))
    # By hand: times 5+ (censored), 10, 24, 30, 100+; S(24) = 3/4 * 2/3 = 1/2.
    assert tiktok.km_share == pytest.approx(0.5)
    assert tiktok.km_lower < 0.5 < tiktok.km_upper
    pooled = table.loc["All platforms"]
    assert (pooled.in_scope, pooled.compliant) == (6, 3)
    assert table.loc["X", "share_compliant"] == 1.0


def test_scope_by_category_and_by_who_started_the_clock() -> None:
    assert set(status(OBVIOUS, rule(covers=["threat"]))) == {"A", "E"}
    assert set(status(OBVIOUS, rule(clock_starts="school or union notice"))) == {"A", "B", "D", "F"}
    # A trusted flagger is the logging organisation itself; an unknown reporter starts no such clock.
    assert set(status(OBVIOUS, rule(clock_starts="trusted flagger"))) == {"D"}


def test_tiered_rule_uses_the_strictest_tier() -> None:
    tiered = get_rule("OPT3_24H_7D_TIERED")
    cases = complaint_compliance(OBVIOUS, tiered).set_index("complaint_id")
    assert cases.loc["A", "deadline_hours"] == 24  # threat
    assert cases.loc["B", "deadline_hours"] == 168  # racist
    assert cases.loc["E", "deadline_hours"] == 24  # threat and racist: the stricter
    assert cases.loc["B", "status"] == "compliant"  # 30 h is within 7 days
    # C (defamatory, 100 h, still up) is within its 7 days: undetermined, not breached.
    assert cases.loc["C", "status"] == "undetermined"


def test_no_fixed_deadline_is_reported_as_such_not_scored() -> None:
    row = compliance_table(OBVIOUS, [get_rule("UK_OSA_S10")], by=None).iloc[0]
    assert row.evaluation == "no fixed deadline"
    assert "swiftly" in row.deadline_words
    assert row.in_scope == 4  # threat, racist, sexist and threat;racist; not defamation or other
    assert pd.isna(row.compliant) and pd.isna(row.breached) and np.isnan(row.km_share)


def test_regulator_order_needs_a_derived_offset() -> None:
    unknown = rule(clock_starts="regulator order", deadline_hours=1)
    assert compliance_table(OBVIOUS, [unknown], by=None).iloc[0].evaluation == "clock not in log"
    derived = get_rule("AU_OSA_S88_ADULT")  # 48 h + 24 h = 72 h from the report
    assert status(OBVIOUS, derived) == {
        "A": "compliant",
        "B": "compliant",
        "C": "breached",
        "D": "undetermined",
        "E": "compliant",
        "F": "compliant",
    }


def test_rules_covering_nothing_in_the_log_have_no_complaints_in_scope() -> None:
    row = compliance_table(OBVIOUS, [get_rule("EU_TCO_ART3")], by=None).iloc[0]
    assert row.in_scope == 0


def test_km_share_matches_lifelines() -> None:
    rng = np.random.default_rng(3)
    durations = np.round(rng.exponential(40, 400), 0)  # rounded: plenty of ties
    events = rng.random(400) < 0.7
    at = [1, 12, 24, 48, 100, 170]
    km = share_within(durations, events, at)
    share, lower, upper, ok = km.share, km.lower, km.upper, km.estimable
    kmf = KaplanMeierFitter().fit(durations, events)
    expected = 1 - kmf.survival_function_at_times(at).to_numpy()
    ci = kmf.confidence_interval_
    bounds = np.array([ci[ci.index <= t].iloc[-1].to_numpy() for t in at])
    assert share == pytest.approx(expected)
    assert lower == pytest.approx(1 - bounds.max(axis=1))
    assert upper == pytest.approx(1 - bounds.min(axis=1))
    assert ok.all()


def test_sensitivity_runs_from_one_hour_to_thirty_days() -> None:
    table = deadline_sensitivity(OBVIOUS)
    tiktok = table[table.platform == "TikTok"].set_index("deadline_hours")
    assert list(tiktok.index) == [1, 2, 6, 12, 24, 48, 72, 168, 336, 720]
    assert tiktok.loc[1, "share_within"] == 0
    assert tiktok.loc[24, "share_within"] == pytest.approx(0.5)
    assert tiktok.loc[48, "share_within"] == pytest.approx(0.75)
    # Longest TikTok follow-up is 100 h: beyond it the share is not estimated.
    assert not tiktok.loc[168, "estimable"] and np.isnan(tiktok.loc[168, "share_within"])
    # At risk at 24 h = still waiting just before 24 h: C (100 h), B (30 h) and E, removed at
    # exactly 24 h, which also counts as removed within 24 h.
    assert tiktok.loc[24, "at_risk"] == 3
    review = deadline_sensitivity(OBVIOUS, event="review", by=None)
    assert review.set_index("deadline_hours").loc[2, "share_within"] == pytest.approx(2 / 6)


def test_shipped_catalogue_on_the_sample_log() -> None:
    from analysis.config import SAMPLE_AS_OF, SAMPLE_LOG
    from analysis.log.validate import validate_file
    from analysis.measures.response_times import complaint_times

    if not SAMPLE_LOG.exists():
        pytest.skip("sample log not generated yet")
    log = validate_file(SAMPLE_LOG, as_of=SAMPLE_AS_OF)
    table = compliance_table(complaint_times(log.valid, log.as_of), load_rules())
    scored = table[table.evaluation == "scored"]
    parts = scored.compliant + scored.breached + scored.undetermined
    assert (parts == scored.in_scope).all()
    per_platform = scored[scored.platform != "All platforms"].groupby("rule_id").in_scope.sum()
    pooled = scored[scored.platform == "All platforms"].set_index("rule_id").in_scope
    assert per_platform.equals(pooled.loc[per_platform.index])
    assert set(table[table.evaluation == "no fixed deadline"].rule_id) >= {
        "UK_OSA_S10",
        "EU_DSA_ART16",
    }


def test_codes_judged_on_a_share_of_notices() -> None:
    code = rule(event="review", target_share=0.5)
    quick = times([(f"q{i}", "X", "racist", "school", 1.0, True, 1.0, True) for i in range(12)])
    silent = times(
        [(f"s{i}", "X", "racist", "school", 500.0, False, 500.0, False) for i in range(12)]
    )
    assert compliance_table(quick, [code], by=None).target_met[0] == "met"
    assert compliance_table(silent, [code], by=None).target_met[0] == "not met"
    mixed = compliance_table(OBVIOUS, [code.model_copy(update={"deadline_hours": 4})], by=None)
    assert mixed.target_met[0] == "uncertain"  # 3 of 6 reviewed within 4 h
    assert compliance_table(OBVIOUS, [rule()], by=None).target_met[0] is None
    assert get_rule("EU_COC_2016").target_share == 0.5


def test_no_event_yet_gives_a_wilson_interval_not_a_point() -> None:
    # Ten complaints followed for 100 h, none removed: 0% within 24 h, but not "0% to 0%".
    durations, events = np.full(10, 100.0), np.zeros(10, dtype=bool)
    km = share_within(durations, events, [24.0])
    assert km.share[0] == 0 and km.lower[0] == 0
    assert km.upper[0] == pytest.approx(wilson(0, 10)[1])  # about 28%
    # A complaint censored at 5 h was not followed to 24 h and does not count.
    km = share_within(np.append(durations, 5.0), np.append(events, False), [24])
    assert km.upper[0] == pytest.approx(wilson(0, 10)[1])


def test_log_recording_no_reporter_puts_nothing_in_scope_of_school_and_flagger_clocks() -> None:
    # No reported_by at all: the school-notice and trusted-flagger clocks cannot start, while
    # a rule whose clock starts on any report still scores every complaint.
    unknown = OBVIOUS.assign(reported_by=None)
    school = get_rule("OPT2_24H_SCHOOL_NOTICE")
    flagger = get_rule("OPT5_TRUSTED_FLAGGER_48H")
    table = compliance_table(unknown, [school, flagger, rule()], by=None).set_index("rule_id")
    assert table.loc[school.id, "in_scope"] == 0 and table.loc[school.id, "compliant"] == 0
    assert table.loc[flagger.id, "in_scope"] == 0
    assert table.loc["TEST", "compliant"] == 3  # A, E and F, as with reporters recorded
    assert complaint_compliance(unknown, school).empty


def test_no_complaint_reported_gives_empty_tables_with_their_columns() -> None:
    empty = OBVIOUS.iloc[:0]
    pooled = compliance_table(empty, [rule()]).iloc[0]
    assert (pooled.platform, pooled.in_scope, pooled.compliant) == ("All platforms", 0, 0)
    assert np.isnan(pooled.km_share) and np.isnan(pooled.share_compliant)
    per_platform = compliance_table(empty, [rule()], pooled=False)
    assert per_platform.empty and {"rule_id", "platform", "km_share"} <= set(per_platform.columns)
    sensitivity = deadline_sensitivity(empty, pooled=False)
    assert sensitivity.empty and "share_within" in sensitivity.columns
    assert not deadline_sensitivity(empty).estimable.any()
