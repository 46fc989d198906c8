"""Complaints by month and the peak month: counted by hand."""

from __future__ import annotations

import pytest
from conftest import validated_log

from analysis.measures.monthly import monthly_counts


def test_peak_month_and_its_share_with_empty_months_kept():
    received = [
        "2021-09-03 09:00",
        "2021-11-01 08:00",
        "2021-11-30 23:00",
        "2021-11-15 12:00",
        "2022-01-02 10:00",
    ]
    months, peak = monthly_counts(validated_log([{"received_at": r} for r in received]))
    assert list(months["month"]) == ["2021-09", "2021-10", "2021-11", "2021-12", "2022-01"]
    assert list(months["complaints"]) == [1, 0, 3, 0, 1]
    assert (peak["month"], peak["complaints"], peak["total"], peak["tied"]) == ("2021-11", 3, 5, 1)
    assert peak["share"] == pytest.approx(0.6)
    # Wilson 95% for 3 of 5 (z = 1.96): 0.2307 to 0.8824
    assert (peak["lower"], peak["upper"]) == pytest.approx((0.2307, 0.8824), abs=1e-4)
    # exact Poisson 95% for a count of 0: 0 to 3.689
    assert months.loc[1, "upper"] == pytest.approx(3.689, abs=1e-3)


def test_a_tie_names_the_earliest_month_and_says_it_is_a_tie():
    _, peak = monthly_counts(
        validated_log([{"received_at": r} for r in ("2022-03-01 10:00", "2022-02-01 10:00")])
    )
    assert (peak["month"], peak["tied"]) == ("2022-02", 2)


def test_an_empty_log_has_no_peak():
    months, peak = monthly_counts(validated_log([]).iloc[0:0])
    assert months.empty and peak is None
