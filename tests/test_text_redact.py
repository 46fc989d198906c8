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


# Names outside ASCII, with particles, or in capitals: each leaked before the rules were
# Unicode-aware. (text, the redacted text the rule layer gives, words that must not survive)
UNICODE_CASES = [
    ("Ms Zoë Łukasik was mocked.", "[person] was mocked.", ["Zoë", "Łukasik"]),
    ("A post about Miss Ó Súilleabháin appeared.", "A post about [person] appeared.", ["Súill"]),
    ("MR AHMED KHAN IS A LIAR", "[person] IS A LIAR", ["AHMED", "KHAN"]),
    ("Pupils filmed Mr de la Cruz in class.", "Pupils filmed [person] in class.", ["Cruz"]),
    ("Ms Ní Bhriain and Dr van der Berg", "[person] and [person]", ["Bhriain", "Berg"]),
    ("Then Juan de la Cruz was filmed.", "Then [person] was filmed.", ["Juan", "Cruz"]),
    ("A page about Siân ap Dafydd", "A page about [person]", ["Siân", "Dafydd"]),
    ("posted by @zoë_łukasik12 today", "posted by [handle] today", ["łukasik"]),
]


@pytest.mark.parametrize(("text", "expected", "secrets"), UNICODE_CASES)
def test_accented_particle_and_capital_names_without_the_model(text, expected, secrets):
    assert redact([text], use_model=False) == [expected]


@pytest.mark.parametrize(("text", "expected", "secrets"), UNICODE_CASES)
def test_accented_particle_and_capital_names_with_the_model(text, expected, secrets):
    out = redact([text], use_model=True)[0]
    assert not [s for s in secrets if s in out], out
    assert "[" in out


def test_combining_accents_are_read_as_letters():
    decomposed = "Ms Zoe\u0308 \u0141ukasik was mocked."  # "Zoë" as e + combining diaeresis
    assert redact([decomposed], use_model=False) == ["[person] was mocked."]


@pytest.mark.parametrize("use_model", [False, True], ids=["rules only", "with model"])
def test_deny_list_splits_accented_names_into_whole_words(use_model):
    deny = ["Zoë Łukasik", "Áine Ó Súilleabháin"]
    out = redact(["Łukasik cried and Súilleabháin left; ZOË was named"], deny, use_model=use_model)
    assert out == ["[person] cried and [person] left; [person] was named"]


@pytest.mark.parametrize("use_model", [False, True], ids=["rules only", "with model"])
def test_lower_case_names_are_caught_when_deny_listed(use_model):
    text = "posts about siobhan murphy went round"
    # With no deny-list a name in lower case looks like any other word: a documented limit.
    assert redact([text], use_model=use_model) == [text]
    out = redact([text, "then mrs murphy left"], ["Siobhan Murphy"], use_model=use_model)
    assert out == ["posts about [person] went round", "then mrs [person] left"]


def test_a_deny_listed_surname_in_lower_case_alone_is_an_ordinary_word():
    out = redact(["the hill where Hill lives"], ["Jo Hill"], use_model=False)
    assert out == ["the hill where [person] lives"]


@pytest.mark.parametrize(
    "content", [b"Mrs Zo\xeb \xa3ukasik was named\n", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe"]
)
def test_cli_refuses_a_file_that_is_not_utf8_text_with_one_line(tmp_path, capsys, content):
    from analysis.text.redact import main

    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    assert main([str(path), "--no-model"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: not UTF-8 text (byte 0x")
    assert len(err.strip().splitlines()) == 1
