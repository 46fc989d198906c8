"""Response times: censoring at the extract date, and Kaplan-Meier against hand-worked answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import validated_log

from analysis.measures.intervals import wilson
from analysis.measures.response_times import (
    TIME_COLUMNS,
    complaint_times,
    kaplan_meier,
    logrank,
    time_exclusions,
    utc_ns,
)
from analysis.measures.survival import km_table

AS_OF = pd.Timestamp("2022-01-31 00:00")
T0 = pd.Timestamp("2022-01-01 09:00")


def make_log(rows: list[dict]) -> pd.DataFrame:
    """Complaints reported by a school at T0 and never answered, unless a row says otherwise."""
    return validated_log(
        rows, received_at=T0, reported_at=T0, reported_by="school", outcome="no response"
    )


def hours(h: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(hours=h)


def test_never_answered_is_censored_at_the_extract_date_not_missing_or_zero():
    times = complaint_times(make_log([{}]), AS_OF)
    row = times.iloc[0]
    assert not row["responded"] and not row["removed"]
    assert row["hours_to_response"] == pytest.approx((AS_OF - T0) / pd.Timedelta(hours=1))
    assert row["hours_to_removal"] == row["hours_to_response"]
    assert list(times.columns) == list(TIME_COLUMNS)


def test_removal_counts_as_the_first_answer_when_earlier_or_alone():
    log = make_log(
        [
            {"first_response_at": hours(10), "outcome": "no breach found"},
            {"outcome": "removed", "removed_at": hours(30)},  # removed without writing back
            {"first_response_at": hours(50), "outcome": "removed", "removed_at": hours(20)},
            {"first_response_at": hours(5), "outcome": "restricted", "removed_at": hours(40)},
        ]
    )
    times = complaint_times(log, AS_OF)
    assert times["hours_to_response"].tolist() == [10, 30, 20, 5]
    assert times["responded"].all()
    assert times["removed"].tolist() == [False, True, True, True]
    assert times["hours_to_removal"].tolist()[1:] == [30, 20, 40]


def test_unreported_and_reported_at_extract_instant_are_left_out_and_counted():
    log = make_log([{"reported_at": pd.NaT}, {"reported_at": AS_OF}, {}])
    times = complaint_times(log, AS_OF)
    assert times["complaint_id"].tolist() == ["C2"]
    assert time_exclusions(log, AS_OF) == {"not_reported": 1, "reported_at_or_after_as_of": 1}
    assert (times["hours_to_response"] > 0).all()


def test_events_after_the_extract_date_are_censored_at_it():
    log = make_log([{"first_response_at": AS_OF + pd.Timedelta(days=2)}])
    row = complaint_times(log, AS_OF).iloc[0]
    assert not row["responded"]
    assert row["hours_to_response"] == pytest.approx((AS_OF - T0) / pd.Timedelta(hours=1))


def test_response_before_report_is_an_error_naming_the_complaint():
    log = make_log([{"first_response_at": hours(-3)}])
    with pytest.raises(ValueError, match="C0"):
        complaint_times(log, AS_OF)


def test_no_nan_durations_on_a_mixed_log():
    rng = np.random.default_rng(1)
    rows = []
    for _ in range(200):
        h = float(rng.uniform(0, 500))
        kind = rng.integers(4)
        if kind == 0:
            rows.append({})
        elif kind == 1:
            rows.append({"first_response_at": hours(h)})
        elif kind == 2:
            rows.append({"outcome": "removed", "removed_at": hours(h)})
        else:
            rows.append({"reported_at": pd.NaT})
    times = complaint_times(make_log(rows), AS_OF)
    assert times[["hours_to_response", "hours_to_removal"]].notna().all().all()
    censored = times.loc[~times["responded"], "hours_to_response"]
    assert (censored > 0).all()


def textbook_log() -> pd.DataFrame:
    """TOOLCHAIN.md's example: times 2, 3, 3+, 5, 8+, 10, 12+ hours (+ = not answered by as_of).

    Censored cases are reports made that many hours before the extract date and never answered;
    answered ones were reported long before it.
    """
    rows = []
    for t in (2, 5, 3, 10):
        rows.append({"first_response_at": hours(t)})
    for t in (3, 8, 12):
        reported = AS_OF - pd.Timedelta(hours=t)
        rows.append({"reported_at": reported, "received_at": reported})
    return make_log(rows)


def test_kaplan_meier_matches_the_curve_worked_by_hand():
    km = kaplan_meier(complaint_times(textbook_log(), AS_OF), "response", pooled=False)
    curve = km.survival.set_index("timeline")
    # S(t) = prod (1 - d_i / n_i): 6/7; then 6/7*5/6; 4 at risk at 5 -> *3/4; 2 at risk at 10 -> *1/2
    expected = {2: 6 / 7, 3: 5 / 7, 5: 5 / 7 * 3 / 4, 10: 5 / 7 * 3 / 4 * 1 / 2}
    for t, s in expected.items():
        assert curve.loc[t, "estimate"] == pytest.approx(s)
    assert [round(curve.loc[t, "estimate"], 3) for t in expected] == [0.857, 0.714, 0.536, 0.268]
    assert curve.loc[3, ["at_risk", "events", "censored"]].tolist() == [6, 1, 1]
    # Greenwood on the log(-log) scale at t=2: var(log S) = 1/(7*6); bounds S**exp(-+1.96*se)
    s2 = 6 / 7
    se = np.sqrt(1 / 42) / abs(np.log(s2))
    assert curve.loc[2, "lower"] == pytest.approx(s2 ** np.exp(1.959964 * se), rel=1e-4)
    assert curve.loc[2, "upper"] == pytest.approx(s2 ** np.exp(-1.959964 * se), rel=1e-4)

    median = km.medians.iloc[0]
    assert median["median_hours"] == 10
    assert median["lower"] == 2 and median["upper"] == np.inf  # band never crosses 0.5: not reached
    assert (median["complaints"], median["events"]) == (7, 4)


def test_share_answered_within_is_one_minus_km_with_its_band():
    km = kaplan_meier(complaint_times(textbook_log(), AS_OF), within=(4.0, 11.0, 24.0))
    within = km.within[km.within["platform"] == "TikTok"].set_index("hours")
    assert within.loc[4.0, "share"] == pytest.approx(2 / 7)
    assert within.loc[11.0, "share"] == pytest.approx(1 - 5 / 7 * 3 / 4 * 1 / 2)
    curve = km.survival.set_index("timeline")
    assert within.loc[4.0, "lower"] == pytest.approx(1 - curve.loc[3, "upper"])
    # Nobody was followed for 24 hours: unknown, not a guess.
    assert not within.loc[24.0, "estimable"] and np.isnan(within.loc[24.0, "share"])


def test_logrank_separates_a_fast_platform_from_a_silent_one():
    fast = [{"platform": "Facebook", "first_response_at": hours(1 + i % 5)} for i in range(30)]
    silent = [{"platform": "TikTok"} for _ in range(30)]
    km = kaplan_meier(complaint_times(make_log(fast + silent), AS_OF))
    assert km.logrank["p_value"] < 1e-6
    assert km.logrank["groups"] == ["TikTok", "Facebook"]
    medians = km.medians.set_index("platform")["median_hours"]
    assert medians["Facebook"] == 3 and medians["TikTok"] == np.inf
    assert "All platforms" in medians.index


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numpy_kaplan_meier_agrees_with_lifelines(seed):
    """Our vectorised KM is checked number for number against lifelines (the reference)."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    rng = np.random.default_rng(seed)
    n = 400
    d = np.round(rng.exponential(30, n))  # rounding makes ties, and some zeros
    e = rng.random(n) < 0.6
    if seed == 2:
        e[:] = True  # the curve falls to 0
    ours = km_table(d, e)
    ref = KaplanMeierFitter().fit(d, e)
    assert ours["timeline"].tolist() == ref.survival_function_.index.tolist()
    assert np.allclose(ours["estimate"], ref.survival_function_.iloc[:, 0])
    assert np.allclose(ours[["lower", "upper"]], ref.confidence_interval_)
    assert ours["at_risk"].tolist() == ref.event_table["at_risk"].tolist()
    assert ours["censored"].tolist() == ref.event_table["censored"].tolist()

    times = pd.DataFrame({"platform": "TikTok", "hours_to_response": d, "responded": e})
    median = kaplan_meier(times, pooled=False).medians.iloc[0]
    ref_ci = median_survival_times(ref.confidence_interval_).to_numpy()[0]
    assert median["median_hours"] == ref.median_survival_time_
    assert [median["lower"], median["upper"]] == ref_ci.tolist()


