"""Duties in legislation: provisions, duty sentences, holders, actions, triggers, deadlines, citations."""

from __future__ import annotations

import json

import pytest

from analysis.config import DATA_DIR
from analysis.text.duties import (
    COLUMNS,
    duties_table,
    extract_duties,
    find_deadline,
    html_to_text,
    main,
    parse_provisions,
    walk,
)

BILL = """Online Harms (School Staff) Bill
A BILL to make provision about abusive content.
1 Duty to remove abusive content
(1) A provider of a regulated service must, within 24 hours of receiving a complaint from a school,
remove the content or disable access to it.
(2) The period mentioned in subsection (1) is extended to seven days where the content is not manifestly unlawful.
(3) It is the duty of the provider to respond to the complainant without undue delay.
2 Orders
(1) Where OFCOM issue a removal order, the provider shall, no later than forty-eight hours after receipt of the order—
(a) take down the content; and
(b) inform OFCOM of the action taken, stating—
(i) the time of removal, and
(ii) the number of users who saw it.
(2) A provider is required to report to OFCOM, within one hour of becoming aware of it, any content showing a threat to life.
(3) A provider who receives a trusted flagger notice has a duty to review it within the period mentioned in section 1(2).
3 Interpretation
(1) In this Act "content" means anything communicated.
(2) This Act shall come into force on such day as the Secretary of State may appoint.
"""


def _by_provision(text: str) -> dict:
    return {d.provision: d for d in extract_duties(text)}


def test_provisions_nest_subsections_paragraphs_and_sub_paragraphs():
    labels = [p.label for p in walk(parse_provisions(BILL))]
    assert labels[:9] == [
        "1",
        "1(1)",
        "1(2)",
        "1(3)",
        "2",
        "2(1)",
        "2(1)(a)",
        "2(1)(b)",
        "2(1)(b)(i)",
    ]
    assert "2(1)(b)(ii)" in labels and "3(2)" in labels


def test_duty_sentences_found_and_definitions_and_commencement_skipped():
    duties = _by_provision(BILL)
    assert set(duties) == {
        "s.1(1)",
        "s.1(3)",
        "s.2(1)(a)",
        "s.2(1)(b)(i)",
        "s.2(1)(b)(ii)",
        "s.2(2)",
        "s.2(3)",
    }


def test_holder_action_trigger_and_deadline_of_a_plain_duty():
    d = _by_provision(BILL)["s.1(1)"]
    assert d.duty_holder == "A provider of a regulated service"
    assert d.action == "remove; disable access" and d.event == "removal"
    assert (d.trigger, d.clock_starts) == ("complaint", "complainant notice")
    assert (d.deadline_words, d.deadline_hours, d.fixed_deadline) == ("within 24 hours", 24.0, True)
    assert d.citation == "Online Harms (School Staff) Bill, s.1(1)"


def test_a_chapeau_duty_is_reported_per_item_with_the_chapeau_deadline_in_words():
    duties = _by_provision(BILL)
    take_down = duties["s.2(1)(a)"]
    assert take_down.action == "take down" and take_down.deadline_hours == 48.0
    assert take_down.deadline_words == "no later than forty-eight hours"
    assert (take_down.trigger, take_down.clock_starts) == ("removal order", "regulator order")
    assert duties["s.2(1)(b)(i)"].duty_holder == "the provider"


def test_it_is_the_duty_of_and_vague_deadlines_keep_their_words():
    d = _by_provision(BILL)["s.1(3)"]
    assert (d.duty_holder, d.action, d.event) == ("the provider", "respond", "response")
    assert (d.deadline_words, d.deadline_hours, d.fixed_deadline) == (
        "without undue delay",
        None,
        False,
    )


def test_a_deadline_given_by_cross_reference_is_inherited_and_says_where_from():
    d = _by_provision(BILL)["s.2(3)"]
    assert d.cross_references == "s.1(2)" and d.deadline_from == "s.1(2)"
    assert d.deadline_hours == 168.0 and d.clock_starts == "trusted flagger"


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("within 24 hours of the notice", 24.0),
        ("within one hour of receipt", 1.0),
        ("within an hour", 1.0),
        ("within seven days", 168.0),
        ("no later than 48 hours after", 48.0),
        ("not later than seventy-two hours", 72.0),
        ("within a period of twenty four hours", 24.0),
        ("within 30 minutes", 0.5),
        ("within 2 weeks", 336.0),
        ("within 10 working days", None),
        ("within one month", None),
        ("expeditiously", None),
        ("swiftly", None),
    ],
)
def test_deadlines_normalise_to_hours_only_when_the_law_fixes_them(text, hours):
    found = find_deadline(f"The provider must act {text}.")
    assert found is not None and found.hours == hours
    assert found.words.lower() in text.lower() or text.lower() in found.words.lower()


