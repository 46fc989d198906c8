"""The values a complaint log's categorical columns may hold, in their canonical spelling.

Part of the log contract (:mod:`analysis.log.contract`, which adds the fields, aliases and the
pandera schema), kept apart because it needs nothing but Python: checking a parameters file
(which nations, which platforms) must not wait for pandas and pandera to import.
"""

from __future__ import annotations

NATIONS: tuple[str, ...] = ("England", "Wales", "Scotland", "Northern Ireland")
PHASES: tuple[str, ...] = (
    "nursery",
    "primary",
    "secondary",
    "all-through",
    "special",
    "alternative provision",
    "further education",
)
ROLES: tuple[str, ...] = (
    "headteacher",
    "senior leader",
    "teacher",
    "teaching assistant",
    "support staff",
    "governor",
)
PLATFORMS: tuple[str, ...] = (
    "TikTok",
    "Facebook",
    "Instagram",
    "X",
    "YouTube",
    "Snapchat",
    "WhatsApp",
    "Reddit",
    "Other",
)
CATEGORIES: tuple[str, ...] = (
    "defamatory allegation",
    "homophobic",
    "racist",
    "sexist",
    "threat",
    "impersonation",
    "sexualised",
    "personal information exposed",
    "other",
)
OUTCOMES: tuple[str, ...] = ("removed", "restricted", "no breach found", "no response", "pending")
ESCALATIONS: tuple[str, ...] = ("none", "police", "regulator", "police and regulator")
REPORTERS: tuple[str, ...] = ("staff member", "school", "organisation")

#: Outcomes for which the content came down (removed) or access to it was restricted.
TAKEN_DOWN: frozenset[str] = frozenset({"removed", "restricted"})