def test_numpy_logrank_agrees_with_lifelines():
    from lifelines.statistics import multivariate_logrank_test

    rng = np.random.default_rng(5)
    n = 600
    groups = rng.choice(["TikTok", "X", "Facebook"], n)
    d = np.round(rng.exponential(np.where(groups == "X", 20, 30)))
    e = rng.random(n) < 0.7
    times = pd.DataFrame({"platform": groups, "hours_to_response": d, "responded": e})
    ours = logrank(times)
    ref = multivariate_logrank_test(d, groups, e)
    assert ours["test_statistic"] == pytest.approx(ref.test_statistic, rel=1e-9)
    assert ours["p_value"] == pytest.approx(ref.p_value, rel=1e-6)
    assert ours["degrees_of_freedom"] == 2


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.mark.parametrize(
    ("reported", "answered", "elapsed"),
    [
        ("2021-10-30 23:30", "2021-10-31 23:30", 25.0),  # clocks went back: a 25-hour day
        ("2021-03-27 23:30", "2021-03-28 23:30", 23.0),  # clocks went forward: a 23-hour day
        ("2021-07-01 09:00", "2021-07-02 09:00", 24.0),  # no change
        # 01:30 on 31/10/2021 happened twice: read as the second time, GMT (00:30 BST -> 01:30 GMT)
        ("2021-10-31 00:30", "2021-10-31 01:30", 2.0),
        # 01:30 on 28/03/2021 never happened: moved forward to 02:00 BST (00:30 GMT -> 01:00 UTC)
        ("2021-03-28 00:30", "2021-03-28 01:30", 0.5),
    ],
)
def test_hours_are_real_hours_across_clock_changes(reported, answered, elapsed):
    log = make_log(
        [
            {
                "received_at": ts(reported),
                "reported_at": ts(reported),
                "first_response_at": ts(answered),
            }
        ]
    )
    assert complaint_times(log, ts("2022-01-01")).iloc[0]["hours_to_response"] == elapsed


