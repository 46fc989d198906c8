"""The explorer's figures and its saved briefing parameters, without a browser."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from analysis.config import NOTEBOOKS_DIR
from analysis.explore.state import briefing_parameters, initial_state, save_briefing_parameters
from analysis.explore.view import explore
from analysis.parameters import shared_defaults
from analysis.report.briefings import make_job
from analysis.report.inputs import prepare
from analysis.report.params import load_params_file, validate_parameters
from analysis.report.story import named_platforms, response_finding


@pytest.fixture(scope="module")
def data():
    return prepare(validate_parameters(shared_defaults()))


def test_it_opens_on_the_notebooks_figures(data) -> None:
    view = explore(data.validation, initial_state(), data.synthetic)
    assert view.headline["totals"] == data.headline["totals"]
    assert view.headline["platforms"] == data.headline["platforms"]
    # The title notebook 02 gives its chart on the same figures.
    shown = named_platforms(data.headline, 10)[:4]
    assert view.chart.title == response_finding(data.headline, 10, among=shown)
    assert "within a week" in view.chart.title


def test_a_platform_filter_changes_the_chart_and_the_counts(data) -> None:
    start = initial_state()
    two = explore(
        data.validation,
        dataclasses.replace(start, platforms=("TikTok", "Facebook")),
        data.synthetic,
    )
    every = explore(data.validation, start, data.synthetic)
    assert two.chart.title != every.chart.title
    assert set(two.headline["platforms"]) == {"TikTok", "Facebook", "All platforms"}
    assert two.headline["totals"]["complaints"] < every.headline["totals"]["complaints"]


def test_as_at_an_earlier_date_counts_later_complaints_out_not_as_errors(data) -> None:
    state = dataclasses.replace(initial_state(), as_at=dt.date(2022, 3, 31))
    view = explore(data.validation, state, data.synthetic)
    later = int((data.validation.valid["received_at"] > "2022-03-31 23:59:59").sum())
    assert view.headline["totals"]["complaints"] == len(data.validation.valid) - later
    assert view.headline["provenance"]["rows_rejected"] == data.validation.n_rejected
    assert "Received after the as-at date (out of scope)" in view.counts.html
    assert f"<td>{later}</td>" in view.counts.html


def test_small_counts_are_controlled_on_screen(data) -> None:
    state = dataclasses.replace(initial_state(), roles=("headteacher",), nations=("Wales",))
    view = explore(data.validation, state, data.synthetic)
    complaints = view.headline["totals"]["complaints"]
    assert 0 < complaints < 10  # the selection is small...
    assert f"<td>{complaints}</td>" not in view.counts.html  # ...and its count is not shown
    assert "fewer than 10" in view.counts.html
    assert view.chart is None and "No platform has 10 or more" in view.chart_note


def test_saved_parameters_are_accepted_by_the_briefings_command(data, tmp_path) -> None:
    state = dataclasses.replace(
        initial_state(),
        platforms=("TikTok",),
        roles=("teacher",),
        as_at=dt.date(2022, 5, 31),
        rules=("OPT2_24H_SCHOOL_NOTICE",),
    )
    path = save_briefing_parameters(state, tmp_path / "mine.yaml")
    given = load_params_file(path)
    assert given["platforms"] == ["TikTok"] and given["period_end"] == "2022-05-31"
    job = make_job(path, NOTEBOOKS_DIR / "04_briefing.ipynb", tmp_path, dt.date(2026, 1, 1))
    assert job.parameters["rules"] == ["OPT2_24H_SCHOOL_NOTICE"]
    text = path.read_text(encoding="utf-8")
    assert "#   roles: teacher" in text and "#   as at 2022-05-31" in text


def test_what_a_briefing_cannot_apply_is_listed_not_dropped_silently() -> None:
    state = dataclasses.replace(initial_state(), categories=("threat",), reporters=("school",))
    _, left_out = briefing_parameters(state)
    assert "categories: threat" in left_out and "who reported: school" in left_out
