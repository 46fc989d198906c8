"""Both sample briefings, as published, give no ``[c]`` away: one release per briefing.

The judge is ``benchmarks/disclosure_attack.py``, a reader written apart from the package that
reads only what the briefings publish (the HTML twins' tables and chart-data attachments, the
PDFs' embedded files), both briefings together, and tries to recover each ``[c]`` by linear
programming over every table, share and annex count.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from analysis.config import PROJECT_ROOT
from analysis.publish.tables import published_html
from analysis.report.story import option_blocks, option_label, rule_counts
from analysis.rules.catalogue import load_rules

_spec = importlib.util.spec_from_file_location(
    "disclosure_attack", PROJECT_ROOT / "benchmarks" / "disclosure_attack.py"
)
attack_module = importlib.util.module_from_spec(_spec)
sys.modules["disclosure_attack"] = attack_module  # dataclasses look their module up by name
_spec.loader.exec_module(attack_module)


#: The bundled sample's options 3 and 4, scored on the same complaints: (compliant, breached,
#: undetermined) per platform. Published table by table, the two subtract from each other.
SAME_SCOPE = {
    "OPT3_24H_7D_TIERED": {
        "TikTok": (59, 292, 0),
        "Facebook": (9, 33, 0),
        "Instagram": (20, 65, 0),
        "X": (7, 13, 1),
        "YouTube": (2, 19, 0),
        "Snapchat": (8, 18, 0),
        "WhatsApp": (4, 12, 0),
        "Other": (2, 12, 0),
        "Reddit": (1, 1, 0),
    },
    "OPT4_REGULATOR_ORDER_72H": {
        "TikTok": (53, 298, 0),
        "Facebook": (8, 34, 0),
        "Instagram": (12, 73, 0),
        "X": (5, 16, 0),
        "YouTube": (3, 18, 0),
        "Snapchat": (8, 18, 0),
        "WhatsApp": (3, 13, 0),
        "Other": (1, 13, 0),
        "Reddit": (0, 2, 0),
    },
}


def _headline() -> dict:
    rows = []
    for rule_id, platforms in SAME_SCOPE.items():
        pooled = tuple(sum(c[i] for c in platforms.values()) for i in range(3))
        for name, counts in [*platforms.items(), ("All platforms", pooled)]:
            rows.append(
                {
                    "rule_id": rule_id,
                    "platform": name,
                    "evaluation": "scored",
                    "in_scope": sum(counts),
                    "compliant": counts[0],
                    "breached": counts[1],
                    "undetermined": counts[2],
                    "km_share": None,
                }
            )
    return {"rules": rows}


def _attack(tmp_path: Path, blocks: list[str]):
    page = tmp_path / "options.html"
    page.write_text("<html><body>" + "".join(blocks) + "</body></html>", encoding="utf-8")
    return attack_module.attack([page])


def test_option_tables_of_one_scope_are_protected_together(tmp_path: Path) -> None:
    headline = _headline()
    rules = [r for r in load_rules() if r.id in SAME_SCOPE]
    # Each table under a release of its own (as before): safe alone, not together.
    alone = [
        published_html(
            rule_counts(headline, r.id, 10), f"{option_label(r)}: complaints in scope", "s"
        ).html
        for r in rules
    ]
    before = _attack(tmp_path, alone)
    assert before.exact or before.narrowed
    # The briefing's option blocks share one release: nothing comes back.
    after = _attack(tmp_path, [str(b) for b in option_blocks(headline, rules, 10, "s")])
    assert after.cells > 0
    assert (after.exact, after.narrowed) == ([], [])


@pytest.fixture(scope="module")
def briefings(sample_briefings) -> Path:
    return sample_briefings[0]


@pytest.mark.slow
def test_no_suppressed_count_of_the_sample_briefings_can_be_recovered(briefings: Path) -> None:
    files = [
        briefings / f"briefing-{audience}.{ext}"
        for audience in ("minister", "union")
        for ext in ("html", "pdf")
    ]
    result = attack_module.attack(files)
    assert result.cells > 0  # the sample has small counts: the attack had something to try
    assert result.threshold >= 3
    assert [f.cell for f in result.exact] == []
    assert [(f.cell, f.low, f.high) for f in result.narrowed] == []
    assert result.charts == []


@pytest.mark.slow
def test_tables_of_options_with_one_scope_print_the_same_totals(briefings: Path) -> None:
    """The options table and each option's by-platform table are one release's cells: the same
    "In scope" figure (or the same [c]) wherever a rule's total is printed."""
    tables = [
        t
        for _, t in attack_module.read([briefings / "briefing-minister.html"]).tables
        if t.caption.endswith("complaints in scope by platform")
    ]
    assert tables
    options = next(
        t
        for _, t in attack_module.read([briefings / "briefing-minister.html"]).tables
        if t.caption.startswith("What each option would have meant")
    )
    for table in tables:
        label = table.caption.split(":", 1)[0]
        printed = next(r for r in options.rows if r[0].split(" (preferred)")[0] == label)
        assert printed[options.header.index("In scope")] == table.cell("Total", "Total")
