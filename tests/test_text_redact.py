"""Redaction: every kind of identifier becomes its placeholder, with and without the spaCy model."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.text.redact import leaked_identifiers, redact, redact_log

CASES = [
    ("Email jo.hart+x@oakfield.sch.uk now", "jo.hart+x@oakfield.sch.uk", "[email]"),
    (
        "see https://www.tiktok.com/@abc/video/123.",
        "https://www.tiktok.com/@abc/video/123",
        "[url]",
    ),
    ("see tiktok.com/@abc today", "tiktok.com/@abc", "[url]"),
    ("posted by @year9_legends.", "@year9_legends", "[handle]"),
    ("on reddit u/bad_guy_22 wrote", "u/bad_guy_22", "[handle]"),
    ("ring 07700 900123 today", "07700 900123", "[phone]"),
    ("ring +44 (0)20 7946 0000 today", "+44 (0)20 7946 0000", "[phone]"),
    ("ring (0161) 496-0000 today", "(0161) 496-0000", "[phone]"),
    ("lives at CF10 1AA now", "CF10 1AA", "[postcode]"),
    ("lives at sw1a1aa now", "sw1a1aa", "[postcode]"),
    ("a video calling Mrs. O'Neill a liar", "O'Neill", "[person]"),
    ("a post about Dr J. Hill-Smith appeared", "J. Hill-Smith", "[person]"),
    ("a teacher called Ben McAllister was named", "Ben McAllister", "[person]"),
    ("pupils at St Anne's Catholic Primary School posted", "St Anne's", "[school]"),
    ("pupils at Hillside High posted", "Hillside", "[school]"),
    ("Mr Jon Hill of Oakfield Academy was named", "Oakfield", "[school]"),
    ("at St Mary's Church of England Primary today", "Church of England", "[school]"),
]


@pytest.mark.parametrize("use_model", [False, True], ids=["rules only", "with model"])
@pytest.mark.parametrize(("text", "secret", "placeholder"), CASES)
def test_each_shape_is_replaced_by_its_placeholder(text, secret, placeholder, use_model):
    out = redact([text], use_model=use_model)[0]
    assert secret not in out
    assert placeholder in out


def test_rule_layer_runs_on_a_blank_pipeline():
    from analysis.text.redact import redactor

    rules = redactor(use_model=False)
    assert rules.nlp.pipe_names == [] and not rules.has_ner
    out = rules.redact(["Mr Jon Hill of Oakfield Academy was called a paedophile on TikTok."])[0]
    assert out == "[person] of [school] was called a paedophile on TikTok."


def test_words_that_are_not_names_are_kept():
    text = "Parents on TikTok and Facebook reported it to the police in November; Ofcom was told."
    assert redact([text], use_model=False) == [text]


def test_deny_list_catches_first_names_and_school_stems_the_rules_miss():
    deny = {"person": ["Priya Natarajan"], "school": ["Greenbank Community College"]}
    text = "priya natarajan said Priya cried; the Greenbank kids laughed"
    out = redact([text], deny, use_model=False)[0]
    assert out == "[person] said [person] cried; the [school] kids laughed"


def test_a_plain_deny_list_is_sorted_into_people_and_schools_by_shape():
    out = redact(
        ["Kemi went to Larkrise Primary"], ["Kemi Adeyemi", "Larkrise Primary"], use_model=False
    )
    assert out == ["[person] went to [school]"]


def test_model_finds_a_person_no_rule_knows():
    out = redact(["Yesterday Siobhan Gallagher was sent threats."])[0]
    assert "Siobhan" not in out and "Gallagher" not in out


def test_redact_log_uses_the_logs_own_names_and_drops_them():
    frame = pd.DataFrame(
        {
            "complaint_id": ["A1", "A2"],
            "description": ["Kofi was mocked by pupils of Elmtree", None],
            "staff_name": ["Kofi Mensah", "Ana Ruiz"],
            "school_name": ["Elmtree Academy", "Bay View School"],
        }
    )
    out = redact_log(frame, use_model=False)
    assert list(out.columns) == ["complaint_id", "description"]
    assert out.loc[0, "description"] == "[person] was mocked by pupils of [school]"
    assert pd.isna(out.loc[1, "description"])


def test_leaked_identifiers_sees_names_across_line_breaks_and_phones_by_digits():
    ids = pd.DataFrame(
        {
            "kind": ["person", "phone", "email", "person"],
            "value": ["Sarah Jones", "07700 900123", "a@b.com", "Tom Hill"],
        }
    )
    text = "Sarah\nJones called 07700-900-123; Tomas Hillier was fine"
    assert leaked_identifiers(text, ids) == [("person", "Sarah Jones"), ("phone", "07700 900123")]
    assert leaked_identifiers("[person] called [phone]", ids) == []


def test_cli_redacts_stdin_line_by_line(capsys, monkeypatch):
    import io

    from analysis.text.redact import main

    monkeypatch.setattr("sys.stdin", io.StringIO("Mrs Patel at 07700 900123\nno names here\n"))
    assert main(["-", "--no-model"]) == 0
    assert capsys.readouterr().out == "[person] at [phone]\nno names here\n"
