"""Chart points read off a Kaplan-Meier curve at the published hours."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures.curves import CURVE_HOURS, curve_points
from analysis.measures.response_times import kaplan_meier


def times(hours: list[float], events: list[bool]) -> pd.DataFrame:
    return pd.DataFrame({"platform": "X", "hours_to_response": hours, "responded": events})


def test_points_are_the_step_function_at_each_hour_and_stop_at_follow_up():
    # answers at 2.5 h and 30 h; one censored at 10 h; one still waiting at 60 h (censored)
    km = kaplan_meier(times([2.5, 10.0, 30.0, 60.0], [True, False, True, False]), pooled=False)
    points = curve_points(km.survival).set_index("hours")
    assert points.loc[2.0, "share"] == 0.0
    assert points.loc[3.0, "share"] == 0.25  # 1 of 4 by 2.5 h
    assert points.loc[3.0, "at_risk"] == 3
    assert points.loc[10.0, "at_risk"] == 2  # the censored one left at 10 h
    # at 30 h: S = 3/4 * (1 - 1/2) = 3/8, so 5/8 answered
    assert points.loc[36.0, "share"] == pytest.approx(0.625)
    assert points.index.max() == 60.0  # nothing is read beyond the longest follow-up
    # The waits that ended unanswered, each counted at the first point at or after it.
    assert points.loc[points["censored"] > 0, "censored"].to_dict() == {10.0: 1, 60.0: 1}
    assert (points["lower"] <= points["share"]).all() and (points["share"] <= points["upper"]).all()


def test_a_curve_that_reached_zero_is_read_to_four_weeks():
    km = kaplan_meier(times([1.0, 5.0], [True, True]), pooled=False)
    points = curve_points(km.survival)
    assert points["hours"].max() == max(CURVE_HOURS) == 672.0
    assert points["share"].iloc[-1] == 1.0
    assert sorted(set(CURVE_HOURS) & {47.0, 48.0, 49.0, 60.0}) == [47.0, 48.0, 60.0]
