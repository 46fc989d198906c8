"""The preferred option: chosen by the stated criterion, ties broken by the stated rules, never by name."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.rules.catalogue import Rule, get_rule
from analysis.rules.options import CRITERION, TIE_BREAK, choose_preferred

BASE = get_rule("OPT2_24H_SCHOOL_NOTICE").model_dump()


def option(rule_id: str, burden: int, legal_change: int) -> Rule:
    facts = BASE["option"] | {"burden": burden, "legal_change": legal_change}
    return Rule.model_validate(BASE | {"id": rule_id, "option": facts})


def results(rows: dict[str, tuple[str, int, int]]) -> pd.DataFrame:
    """A compliance table (by=None) from {rule_id: (evaluation, in_scope, breached)}."""
    return pd.DataFrame(
        [
            {"rule_id": r, "evaluation": ev, "in_scope": n, "breached": b}
            for r, (ev, n, b) in rows.items()
        ]
    )


def test_most_complaints_reached_per_unit_of_burden_wins() -> None:
    rules = [option("OPT_A", burden=4, legal_change=2), option("OPT_B", burden=2, legal_change=2)]
    # A reaches 100 complaints at burden 4 (25 each); B reaches 60 at burden 2 (30 each).
    chosen = choose_preferred(
        results({"OPT_A": ("scored", 120, 100), "OPT_B": ("scored", 70, 60)}), rules
    )
    assert chosen.preferred == "OPT_B" and chosen.tied == ()
    assert chosen.table["rule_id"].tolist() == ["OPT_B", "OPT_A"]
    assert chosen.table["score"].tolist() == [30.0, 25.0]
    assert chosen.table["rank"].tolist() == [1, 2]


def test_a_tie_goes_to_the_narrower_legal_change_not_the_name() -> None:
    # Same score (30 per unit of burden); "OPT_Z" needs the narrower change and wins though it
    # sorts last by name.
    rules = [option("OPT_A", burden=2, legal_change=3), option("OPT_Z", burden=2, legal_change=1)]
    chosen = choose_preferred(
        results({"OPT_A": ("scored", 80, 60), "OPT_Z": ("scored", 90, 60)}), rules
    )
    assert chosen.preferred == "OPT_Z"


def test_then_the_lower_burden() -> None:
    # 90/3 == 60/2 exactly (compared as fractions), same legal change: the lower burden wins.
    rules = [option("OPT_A", burden=3, legal_change=2), option("OPT_B", burden=2, legal_change=2)]
    chosen = choose_preferred(
        results({"OPT_A": ("scored", 95, 90), "OPT_B": ("scored", 70, 60)}), rules
    )
    assert chosen.preferred == "OPT_B"
    assert chosen.table.set_index("rule_id")["rank"].to_dict() == {"OPT_B": 1, "OPT_A": 2}


def test_an_unbroken_tie_prefers_nothing() -> None:
    rules = [option("OPT_B", burden=2, legal_change=2), option("OPT_A", burden=2, legal_change=2)]
    chosen = choose_preferred(
        results({"OPT_A": ("scored", 70, 60), "OPT_B": ("scored", 65, 60)}), rules
    )
    assert chosen.preferred is None
    assert set(chosen.tied) == {"OPT_A", "OPT_B"}
    assert chosen.table["rank"].tolist() == [1, 1]


def test_an_option_with_no_fixed_hours_reaches_nothing() -> None:
    rules = [option("OPT_QUO", burden=1, legal_change=0), option("OPT_B", burden=5, legal_change=3)]
    table = results({"OPT_QUO": ("no fixed deadline", 370, 0), "OPT_B": ("scored", 10, 1)})
    assert choose_preferred(table, rules).preferred == "OPT_B"
    # When no option reaches any complaint, the narrowest legal change (the status quo) is preferred.
    none = results({"OPT_QUO": ("no fixed deadline", 370, 0), "OPT_B": ("scored", 10, 0)})
    assert choose_preferred(none, rules).preferred == "OPT_QUO"


def test_only_proposed_options_compete_and_the_criterion_is_stated() -> None:
    law = get_rule("DE_NETZDG_MANIFEST")
    rules = [law, option("OPT_A", burden=2, legal_change=2)]
    table = results({law.id: ("scored", 500, 480), "OPT_A": ("scored", 10, 2)})
    chosen = choose_preferred(table, rules)
    assert chosen.table["rule_id"].tolist() == ["OPT_A"]
    assert "burden" in CRITERION and "narrower change in the law" in TIE_BREAK
    with pytest.raises(ValueError, match="no proposed options"):
        choose_preferred(table, [law])


def test_every_shipped_option_names_its_department() -> None:
    from analysis.rules.catalogue import load_rules

    options = [r for r in load_rules() if r.status == "proposed option"]
    assert {r.option.owner_department for r in options} <= {"DSIT", "DfE", "Home Office"}
    assert all(r.option.owner_note and r.option.burden_note for r in options)
    # Option 1 is the Act as it stands: scored on the illegal-content scope of s.10, no wider.
    quo, s10 = get_rule("OPT1_STATUS_QUO"), get_rule("UK_OSA_S10")
    assert quo.covers == s10.covers and quo.scope.illegal_content_only
