"""Abuse categories from free text, and the coded-versus-text comparison for the notebook."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.log.allowed_values import CATEGORIES
from analysis.text.categories import categorise, compare_coded, disagreement_counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A video falsely claims she is a paedophile.", {"defamatory allegation"}),
        ("Comments call him a groomer and spread rumours.", {"defamatory allegation"}),
        ("Replies use anti-gay slurs about his sexuality.", {"homophobic"}),
        ("Racial slurs about the colour of her skin.", {"racist"}),
        ("Misogynistic remarks about her appearance.", {"sexist"}),
        ("A reply says they know where she lives and will hurt her.", {"threat"}),
        ("Someone set up a fake profile pretending to be him.", {"impersonation"}),
        ("An edited photo puts her face on naked bodies.", {"sexualised"}),
        ("The post shows her home address and phone number.", {"personal information exposed"}),
        ("The post makes fun of the clothes he wears.", {"other"}),
        ("Pupils posted a video about the teacher.", {"other"}),
    ],
)
def test_each_category_is_found_in_plain_words(text, expected):
    assert categorise([text]) == [expected]


def test_several_categories_in_one_description_and_other_only_for_a_mocking_sentence():
    text = (
        "The caption says Mr X is a nonce. Several replies contain racist abuse. "
        "Another post mocks the way he walks."
    )
    assert categorise([text])[0] == {"defamatory allegation", "racist", "other"}


def test_negated_sentence_and_account_names_do_not_count():
    assert categorise(["No threat was made. The post calls her a liar and a paedophile."]) == [
        {"defamatory allegation"}
    ]
    # the handle contains "kill" but the text describes only impersonation
    assert categorise(["The account @killjoy_99 pretends to be her."]) == [{"impersonation"}]


def test_every_category_has_patterns():
    found = set().union(*categorise(
        [
            "paedophile", "homophobic", "racist", "sexist", "threat", "impersonates",
            "sexually explicit", "home address", "mocking",
        ]
    ))  # fmt: skip
    assert found == set(CATEGORIES)


def test_compare_coded_flags_a_miscoded_row_and_shows_only_redacted_text():
    frame = pd.DataFrame(
        {
            "complaint_id": ["A1", "A2"],
            "categories": ["racist", "threat;impersonation"],
            "description": [
                "Mrs Jane Hart was called a paedophile by @kid_x.",
                "A fake account pretends to be Mr Tom Reed and threatens to hurt him.",
            ],
            "staff_name": ["Jane Hart", "Tom Reed"],
            "school_name": ["Oak Academy", "Elm School"],
        }
    )
    out = compare_coded(frame)
    first = out.iloc[0]
    assert (first.coded, first.from_text, first.agree) == ("racist", "defamatory allegation", False)
    assert (first.only_coded, first.only_text) == ("racist", "defamatory allegation")
    assert bool(out.iloc[1].agree)
    assert not out["description"].str.contains("Hart|Reed|kid_x").any()
    counts = disagreement_counts(out).set_index("category")
    assert counts.loc["racist", "coded_not_in_text"] == 1
    assert counts.loc["defamatory allegation", "in_text_not_coded"] == 1
