"""The headline summary and ``python -m analysis analyse``: figures worked by hand on a tiny log."""

from __future__ import annotations

import hashlib
import json
import math

import pandas as pd
import pytest
from conftest import row

from analysis.cli import main as cli
from analysis.log.validate import validate_file
from analysis.measures.response_times import complaint_times
from analysis.results import NOT_REACHED, headline, select_rules
from analysis.rules.compliance import compliance_table

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


def test_rule_rows_are_the_compliance_table_numbers(small_log, capsys):
    rule_ids = [r.id for r in select_rules(None)][:4]
    result = run_json(capsys, str(small_log), "--as-of", AS_OF, "--rules", *rule_ids)
    assert sorted({r["rule_id"] for r in result["rules"]}) == sorted(rule_ids)

    validation = validate_file(small_log, AS_OF)
    times = complaint_times(validation.valid, validation.as_of)
    expected = compliance_table(times, select_rules(rule_ids))
    assert len(result["rules"]) == len(expected)
    for got, (_, want) in zip(result["rules"], expected.iterrows(), strict=True):
        assert (got["rule_id"], got["platform"], got["in_scope"]) == (
            want["rule_id"],
            want["platform"],
            want["in_scope"],
        )
        if got["compliant"] is None:
            assert pd.isna(want["compliant"]) and got["reason"]
        else:
            assert got["compliant"] + got["breached"] + got["undetermined"] == got["in_scope"]
            assert got["compliant"] == want["compliant"]


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
    assert cr == {"estimate": None, "reason": cr["reason"]}
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
