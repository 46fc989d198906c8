"""Where a rule's facts come from: its citation and sources, and how its status was verified.

Kept apart from the rule model because the rule for what counts as a source is a policy of its own:
a briefing for ministers cites primary records (the legislation databases, the official journals,
governments, parliaments, regulators, the Commission, the courts), never mirrors, law-firm notes or
press reports. The loader refuses any other address, so a mirror cannot slip into an annex.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: How a status was checked: against the legislation database or official journal itself, against
#: an official publication of the government, parliament, regulator, Commission or court, or not.
Method = Literal["legislation record", "official publication", "not verified"]
#: Hosts of primary sources: legislation databases, official journals, governments, parliaments,
#: regulators, courts, and the helpline whose own advice an option cites. Subdomains count.
PRIMARY_HOSTS: tuple[str, ...] = (
    "legislation.gov.uk",
    "gov.uk",
    "parliament.uk",
    "ofcom.org.uk",
    "europa.eu",
    "gesetze-im-internet.de",
    "recht.bund.de",
    "bundesjustizamt.de",
    "legislation.gov.au",
    "esafety.gov.au",
    "infrastructure.gov.au",
    "legifrance.gouv.fr",
    "conseil-constitutionnel.fr",
    "irishstatutebook.ie",
    "gov.ie",
    "cnam.ie",
    "saferinternet.org.uk",
)


def is_primary(url: str) -> bool:
    """Whether ``url`` is on a primary source's host (https or http, any subdomain)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in {"http", "https"} and any(
        host == h or host.endswith("." + h) for h in PRIMARY_HOSTS
    )


class Source(BaseModel):
    """Where the rule's wording comes from: its citation and primary addresses only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    citation: str = Field(min_length=1)
    urls: tuple[str, ...] = ()
    #: What was and was not checked in the wording (the status is in ``Rule.verification``).
    note: str = Field(min_length=1)

    @field_validator("urls")
    @classmethod
    def _primary(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        mirrors = [u for u in urls if not is_primary(u)]
        if mirrors:
            raise ValueError(f"not a primary source (see PRIMARY_HOSTS): {', '.join(mirrors)}")
        return urls


class Verification(BaseModel):
    """How the rule's status and dates were checked, when, and against which primary record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Method
    checked_on: date
    #: The primary record read; None only when the status is "not verified".
    source_url: str | None = None
    #: What the record showed, or for "not verified" what was tried and why it did not settle it.
    note: str = Field(min_length=1)

    @model_validator(mode="after")
    def _source_is_primary(self) -> Verification:
        if self.method != "not verified":
            if not self.source_url:
                raise ValueError("source_url: required unless the method is 'not verified'")
            if not is_primary(self.source_url):
                raise ValueError(
                    f"source_url: not a primary source (see PRIMARY_HOSTS): {self.source_url}"
                )
        return self
