"""One disclosure control over everything a briefing publishes (``analysis.publish.release``).

The judge is ``benchmarks/disclosure_attack.py``: a reader written apart from the package that
sees only the rendered HTML (tables, chart-data attachments) and tries to recover each ``[c]``.
Each test that publishes through a :class:`Release` also shows the attack succeeding on the same
counts published table by table, so that the test would fail if the release did nothing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.config import PROJECT_ROOT
from analysis.measures.curves import curve_points
from analysis.publish.charts import bar_chart, km_chart
from analysis.publish.disclosure import CONFIDENTIAL, UNSUPPRESSED, publish_table
from analysis.publish.release import DisclosureError, Release, total
from analysis.publish.tables import published_html, table_html

_spec = importlib.util.spec_from_file_location(
    "disclosure_attack", PROJECT_ROOT / "benchmarks" / "disclosure_attack.py"
)
attack_module = importlib.util.module_from_spec(_spec)
sys.modules["disclosure_attack"] = attack_module  # dataclasses look their module up by name
_spec.loader.exec_module(attack_module)

OUTCOMES = ["Compliant", "Breached", "Undetermined"]


def _attack(tmp_path: Path, *parts: str):
    page = tmp_path / "briefing.html"
    page.write_text("<html><body>" + "".join(parts) + "</body></html>", encoding="utf-8")
    return attack_module.attack([page])


def _options() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two options scored on the same complaints (same platforms, same numbers in scope).

    The bundled sample's options 3 and 4 (Reddit pooled as "Other platforms (combined)").
    """
    index = pd.Index(
        [
            "TikTok",
            "Facebook",
            "Instagram",
            "X",
            "YouTube",
            "Snapchat",
            "WhatsApp",
            "Other",
            "Other platforms (combined)",
        ],
        name="Platform",
    )
    first = pd.DataFrame(
        [
            [59, 292, 0],
            [9, 33, 0],
            [20, 65, 0],
            [7, 13, 1],
            [2, 19, 0],
            [8, 18, 0],
            [4, 12, 0],
            [2, 12, 0],
            [1, 1, 0],
        ],
        index,
        OUTCOMES,
    )
    second = pd.DataFrame(
        [
            [53, 298, 0],
            [8, 34, 0],
            [12, 73, 0],
            [5, 16, 0],
            [3, 18, 0],
            [8, 18, 0],
            [3, 13, 0],
            [1, 13, 0],
            [0, 2, 0],
        ],
        index,
        OUTCOMES,
    )
    return first, second


def test_tables_of_one_population_cannot_be_subtracted(tmp_path: Path) -> None:
    first, second = _options()
    alone = [publish_table(t) for t in (first, second)]
    html = [
        published_html(t, f"OPT{i}: complaints by platform", "s").html for i, t in enumerate(alone)
    ]
    before = _attack(tmp_path, *html)
    assert before.exact or before.narrowed  # each table is safe alone, not together

    release = Release(10)
    joint = [release.table(f"OPT{i}", t) for i, t in enumerate((first, second))]
    html = [
        published_html(t, f"OPT{i}: complaints by platform", "s").html for i, t in enumerate(joint)
    ]
    after = _attack(tmp_path, *html)
    assert (after.exact, after.narrowed) == ([], [])
    # One pattern for the shared margin: a row total is [c] in both tables or in neither.
    totals = [t.frame["Total"] == CONFIDENTIAL for t in joint]
    pd.testing.assert_series_equal(totals[0], totals[1])
    release.check()


def test_a_count_in_prose_reads_as_its_table_does() -> None:
    release = Release(10)
    first, _ = _options()
    table = release.table("OPT1", first, population="in scope of OPT1")
    grand = table.frame.loc["Total", "Total"]
    assert release.count(int(first.to_numpy().sum()), key=total("in scope of OPT1")) == grand
    assert release.count(4, key=("annex", "Rows used")) == CONFIDENTIAL
    assert release.count(40, key=("annex", "Rows read")) == "40"
    with pytest.raises(ValueError, match="but was published as 40"):
        release.count(41, key=("annex", "Rows read"))


@pytest.mark.parametrize(
    ("share", "n", "shown"),
    [
        (1 / 17, 17, False),  # one complaint answered
        (0.95, 100, False),  # five not answered
        (0.5, 40, True),
        (0.0, 40, True),  # none answered is not a small count
    ],
)
def test_a_share_that_gives_a_small_count_away_is_confidential(
    share: float, n: int, shown: bool
) -> None:
    entry = {"share": share, "lower": max(share - 0.1, 0), "upper": min(share + 0.1, 1)}
    text = Release(10).share(entry, n=n)
    assert (text != CONFIDENTIAL) == shown


