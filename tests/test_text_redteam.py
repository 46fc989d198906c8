"""Red team: no planted identifier of the bundled sample survives redaction; held-out recall."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import SAMPLE_LOG
from analysis.text.redact import leaked_identifiers, redact_log

IDENTIFIERS = SAMPLE_LOG.with_name(SAMPLE_LOG.stem + ".identifiers.csv")


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.read_csv(SAMPLE_LOG, dtype=str)
    return frame, pd.read_csv(IDENTIFIERS, dtype=str)


@pytest.mark.slow
def test_every_planted_identifier_of_the_sample_appears_zero_times(sample):
    frame, identifiers = sample
    assert len(identifiers) > 1000 and set(identifiers["kind"]) >= {"person", "school", "email"}
    redacted = redact_log(frame)
    assert "staff_name" not in redacted and "school_name" not in redacted
    by_row = dict(zip(redacted["complaint_id"], redacted["description"].fillna(""), strict=True))
    leaks = [
        (cid, kind, value)
        for cid, rows in identifiers.groupby("complaint_id")
        for kind, value in leaked_identifiers(by_row[cid], rows)
    ]
    assert leaks == []
    # and across the whole redacted column, any row's identifier in any other row
    assert leaked_identifiers("\n".join(by_row.values()), identifiers) == []


@pytest.mark.slow
def test_held_out_names_unknown_to_any_deny_list_are_still_caught():
    from analysis.text.evaluate import heldout, redaction_report

    log = heldout(n=400)
    report = redaction_report(log.frame, log.identifiers, deny_list=None).set_index("kind")
    assert report.loc["person", "recall"] >= 0.95
    assert report.loc["all", "leaked"] <= report.loc["all", "occurrences"] * 0.01


def test_hand_written_challenge_sentences_lone_given_names_and_welsh_schools():
    from analysis.text.evaluate import challenge_report

    report = challenge_report(use_model=True).set_index("kind")
    # 22 people, two written in lower case without a title ("tobias", "siobhan murphy"), which no
    # layer catches without a deny-list: documented. Accented, particle and all-caps names count.
    assert report.loc["person", "occurrences"] == 22
    assert report.loc["person", "caught"] >= 20
    assert report.drop(index=["person", "all"])["recall"].eq(1.0).all()
