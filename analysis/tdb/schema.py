"""The Transparency Database's columns, its two schema versions, and one vocabulary for both.

The Commission changed the statement schema on 2025-07-01 (v2): one column was added
(``content_id_ean``), some categories and keywords were renamed, moved or dropped. A count of
"cyber violence" across that date is only honest if both vocabularies are mapped onto one, so the
mapping lives here, once, and ingest stores both the published value and the unified one.

Sources for the mapping: the Commission's API changelog (as summarised in
``data/external/README.md``) and the v1/v2 keyword lists kept by the public ``shantay`` reader.
Where a v1 value has no v2 successor it is kept under its own name rather than guessed into one.
"""

from __future__ import annotations

import re

#: Columns of schema v1 (statements submitted before 2025-07-01), in file order.
COLUMNS_V1: tuple[str, ...] = (
    "uuid",
    "decision_visibility",
    "decision_visibility_other",
    "end_date_visibility_restriction",
    "decision_monetary",
    "decision_monetary_other",
    "end_date_monetary_restriction",
    "decision_provision",
    "end_date_service_restriction",
    "decision_account",
    "end_date_account_restriction",
    "account_type",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "incompatible_content_illegal",
    "category",
    "category_addition",
    "category_specification",
    "category_specification_other",
    "content_type",
    "content_type_other",
    "content_language",
    "content_date",
    "territorial_scope",
    "application_date",
    "decision_facts",
    "source_type",
    "source_identity",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "platform_uid",
    "created_at",
)
#: Schema v2 (from 2025-07-01) adds ``content_id_ean`` after ``content_date``.
COLUMNS_V2: tuple[str, ...] = (
    *COLUMNS_V1[: COLUMNS_V1.index("content_date") + 1],
    "content_id_ean",
    *COLUMNS_V1[COLUMNS_V1.index("content_date") + 1 :],
)
#: Any column a chunk may carry; the "light" dumps leave out four free-text/list columns.
KNOWN_COLUMNS: frozenset[str] = frozenset(COLUMNS_V2)
#: Without these a statement cannot be counted, dated or attributed: a chunk lacking one is refused.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "uuid",
    "category",
    "content_date",
    "application_date",
    "source_type",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "created_at",
)
#: Published as compact JSON arrays inside one CSV field; decoded to lists at ingest.
LIST_COLUMNS: tuple[str, ...] = (
    "decision_visibility",
    "category_addition",
    "category_specification",
    "content_type",
)
#: Also a JSON array, but kept as the published text: it lists up to 30 country codes on most rows,
#: decoding it doubled the cost of ingest, and no measure uses it. Decode it in a query when needed:
#: ``from_json(territorial_scope, '["VARCHAR"]')`` (DuckDB) or ``from_json(..., 'array<string>')``.
JSON_TEXT_COLUMNS: tuple[str, ...] = ("territorial_scope",)
#: Published as "YYYY-MM-DD 00:00:00": calendar days, stored as DATE.
DATE_COLUMNS: tuple[str, ...] = (
    "content_date",
    "application_date",
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
)
#: Published as "Yes"/"No"(/empty): stored as BOOLEAN.
BOOL_COLUMNS: tuple[str, ...] = ("automated_detection", "incompatible_content_illegal")


def schema_version(header: list[str]) -> int:
    """1 or 2, from a chunk's header (v2 is the one with ``content_id_ean``)."""
    return 2 if "content_id_ean" in header else 1


# --- One vocabulary across the 2025-07-01 change -------------------------------------------------
# Values are stored without their STATEMENT_CATEGORY_ / KEYWORD_ prefixes.

#: v1 category -> v2 category. NON_CONSENSUAL_BEHAVIOUR was dropped in v2 and its keywords
#: (image sharing, deepfakes, bullying, stalking) moved under CYBER_VIOLENCE, so its statements are
#: counted there. PORNOGRAPHY_OR_SEXUALIZED_CONTENT was dropped with no successor: kept as is.
CATEGORY_RENAMES: dict[str, str] = {
    "SCOPE_OF_PLATFORM_SERVICE": "OTHER_VIOLATION_TC",
    "UNSAFE_AND_ILLEGAL_PRODUCTS": "UNSAFE_AND_PROHIBITED_PRODUCTS",
    "NON_CONSENSUAL_BEHAVIOUR": "CYBER_VIOLENCE",
}
#: v1 keyword -> v2 keyword (renamed or merged).
KEYWORD_RENAMES: dict[str, str] = {
    "ONLINE_BULLYING_INTIMIDATION": "CYBER_BULLYING_INTIMIDATION",
    "NON_CONSENSUAL_ITEMS_DEEPFAKE": "NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "STALKING": "CYBER_STALKING",
    "INSUFFICIENT_INFORMATION_TRADERS": "INSUFFICIENT_INFORMATION_ON_TRADERS",
    "DISINFORMATION": "MISINFORMATION_DISINFORMATION",
    "MISINFORMATION": "MISINFORMATION_DISINFORMATION",
}


