"""The headline summary and ``python -m analysis analyse``: figures worked by hand on a tiny log."""

from __future__ import annotations

import hashlib
import json
import math

import pytest
from conftest import row
from pydantic import ValidationError

from analysis.cli import main as cli
from analysis.log.validate import validate_file
from analysis.results import NOT_REACHED, Results, figures_doc, headline, load_results, save_results

AS_OF = "2021-11-30"  # end of that day: 2021-11-30 23:59:59
NEVER = {"first_response_at": "", "outcome": "no response", "removed_at": ""}

ROWS = [
    # TikTok: one answer in 21 h (removed after 22 h), three never answered
    row(complaint_id="C1", content_ref="ref-1", organisation="Union"),
    row(complaint_id="C2", content_ref="ref-2", organisation="Union", **NEVER),
    row(complaint_id="C3", content_ref="ref-3", organisation="Helpline", **NEVER),
    row(complaint_id="C6", content_ref="ref-1", organisation="Helpline", **NEVER),
    # Facebook: answered after 5 h (no breach found) and after 30 h (removed)
    row(
        complaint_id="C4",
        platform="Facebook",
        content_ref="ref-4",
        organisation="Helpline",
        first_response_at="2021-11-05 17:00",
        outcome="no breach found",
        removed_at="",
    ),
    row(
        complaint_id="C5",
        platform="Facebook",
        content_ref="ref-5",
        organisation="Union",
        first_response_at="2021-11-06 18:00",
        removed_at="2021-11-06 18:00",
    ),
    # Instagram: never reported to the platform, no content reference
    row(
        complaint_id="C8",
        platform="Instagram",
        content_ref="",
        organisation="Union",
        reported_at="",
        reported_by="",
        first_response_at="",
        outcome="pending",
        removed_at="",
    ),
    # rejected by the validator: not a platform in the contract
    row(complaint_id="C9", platform="Myspace"),
]


def by_hand(value: object) -> object:
    """A figure worked by hand (to four decimals), as the results give it (to six)."""
    return pytest.approx(value, abs=5e-5)


@pytest.fixture
def small_log(log_file):
    return log_file(ROWS, name="small.csv")


