"""Words built from the headline: chart titles that state the finding, rankings, ratings.

Notebooks keep their prose; what needs a decision on the figures (which platform was slowest, is
a group big enough to be named, which words a RAG rating gets) lives here so that both briefings
and the analysis notebooks decide it the same way, and so that it is tested. Every number comes
from :func:`analysis.results.headline`'s dict; nothing here computes a statistic.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from analysis.measures.response_times import ALL_GROUPS
from analysis.publish.tables import NOT_REACHED, fmt_hours, fmt_pct

#: Key of the share answered within 7 days in the headline's ``within_*`` entries.
WEEK = "within_7d"
DAY = "within_24h"


def named_platforms(headline: Mapping, threshold: int) -> list[str]:
    """Platforms that may be named with figures: at least ``threshold`` complaints reported.

    Ordered by complaints, most first.
    """
    rows = [
        (name, entry)
        for name, entry in headline["platforms"].items()
        if name != ALL_GROUPS and entry.get("response") and entry["reported"] >= threshold
    ]
    return [name for name, _ in sorted(rows, key=lambda r: -r[1]["complaints"])]


def ranked(headline: Mapping, threshold: int, key: str = WEEK, clock: str = "response") -> list:
    """(platform, share) of named platforms by share answered (or removed) within ``key``, best first.

    Platforms whose share cannot be estimated (no complaint followed that long) are left out.
    """
    out = []
    for name in named_platforms(headline, threshold):
        share = headline["platforms"][name][clock][key]["share"]
        if share is not None:
            out.append((name, share))
    return sorted(out, key=lambda r: -r[1])


def response_finding(headline: Mapping, threshold: int, among: Sequence[str] | None = None) -> str:
    """A chart title that states the finding, e.g. "TikTok answered 23% of complaints within a week;
    Facebook answered 81%" (slowest and fastest of the platforms ``among``, default all named)."""
    order = [r for r in ranked(headline, threshold) if among is None or r[0] in among]
    if not order:
        return "Too few complaints to compare platforms' response times"
    worst, best = order[-1], order[0]
    if len(order) == 1 or worst[0] == best[0]:
        return f"{best[0]} answered {fmt_pct(best[1])} of complaints within a week"
    return (
        f"{worst[0]} answered {fmt_pct(worst[1])} of complaints within a week; "
        f"{best[0]} answered {fmt_pct(best[1])}"
    )


def removal_finding(headline: Mapping) -> str:
    """A chart title for time to removal: half were down within X, or more than half still up."""
    median = headline["platforms"][ALL_GROUPS]["removal"]["median_hours"]["estimate"]
    if median == NOT_REACHED:
        return "More than half of reported posts were still up at the extract date"
    return f"Half of reported posts were taken down within {fmt_hours(median)}"


def largest_platform(headline: Mapping) -> str:
    """The platform with the most complaints."""
    rows = [(n, e["complaints"]) for n, e in headline["platforms"].items() if n != ALL_GROUPS]
    return max(rows, key=lambda r: r[1])[0]


def rule_rows(headline: Mapping, rule_id: str) -> list[dict]:
    """The headline's compliance rows for one rule (one per platform and "All platforms")."""
    return [r for r in headline["rules"] if r["rule_id"] == rule_id]


def rule_total(headline: Mapping, rule_id: str) -> dict | None:
    """The "All platforms" compliance row of one rule, or None if the rule was not compared."""
    rows = [r for r in rule_rows(headline, rule_id) if r["platform"] == ALL_GROUPS]
    return rows[0] if rows else None


RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green"}


def rag(rating: str) -> str:
    """HTML for a Red/Amber/Green rating: the word is always written, colour only reinforces it."""
    word = RAG_WORDS[rating]
    return f'<span class="rag rag-{word.lower()}">{html.escape(word)}</span>'