def test_a_share_of_a_suppressed_denominator_is_confidential() -> None:
    release = Release(10)
    release.table("by platform", pd.DataFrame({"Complaints": [40, 4, 30]}))
    hidden = ("by platform", 1, "Complaints")
    entry = {"share": 0.5, "lower": 0.3, "upper": 0.7}
    assert release.share(entry, n=4, denominator=hidden) == CONFIDENTIAL
    with pytest.raises(ValueError, match="has not published"):
        release.share(entry, n=40, denominator=("nothing", "here"))


def test_a_printed_share_of_two_published_keys_joins_the_audit() -> None:
    """8 of 60 printed as 13% of a printed 60 pins the [c] 8 to 7.5-8.1: the share goes."""
    release = Release(10)
    counts = pd.DataFrame({"Yes": [8, 40], "No": [52, 60]}, index=pd.Index(["A", "B"], name="P"))
    table = release.table("answers", counts)
    assert table.frame.loc["A", "Yes"] == CONFIDENTIAL
    entry = {"share": 8 / 60, "lower": 0.06, "upper": 0.24}
    numerator, denominator = ("answers", "A", "Yes"), ("answers", TOTAL_KEY, "Yes")
    text = release.share(entry, n=60, numerator=numerator, denominator=denominator)
    assert text == CONFIDENTIAL
    release.check()


TOTAL_KEY = "Total"


@pytest.mark.parametrize("threshold", [0, 1, 2])
def test_a_threshold_below_three_is_refused_for_publication(threshold: int) -> None:
    with pytest.raises(ValueError, match="below the minimum of 3"):
        Release(threshold)
    with pytest.raises(ValueError, match="unsuppressed=True"):
        publish_table(pd.DataFrame({"n": [1, 40]}), threshold=threshold)


def test_the_unsuppressed_view_is_explicit_and_stamped() -> None:
    release = Release(1, unsuppressed=True)
    table = release.table("raw", pd.DataFrame({"n": [1, 40]}))
    assert table.frame["n"].tolist() == ["1", "40", "41"]
    html = published_html(table, "Complaints", "source").html
    assert f"{UNSUPPRESSED}: Complaints" in html
    survival = pd.DataFrame(
        {
            "platform": "A",
            "timeline": [0.0, 1.0, 2.0],
            "at_risk": [2, 2, 1],
            "events": [0, 1, 1],
            "censored": [0, 0, 0],
            "estimate": [1.0, 0.5, 0.0],
            "lower": [1.0, 0.1, 0.0],
            "upper": [1.0, 0.9, 0.0],
        }
    )
    curves = curve_points(survival)
    chart = km_chart(
        curves, title="t", subtitle="s", source="x", alt="a", min_at_risk=1, unsuppressed=True
    )
    assert UNSUPPRESSED in chart.to_html()
    with pytest.raises(ValueError, match="below the minimum"):
        km_chart(curves, title="t", subtitle="s", source="x", alt="a", min_at_risk=1)


def test_annex_row_counts_go_through_the_same_control(tmp_path: Path) -> None:
    """A tiny selection: "Rows used 2" of 600 read; the rest left out as other nations."""
    parts = pd.DataFrame(
        {"Value": [0, 581, 17, 2]},
        index=pd.Index(
            [
                "Rows rejected by validation",
                "Valid rows left out: other nations",
                "Valid rows left out: outside the period",
                "Rows used",
            ],
            name="Item",
        ),
    )

    def annex(values: pd.Series) -> str:
        rows = [("Rows read", values.iloc[-1]), *values.iloc[:-1].items()]
        frame = pd.DataFrame({"Value": [v for _, v in rows]}, index=[k for k, _ in rows])
        return table_html(frame, "Data provenance", index_name="Item", text=True).html

    naive = annex(
        parts["Value"]
        .map(str)
        .where(parts["Value"] >= 10, CONFIDENTIAL)
        .pipe(lambda s: pd.concat([s, pd.Series({"Total": "600"})]))
    )
    before = _attack(tmp_path, naive)  # only the small ones hidden: read minus the others
    assert before.exact or before.narrowed
    release = Release(10)
    shown = release.table("annex", parts).frame["Value"]
    assert shown["Rows used"] == CONFIDENTIAL
    after = _attack(tmp_path, annex(shown))
    assert (after.exact, after.narrowed) == ([], [])


