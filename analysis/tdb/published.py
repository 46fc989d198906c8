"""Panel (c) of :mod:`analysis.tdb.beside`: figures published by monitors, regulators and platforms.

Each row keeps the definition, population and source it was published with (review is not
removal; NetzDG counts German complaints only), so it is never read as a complaint-log figure.
The compiled tables live in ``data/external`` with their source URLs and verification dates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

#: The row label for figures that cover several platforms together (never one platform's).
ALL = "All platforms"

#: Names used in published tables for a complaint-log platform (X was Twitter until 2023).
_PUBLISHED_ALIASES: dict[str, str] = {"X": r"X|Twitter"}

_EU_CODE_DEFINITIONS = {
    "reviewed_within_24h": "share of notifications the platform assessed within 24 h of the "
    "notification (review, not removal)",
    "removal_rate": "share of notified items removed",
    "responses_after_48h": "share of notifications answered only after 48 h",
    "feedback_rate": "share of notifications for which the platform gave feedback to the notifier",
    "notifications": "notifications sent to the platform in the exercise",
}
_NETZDG_DEFINITIONS = {
    "complaints": "complaints received under NetzDG",
    "removed_or_blocked": "complained-of items removed or blocked",
    "removal_rate": "share of complaints leading to removal or blocking",
    "share_of_removals_within_24h": "share of removals made within 24 h of the complaint",
    "removals_after_24h": "removals made more than 24 h after the complaint",
    "removals_after_1_week": "removals made more than a week after the complaint",
    "responded_within_24h": "complaints answered within 24 h",
}


def _cite(r: pd.Series) -> str:
    url = r["source_url"] or "no source URL in the compiled table"
    return f"{url} (verified: {r['verified'] or 'not stated'})"


def _pattern(platform: str) -> re.Pattern[str]:
    alias = _PUBLISHED_ALIASES.get(platform, re.escape(platform))
    return re.compile(rf"(?<![A-Za-z])({alias})(?![A-Za-z])")


def fmt_value(value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "-"
    if unit == "share":
        return f"{float(value):.0%}"
    if unit == "pct":
        return f"{float(value):g}%"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _num_text(text: str) -> float | None:
    """A published value as a number, or None when it is not one (e.g. "about half")."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def published_panel(platforms: list[str], directory: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    wanted = {p: _pattern(p) for p in platforms}

    def match(text: str) -> str | None:
        if str(text).strip().upper() == "ALL":
            return ALL
        for platform, pattern in wanted.items():
            if pattern.search(str(text)):
                return platform
        return None

    eu = pd.read_csv(directory / "eu_hate_speech_code_monitoring.csv", dtype=str).fillna("")
    for _, r in eu.iterrows():
        platform = match(r["platform"])
        if platform is None or r["metric"] not in ("reviewed_within_24h", "removal_rate"):
            continue
        value = float(r["value"]) if r["value"] else None
        rows.append(
            {
                "panel": "published",
                "platform": platform,
                "figure": f"EU hate-speech code round {r['round']}: {r['metric'].replace('_', ' ')}",
                "value": value,
                "unit": r["unit"],
                "value_text": fmt_value(value, r["unit"])
                if value is not None
                else f"not available ({r['verified']})",
                "period": f"{r['monitoring_period']}; published {r['published']}",
                "population": "notifications of illegal hate speech sent by the code's monitoring "
                "organisations in a ~6-week exercise"
                + (f" ({r['n_notifications']} notifications)" if r["n_notifications"] else "")
                + f"; platform as published: {r['platform']}",
                "definition": _EU_CODE_DEFINITIONS[r["metric"]],
                "source": _cite(r),
            }
        )
    nd = pd.read_csv(directory / "netzdg_transparency_figures.csv", dtype=str).fillna("")
    for _, r in nd.iterrows():
        platform = match(r["platform"])
        if platform is None:
            continue
        value = float(r["value"]) if r["value"] else None
        rows.append(
            {
                "panel": "published",
                "platform": platform,
                "figure": f"NetzDG {r['half_year']}: {r['metric'].replace('_', ' ')}",
                "value": value,
                "unit": r["unit"],
                "value_text": fmt_value(value, r["unit"])
                + (f" ({r['note']})" if r["note"] else ""),
                "period": r["half_year"],
                "population": "complaints about content unlawful under the German Criminal Code "
                f"listed in NetzDG, from users and complaints bodies in Germany; as published by "
                f"{r['platform']}",
                "definition": _NETZDG_DEFINITIONS.get(r["metric"], r["metric"].replace("_", " ")),
                "source": _cite(r),
            }
        )
    tests = pd.read_csv(directory / "published_response_figures.csv", dtype=str).fillna("")
    for _, r in tests.iterrows():
        combined = re.search(r";|multiple|combined|social media", r["platform"], re.IGNORECASE)
        platform = ALL if combined else match(r["platform"])
        if platform is None:
            continue
        value = _num_text(r["value"])
        rows.append(
            {
                "panel": "published",
                "platform": platform,
                "figure": f"{r['publisher']} ({r['published']}): {r['metric']}",
                "value": value,
                "unit": r["unit"],
                "value_text": (
                    fmt_value(value, r["unit"]) if value is not None else r["value"] or "-"
                )
                + (f" (n = {r['n']})" if r["n"] else ""),
                "period": r["period"],
                "population": f"{r['population']}; platform as published: {r['platform']}",
                "definition": r["metric"] + (f". {r['note']}" if r["note"] else ""),
                "source": _cite(r),
            }
        )
    hl = pd.read_csv(directory / "teacher_online_abuse_figures.csv", dtype=str).fillna("")
    for _, r in hl.iterrows():
        if "POSH" not in r["source"] and "ASCL" not in r["source"]:
            continue  # helpline and union figures; the surveys are prevalence, not response
        platform = match(r["metric"]) or ALL
        value = float(r["value"]) if r["value"] else None
        rows.append(
            {
                "panel": "published",
                "platform": platform,
                "figure": f"{r['source']} {r['year']}: {r['metric']}",
                "value": value,
                "unit": r["unit"],
                "value_text": fmt_value(value, r["unit"].split(" ")[0])
                + (f" ({r['unit']})" if " " in r["unit"] else ""),
                "period": r["year"],
                "population": r["sample"],
                "definition": r["note"] or r["metric"],
                "source": _cite(r),
            }
        )
    return rows