def run_json(capsys, *args: str) -> dict:
    assert cli(["analyse", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_analyse_json_gives_the_figures_worked_by_hand(small_log, capsys):
    result = run_json(capsys, str(small_log), "--as-of", AS_OF)

    prov = result["provenance"]
    assert prov["sha256"] == hashlib.sha256(small_log.read_bytes()).hexdigest()
    assert (prov["file"], prov["rows_read"], prov["rows_rejected"], prov["rows_used"]) == (
        "small.csv",
        8,
        1,
        7,
    )
    assert prov["as_of"] == "2021-11-30T23:59:59"
    assert result["totals"] == {
        "complaints": 7,
        "incidents": 6,  # ref-1 twice; C8 has no reference so is its own
        "complaints_without_content_ref": 1,
        "reported": 6,
        "not_reported": 1,
        "reported_at_or_after_as_of": 0,
    }

    tiktok = result["platforms"]["TikTok"]
    assert (tiktok["complaints"], tiktok["reported"]) == (4, 4)
    # KM: 4 at risk, one answer at 21 h -> S = 3/4 and flat: the median is never reached
    assert tiktok["response"]["median_hours"]["estimate"] == NOT_REACHED
    assert tiktok["response"]["within_24h"]["share"] == 0.25
    assert tiktok["response"]["answered"] == 1

    facebook = result["platforms"]["Facebook"]["response"]
    # answers at 5 h and 30 h: S(5) = 1/2, so the median is 5 hours; half answered within 24 h
    assert facebook["median_hours"]["estimate"] == 5.0
    assert facebook["within_24h"]["share"] == 0.5
    assert facebook["within_7d"]["share"] == 1.0

    instagram = result["platforms"]["Instagram"]
    assert instagram["response"] is None and "no complaint reported" in instagram["response_reason"]

    cr = result["capture_recapture"]
    # Union saw ref-1, ref-2, ref-5; Helpline ref-1, ref-3, ref-4: n1 = n2 = 3, m = 1
    assert (cr["n1"], cr["n2"], cr["m"], cr["observed"]) == (3, 3, 1, 5)
    assert cr["estimate"] == 7.0  # (3+1)(3+1)/(1+1) - 1
    assert cr["unmatched_complaints"] == 1
    assert any("independent" in a for a in cr["assumptions"])
    assert any("only 1" in w for w in cr["warnings"])


#: Four complaints reported on 5 November 2021 at 12:00 (GMT), one on the extract day, by who:
#: the logging organisation (R1, R2, R4) or a staff member (R3).
RULE_ROWS = [
    # the union reported it; removed after 30 h: NetzDG's 24 h breached, the 48 h lane met
    row(
        complaint_id="R1",
        content_ref="r1",
        reported_by="organisation",
        first_response_at="2021-11-06 18:00",
        removed_at="2021-11-06 18:00",
    ),
    # the union reported it; never answered: both breached
    row(complaint_id="R2", content_ref="r2", reported_by="organisation", **NEVER),
    # a staff member reported it; removed after 22 h: NetzDG met, not in the trusted-flagger lane
    row(complaint_id="R3", content_ref="r3", reported_by="staff member"),
    # the union reported it 12 h before the extract: no deadline has passed, undetermined
    row(
        complaint_id="R4",
        content_ref="r4",
        reported_by="organisation",
        received_at="2021-11-30 11:00",
        reported_at="2021-11-30 12:00",
        **NEVER,
    ),
]


def test_rule_rows_give_the_compliance_worked_by_hand(log_file, capsys):
    rules = ["DE_NETZDG_MANIFEST", "OPT5_TRUSTED_FLAGGER_48H"]
    result = run_json(capsys, str(log_file(RULE_ROWS)), "--as-of", AS_OF, "--rules", *rules)
    assert sorted({r["rule_id"] for r in result["rules"]}) == rules
    netzdg, flagger = (rules_by_id(result)[r] for r in rules)
    # NetzDG (24 h, any reporter): R3 met, R1 and R2 breached, R4 not yet due
    counts = ("in_scope", "compliant", "breached", "undetermined")
    assert tuple(netzdg[k] for k in counts) == (4, 1, 2, 1)
    # 1 of the 3 decided; Wilson 95% for 1/3 (z = 1.96): centre 0.42692, half-width 0.36542
    assert (netzdg["share_compliant"], netzdg["share_lower"], netzdg["share_upper"]) == by_hand(
        (1 / 3, 0.0615, 0.7923)
    )
    # Kaplan-Meier: R4 censored at 12 h (3 left), R3 removed at 22 h: 1 - 2/3 by 24 h
    assert netzdg["km_share"] == by_hand(1 / 3)
    # trusted-flagger lane (48 h, the organisation's own reports): R1 met, R2 breached, R4 not due
    assert tuple(flagger[k] for k in counts) == (3, 1, 1, 1)
    assert flagger["share_compliant"] == 0.5
    # R4 censored at 12 h (2 left), R1 removed at 30 h: 1 - 1/2 by 48 h
    assert flagger["km_share"] == 0.5
    assert rules_by_id(result, "TikTok")["DE_NETZDG_MANIFEST"]["compliant"] == 1


def test_json_is_stable_and_never_holds_nan(small_log, capsys):
    first = run_json(capsys, str(small_log), "--as-of", AS_OF)
    assert cli(["analyse", str(small_log), "--as-of", AS_OF, "--json"]) == 0
    text = capsys.readouterr().out
    assert json.loads(text) == first
    assert "NaN" not in text and "Infinity" not in text
    assert text.index('"capture_recapture"') < text.index('"platforms"')  # keys sorted


def test_text_summary_reads_without_json(small_log, capsys):
    assert cli(["analyse", str(small_log), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "Facebook" in out and "5.0 h" in out and "not reached" in out
    assert "Capture-recapture" in out


def test_unknown_rule_and_missing_file_fail_with_a_message(small_log, tmp_path, capsys):
    assert cli(["analyse", str(small_log), "--as-of", AS_OF, "--rules", "NO_SUCH_RULE"]) == 2
    assert "unknown rule id(s) NO_SUCH_RULE" in capsys.readouterr().err
    assert cli(["analyse", str(tmp_path / "absent.csv"), "--as-of", AS_OF]) == 2
    assert "error:" in capsys.readouterr().err


def test_headline_of_a_frame_says_where_provenance_is_missing(small_log):
    valid = validate_file(small_log, AS_OF)
    result = headline(valid.valid, valid.as_of, rules=[])
    assert result["provenance"]["file"] is None
    assert "DataFrame" in result["provenance"]["reason"]
    assert result["rules"] == []
    assert not math.isnan(result["platforms"]["All platforms"]["response"]["within_24h"]["share"])


def test_capture_recapture_without_overlap_is_null_with_reasons(log_file):
    rows = [
        row(complaint_id="A1", organisation="Union", content_ref="a"),
        row(complaint_id="B1", organisation="Helpline", content_ref="b"),
    ]
    valid = validate_file(log_file(rows), AS_OF)
    cr = headline(valid.valid, valid.as_of, rules=[])["capture_recapture"]
    assert cr["estimate"] is None and "cannot be estimated" in cr["reason"]
    assert cr["lower"] == 2 and cr["upper"] is None and cr["upper_reason"]

    one_org = validate_file(log_file(rows[:1], name="one.csv"), AS_OF)
    cr = headline(one_org.valid, one_org.as_of, rules=[])["capture_recapture"]
    assert cr["estimate"] is None and cr["n1"] is None and cr["dependence"] == []
    assert "two organisations" in cr["reason"]


def rules_by_id(result: dict, platform: str = "All platforms") -> dict[str, dict]:
    return {r["rule_id"]: r for r in result["rules"] if r["platform"] == platform}


def test_log_without_reported_by_scores_complainant_rules_and_leaves_school_rules_empty(
    log_file, capsys
):
    # A valid log need not say who reported: the school-notice clock cannot start on any complaint
    # (in scope 0), while rules whose clock starts on any report are still scored.
    rows = [
        {
            k: v
            for k, v in row(complaint_id=f"C{i}", content_ref=f"ref-{i}").items()
            if k != "reported_by"
        }
        for i in range(3)
    ]
    result = run_json(capsys, str(log_file(rows)), "--as-of", AS_OF)
    assert result["totals"]["reported"] == 3
    rules = rules_by_id(result)
    assert rules["OPT2_24H_SCHOOL_NOTICE"]["in_scope"] == 0
    assert rules["OPT5_TRUSTED_FLAGGER_48H"]["in_scope"] == 0
    # reported 12:00, removed next day 10:00: 22 h, within 24 h
    assert rules["DE_NETZDG_MANIFEST"]["compliant"] == 3
    assert result["platforms"]["TikTok"]["removal"]["median_hours"]["estimate"] == 22.0

    blank = [row(complaint_id=f"C{i}", content_ref=f"ref-{i}", reported_by="") for i in range(3)]
    again = run_json(capsys, str(log_file(blank, name="blank.csv")), "--as-of", AS_OF)
    assert again["rules"] == result["rules"]


def test_log_where_nothing_was_reported_gives_empty_results_with_reasons(log_file, capsys):
    pending = {
        "reported_at": "",
        "reported_by": "",
        "first_response_at": "",
        "outcome": "pending",
        "removed_at": "",
    }
    rows = [row(complaint_id=f"C{i}", content_ref=f"ref-{i}", **pending) for i in range(3)]
    result = run_json(capsys, str(log_file(rows)), "--as-of", AS_OF)
    assert (result["totals"]["complaints"], result["totals"]["reported"]) == (3, 0)
    assert result["totals"]["not_reported"] == 3
    for platform in ("TikTok", "All platforms"):
        entry = result["platforms"][platform]
        assert entry["response"] is None and entry["removal"] is None
        assert "no complaint reported" in entry["removal_reason"]
    assert result["logrank"] == {"response": None, "removal": None}
    scored = [r for r in result["rules"] if r["evaluation"] == "scored"]
    assert scored and all(r["in_scope"] == 0 and r["compliant"] == 0 for r in scored)
    assert all(r["km_share"] is None and r["km_reason"] for r in scored)


def test_platform_with_nothing_reported_sits_beside_one_with_figures(log_file, capsys):
    pending = {"reported_at": "", "reported_by": "", "first_response_at": ""}
    rows = [
        row(complaint_id="C1"),
        row(
            complaint_id="C2",
            platform="X",
            content_ref="ref-2",
            outcome="pending",
            removed_at="",
            **pending,
        ),
    ]
    result = run_json(capsys, str(log_file(rows)), "--as-of", AS_OF)
    assert result["platforms"]["X"]["response"] is None
    assert result["platforms"]["TikTok"]["response"]["answered"] == 1
    # rules are tallied over reported complaints: X has none, so no rows of its own
    assert {r["platform"] for r in result["rules"]} == {"TikTok", "All platforms"}
    assert rules_by_id(result, "TikTok")["DE_NETZDG_MANIFEST"]["compliant"] == 1


def test_extract_date_before_every_complaint_is_an_empty_result_not_a_crash(log_file, capsys):
    result = run_json(capsys, str(log_file(ROWS)), "--as-of", "2020-01-01")
    assert result["provenance"]["rows_used"] == 0
    assert result["totals"]["complaints"] == 0
    assert result["platforms"]["All platforms"]["response"] is None
    assert all(r["in_scope"] == 0 for r in result["rules"])
    assert cli(["analyse", str(log_file(ROWS)), "--as-of", "2020-01-01"]) == 0
    assert "0 complaints" in capsys.readouterr().out


def test_headline_of_a_frame_reported_only_after_the_extract_date(small_log):
    # headline() on a frame (no validator in between): every report after as_of, nothing to time
    valid = validate_file(small_log, AS_OF)
    result = headline(valid.valid, "2021-11-01")
    assert result["totals"]["reported"] == 0
    assert result["totals"]["reported_at_or_after_as_of"] == 6
    assert result["platforms"]["Facebook"]["removal"] is None


def test_findings_on_the_small_log_are_the_figures_worked_by_hand(small_log, capsys):
    result = run_json(capsys, str(small_log), "--as-of", AS_OF, "--rules", "DE_NETZDG_MANIFEST")
    assert result["schema"] == "headline/2"

    outcomes = {o["group"]: o for o in result["outcomes_by_platform"]}
    pooled = outcomes["All platforms"]
    # 6 reported: C1, C5 removed; C4 no breach found; C2, C3, C6 never answered
    assert (pooled["reported"], pooled["answered"]) == (6, 3)
    counts = {k: pooled[k]["count"] for k in ("removed", "restricted", "no_breach_found")}
    assert counts == {"removed": 2, "restricted": 0, "no_breach_found": 1}
    assert (pooled["other_answer"]["count"], pooled["not_answered"]["count"]) == (0, 3)
    assert pooled["not_answered"]["share"] == 0.5
    assert pooled["no_breach_of_answers"]["share"] == by_hand(1 / 3)  # 1 of the 3 answers
    assert "Instagram" not in outcomes  # nothing reported to it

    league = [
        (r["rank"], r["platform"], r["taken_down"]["share"]) for r in result["removal_league"]
    ]
    assert league == [(1, "Facebook", 0.5), (2, "TikTok", 0.25)]
    # removals at 22 h (TikTok, 1 of 4) and 30 h (Facebook, 1 of 2): both within 48 hours
    day2 = {r["platform"]: r["removed_within_48h"]["share"] for r in result["removal_league"]}
    assert day2 == {"Facebook": 0.5, "TikTok": 0.25}

    reporters = [o["group"] for o in result["outcomes_by_reporter"]]
    assert reporters == ["school", "Everyone"]  # every report here came from the school

    waits = result["not_answered"]
    # reported 5 Nov 12:00, not answered by 30 Nov 23:59:59: 25 days 12 hours less a second
    assert waits["label"] == "not answered by 30 November 2021"
    assert (waits["complaints"], waits["median_days"]) == (3, 25.5)
    assert waits["over_six_months"]["count"] == 0

    monthly = result["monthly"]
    assert [(m["month"], m["complaints"]) for m in monthly["months"]] == [("2021-11", 7)]
    assert (monthly["peak_month"], monthly["peak"]["share"], monthly["months_at_peak"]) == (
        "2021-11",
        1.0,
        1,
    )

    sensitivity = {(m["group"], m["clock"]): m for m in result["median_sensitivity"]}
    facebook = sensitivity[("Facebook", "response")]
    # answers at 5 h and 30 h: the Kaplan-Meier median is 5 h, the plain median 17.5 h
    assert facebook["km_median"]["estimate"] == 5.0
    assert facebook["events_only_median_hours"] == 17.5
    # TikTok: one answer (21 h) of four; counting only it says 21 h, the censored curve never halves
    tiktok = sensitivity[("TikTok", "response")]
    assert (tiktok["events_only_median_hours"], tiktok["km_median"]["estimate"]) == (
        21.0,
        NOT_REACHED,
    )

    curve = {p["hours"]: p for p in result["charts"]["response_curves"] if p["group"] == "TikTok"}
    assert (curve[20.0]["share"], curve[21.0]["share"], curve[21.0]["at_risk"]) == (0.0, 0.25, 3)
    deadlines = {
        d["deadline_hours"]: d["share_within"] for d in result["charts"]["removal_deadlines"]
    }
    # removals at 22 h and 30 h among 6: S(24) = 5/6, S(48) = 5/6 * 4/5
    assert (deadlines[24.0], deadlines[48.0]) == by_hand((1 / 6, 1 / 3))
    categories = {b["label"]: b["complaints"] for b in result["charts"]["by_category"]}
    assert (
        categories["defamatory allegation"],
        categories["homophobic"],
        categories["threat"],
    ) == (
        7,
        7,
        0,
    )

    # Chapman 7 from 5 seen: 2 unseen, doubled and tripled under dependence
    dependence = {d["odds_ratio"]: d["estimate"] for d in result["capture_recapture"]["dependence"]}
    assert dependence == {1.0: 7.0, 1.5: 8.0, 2.0: 9.0, 3.0: 11.0}
    assert "independent" in result["capture_recapture"]["dependence_note"]


def test_saved_results_load_back_and_analyse_out_writes_them(small_log, tmp_path, capsys):
    out = tmp_path / "reports" / "results.json"
    printed = run_json(capsys, str(small_log), "--as-of", AS_OF, "--out", str(out))
    loaded = load_results(out)
    assert loaded.model_dump(mode="json") == printed
    assert loaded.platforms["Facebook"].response.median_hours.estimate == 5.0
    again = save_results(loaded, tmp_path / "again.json")
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    from_dict = save_results(printed, tmp_path / "from_dict.json")  # headline()'s dict is checked
    assert from_dict.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_a_results_file_of_another_schema_is_refused(small_log, tmp_path, capsys):
    data = run_json(capsys, str(small_log), "--as-of", AS_OF, "--rules", "DE_NETZDG_MANIFEST")
    data["schema"] = "headline/1"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match="headline/2"):
        load_results(path)


def test_figures_doc_is_current_and_every_field_names_a_real_function(capsys):
    assert cli(["figures-doc", "--check"]) == 0, capsys.readouterr().err
    fields = list(figures_doc.rows(Results))
    for value in figures_doc.VALUE_TYPES:
        fields += list(figures_doc.rows(value, parent="-"))
    assert all(text for _, _, text, _ in fields)  # every field has its one-line definition
    named = {function for *_, function in fields if function != "-"}
    missing = [path for path, *_, function in fields if not function]
    assert missing == []  # every Results field is traced to a function, directly or by its parent
    for dotted in named:
        assert callable(figures_doc.resolve(dotted)), dotted


def test_figures_doc_check_fails_when_the_page_is_stale(tmp_path, capsys):
    page = tmp_path / "figures.md"
    assert cli(["figures-doc", "--out", str(page)]) == 0
    assert "platforms.<key>.response.within_24h" in page.read_text(encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8").replace("| `removal_league[]`", "| `x`"))
    assert cli(["figures-doc", "--check", "--out", str(page)]) == 1
    assert "out of date" in capsys.readouterr().err
