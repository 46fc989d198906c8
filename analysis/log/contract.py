"""The complaint-log contract: one definition of the fields, their values and their aliases.

Everything that reads or writes a complaint log (the reader, the validator, the sample generator,
``data/README.md``'s data dictionary and its test) takes the contract from here, so it is written once.
A validated log is a pandas DataFrame with exactly the columns of :data:`FIELDS`, in that order,
checked by :data:`VALIDATED_SCHEMA` (pandera).

Timestamps are UK local time, tz-naive; values given with a UTC offset are converted to UK local
time first. Categories are several per complaint, stored in the validated frame as a
``;``-separated string of canonical values in the order of :data:`CATEGORIES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from analysis.log.allowed_values import (
    CATEGORIES,
    ESCALATIONS,
    NATIONS,
    OUTCOMES,
    PHASES,
    PLATFORMS,
    REPORTERS,
    ROLES,
)

#: The earliest date a log may hold: no complaint in any log predates 2000, so an earlier date is
#: a typo in the year (1921 for 2021) and its row is rejected rather than read. The latest is the
#: extract date (``as_of``), given with each log.
EARLIEST_DATE: pd.Timestamp = pd.Timestamp("2000-01-01")

#: How much earlier than its receipt the organisation's own report to the platform may be dated:
#: none. Both times come from the organisation's own records, so a report timed before the
#: complaint reached it - hours before on the same day included - means one of the two is wrong.
#: (A school or staff member may report before complaining to the organisation: no rule applies.)
REPORT_BEFORE_RECEIPT_TOLERANCE: pd.Timedelta = pd.Timedelta(0)

#: Accepted spellings of values, after lower-casing and collapsing spaces, mapped to the canonical one.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "platform": {
        "tik tok": "TikTok",
        "twitter": "X",
        "x (twitter)": "X",
        "twitter/x": "X",
        "x/twitter": "X",
        "fb": "Facebook",
        "meta": "Facebook",
        "insta": "Instagram",
        "ig": "Instagram",
        "you tube": "YouTube",
        "yt": "YouTube",
    },
    "nation": {"ni": "Northern Ireland", "n. ireland": "Northern Ireland", "cymru": "Wales"},
    "phase": {
        "all through": "all-through",
        "sen": "special",
        "ap": "alternative provision",
        "pru": "alternative provision",
        "fe": "further education",
        "early years": "nursery",
        "secondary school": "secondary",
        "primary school": "primary",
    },
    "role": {
        "head": "headteacher",
        "head teacher": "headteacher",
        "principal": "headteacher",
        "deputy head": "senior leader",
        "assistant head": "senior leader",
        "slt": "senior leader",
        "ta": "teaching assistant",
    },
    "categories": {
        "defamation": "defamatory allegation",
        "defamatory": "defamatory allegation",
        "homophobia": "homophobic",
        "racism": "racist",
        "sexism": "sexist",
        "threats": "threat",
        "sexual": "sexualised",
        "doxxing": "personal information exposed",
        "personal information": "personal information exposed",
    },
    "outcome": {"taken down": "removed", "no reply": "no response", "none": "no response"},
    "escalation": {"no": "none", "": "none", "police and ofcom": "police and regulator"},
    "reported_by": {
        "member": "staff member",
        "complainant": "staff member",
        "union": "organisation",
    },
}


@dataclass(frozen=True)
class Field:
    """One column of a complaint log, as documented in ``data/README.md``."""

    name: str
    dtype: str  # "string", "timestamp", "category", "categories"
    required: bool
    meaning: str
    values: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    personal: bool = False  # may identify a person: never published


FIELDS: tuple[Field, ...] = (
    Field(
        "complaint_id",
        "string",
        True,
        "Unique id of the complaint in the logging organisation's system.",
        aliases=("id", "complaint id", "ref", "reference", "case id", "case ref"),
    ),
    Field(
        "received_at",
        "timestamp",
        True,
        "When the organisation received the complaint.",
        aliases=("date received", "received", "received date", "date", "complaint date"),
    ),
    Field(
        "organisation",
        "string",
        True,
        "Organisation that logged the complaint (e.g. a union or a helpline).",
        aliases=("org", "logged by", "source", "logging organisation"),
    ),
    Field("nation", "category", True, "UK nation of the school.", NATIONS, aliases=("country",)),
    Field(
        "phase", "category", True, "School phase.", PHASES, aliases=("school phase", "school type")
    ),
    Field(
        "role",
        "category",
        True,
        "Role of the member of staff targeted.",
        ROLES,
        aliases=("staff role", "job role", "position"),
    ),
    Field(
        "platform",
        "category",
        True,
        "Platform where the content was posted.",
        PLATFORMS,
        aliases=("site", "social media", "app", "service"),
    ),
    Field(
        "categories",
        "categories",
        True,
        "Abuse categories; several may apply, separated by ';' (',' and '|' are also read).",
        CATEGORIES,
        aliases=("category", "abuse type", "abuse category", "abuse categories", "type of abuse"),
    ),
    Field(
        "reported_at",
        "timestamp",
        False,
        "When the content was reported to the platform; empty if not yet reported.",
        aliases=("date reported", "reported to platform", "date reported to platform", "reported"),
    ),
    Field(
        "reported_by",
        "category",
        False,
        "Who reported it to the platform: the staff member, the school, or the logging organisation itself.",
        REPORTERS,
        aliases=("reporter", "reported by"),
    ),
    Field(
        "first_response_at",
        "timestamp",
        False,
        "When the platform first answered the report; empty if it never has.",
        aliases=(
            "platform response",
            "date of response",
            "response date",
            "first response",
            "responded",
        ),
    ),
    Field(
        "outcome",
        "category",
        True,
        "What the platform did, as of the extract date.",
        OUTCOMES,
        aliases=("result", "platform outcome", "status"),
    ),
    Field(
        "removed_at",
        "timestamp",
        False,
        "When the content came down or was restricted; required for outcome 'removed' or 'restricted'.",
        aliases=("date removed", "removal date", "taken down", "date taken down", "removed"),
    ),
    Field(
        "escalation",
        "category",
        False,
        "Escalation beyond the platform.",
        ESCALATIONS,
        aliases=("escalated to", "escalated"),
    ),
    Field(
        "content_ref",
        "string",
        False,
        "Reference to the post (e.g. SHA-256 of its URL): the same post reported twice has the same ref.",
        aliases=("content reference", "url hash", "post ref", "content id"),
    ),
    Field(
        "description",
        "string",
        False,
        "Free-text account of the abuse. Personal data: redact before any output.",
        aliases=("details", "summary", "notes", "free text"),
        personal=True,
    ),
    Field(
        "staff_name",
        "string",
        False,
        "Name of the member of staff targeted. Personal data: never published.",
        aliases=("name", "member name", "staff member"),
        personal=True,
    ),
    Field(
        "school_name",
        "string",
        False,
        "Name of the school. Personal data: never published.",
        aliases=("school",),
        personal=True,
    ),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
TIMESTAMP_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.dtype == "timestamp")
PERSONAL_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.personal)


def normalise_header(text: object) -> str:
    """Lower-case, treat ``_``/``-`` as spaces and collapse runs of spaces: 'Date_Received ' -> 'date received'."""
    return re.sub(r"[\s_\-]+", " ", str(text).replace("\ufeff", "")).strip().lower()


#: Normalised header -> canonical field name (the name itself, spaced, and every alias).
HEADER_ALIASES: dict[str, str] = {
    normalise_header(alias): f.name for f in FIELDS for alias in (f.name, *f.aliases)
}


def _optional(dtype: object, field: Field) -> pa.Column:
    checks = [pa.Check.isin(list(field.values))] if field.dtype == "category" else []
    return pa.Column(dtype, checks=checks, nullable=not field.required, coerce=False)


def _categories_check(series: pd.Series) -> pd.Series:
    """Each value is a non-empty ';'-joined set of canonical categories (checked per distinct value)."""
    allowed = set(CATEGORIES)
    ok = {v: bool(v) and set(str(v).split(";")) <= allowed for v in series.unique()}
    return series.map(ok)


def _build_schema() -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {}
    for f in FIELDS:
        if f.dtype == "timestamp":
            columns[f.name] = pa.Column("datetime64[ns]", nullable=not f.required)
        elif f.dtype == "categories":
            columns[f.name] = pa.Column(str, checks=pa.Check(_categories_check, element_wise=False))
        else:
            columns[f.name] = _optional(str, f)
    columns["complaint_id"] = pa.Column(str, unique=True)
    return pa.DataFrameSchema(columns, strict=True, ordered=True)


#: What a validated complaint log guarantees: checked on the output of :func:`analysis.log.validate.validate`.
VALIDATED_SCHEMA: pa.DataFrameSchema = _build_schema()


def data_dictionary_markdown() -> str:
    """The data dictionary of ``data/README.md``, rendered from the contract (a test keeps them equal)."""
    rows = [
        "| Field | Type | Required | Allowed values | Meaning | Accepted headers |",
        "|---|---|---|---|---|---|",
    ]
    for f in FIELDS:
        values = ", ".join(f"`{v}`" for v in f.values) if f.values else ""
        headers = ", ".join(f"`{a}`" for a in f.aliases)
        rows.append(
            f"| `{f.name}` | {f.dtype} | {'yes' if f.required else 'no'} | {values} | {f.meaning} | {headers} |"
        )
    aliases = ["| Field | Also accepted (any case) | Read as |", "|---|---|---|"]
    for name, mapping in VALUE_ALIASES.items():
        for spelled, canonical in mapping.items():
            if spelled:
                aliases.append(f"| `{name}` | `{spelled}` | `{canonical}` |")
    return (
        "\n".join(rows) + "\n\nValue spellings read as a canonical value:\n\n" + "\n".join(aliases)
    )
