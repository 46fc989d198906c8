"""Capture-recapture: a textbook example, the intervals, and honest handling of no overlap."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.log.contract import COLUMNS
from analysis.measures.capture_recapture import (
    ASSUMPTIONS,
    DEPENDENCE_ODDS_RATIOS,
    capture_recapture,
    chapman,
    dependence_note,
    dependence_range,
)


def test_textbook_snowshoe_hare_example():
    # Krebs, Ecological Methodology (2nd ed., 1999), Box 2.1, from Green and Evans (1940): 948 hares
    # marked, 421 caught in the second sample of which 167 marked. Chapman's estimate: 2383 hares.
    result = chapman(948, 421, 167)
    assert round(result.estimate) == 2383
    # Seber's variance by hand: 949 * 422 * 781 * 254 / (168**2 * 169)
    assert result.variance == pytest.approx(949 * 422 * 781 * 254 / (168**2 * 169))
    assert result.wald_lower == pytest.approx(result.estimate - 1.959964 * result.se, rel=1e-6)
    assert result.observed == 948 + 421 - 167
    assert result.lower < result.estimate < result.upper


def test_lognormal_interval_never_falls_below_what_was_seen():
    result = chapman(12, 10, 2)  # few matches: the Wald interval dips below the observed count
    assert result.wald_lower < result.observed <= result.lower
    assert any("only 2" in w for w in result.warnings)


def test_no_overlap_is_reported_as_undefined_not_as_a_number():
    result = chapman(30, 40, 0)
    assert math.isnan(result.estimate)
    assert (result.lower, result.upper) == (70, math.inf)
    assert "cannot be estimated" in result.warnings[0]


def test_identical_lists_leave_nothing_unseen():
    result = chapman(20, 20, 20)
    assert (result.estimate, result.lower, result.upper) == (20, 20, 20)


def test_impossible_overlap_is_refused():
    with pytest.raises(ValueError, match="m <= min"):
        chapman(5, 3, 4)


def _log(rows: list[tuple[str, str | None]]) -> pd.DataFrame:
    records = [
        {c: None for c in COLUMNS}
        | {"complaint_id": f"C{i}", "organisation": org, "content_ref": ref}
        for i, (org, ref) in enumerate(rows)
    ]
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def test_from_a_log_matches_on_content_ref_and_counts_what_cannot_be_matched():
    union = [("ASCL", f"p{i}") for i in range(10)] + [("ASCL", "p0"), ("ASCL", None)]
    helpline = [("POSH", f"p{i}") for i in range(6, 20)] + [("POSH", "")]
    result = capture_recapture(_log(union + helpline))
    assert result.sources == ("POSH", "ASCL")  # larger log first
    assert (result.n1, result.n2, result.m, result.observed) == (14, 10, 4, 20)
    assert result.unmatched_complaints == 2
    assert result.estimate == pytest.approx(11 * 15 / 5 - 1)
    assert list(result.assumptions) == list(ASSUMPTIONS)
    assert any("closed population" in a for a in result.to_dict()["assumptions"])


def test_three_organisations_use_the_two_largest_and_say_so():
    rows = [("A", f"p{i}") for i in range(8)] + [("B", f"p{i}") for i in range(4, 10)]
    rows += [("C", "p1")]
    result = capture_recapture(_log(rows))
    assert result.sources == ("A", "B")
    assert any("3 organisations" in w for w in result.warnings)


def test_one_organisation_is_an_error_that_says_why():
    with pytest.raises(ValueError, match="two organisations"):
        capture_recapture(_log([("A", "p1")]))


def test_dependence_range_scales_the_unseen_by_the_odds_ratio():
    # Krebs' hares: Chapman 2382.6 of 1202 seen, so 1180.6 unseen; if a hare caught once were twice
    # as likely (in odds) to be caught again, twice as many were never caught: 1202 + 2 * 1180.6
    result = chapman(948, 421, 167)
    rows = dependence_range(result, (1.0, 2.0)).set_index("odds_ratio")
    assert rows.loc[1.0, "estimate"] == pytest.approx(result.estimate)
    assert rows.loc[2.0, "estimate"] == pytest.approx(1202 + 2 * (result.estimate - 1202))
    assert rows.loc[2.0, "lower"] == pytest.approx(1202 + 2 * (result.lower - 1202))
    assert rows.loc[2.0, "upper"] > rows.loc[1.0, "upper"]
    assert list(dependence_range(result)["odds_ratio"]) == list(DEPENDENCE_ODDS_RATIOS)
    assert "independent" in dependence_note() and "3" in dependence_note()


def test_dependence_range_is_empty_when_the_estimate_is_undefined():
    assert dependence_range(chapman(30, 40, 0)).empty