def test_censoring_at_the_extract_date_counts_the_extra_autumn_hour():
    log = make_log([{"received_at": ts("2021-10-30 12:00"), "reported_at": ts("2021-10-30 12:00")}])
    row = complaint_times(log, ts("2021-10-31 12:00")).iloc[0]
    assert not row["responded"] and row["hours_to_response"] == 25.0
    assert time_exclusions(log, ts("2021-10-30 12:00"))["reported_at_or_after_as_of"] == 1


def test_utc_conversion_is_pandas_localisation_with_the_documented_rules():
    # Every 7 minutes 13 seconds through a year, so both changes (and their odd hours) are hit.
    local = pd.Series(pd.date_range("2021-03-01", "2021-11-30", freq="433s"))
    local[::97] = pd.NaT
    expected = local.dt.tz_localize(
        "Europe/London", ambiguous=False, nonexistent="shift_forward"
    ).dt.tz_convert("UTC")
    got = utc_ns(local)
    assert (
        got[local.notna()] == expected[local.notna()].dt.tz_localize(None).to_numpy().view("int64")
    ).all()
    assert (got[local.isna()] == np.iinfo(np.int64).min).all()
    # Already zoned: converted, not read as UK time again.
    assert (utc_ns(expected.dropna()) == got[local.notna()]).all()
    # Two dates a century apart: localised row by row rather than through an hourly table.
    sparse = pd.Series(pd.to_datetime(["1950-07-01 12:00", "2050-01-01 12:00"]))
    assert utc_ns(sparse).tolist() == [
        ts("1950-07-01 11:00").value,  # British Summer Time in 1950
        ts("2050-01-01 12:00").value,
    ]


def test_share_within_of_none_or_all_has_a_wilson_interval_not_a_point():
    silent = [{"platform": "WhatsApp"} for _ in range(16)]  # never removed, followed 711 h
    quick = [
        {"platform": "Facebook", "outcome": "removed", "removed_at": hours(1)} for _ in range(12)
    ]
    km = kaplan_meier(complaint_times(make_log(silent + quick), AS_OF), "removal")
    within = km.within.set_index(["platform", "hours"])
    whatsapp = within.loc[("WhatsApp", 24.0)]
    assert (whatsapp["share"], whatsapp["lower"]) == (0.0, 0.0)
    assert whatsapp["upper"] == pytest.approx(wilson(0, 16)[1])  # about 19%, not 0
    facebook = within.loc[("Facebook", 24.0)]
    assert (facebook["share"], facebook["upper"]) == (1.0, 1.0)
    assert facebook["lower"] == pytest.approx(wilson(12, 12)[0])
    # A share strictly between 0 and 1 keeps Greenwood's band (from the curve).
    pooled = within.loc[("All platforms", 24.0)]
    curve = km.survival[km.survival["platform"] == "All platforms"].set_index("timeline")
    assert pooled["share"] == pytest.approx(12 / 28)
    assert pooled["lower"] == pytest.approx(1 - curve.loc[1.0, "upper"])


