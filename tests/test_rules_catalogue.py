"""The rule catalogue: what ships, and what a user sees when a rule file is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from analysis.config import RULES_DIR
from analysis.rules.catalogue import RuleFileError, get_rule, load_rules, rules_frame

#: Every instrument in ../shared/RULES.md's table, by id.
INSTRUMENTS = {
    "DE_NETZDG_MANIFEST",
    "DE_NETZDG_OTHER",
    "EU_TCO_ART3",
    "EU_DSA_ART16",
    "EU_DSA_ART22",
    "EU_COC_2016",
    "EU_COC_PLUS_2025",
    "UK_OSA_S10",
    "UK_OSA_S10_3A",
    "AU_OSA_S88_ADULT",
    "AU_OSA_S65_CHILD",
    "AU_EOSA2015_S35",
    "FR_AVIA_24H",
    "FR_AVIA_1H",
    "IE_OSMR_2022",
}


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped catalogue."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _write(directory: Path, name: str, **changes: object) -> Path:
    data = yaml.safe_load((RULES_DIR / "OPT2_24H_SCHOOL_NOTICE.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _problems(directory: Path) -> str:
    with pytest.raises(RuleFileError) as err:
        load_rules(directory)
    return str(err.value)


def test_shipped_catalogue_has_every_instrument_and_six_labelled_options() -> None:
    rules = {r.id: r for r in load_rules()}
    assert set(rules) >= INSTRUMENTS
    options = [r for r in rules.values() if r.status == "proposed option"]
    assert len(options) == 6
    assert all(r.rationale for r in options)
    assert not any(r.id.startswith("OPT") for r in rules.values() if r.status != "proposed option")


def test_statuses_and_no_fixed_deadline_are_values() -> None:
    assert get_rule("FR_AVIA_24H").status == "struck down"
    assert get_rule("AU_EOSA2015_S35").status == "repealed"
    dsa = get_rule("EU_DSA_ART16")
    assert dsa.deadline_hours is None and not dsa.fixed_deadline
    assert "timely" in dsa.deadline_words
    assert "swiftly" in get_rule("UK_OSA_S10").deadline_words


def test_review_is_not_removal() -> None:
    assert get_rule("EU_COC_2016").event == "review"
    assert get_rule("DE_NETZDG_MANIFEST").event == "removal"


def test_australian_deadline_is_derived_and_says_how() -> None:
    rule = get_rule("AU_OSA_S88_ADULT")
    assert rule.deadline_hours == 72 and rule.derived_deadline
    assert "48" in rule.derivation and "24" in rule.derivation
    assert rule.clock_in_log
    # A regulator-order clock with no stated derivation cannot be read off a log.
    assert not get_rule("EU_TCO_ART3").clock_in_log


def test_tiered_option_takes_the_strictest_tier() -> None:
    rule = get_rule("OPT3_24H_7D_TIERED")
    assert rule.deadline_for(["defamatory allegation"]) == 168
    assert rule.deadline_for(["defamatory allegation", "threat"]) == 24
    # A rule that covers none of a complaint's categories has no deadline for it.
    assert get_rule("UK_OSA_S10_3A").deadline_for(["racist"]) is None


def test_every_rule_cites_a_source() -> None:
    frame = rules_frame(load_rules())
    assert frame["citation"].str.len().gt(0).all()
    real = frame[frame["status"] != "proposed option"]
    # A rule with no primary address read says so: its status is "not verified".
    unread = real[real["urls"] == ""]
    assert (unread["verification_method"] == "not verified").all()
    assert real.loc[real["urls"] != "", "urls"].str.startswith("http").all()


def test_adding_a_file_adds_a_rule(rules_copy: Path) -> None:
    _write(rules_copy, "MY_RULE.yaml", id="MY_RULE", deadline_hours=12)
    assert get_rule("MY_RULE", rules_copy).deadline_hours == 12


def test_malformed_file_names_file_and_field(rules_copy: Path) -> None:
    _write(rules_copy, "x.yaml", id="X_RULE", deadline_hours="24h")
    with pytest.raises(RuleFileError) as err:
        load_rules(rules_copy)
    assert "x.yaml: deadline_hours: Input should be a valid number" in str(err.value)


def test_errors_name_the_file_relative_to_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("analysis.rules.catalogue.PROJECT_ROOT", tmp_path)
    directory = tmp_path / "data" / "rules"
    directory.mkdir(parents=True)
    _write(directory, "x.yaml", id="X_RULE", covers=["slander"])
    with pytest.raises(RuleFileError, match=r"^data/rules/x\.yaml: covers"):
        load_rules(directory)


def test_every_problem_is_reported_at_once(rules_copy: Path) -> None:
    _write(rules_copy, "a.yaml", id="A_RULE", status="proposed option", rationale=None)
    _write(rules_copy, "b.yaml", id="B_RULE", event="deletion")
    message = _problems(rules_copy)
    assert "a.yaml: rationale: required for a proposed option" in message
    assert "b.yaml: event: Input should be 'removal', 'review' or 'response'" in message


def test_duplicate_ids_name_both_files(rules_copy: Path) -> None:
    _write(rules_copy, "copy.yaml")
    message = _problems(rules_copy)
    assert "copy.yaml: id: 'OPT2_24H_SCHOOL_NOTICE' is already used by" in message
    assert "OPT2_24H_SCHOOL_NOTICE.yaml" in message


def test_unknown_field_and_bad_yaml(rules_copy: Path) -> None:
    _write(rules_copy, "c.yaml", id="C_RULE", deadline_hour=24)
    (rules_copy / "d.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    message = _problems(rules_copy)
    assert "c.yaml: deadline_hour: Extra inputs are not permitted" in message
    assert "d.yaml: not valid YAML" in message


def test_unknown_rule_lists_known_ids() -> None:
    with pytest.raises(KeyError, match="OPT1_STATUS_QUO"):
        get_rule("NO_SUCH_RULE")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_non_finite_hours_are_refused_naming_file_and_field(rules_copy: Path, value: str) -> None:
    text = (RULES_DIR / "OPT2_24H_SCHOOL_NOTICE.yaml").read_text(encoding="utf-8")
    text = text.replace("id: OPT2_24H_SCHOOL_NOTICE", "id: INF_RULE")
    text = text.replace("deadline_hours: 24", f"deadline_hours: {value}")
    (rules_copy / "inf.yaml").write_text(text, encoding="utf-8")
    assert "inf.yaml: deadline_hours: Input should be a finite number" in _problems(rules_copy)


def test_a_nan_tier_is_refused_not_dropped_from_scope(rules_copy: Path) -> None:
    text = (RULES_DIR / "OPT3_24H_7D_TIERED.yaml").read_text(encoding="utf-8")
    text = text.replace("id: OPT3_24H_7D_TIERED", "id: NAN_TIER").replace(
        "threat: 24", "threat: .nan"
    )
    (rules_copy / "tier.yaml").write_text(text, encoding="utf-8")
    message = _problems(rules_copy)
    assert "tier.yaml: category_deadlines.threat: Input should be a finite number" in message


def test_sources_must_be_primary(rules_copy: Path) -> None:
    law = yaml.safe_load((RULES_DIR / "UK_OSA_S10.yaml").read_text(encoding="utf-8"))
    law["id"] = "MIRROR"
    law["source"]["urls"] = ["https://www.lto.de/recht/netzdg"]
    law["verification"]["source_url"] = (
        "http://beta.worldlii.org/au/legis/cth/consol_act/osa2021154/"
    )
    (rules_copy / "m.yaml").write_text(yaml.safe_dump(law), encoding="utf-8")
    message = _problems(rules_copy)
    assert (
        "m.yaml: source.urls: not a primary source (see PRIMARY_HOSTS): https://www.lto.de"
        in message
    )
    assert "m.yaml: verification: source_url: not a primary source" in message


def test_in_force_needs_a_verified_status_and_a_date(rules_copy: Path) -> None:
    law = yaml.safe_load((RULES_DIR / "UK_OSA_S10.yaml").read_text(encoding="utf-8"))
    law["id"] = "UNCHECKED"
    law["verification"] = {"method": "not verified", "checked_on": "2026-12-06", "note": "tried X"}
    (rules_copy / "u.yaml").write_text(yaml.safe_dump(law), encoding="utf-8")
    assert "u.yaml: status: 'in force' needs a verified status" in _problems(rules_copy)
    law["id"], law["verification"]["method"] = "UNDATED", "legislation record"
    law["verification"]["source_url"] = "https://www.legislation.gov.uk/ukpga/2023/50"
    del law["applies_from"]
    (rules_copy / "u.yaml").write_text(yaml.safe_dump(law), encoding="utf-8")
    assert "u.yaml: applies_from: required for a rule whose status is 'in force'" in _problems(
        rules_copy
    )


def test_an_option_names_its_department(rules_copy: Path) -> None:
    _write(rules_copy, "o.yaml", id="NO_OWNER", option=None)
    assert "o.yaml: option: required for a proposed option" in _problems(rules_copy)


def test_intimate_image_route_is_not_called_law_in_force() -> None:
    rule = get_rule("UK_OSA_S10_3A")
    assert rule.status == "enacted" and rule.applies_from is None
    assert "29 April 2026" in rule.status_dates and "not verified" in rule.status_dates


def test_netzdg_any_user_may_complain_and_it_gave_way_to_the_dsa() -> None:
    for rule_id in ("DE_NETZDG_MANIFEST", "DE_NETZDG_OTHER"):
        rule = get_rule(rule_id)
        assert "Any user" in rule.scope.notifier
        assert rule.status == "superseded" and str(rule.applies_until) == "2024-02-17"
