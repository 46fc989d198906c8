"""Counts: complaints against distinct incidents, categories counted once each, Poisson CIs, trends."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import validated_log

from analysis.log.allowed_values import NATIONS
from analysis.measures.counts import count_table, poisson_ci, totals, trend


def make_log(rows: list[dict]) -> pd.DataFrame:
    return validated_log(rows, received_at=pd.Timestamp("2021-11-08 10:00"))  # a Monday


def test_one_post_reported_three_times_is_one_incident_and_missing_refs_are_their_own():
    log = make_log(
        [
            {"content_ref": "post-a", "nation": "Wales"},
            {"content_ref": "post-a", "received_at": "2021-11-20", "nation": "England"},
            {"content_ref": "post-a", "organisation": "NAHT"},
            {"content_ref": "post-b"},
            {},  # no reference: its own incident
            {"content_ref": ""},  # empty reference: the same
        ]
    )
    assert totals(log) == {"complaints": 6, "incidents": 4, "complaints_without_content_ref": 2}
    by_nation = count_table(log, "nation").set_index("nation")
    assert list(by_nation.index) == list(NATIONS)  # zeros shown, contract order
    assert by_nation.loc["England", "complaints"] == 5
    assert by_nation.loc["Wales", ["complaints", "incidents"]].tolist() == [1, 1]
    assert by_nation.loc["Scotland", "complaints"] == 0
    # post-a is described by its first complaint (Wales, 8 Nov): incidents sum to the total.
    assert by_nation["incidents"].sum() == 4


def test_weeks_start_on_monday_and_empty_weeks_are_zero_rows():
    log = make_log(
        [
            {"received_at": "2021-11-08 09:00", "content_ref": "p"},
            {"received_at": "2021-11-14 23:59", "content_ref": "p"},  # Sunday: same week
            {"received_at": "2021-11-29 08:00"},
        ]
    )
    weeks = count_table(log, "week")
    assert weeks["week"].dt.strftime("%Y-%m-%d").tolist() == [
        "2021-11-08",
        "2021-11-15",
        "2021-11-22",
        "2021-11-29",
    ]
    assert weeks["complaints"].tolist() == [2, 0, 0, 1]
    assert weeks["incidents"].tolist() == [1, 0, 0, 1]


def test_categories_count_once_each_so_they_sum_to_more_than_complaints():
    log = make_log([{"categories": "homophobic;threat"}, {"categories": "threat"}])
    cats = count_table(log, "category").set_index("category")["complaints"]
    assert cats["threat"] == 2 and cats["homophobic"] == 1 and cats["racist"] == 0
    assert cats.sum() == 3 > len(log)


def test_cross_table_has_every_combination():
    log = make_log([{"platform": "X", "received_at": "2021-12-02"}, {}])
    table = count_table(log, ("platform", "month"))
    assert len(table) == 9 * 2
    row = table[(table["platform"] == "X") & (table["month"] == "2021-12-01")]
    assert row["complaints"].item() == 1


def test_exact_poisson_interval_matches_published_table_values():
    # Exact (Garwood 1936, Biometrika 28:437) intervals as in standard tables: k=0 -> (0, 3.689),
    # k=1 -> (0.0253, 5.572), k=10 -> (4.795, 18.39).
    lower, upper = poisson_ci([0, 1, 10])
    assert lower == pytest.approx([0, 0.0253, 4.795], abs=1e-3)
    assert upper == pytest.approx([3.689, 5.572, 18.39], abs=1e-2)


def test_trend_compares_rates_per_day_and_flags_a_jump():
    rows = [{"received_at": "2021-10-10"}] * 3 + [{"received_at": "2021-11-10"}] * 40
    rows += [{"received_at": "2021-12-03"}] * 10
    t = trend(make_log(rows), as_of=pd.Timestamp("2021-12-11"), period="month")
    assert t["days"].tolist() == [31, 30, 10]  # December cut at the extract date
    assert t["count"].tolist() == [3, 40, 10]
    assert t.loc[1, "significant"] and t.loc[1, "ci_no_overlap"]
    assert t.loc[2, "rate_per_day"] == pytest.approx(1.0)
    assert t.loc[2, "rate_ratio"] == pytest.approx(1.0 / (40 / 30))
    assert not t.loc[2, "significant"]  # 10 in 10 days against 40 in 30: no evidence of change
    assert pd.isna(t.loc[0, "p_value"]) and not t.loc[0, "significant"]


def test_unknown_dimension_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="choose from"):
        count_table(make_log([{}]), "school")


def test_category_by_platform_cross_table_explodes_once_per_category():
    log = make_log(
        [
            {"platform": "X", "categories": "racist;threat", "content_ref": "p"},
            {
                "platform": "X",
                "categories": "threat",
                "content_ref": "p",
                "received_at": "2021-11-09",
            },
            {"platform": "TikTok", "categories": "racist"},
        ]
    )
    table = count_table(log, ("category", "platform")).set_index(["category", "platform"])
    assert table.loc[("threat", "X"), ["complaints", "incidents"]].tolist() == [2, 1]
    assert table.loc[("racist", "X"), ["complaints", "incidents"]].tolist() == [1, 1]
    assert table.loc[("racist", "TikTok"), "complaints"] == 1
    assert table["complaints"].sum() == 4
