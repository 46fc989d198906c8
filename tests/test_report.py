"""The briefing machinery without a kernel: parameters, rendering, charts, tables, wording."""

from __future__ import annotations

import html as html_lib
import io
import re

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from analysis.config import SAMPLE_LOG
from analysis.measures.curves import curve_points
from analysis.publish.charts import bar_chart, km_chart, source_line
from analysis.publish.tables import (
    fmt_hours,
    fmt_median_ci,
    fmt_pct,
    fmt_share_ci,
    league_table,
    published_counts,
)
from analysis.report.briefings import main as briefings_main
from analysis.report.page import PageInfo
from analysis.report.params import (
    ParameterError,
    load_params_file,
    validate_parameters,
)
from analysis.report.render import html_to_pdf_bytes, to_html, write_atomic
from analysis.report.story import rag_word, response_finding

GOOD = {
    "complaint_log": str(SAMPLE_LOG),
    "as_of": "2022-07-31",
    "period_start": "2021-09-01",
    "period_end": "2022-07-31",
    "nations": ["England", "Wales"],
    "platforms": [],
    "rules": [],
    "audience": "union",
    "suppression_threshold": 10,
    "protective_marking": "OFFICIAL",
    "show_examples": False,
}


# -- parameters ------------------------------------------------------------------------------------


def test_good_parameters_pass_and_echo_in_full() -> None:
    params = validate_parameters(GOOD)
    assert params.echo()["nations"] == ["England", "Wales"]
    assert params.echo()["as_of"] == "2022-07-31"
    assert set(params.echo()) == set(GOOD)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("nations", ["Englund"], "'Englund' is not a UK nation"),
        ("audience", "press", "minister"),
        ("platforms", ["MySpace"], "'MySpace' is not a platform"),
        ("complaint_log", "data/sample/nope.csv", "file not found"),
        ("suppression_threshold", 1, "below the minimum of 3 for anything published"),
        ("protective_marking", "official", "does not look like a protective marking"),
        ("as_of", "31/31/2022", "date"),
    ],
)
def test_bad_parameter_is_named(name: str, value: object, words: str) -> None:
    with pytest.raises(ParameterError) as info:
        validate_parameters({**GOOD, name: value})
    message = str(info.value)
    assert f"parameter {name!r}" in message
    assert words in message


def test_dates_out_of_order_are_explained() -> None:
    with pytest.raises(ParameterError, match=r"period_start .* is after period_end"):
        validate_parameters({**GOOD, "period_start": "2022-08-01", "period_end": "2022-07-01"})
    with pytest.raises(ParameterError, match="after the extract date"):
        validate_parameters({**GOOD, "as_of": "2022-06-30"})


def test_unknown_rule_is_named() -> None:
    with pytest.raises(ParameterError, match=r"unknown rule id.*'NO_SUCH_RULE'"):
        validate_parameters({**GOOD, "rules": ["NO_SUCH_RULE"]})