def _lifelines(d: np.ndarray, e: np.ndarray):
    from lifelines import KaplanMeierFitter

    return KaplanMeierFitter().fit(d, e)


@pytest.mark.parametrize(
    ("durations", "events"),
    [
        # Ten complaints whose curve is exactly one half at 23.5 h (9/10 * 5/6 * 2/3), with
        # censoring in between: the median is 23.5 h, as lifelines gives.
        ([20, 21, 21, 21, 22, 23, 23, 23.5, 30, 40], [1, 0, 0, 0, 1, 0, 0, 1, 1, 1]),
        # Five of ten answered at 23.5 h, the rest later.
        ([23.5] * 5 + [30, 31, 32, 33, 34], [1] * 10),
        # 24 complaints answered one an hour: S(12) = 12/24 exactly, which the floating-point
        # product gives as 0.5000000000000001; compared without a tolerance the median would be 13.
        (list(range(1, 25)), [1] * 24),
    ],
)
def test_median_at_exactly_one_half_matches_lifelines(durations, events):
    from lifelines.utils import median_survival_times

    d, e = np.array(durations, dtype=float), np.array(events, dtype=bool)
    times = pd.DataFrame({"platform": "TikTok", "hours_to_response": d, "responded": e})
    median = kaplan_meier(times, pooled=False).medians.iloc[0]
    ref = _lifelines(d, e)
    assert median["median_hours"] == ref.median_survival_time_
    ref_ci = median_survival_times(ref.confidence_interval_).to_numpy()[0]
    assert [median["lower"], median["upper"]] == ref_ci.tolist()


def test_median_is_where_the_curve_first_reaches_one_half_even_if_it_stays_there():
    # Ten of twenty answered at 23.5 h, the rest never (followed to 30 h): S = 1/2 from 23.5 h on.
    # The median is 23.5 h. (lifelines says "not reached" here: its curve, computed through
    # logarithms, comes out as 0.5000000000000002 and never at or below one half.)
    d = np.r_[np.full(10, 23.5), np.full(10, 30.0)]
    e = np.r_[np.ones(10, dtype=bool), np.zeros(10, dtype=bool)]
    times = pd.DataFrame({"platform": "TikTok", "hours_to_response": d, "responded": e})
    assert kaplan_meier(times, pooled=False).medians.iloc[0]["median_hours"] == 23.5


def test_at_risk_is_still_waiting_just_before_the_time_at_exact_boundaries():
    """One convention, time >= t, in the survival table and the "within" rows, lifelines' own."""
    # Complaints answered or censored at exactly 24 h, 48 h and 7 days, and either side of them.
    d = np.array([23.9, 24, 24, 24, 30, 48, 48, 100, 168, 168, 200, 300], dtype=float)
    e = np.array([1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0], dtype=bool)
    times = pd.DataFrame({"platform": "TikTok", "hours_to_response": d, "responded": e})
    km = kaplan_meier(times, pooled=False, within=(24.0, 48.0, 168.0))
    ref = _lifelines(d, e).event_table
    within = km.within.set_index("hours")
    survival = km.survival.set_index("timeline")
    for t in (24.0, 48.0, 168.0):
        assert within.loc[t, "at_risk"] == ref.loc[t, "at_risk"] == survival.loc[t, "at_risk"]
    assert within.loc[24.0, "at_risk"] == 11  # all but the one answered at 23.9 h
    # An answer at exactly 24 h counts as within 24 h: 3 of 12 by then.
    assert within.loc[24.0, "share"] == pytest.approx(1 - _lifelines(d, e).predict(24.0))


def test_one_kaplan_meier_serves_response_times_compliance_and_sensitivity():
    from analysis.rules.compliance import deadline_sensitivity

    rng = np.random.default_rng(11)
    d = np.round(rng.exponential(40, 300))
    e = rng.random(300) < 0.6
    times = pd.DataFrame(
        {
            "platform": "TikTok",
            "categories": "threat",
            "reported_by": "school",
            "hours_to_response": d,
            "responded": e,
            "hours_to_removal": d,
            "removed": e,
        }
    )
    hours = (24.0, 48.0, 168.0)
    km = kaplan_meier(times, "removal", pooled=False, within=hours).within.set_index("hours")
    sens = deadline_sensitivity(times, hours=hours, by=None).set_index("deadline_hours")
    for col_km, col_sens in (("share", "share_within"), ("lower", "lower"), ("upper", "upper")):
        assert km[col_km].to_numpy() == pytest.approx(sens[col_sens].to_numpy())
    assert km["at_risk"].tolist() == sens["at_risk"].tolist()
