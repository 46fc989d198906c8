"""An "as at" view: later complaints out of scope (not invalid), later events censored at the date."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import SAMPLE_AS_OF, SAMPLE_LOG
from analysis.log.validate import validate_file
from analysis.measures.as_at import as_at
from analysis.measures.response_times import complaint_times

EXTRACT = pd.Timestamp("2022-07-31 23:59:59")


def _log() -> pd.DataFrame:
    t = pd.Timestamp
    rows = [
        # id, received, reported, first response, outcome, removed
        ("A", t("2022-03-01 09:00"), t("2022-03-01 10:00"), t("2022-03-02 10:00"), "removed", t("2022-03-02 10:00")),
        ("B", t("2022-03-30 09:00"), t("2022-03-30 10:00"), t("2022-04-02 10:00"), "removed", t("2022-04-05 10:00")),
        ("C", t("2022-03-31 09:00"), t("2022-04-01 08:00"), pd.NaT, "no response", pd.NaT),
        ("D", t("2022-04-10 09:00"), t("2022-04-10 10:00"), t("2022-04-11 10:00"), "no breach found", pd.NaT),
        ("E", t("2022-03-20 09:00"), t("2022-03-20 10:00"), t("2022-04-03 10:00"), "no breach found", pd.NaT),
    ]  # fmt: skip
    columns = ["complaint_id", "received_at", "reported_at", "first_response_at", "outcome", "removed_at"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(
        platform="TikTok", categories="racist", reported_by="school", organisation="Union A"
    )


def test_later_complaints_are_counted_out_and_later_events_blanked() -> None:
    seen = as_at(_log(), "2022-03-31", EXTRACT)
    assert seen.when == pd.Timestamp("2022-03-31 23:59:59")
    assert seen.received_after == 1  # D, received in April: out of scope, not an error
    by_id = seen.log.set_index("complaint_id")
    assert list(by_id.index) == ["A", "B", "C", "E"]
    assert by_id.loc["A", "outcome"] == "removed"  # everything known by then stays
    assert by_id.loc["B", "outcome"] == "pending" and pd.isna(by_id.loc["B", "removed_at"])
    assert pd.isna(by_id.loc["B", "first_response_at"])
    assert pd.isna(by_id.loc["C", "reported_at"])  # reported on 1 April: not yet
    assert by_id.loc["E", "outcome"] == "pending"  # answered in April


def test_clocks_are_censored_at_the_date() -> None:
    seen = as_at(_log(), "2022-03-31", EXTRACT)
    times = complaint_times(seen.log, seen.when).set_index("complaint_id")
    assert list(times.index) == ["A", "B", "E"]
    assert times.loc["A", "responded"] and times.loc["A", "hours_to_response"] == 24
    assert not times.loc["B", "responded"] and not times.loc["B", "removed"]
    # B was reported on 30 March at 10:00: watched until 31 March 23:59:59.
    assert times.loc["B", "hours_to_removal"] == pytest.approx(37 + 59 / 60 + 59 / 3600)


def test_a_date_after_the_extract_is_refused() -> None:
    with pytest.raises(ValueError, match="after the extract date 2022-07-31"):
        as_at(_log(), "2022-08-01", EXTRACT)


def test_on_the_sample_no_row_is_rejected_and_the_clocks_agree_with_an_earlier_cutoff() -> None:
    validation = validate_file(SAMPLE_LOG, SAMPLE_AS_OF)
    seen = as_at(validation.valid, "2022-03-31", validation.as_of)
    received = validation.valid["received_at"] <= seen.when
    assert seen.received_after == int((~received).sum()) > 0
    assert len(seen.log) + seen.received_after == len(validation.valid)
    # The same complaints, clocks and censoring as the measures give when told the cutoff directly.
    direct = complaint_times(validation.valid[received], seen.when)
    pd.testing.assert_frame_equal(complaint_times(seen.log, seen.when), direct)