def test_params_file_with_unknown_key_is_refused(tmp_path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("audiance: union\n")
    with pytest.raises(ParameterError, match=r"unknown parameter.*audiance"):
        load_params_file(path)


def test_briefings_command_refuses_bad_params_before_any_kernel(tmp_path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("nations: [Englund]\n")
    assert briefings_main(["--params", str(path), "--out-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "parameter 'nations'" in err and "Englund" in err
    assert f"{path}: bad notebook parameter(s)" in err  # which file, when several are given
    assert not list(tmp_path.glob("*.pdf"))


# -- rendering -------------------------------------------------------------------------------------

PAGE = PageInfo(title="A title", audience="Briefing for tests", date="1 May 2024", marking="SECRET")


def _executed_notebook(paragraphs: int) -> nbformat.NotebookNode:
    note = nbformat.v4.new_markdown_cell("Analyst note: not for readers")
    note.metadata["tags"] = ["analyst-only"]
    shown = nbformat.v4.new_code_cell("print('x')")
    shown.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="a warning nobody should read"),
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": "## Summary\n\n- £12,345 of “text”"}
        ),
    ]
    body = "\n\n".join(f"Paragraph {i} " + "words " * 80 for i in range(paragraphs))
    return nbformat.v4.new_notebook(
        cells=[note, shown, nbformat.v4.new_markdown_cell(body)],
        metadata={"language_info": {"name": "python"}},
    )


def test_html_hides_code_analyst_cells_and_streams_and_keeps_encoding() -> None:
    html = to_html(_executed_notebook(1), PAGE)
    assert '<meta charset="utf-8"' in html
    assert "Analyst note" not in html
    assert "print(" not in html
    assert "a warning nobody should read" not in html
    assert "£12,345" in html and "“text”" in html
    assert "a.anchor-link { display: none; }" in html


def test_every_pdf_page_has_marking_top_and_bottom_and_page_x_of_y() -> None:
    pdf = html_to_pdf_bytes(to_html(_executed_notebook(40), PAGE))
    reader = PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.count("SECRET") >= 2, f"page {number} lacks the marking top and bottom"
        assert f"Page {number} of {len(pages)}" in text
        assert "Briefing for tests" in text and "1 May 2024" in text
    assert "Â" not in "".join(pages)


def test_write_atomic_leaves_nothing_behind_on_failure(tmp_path, monkeypatch) -> None:
    target = tmp_path / "out.pdf"

    def fail(*_: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr("analysis.report.render.os.replace", fail)
        with pytest.raises(OSError):
            write_atomic(target, b"%PDF-1.7")
    assert list(tmp_path.iterdir()) == []
    write_atomic(target, b"%PDF-1.7")
    assert target.read_bytes() == b"%PDF-1.7"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


# -- charts ----------------------------------------------------------------------------------------

SOURCE = source_line("complaints.csv", "ab12" * 16, "2022-07-31", synthetic=True)


def test_source_line_names_file_short_hash_and_date() -> None:
    assert SOURCE == (
        "Source: complaints.csv (SHA-256 ab12ab12ab12), extract 31 July 2022 (synthetic data)"
    )


def test_bar_chart_starts_at_zero_labels_values_and_carries_alt_text() -> None:
    data = pd.DataFrame({"platform": ["A", "B"], "share": [0.8, 0.25], "lo": [0.7, 0.1]})
    data["hi"] = [0.9, 0.4]
    chart = bar_chart(
        data,
        "platform",
        "share",
        lower="lo",
        upper="hi",
        percent=True,
        title="A answered most",
        subtitle="Share answered",
        source=SOURCE,
        alt="A 80%, B 25%",
        axis_label="Share",
    )
    ax = chart.figure.axes[0]
    assert ax.get_xlim()[0] == 0
    labels = {t.get_text() for t in ax.texts}
    assert {"80%", "25%"} <= labels
    html = chart.to_html()
    assert 'alt="A 80%, B 25%"' in html
    assert "A answered most" in html and SOURCE in html
    assert 'rel="attachment"' in html and "text/csv" in html


def test_suppressed_bar_has_no_value_anywhere() -> None:
    bars = published_counts(pd.Series([120, 3, 40, 55], index=list("abcd")), threshold=10)
    assert bars.loc[bars["label"] == "b", "label_text"].item() == "[c]"
    assert np.isnan(bars.loc[bars["label"] == "b", "count"].item())
    chart = bar_chart(
        bars, "label", "count", title="t", subtitle="s", source=SOURCE, alt="a", axis_label="n"
    )
    assert "[c]" in {t.get_text() for t in chart.figure.axes[0].texts}
    assert ",3\n" not in chart.csv()


def _survival(n_at_risk: list[int], group: str) -> pd.DataFrame:
    """A Kaplan-Meier table as kaplan_meier gives it: a row at time 0, then one every 10 hours."""
    t = np.arange(0, len(n_at_risk) + 1) * 10.0
    est = np.concatenate([[1.0], np.linspace(0.95, 0.3, len(n_at_risk))])
    return pd.DataFrame(
        {
            "platform": group,
            "timeline": t,
            "at_risk": [n_at_risk[0], *n_at_risk],
            "events": [0, *[1] * len(n_at_risk)],
            "censored": [0, *[0, 1] * (len(n_at_risk) // 2)],
            "estimate": est,
            "lower": est - 0.05,
            "upper": est + 0.05,
        }
    )


def test_km_chart_stops_where_too_few_are_at_risk_and_marks_censoring() -> None:
    # A: 30 at risk, falling to 20, 12, 9, 5, 2 (10 hours apart); B never has 10 at risk.
    a = _survival([30, 20, 12, 9, 5, 2], "A").assign(
        events=[0, 10, 7, 3, 3, 3, 1], censored=[0, 0, 1, 0, 1, 0, 1]
    )
    survival = pd.concat([a, _survival([8, 6], "B")])
    points = curve_points(survival, hours=tuple(np.arange(0.0, 70.0, 10.0)))
    chart = km_chart(
        points, title="t", subtitle="s", source=SOURCE, alt="a", min_at_risk=10, step_hours=10
    )
    ax = chart.figure.axes[0]
    assert [t.get_text() for t in ax.texts] == ["A"]  # B never had 10 at risk: not drawn
    steps = [line for line in ax.lines if line.get_drawstyle() == "steps-post"]
    assert max(steps[0].get_xdata()) == 20.0  # after 30 hours only 9 were still waiting
    assert any(line.get_marker() == "|" for line in ax.lines)
    assert ax.collections, "confidence band missing"
    # The data file: the chart's points, numbers still waiting rounded to 5, none below 10.
    assert chart.data["hours"].tolist() == [0.0, 10.0, 20.0]
    assert chart.data["still_waiting"].tolist() == [30, 20, 10]
    assert "events" not in chart.data and "censored" not in chart.data


# -- numbers and tables ----------------------------------------------------------------------------


def test_numbers_are_written_the_gss_way() -> None:
    assert fmt_pct(0.4567) == "46%"
    assert fmt_share_ci({"share": 0.4567, "lower": 0.38, "upper": 0.531}) == (
        "46% (95% CI 38% to 53%)"
    )
    assert fmt_hours(30.6) == "31 hours"
    assert fmt_hours(100.0) == "4.2 days"
    assert fmt_median_ci({"estimate": "not reached", "lower": 50.0, "upper": None}).startswith(
        "not reached"
    )
    assert fmt_share_ci({"share": None}) == "[x]"


def _platform(complaints: int, week: float | None) -> dict:
    share = {"share": week, "lower": week, "upper": week, "at_risk": 5}
    return {
        "complaints": complaints,
        "reported": complaints,
        "response": {
            "answered": complaints,
            "median_hours": {"estimate": 20.0, "lower": 10.0, "upper": 30.0},
            "within_24h": share,
            "within_48h": share,
            "within_7d": share,
        },
    }


def test_league_table_orders_by_week_share_and_suppresses_small_platforms() -> None:
    platforms = {
        "Slow": _platform(40, 0.2),
        "Fast": _platform(30, 0.9),
        "Tiny": _platform(3, 1.0),
        "All platforms": _platform(73, 0.5),
    }
    html = league_table(platforms, "caption", SOURCE, threshold=10, all_label="All platforms").html
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html)
    # Tiny (3) is [c]; Fast, the smallest other count, is its complement: a platform whose count
    # is [c] shows no estimate either (its shares and CIs would give the count back).
    assert rows == ["Slow", "Fast", "Tiny", "All platforms"]
    for name in ("Tiny", "Fast"):
        row = html.split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]
        assert row.count("[c]") == 4
    assert "[c] confidential" in html


def test_finding_title_names_slowest_and_fastest() -> None:
    headline = {
        "platforms": {
            "Slow": _platform(40, 0.2),
            "Fast": _platform(30, 0.9),
            "All platforms": _platform(70, 0.5),
        }
    }
    assert response_finding(headline, 10) == (
        "Slow answered 20% of complaints within a week; Fast answered 90%"
    )


def test_rag_always_writes_the_word() -> None:
    assert ">Amber<" in rag_word("A") and 'class="rag rag-amber"' in rag_word("A")


def test_charts_render_headless() -> None:
    assert matplotlib.get_backend().lower() == "agg"


def test_league_table_of_one_platform() -> None:
    platforms = {"Only": _platform(40, 0.2), "All platforms": _platform(40, 0.2)}
    html = league_table(platforms, "caption", SOURCE, threshold=10, all_label="All platforms").html
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == ["Only", "All platforms"]
    assert html.count("<td>40</td>") == 2


def test_an_empty_selection_is_refused_with_the_reason() -> None:
    from analysis.report.inputs import prepare

    # The sample covers the school year 2021/22: nothing was received in August 2021.
    august = {"period_start": "2021-08-01", "period_end": "2021-08-31"}
    with pytest.raises(ValueError, match=r"no complaint in complaints.csv matches") as info:
        prepare(validate_parameters({**GOOD, **august}))
    assert "outside the period" in str(info.value)


# -- rule outcomes under disclosure control ---------------------------------------------------------


def parse_table(block: str) -> pd.DataFrame:
    """The first published table in some HTML, as the strings a reader sees (row labels as index)."""
    table = re.search(r"<table.*?</table>", block, re.S).group(0)
    head = re.findall(r"<th[^>]*>(.*?)</th>", re.search(r"<thead>(.*?)</thead>", table).group(1))
    rows = [
        [html_lib.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(
            r"<tr[^>]*>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", table).group(1)
        )
    ]
    return pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=head[1:])


def _numbers(text: str) -> list[int]:
    """Whole numbers written in prose (not percentages, not the threshold in "fewer than 10")."""
    text = re.sub(r"fewer than \d+|\d+%", "", text)
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]