def unify_category(value: str | None) -> str | None:
    """A published category (either version, prefixed or not) in the unified vocabulary."""
    if value is None or value == "":
        return None
    bare = re.sub(r"^STATEMENT_CATEGORY_", "", value)
    return CATEGORY_RENAMES.get(bare, bare)


def unify_keyword(value: str) -> str:
    """A published keyword (either version) in the unified vocabulary."""
    bare = re.sub(r"^KEYWORD_", "", value)
    return KEYWORD_RENAMES.get(bare, bare)


#: source_type -> the label used in every output. "Own initiative" is the platform's own
#: detection (SOURCE_VOLUNTARY); only the first two are notices from outside.
SOURCE_LABELS: dict[str, str] = {
    "SOURCE_ARTICLE_16": "Art. 16 notice",
    "SOURCE_TRUSTED_FLAGGER": "trusted flagger",
    "SOURCE_TYPE_OTHER_NOTIFICATION": "other notification",
    "SOURCE_VOLUNTARY": "own initiative",
}

#: Presets: label -> (unified categories, unified keywords). A statement gets a label when its
#: category is among the categories OR one of its keywords is among the keywords; one statement
#: can carry several labels (e.g. bullying and non-consensual images) and is counted under each.
PRESETS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    # The abuse of school staff this suite is about, in TDB terms.
    "school-staff-abuse": {
        "cyber violence": (("CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN"), ()),
        "harassment": (
            (),
            (
                "CYBER_HARASSMENT",
                "CYBER_HARASSMENT_AGAINST_WOMEN",
                "CYBER_STALKING",
                "CYBER_STALKING_AGAINST_WOMEN",
            ),
        ),
        "bullying": ((), ("CYBER_BULLYING_INTIMIDATION", "BULLYING_AGAINST_GIRLS")),
        "defamation": ((), ("DEFAMATION",)),
        "hate speech": (
            (),
            (
                "HATE_SPEECH",
                "INCITEMENT_VIOLENCE_HATRED",
                "CYBER_INCITEMENT",
                "INCITEMENT_AGAINST_WOMEN",
            ),
        ),
        "impersonation": ((), ("IMPERSONATION_ACCOUNT_HIJACKING",)),
        "non-consensual images": (
            (),
            (
                "NON_CONSENSUAL_IMAGE_SHARING",
                "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
                "NON_CONSENSUAL_MATERIAL_DEEPFAKE",
                "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
                "IMAGE_BASED_SEXUAL_ABUSE",
            ),
        ),
    },
}

#: Per preset: label -> unified categories whose statements carry none of the preset's labels above.
#: Keywords are optional in the TDB and most statements have none, so abuse filed only as "illegal
#: or harmful speech" would otherwise vanish from the preset; it is counted here, labelled as such.
PRESET_FALLBACKS: dict[str, dict[str, tuple[str, ...]]] = {
    "school-staff-abuse": {
        "illegal or harmful speech, other or no keyword": ("ILLEGAL_OR_HARMFUL_SPEECH",),
    },
}

#: Complaint-log platform names (analysis.log.contract.PLATFORMS) -> TDB ``platform_name`` values.
#: The TDB names services as their providers registered them; Meta files Facebook and Instagram
#: separately, X was "Twitter" in early files. "Other" has no TDB counterpart.
PLATFORM_NAMES: dict[str, tuple[str, ...]] = {
    "TikTok": ("TikTok",),
    "Facebook": ("Facebook",),
    "Instagram": ("Instagram",),
    "X": ("X", "Twitter"),
    "YouTube": ("YouTube",),
    "Snapchat": ("Snapchat",),
    "WhatsApp": ("WhatsApp", "WhatsApp Channels"),
    "Reddit": ("Reddit",),
}