def test_no_deadline_is_none():
    assert find_deadline("The provider must publish a report.") is None


def test_html_like_legislation_gov_uk_is_read_by_structure():
    page = """<html><head><style>p{}</style></head><body>
    <h3><span class="LegP1No">7</span><span class="LegP1GroupTitle">Takedown</span></h3>
    <p class="LegP2ParaText"><span class="LegP2No">(1)</span>A service provider must&#x2014;</p>
    <p class="LegP3"><span class="LegP3No">(a)</span><span>expeditiously remove the content.</span></p>
    </body></html>"""
    assert "(a) expeditiously remove the content." in html_to_text(page)
    (d,) = extract_duties(html_to_text(page), instrument="Test Act 2024")
    assert (
        d.provision == "s.7(1)(a)" and d.action == "remove" and d.deadline_words == "expeditiously"
    )


def test_german_numbered_items_and_eu_articles_cite_in_their_own_style():
    table = duties_table(sorted((DATA_DIR / "legislation").glob("*")))
    assert list(table.columns) == list(COLUMNS)
    netzdg = table.set_index("provision").loc["§3(2) no. 2"]
    assert netzdg.deadline_hours == 24 and netzdg.clock_starts == "complainant notice"
    tco = table.set_index("provision").loc["Art. 3(3)"]
    assert tco.deadline_hours == 1 and tco.clock_starts == "regulator order"
    osa = table.set_index("provision").loc["s.10(3)(b)"]
    assert osa.deadline_words == "swiftly" and osa.action == "take down"


def test_cli_writes_json(tmp_path, capsys):
    path = tmp_path / "bill.txt"
    path.write_text(BILL, encoding="utf-8")
    assert main([str(path), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["provision"] == "s.1(1)" and rows[1]["deadline_hours"] is None
    assert main([str(tmp_path / "missing.txt")]) == 2


@pytest.mark.parametrize(
    "content",
    [
        "1 The provider must act within 24 hours (\u00a7 5).".encode("latin-1"),
        b"%PDF-1.7\n\x00\xe2\xe3\xcf\xd3\n",
    ],
    ids=["latin-1", "binary"],
)
def test_cli_refuses_a_file_that_is_not_utf8_text_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "act.txt"
    path.write_bytes(content)
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {path}: not UTF-8 text (byte 0x")
    assert len(captured.err.strip().splitlines()) == 1


def test_duties_beside_the_catalogue_flag_differences_and_gaps():
    import pandas as pd

    from analysis.text.duties import compare_with_rules, same_instrument

    assert same_instrument("Online Safety Act 2023", "Online Safety Act 2023 (c. 50)")
    assert not same_instrument("Online Safety Act 2023", "Online Safety Act 2021 (Cth)")
    duties = duties_table([DATA_DIR / "legislation" / "uk_osa_2023_s10_paraphrase.html"])
    rules = pd.DataFrame(
        [
            (
                "UK_S10",
                "Online Safety Act 2023 (c. 50)",
                "s.10(3)(b)",
                "in force",
                "removal",
                "complainant notice",
                24.0,
            ),
            (
                "UK_3A",
                "Online Safety Act 2023 (c. 50)",
                "s.10(3A)",
                "in force",
                "removal",
                "complainant notice",
                48.0,
            ),
            (
                "UK_S99",
                "Online Safety Act 2023 (c. 50)",
                "s.99",
                "in force",
                "removal",
                "complainant notice",
                None,
            ),
            (
                "OPT",
                "Online Safety Act 2023, extended",
                "s.10(3A)",
                "proposed option",
                "removal",
                "school or union notice",
                24.0,
            ),
            (
                "AU",
                "Online Safety Act 2021 (Cth)",
                "s.10(3A)",
                "in force",
                "removal",
                "regulator order",
                24.0,
            ),
        ],
        columns=[
            "rule_id",
            "instrument",
            "provision",
            "status",
            "event",
            "clock_starts",
            "deadline_hours",
        ],
    ).assign(deadline_words="")
    out = compare_with_rules(duties, rules)
    by_rule = out.dropna(subset=["rule_id"]).set_index("rule_id")["differences"].to_dict()
    assert by_rule == {
        "UK_S10": "deadline_hours",
        "UK_3A": "agree",
        "UK_S99": "not found in the text",
    }
    assert set(out.loc[out["rule_id"].isna(), "provision"]) == {"s.10(2)", "s.10(3)(a)"}