def _outcome_prose(block: str) -> str:
    sentence = re.search(r"On the complaints on record:</strong>(.*?)</p>", block, re.S).group(1)
    return " ".join(sentence.split()).split(" Share within the deadline")[0]


def _check_rule_block(block: str, total: dict, threshold: int) -> None:
    """Everything a reader could do with one option's sentence and table, for one scored rule."""
    from test_disclosure import reader_ranges

    table = parse_table(block)
    prose = _outcome_prose(block)
    last = table.iloc[-1]
    # The table's totals are the all-platforms totals (no platform dropped), where published.
    for column, key in [
        ("Total", "in_scope"),
        ("Compliant", "compliant"),
        ("Breached", "breached"),
    ]:
        if last[column] != "[c]":
            assert int(last[column].replace(",", "")) == total[key], (column, prose)
    # The prose prints no number the table does not print in its total row.
    printed = {int(v.replace(",", "")) for v in last if v != "[c]"}
    assert set(_numbers(prose)) <= printed, (prose, last.tolist())
    # In scope - met - breached (and the other two ways round) never reveals a small count.
    given = {
        k: int(m.group(1).replace(",", ""))
        for k, pattern in [
            ("in_scope", r"Of ([\d,]+) complaints"),
            ("compliant", r"([\d,]+) met"),
            ("breached", r"([\d,]+) breached"),
            ("undetermined", r"([\d,]+) could not"),
        ]
        if (m := re.search(pattern, prose))
    }
    parts = ["compliant", "breached", "undetermined"]
    if "in_scope" in given and sum(p in given for p in parts) == 2:
        (left,) = [p for p in parts if p not in given]
        derived = given["in_scope"] - sum(given[p] for p in parts if p in given)
        assert not 0 < derived < threshold, f"{left} = {derived} can be worked out from: {prose}"
    # And the table itself protects every [c] (the reader's linear programme, rows and columns).
    for cell, (low, high) in reader_ranges(table).items():
        assert high - low >= threshold - 1e-6, (cell, low, high, table)


