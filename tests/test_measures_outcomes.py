"""Outcomes at the extract date, by platform and by who reported: counts worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import validated_log

from analysis.measures.outcomes import (
    OUTCOMES,
    not_answered_waits,
    outcome_codes,
    outcome_table,
    removal_league,
    reported_before,
    reporter_groups,
)
from analysis.measures.response_times import complaint_times, kaplan_meier

AS_OF = pd.Timestamp("2021-12-01 00:00")
REPORTED = {"reported_at": "2021-11-01 12:00", "reported_by": "school"}


def log() -> pd.DataFrame:
    return validated_log(
        [
            # removed after a day; restricted after two; a removal logged after the extract date
            {**REPORTED, "outcome": "removed", "removed_at": "2021-11-02 12:00"},
            {**REPORTED, "outcome": "restricted", "removed_at": "2021-11-03 12:00"},
            {
                **REPORTED,
                "outcome": "removed",
                "first_response_at": "2021-11-05 12:00",
                "removed_at": "2021-12-05 12:00",
            },
            # no breach found; answered with nothing recorded; never answered; answered too late
            {**REPORTED, "outcome": "no breach found", "first_response_at": "2021-11-02 08:00"},
            {**REPORTED, "outcome": "no response", "first_response_at": "2021-11-04 08:00"},
            {**REPORTED, "outcome": "no response"},
            {**REPORTED, "outcome": "no breach found", "first_response_at": "2021-12-03 08:00"},
            # never reported (pending), and reported after the extract date: in no table
            {"outcome": "pending"},
            {**REPORTED, "reported_at": "2021-12-02 09:00", "outcome": "no response"},
        ]
    )


def codes_of(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    times = complaint_times(frame, AS_OF)
    kept = reported_before(frame, AS_OF)
    return times, outcome_codes(
        frame["outcome"].to_numpy()[kept],
        times["responded"].to_numpy(),
        times["removed"].to_numpy(),
    )


def test_each_reported_complaint_has_one_outcome_at_the_extract_date():
    times, codes = codes_of(log())
    assert len(times) == 7
    names = [OUTCOMES[c] for c in codes]
    assert names == [
        "removed",
        "restricted",
        "other_answer",  # answered on 5 Nov; its removal (5 Dec) had not happened by 1 Dec
        "no_breach_found",
        "other_answer",
        "not_answered",
        "not_answered",  # its answer came on 3 Dec, after the extract date
    ]


def test_reported_before_lines_up_with_complaint_times_across_the_clock_change():
    frame = validated_log(
        [
            {**REPORTED, "reported_at": "2021-10-31 01:30"},  # the repeated hour: read as GMT
            {**REPORTED, "reported_at": "2021-10-31 01:10"},
            {**REPORTED, "reported_at": "2021-10-31 00:30"},
        ]
    )
    cut = pd.Timestamp("2021-10-31 01:20")  # GMT: 01:30 GMT is after it, 01:10 GMT before
    assert list(reported_before(frame, cut)) == [False, True, True]
    assert list(complaint_times(frame, cut)["complaint_id"]) == ["C1", "C2"]
    assert list(reported_before(frame, cut.tz_localize("Europe/London", ambiguous=False))) == [
        False,
        True,
        True,
    ]


def test_outcome_table_counts_and_shares_by_platform():
    frame = log()
    frame.loc[[0, 5], "platform"] = "X"
    times, codes = codes_of(frame)
    table = outcome_table(times["platform"].to_numpy(), codes).set_index("group")
    assert list(table.index) == ["TikTok", "X", "All platforms"]  # the contract's order
    pooled = table.loc["All platforms"]
    assert (pooled["reported"], pooled["answered"], pooled["taken_down"]) == (7, 5, 2)
    assert pooled["not_answered_share"] == pytest.approx(2 / 7)
    assert pooled["no_breach_of_answers_share"] == pytest.approx(1 / 5)
    x = table.loc["X"]
    assert (x["removed"], x["not_answered"], x["reported"]) == (1, 1, 2)
    # Wilson 95% for 1 of 2 (z = 1.96): centre 0.5, half-width 0.4055
    assert (x["removed_lower"], x["removed_upper"]) == pytest.approx((0.0945, 0.9055), abs=1e-4)


def test_who_reported_names_the_organisation_and_keeps_a_fixed_order():
    by = pd.Series(["organisation", "staff member", None, "school", "organisation"])
    orgs = pd.Series(["Union A", "Union A", "Helpline B", "Union A", "Helpline B"])
    groups = reporter_groups(by, orgs)
    assert list(groups) == ["Union A", "staff member", "not recorded", "school", "Helpline B"]
    table = outcome_table(groups, np.zeros(5, dtype=int), "Everyone", ("staff member", "school"))
    assert list(table["group"]) == [
        "staff member",
        "school",
        "Helpline B",
        "Union A",
        "not recorded",
        "Everyone",
    ]


def test_removal_league_gives_equal_shares_equal_ranks():
    frame = validated_log(
        [
            *[
                {**REPORTED, "platform": p, "outcome": "removed", "removed_at": "2021-11-01 20:00"}
                for p in ("X", "Facebook", "YouTube")
            ],
            *[{**REPORTED, "platform": p, "outcome": "no response"} for p in ("X", "Facebook")],
            {**REPORTED, "platform": "Reddit", "outcome": "no response"},
        ]
    )
    times, codes = codes_of(frame)
    table = outcome_table(times["platform"].to_numpy(), codes)
    km = kaplan_meier(times, "removal", within=(48.0,))
    league = removal_league(table, km.within)
    ranks = list(zip(league["rank"], league["platform"], league["taken_down_share"], strict=True))
    # YouTube 1/1; Facebook and X 1/2 each (tied: both second); Reddit 0/1 fourth
    assert ranks == [(1, "YouTube", 1.0), (2, "Facebook", 0.5), (2, "X", 0.5), (4, "Reddit", 0.0)]
    assert list(league["within_48h_share"]) == [1.0, 0.5, 0.5, 0.0]  # removals after 8 hours


def test_not_answered_waits_are_the_censored_times_in_days():
    times = pd.DataFrame(
        {
            "hours_to_response": [24.0 * d for d in (10, 20, 30, 200, 5)],
            "responded": [False] * 4 + [True],
        }
    )
    waits = not_answered_waits(times)
    assert waits["complaints"] == 4
    # 10, 20, 30, 200 days: median 25, quartiles (linear) 17.5 and 72.5
    assert (waits["median_days"], waits["lower_quartile_days"], waits["upper_quartile_days"]) == (
        25.0,
        17.5,
        72.5,
    )
    assert waits["over_six_months"] == 1 and waits["over_six_months_share"] == 0.25
    none = not_answered_waits(times.assign(responded=True))
    assert none["complaints"] == 0 and np.isnan(none["median_days"])