def test_chart_data_carries_no_small_count(tmp_path: Path) -> None:
    """The deadline chart: shares at whole percentages, [c] where a count of 1-9 is behind one."""
    sens = pd.DataFrame(
        {
            "deadline_hours": [1.0, 24.0, 168.0],
            "complaints": [578, 578, 578],
            "at_risk": [577, 480, 300],
            "share_within": [1 / 578, 0.17, 0.48],
            "lower": [0.0, 0.14, 0.44],
            "upper": [0.012, 0.2, 0.52],
        }
    )
    naive = bar_chart(
        sens,
        "deadline_hours",
        "share_within",
        title="t",
        subtitle="s",
        source="x",
        alt="a",
        axis_label="x",
        percent=True,
        name="deadline",
    )
    naive.data = sens  # what the chart's file carried before: every column
    assert _attack(tmp_path, naive.to_html()).charts
    points = Release(10).share_points(
        sens, n="complaints", share="share_within", keep=["deadline_hours"]
    )
    assert points["label_text"].tolist() == [CONFIDENTIAL, "17%", "48%"]
    chart = bar_chart(
        points,
        "deadline_hours",
        "share_within",
        lower="lower",
        upper="upper",
        percent=True,
        title="t",
        subtitle="s",
        source="x",
        alt="a",
        axis_label="x",
        name="deadline",
    )
    assert set(chart.data.columns) == {
        "deadline_hours",
        "share_within",
        "lower",
        "upper",
        "label_text",
    }
    assert not _attack(tmp_path, chart.to_html()).charts


def test_a_release_refuses_to_contradict_itself() -> None:
    release = Release(10)
    first, second = _options()
    release.table("OPT1", first, population="scope")
    changed = second.copy()
    changed.loc["TikTok", "Breached"] += 1  # TikTok's total no longer agrees
    with pytest.raises(ValueError, match="already published as 351"):
        release.table("OPT2", changed, population="scope")  # same population, other total
    with pytest.raises(ValueError, match="already published with other counts"):
        release.table("OPT1", second)


def test_check_names_a_cell_that_can_be_narrowed() -> None:
    release = Release(10)
    release.table("a", pd.DataFrame({"n": [40, 30]}, index=["x", "y"]))
    release._suppressed.add(("a", "x", "n"))  # as if a caller had hidden it by hand
    with pytest.raises(DisclosureError, match="can be narrowed"):
        release.check()


def test_no_cell_of_random_joint_tables_can_be_narrowed() -> None:
    rng = np.random.default_rng(11)
    index = pd.Index([f"P{i}" for i in range(5)], name="Platform")
    margin = rng.integers(2, 60, size=5)
    release = Release(10)
    for k in range(3):
        split = np.array([rng.integers(0, m + 1) for m in margin])
        table = pd.DataFrame({"Met": split, "Missed": margin - split}, index=index)
        release.table(f"option {k}", table)
    assert release.breaches() == []


def test_the_beside_panel_shows_no_small_count() -> None:
    from analysis.publish.panels import controlled_log_panel

    def platform(n: int) -> dict:
        return {"complaints": n, "reported": n}

    headline = {
        "platforms": {
            "Big": platform(80),
            "Mid": platform(30),
            "Low": platform(25),
            "Tiny": platform(2),
            "All": platform(137),
        }
    }
    rows = [
        ("complaint_log", "Big", "complaints", "80"),
        ("complaint_log", "Big", "share answered within 24 h", "95% (95% CI 88% to 98%)"),
        ("complaint_log", "Big", "share answered within 7 days", "50% (95% CI 39% to 61%)"),
        ("complaint_log", "Tiny", "complaints", "2"),
        ("complaint_log", "Tiny", "median hours", "3.0 (95% CI 1.0 to 5.0)"),
        ("complaint_log", "Big", "rule OPT1: compliant", "1 compliant / 79 breached"),
        ("published", "Big", "removal rate", "80.1%"),
    ]
    panel = pd.DataFrame(rows, columns=["panel", "platform", "figure", "value_text"])
    shown = controlled_log_panel(panel, headline, Release(10), "All")
    assert shown["value_text"].tolist() == [
        "80",
        CONFIDENTIAL,  # 95% of 80: four not answered
        "50% (95% CI 39% to 61%)",
        CONFIDENTIAL,
        CONFIDENTIAL,  # every figure of a [c] platform
        "80.1%",  # other panels pass unchanged; the log's rule tally is not shown
    ]