def _headline(rule_id: str, platforms: dict[str, tuple[int, int, int]]) -> dict:
    """A headline holding one scored rule: (compliant, breached, undetermined) per platform."""
    pooled = tuple(sum(c[i] for c in platforms.values()) for i in range(3))
    rows = [
        {
            "rule_id": rule_id,
            "platform": name,
            "evaluation": "scored",
            "deadline_words": "remove within 24 hours",
            "in_scope": sum(counts),
            "compliant": counts[0],
            "breached": counts[1],
            "undetermined": counts[2],
            "km_share": None,
        }
        for name, counts in [*platforms.items(), ("All platforms", pooled)]
    ]
    return {"rules": rows}


def test_reviewers_case_gives_no_count_away() -> None:
    """578 in scope, 112 met, 465 breached, 1 undetermined: the 1 used to be 578 - 112 - 465;
    and a platform with 1 complaint, left out of the table, was the prose total minus the table's."""
    from analysis.report.story import option_blocks
    from analysis.rules.catalogue import load_rules

    rule = next(r for r in load_rules() if r.id == "OPT3_24H_7D_TIERED")
    headline = _headline(
        rule.id, {"TikTok": (60, 300, 1), "Instagram": (50, 164, 0), "Reddit": (2, 1, 0)}
    )
    (block,) = option_blocks(headline, [rule], 10, SOURCE)
    prose = _outcome_prose(block)
    assert "112" not in prose and "fewer than 10 could not yet be judged" in prose
    assert "578 complaints in scope" in prose and "the rest" in prose
    table = parse_table(block)
    assert "Reddit" not in table.index and "Other platforms (combined)" in table.index
    assert table.loc["Total", "Total"] == "578"
    _check_rule_block(block, headline["rules"][-1], 10)


@pytest.mark.slow
def test_no_rule_outcome_in_the_sample_briefing_gives_a_count_away() -> None:
    from analysis.report.inputs import prepare
    from analysis.report.story import option_blocks, option_label, options_table, rule_total

    threshold = GOOD["suppression_threshold"]
    data = prepare(validate_parameters({**GOOD, "audience": "minister"}))
    blocks = option_blocks(data.headline, data.rules, threshold, data.source)
    union = parse_table(options_table(data.headline, data.rules, threshold, data.source).html)
    checked = 0
    for rule, block in zip(data.rules, blocks, strict=True):
        total = rule_total(data.headline, rule.id)
        if total is None or total["evaluation"] != "scored":
            continue
        _check_rule_block(block, total, threshold)
        # The union's table gives the same figures as the minister's.
        last = parse_table(block).iloc[-1]
        assert union.loc[option_label(rule), "In scope"] == last["Total"]
        assert union.loc[option_label(rule), "Breached"] == last["Breached"]
        checked += 1
    assert checked >= 3
