"""The synthetic complaint log: reproducible to the byte, true to the contract, shaped by the facts."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from analysis.config import (
    DATA_DIR,
    SAMPLE_AS_OF,
    SAMPLE_DIR,
    SAMPLE_LOG,
    SAMPLE_MESSY_LOG,
    SAMPLE_SEED,
)
from analysis.log import sample
from analysis.log.allowed_values import (
    CATEGORIES,
    ESCALATIONS,
    NATIONS,
    OUTCOMES,
    PHASES,
    PLATFORMS,
    REPORTERS,
    ROLES,
    TAKEN_DOWN,
)
from analysis.log.contract import COLUMNS, VALIDATED_SCHEMA
from analysis.log.sample import DEFAULT_ROWS, NAME_POOLS, generate, messy
from analysis.log.validate import validate_file


@pytest.fixture(scope="module")
def log() -> sample.SampleLog:
    return generate(SAMPLE_SEED, DEFAULT_ROWS)


@pytest.fixture(scope="module")
def heldout() -> sample.SampleLog:
    return generate(7, 400, name_pool="heldout")


def _files(directory) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_seed_gives_byte_identical_files(tmp_path):
    for run in ("a", "b"):
        out = tmp_path / run
        assert sample.main(["--seed", "5", "--rows", "150", "--out", str(out / "log.csv")]) == 0
        assert (
            sample.main(["--seed", "5", "--rows", "150", "--messy", "--out", str(out / "m.csv")])
            == 0
        )
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(first) == [
        "log.csv", "log.identifiers.csv", "log.miscoded.csv", "m.csv", "m.errors.csv"
    ]  # fmt: skip
    assert first == second
    assert b"\r\n" not in first["log.csv"]
    assert first["m.csv"].startswith("\ufeff".encode())  # the messy one is saved as Excel does
    assert re.search(rb"\n(UA|HB)-000001,2021-\d\d-\d\d \d\d:\d\d,", first["log.csv"])


def test_committed_sample_is_what_the_seed_regenerates(tmp_path, log):
    written = log.write(tmp_path / SAMPLE_LOG.name) + messy(log).write(
        tmp_path / SAMPLE_MESSY_LOG.name
    )
    for path in written:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), (
            f"{path.name} is stale: run python -m analysis sample --bundled"
        )
    for path in SAMPLE_DIR.glob("*.csv"):
        assert path.stat().st_size < 1_000_000


def test_different_seeds_differ(log):
    other = generate(SAMPLE_SEED + 1, DEFAULT_ROWS).frame
    assert not other["received_at"].equals(log.frame["received_at"])
    assert set(other["content_ref"]).isdisjoint(log.frame["content_ref"])


def test_frame_meets_the_contract(log):
    frame = log.frame
    assert tuple(frame.columns) == COLUMNS
    VALIDATED_SCHEMA.validate(frame)
    for column, values in (
        ("nation", NATIONS),
        ("phase", PHASES),
        ("role", ROLES),
        ("platform", PLATFORMS),
        ("outcome", OUTCOMES),
        ("escalation", ESCALATIONS),
        ("reported_by", REPORTERS),
    ):
        assert set(frame[column].dropna()) <= set(values), column
    assert set(frame["categories"].str.split(";").explode()) == set(CATEGORIES)
    assert frame["complaint_id"].is_unique
    assert (frame["received_at"] <= log.as_of).all()


def test_outcomes_agree_with_the_timestamps(log):
    f = log.frame
    taken_down = f["outcome"].isin(TAKEN_DOWN)
    assert (taken_down == f["removed_at"].notna()).all()
    assert f.loc[f["outcome"] == "no response", "first_response_at"].isna().all()
    assert f.loc[f["outcome"] == "no breach found", "first_response_at"].notna().all()
    assert (f["reported_at"].isna() <= (f["outcome"] == "pending")).all()
    assert (f["reported_at"].isna() == f["reported_by"].isna()).all()
    answered = f["first_response_at"].notna()
    assert (f.loc[answered, "first_response_at"] > f.loc[answered, "reported_at"]).all()
    assert (f.loc[taken_down, "removed_at"] >= f.loc[taken_down, "first_response_at"]).all()
    by_org = f["reported_by"] == "organisation"
    assert (f.loc[by_org, "reported_at"] > f.loc[by_org, "received_at"]).all()
    # staff and schools often report before they come to the organisation
    assert (f["reported_at"] < f["received_at"]).mean() > 0.2


def test_clean_sample_validates_and_round_trips(log):
    result = validate_file(SAMPLE_LOG, as_of=SAMPLE_AS_OF)
    assert result.n_rejected == 0, result.rejected.head()
    assert result.n_valid == DEFAULT_ROWS
    pd.testing.assert_frame_equal(result.valid.reset_index(drop=True), log.frame)


def test_messy_sample_is_rejected_exactly_where_errors_were_injected():
    errors = pd.read_csv(SAMPLE_MESSY_LOG.with_name("complaints_messy.errors.csv"))
    result = validate_file(SAMPLE_MESSY_LOG, as_of=SAMPLE_AS_OF)
    found = set(
        result.rejected[["source_row", "column", "code"]].itertuples(index=False, name=None)
    )
    expected = set(errors[["source_row", "column", "reason"]].itertuples(index=False, name=None))
    assert expected <= found
    # every other row, with its aliases, odd case and UK dates, is accepted
    assert set(result.rejected["source_row"]) == set(errors["source_row"])
    assert result.rows_read == DEFAULT_ROWS
    assert {"us_date", "ambiguous_date", "duplicate_id", "after_extract"} <= set(errors["reason"])


def test_tiktok_wave_in_november_2021(log):
    f = log.frame
    month = f["received_at"].dt.to_period("M")
    november = f[month == "2021-11"]
    assert (november["platform"] == "TikTok").mean() > 0.5
    others = f[month != "2021-11"]
    assert (others["platform"] == "TikTok").mean() < 0.5
    assert len(november) > 3 * month[month != "2021-11"].value_counts().mean()
    # ASCL: "over 50" reports of staff abused via TikTok in the fortnight before 11 Nov 2021
    fortnight = f[f["received_at"].between("2021-10-28", "2021-11-11")]
    union = fortnight[fortnight["organisation"] == sample.ORGANISATIONS[0]]
    assert (union["platform"] == "TikTok").sum() >= 50


def test_responses_are_heavy_tailed_and_often_never_come(log):
    f = log.frame[log.frame["reported_at"].notna()]
    never = f["first_response_at"].isna().mean()
    assert 0.3 < never < 0.6
    hours = (f["first_response_at"] - f["reported_at"]).dt.total_seconds() / 3600
    assert hours.mean() > 1.5 * hours.median()
    assert np.log(hours.dropna()).std() > 1.0  # log-normal spread: days to weeks in the tail
    medians = hours.groupby(f["platform"]).median()
    assert medians.max() > 2 * medians.min()


def test_organisations_overlap_through_content_ref(log):
    f = log.frame
    orgs = f.groupby("content_ref")["organisation"].nunique()
    assert (orgs == 2).sum() >= 30
    assert (f["content_ref"].value_counts() > 1).sum() > (
        orgs == 2
    ).sum()  # repeats within one org too
    urls = log.identifiers[log.identifiers["kind"] == "url"].merge(f, on="complaint_id")
    digests = urls["value"].map(lambda u: hashlib.sha256(u.encode()).hexdigest())
    assert (digests == urls["content_ref"]).all()


def test_every_planted_identifier_is_in_its_description(log, heldout):
    for generated in (log, heldout):
        ids = generated.identifiers.merge(generated.frame, on="complaint_id")
        assert len(ids) == len(generated.identifiers)
        inside = [v in d for v, d in zip(ids["value"], ids["description"], strict=True)]
        assert all(inside)
        assert set(ids["kind"]) == set(sample.IDENTIFIER_KINDS)
    f = log.frame
    assert f["staff_name"].notna().mean() > 0.8 and f["school_name"].notna().mean() > 0.8
    titled = log.frame["description"].str.contains(r"\b(?:Mr|Ms|Mrs|Miss|Dr) [A-Z]")
    assert titled.mean() > 0.5
    assert log.frame["description"].str.contains(r"(?:07700 ?900\d{3}|\+44 )").any()


def test_name_pools_are_disjoint_and_absent_from_the_templates():
    main, held = NAME_POOLS["main"], NAME_POOLS["heldout"]
    assert not main.tokens() & held.tokens()
    lower = {t.lower() for t in main.tokens() | held.tokens()}
    fixed = " ".join(
        [*sample.OPENINGS, *sample.POSTER_PHRASES, *sample.CONTACT_PHRASES, *sample.CLOSINGS]
        + [p for phrases in sample.CATEGORY_PHRASES.values() for p in phrases]
        + [r for roles in sample.ROLE_TEXT.values() for r in roles]
    )
    words = set(re.findall(r"[a-z']+", re.sub(r"\{[a-z_0-9]+\}", " ", fixed).lower()))
    assert not words & lower


def test_heldout_log_names_nobody_from_the_main_pool(heldout):
    main = NAME_POOLS["main"].tokens()
    people = heldout.identifiers.loc[
        heldout.identifiers["kind"].isin(["person", "school"]), "value"
    ]
    tokens = {t for value in people for t in re.findall(r"[A-Z][a-zA-Z']+", value)}
    assert not tokens & main
    assert tokens & NAME_POOLS["heldout"].tokens()


def test_miscoded_rows_are_recorded(log):
    coded = log.frame["categories"]
    disagree = coded != log.text_categories
    assert 0.01 < disagree.mean() < 0.06
    assert set(log.frame.loc[disagree, "complaint_id"]) == set(log.miscoded["complaint_id"])
    assert (log.miscoded["categories"] != log.miscoded["text_categories"]).all()


def test_without_text_the_rows_are_the_same_less_the_text():
    full, bare = generate(3, 2_000), generate(3, 2_000, with_text=False)
    text_columns = ["content_ref", "description", "staff_name", "school_name"]
    pd.testing.assert_frame_equal(
        full.frame.drop(columns=text_columns), bare.frame.drop(columns=text_columns)
    )
    assert bare.frame["description"].isna().all() and bare.identifiers.empty
    same_post = bare.frame.groupby("content_ref").size()
    assert same_post.sum() == 2_000 and (same_post > 1).any()
    assert np.array_equal(
        full.frame["content_ref"].factorize()[0], bare.frame["content_ref"].factorize()[0]
    )


def test_cli_reports_bad_arguments(tmp_path, capsys):
    assert sample.main(["--rows", "0", "--out", str(tmp_path / "x.csv")]) == 2
    assert "at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        sample.main([])
    assert "--out" in capsys.readouterr().err


def test_readmes_say_it_is_synthetic_and_how_to_regenerate():
    note = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    assert str(SAMPLE_SEED) in note and "python -m analysis sample --bundled" in note
    data_readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    section = data_readme.split("## Synthetic sample data", 1)[1].split("\n## ", 1)[0]
    assert "synthetic" in section.lower() and "python -m analysis sample --bundled" in section
    assert "https://" in section  # sources are cited


def test_an_earlier_extract_date_cuts_the_year_short(tmp_path):
    early = generate(2, 300, as_of="2022-03-31")
    assert early.frame["received_at"].max() < pd.Timestamp("2022-03-25")
    early.write(tmp_path / "early.csv")
    result = validate_file(tmp_path / "early.csv", as_of="2022-03-31")
    assert result.n_rejected == 0 and result.n_valid == 300
    with pytest.raises(ValueError, match="five weeks"):
        generate(2, 10, as_of="2021-09-20")


def test_no_planted_name_is_a_word_the_suite_itself_writes():
    """A surname such as 'Wilson' or 'Chapman' would show up in every briefing as a false leak
    (Wilson intervals, Chapman's estimator): pool names must not occur in our own prose."""
    import re

    from analysis.config import NOTEBOOKS_DIR, PROJECT_ROOT, RULES_DIR
    from analysis.log.sample import NAME_POOLS

    # Everything whose words can reach a briefing: the stages after text analysis, the notebooks,
    # the rule catalogue and the stylesheets.
    package = PROJECT_ROOT / "analysis"
    ours = [*NOTEBOOKS_DIR.glob("*.ipynb"), *RULES_DIR.glob("*.yaml")]
    for stage in ("measures", "rules", "results", "tdb", "publish", "report", "explore"):
        ours += [
            p for p in (package / stage).rglob("*") if p.suffix in {".py", ".css", ".j2", ".tpl"}
        ]
    words = set(re.findall(r"[A-Za-z']+", " ".join(p.read_text() for p in ours)))
    names = {n for pool in NAME_POOLS.values() for n in (*pool.surnames, *pool.female, *pool.male)}
    clashes = sorted(n for n in names if n in words)
    assert not clashes, f"pool names also written by the suite itself: {clashes}"
