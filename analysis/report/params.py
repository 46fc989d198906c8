"""The parameters every notebook takes, checked once, here, with pydantic.

papermill passes any ``-p name value`` through, and only warns about a name the notebook does not
declare, so a typo in a parameters file would otherwise run silently with the default. Each
notebook's second cell calls :func:`validate_parameters` on its globals (the common
:func:`analysis.parameters.check_parameters` with this module's model); the ``briefings`` command
calls it on the parameters file before running any notebook, so a bad value fails in a second with a
message that names the parameter, not in a traceback from deep inside pandas.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from analysis.config import MIN_THRESHOLD, SUPPRESSION_THRESHOLD, data_file, project_path
from analysis.log.allowed_values import NATIONS, PLATFORMS
from analysis.parameters import ParameterError, check_parameters
from analysis.safe_yaml import UnsafeYaml, load_yaml

Audience = Literal["minister", "union"]

#: The title of each audience's briefing, printed on every page and as the document's heading.
AUDIENCE_TITLES: dict[str, str] = {
    "minister": "Online abuse of school staff: how fast platforms act, and the options for a duty",
    "union": "Online abuse of school staff: what members reported, and what to ask for",
}
#: Who each briefing is for, printed on every page.
AUDIENCE_LABELS: dict[str, str] = {
    "minister": "Briefing for ministers",
    "union": "Briefing for union executives and officers",
}

#: File endings the reader takes as a complaint log (CSV, Excel, Parquet).
LOG_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")

#: A protective marking is printed as given; it must look like one (capitals, e.g. "OFFICIAL",
#: "OFFICIAL-SENSITIVE") so that a value such as a file path cannot end up in every page's margin.
MARKING_PATTERN = re.compile(r"^[A-Z][A-Z0-9 :\-]{2,59}$")


class BriefingParameters(BaseModel):
    """What an analyst may change in a notebook, and what a briefing run is made from.

    Defaults describe the bundled synthetic sample; see ``params/*.yaml`` for the briefing runs.
    Empty ``platforms`` or ``rules`` mean "all of them", so a new rule file or a new platform in
    the log is picked up without editing every parameters file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    complaint_log: str = Field(
        description="complaint log file, absolute or relative to the project"
    )
    as_of: dt.date = Field(description="extract date: unanswered complaints are censored at it")
    period_start: dt.date = Field(description="first day of complaints received to include")
    period_end: dt.date = Field(description="last day of complaints received to include")
    nations: tuple[str, ...] = Field(description="UK nations to include")
    platforms: tuple[str, ...] = Field(
        default=(), description="platforms to include (none listed: all)"
    )
    rules: tuple[str, ...] = Field(default=(), description="rule ids to compare (none listed: all)")
    audience: Audience = Field(description="who the framing is for: minister or union")
    suppression_threshold: int = Field(
        default=SUPPRESSION_THRESHOLD, le=1000, description="counts below it read [c]"
    )
    protective_marking: str = Field(description="printed at the top and bottom of every page")
    show_examples: bool = Field(default=False, description="show redacted example descriptions")

    @field_validator("complaint_log")
    @classmethod
    def _log_exists(cls, value: str) -> str:
        path = data_file(value)  # inside the project or the user's data folder, else refused
        if not path.is_file():
            raise ValueError(f"file not found: {path}")
        if path.suffix.lower() not in LOG_SUFFIXES:
            raise ValueError(
                f"{path.name} is not a complaint log file (expected {', '.join(LOG_SUFFIXES)})"
            )
        return value

    @field_validator("nations")
    @classmethod
    def _known_nations(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_members(value, NATIONS, "a UK nation", allow_empty=False)

    @field_validator("platforms")
    @classmethod
    def _known_platforms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_members(value, PLATFORMS, "a platform of the log contract", allow_empty=True)

    @field_validator("suppression_threshold")
    @classmethod
    def _threshold_publishable(cls, value: int) -> int:
        # Briefings are for publication: a threshold of 1 or 2 would print counts of 1 and 2.
        if value < MIN_THRESHOLD:
            raise ValueError(
                f"{value} is below the minimum of {MIN_THRESHOLD} for anything published "
                f"(counts from 1 to {MIN_THRESHOLD - 1} would be printed)"
            )
        return value

    @field_validator("protective_marking")
    @classmethod
    def _marking_shape(cls, value: str) -> str:
        if not MARKING_PATTERN.match(value):
            raise ValueError(
                f"{value!r} does not look like a protective marking: use capitals, e.g. 'OFFICIAL'"
            )
        return value

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if value:
            known = rule_ids()
            unknown = [r for r in value if r not in known]
            if unknown:
                raise ValueError(
                    f"unknown rule id(s) {', '.join(map(repr, unknown))}; "
                    f"known: {', '.join(sorted(known))}"
                )
        return value

    @field_validator("show_examples")
    @classmethod
    def _redaction_available(cls, value: bool) -> bool:
        # Example descriptions are free text that may name people: without the redaction
        # module there is no safe way to show them, so refuse rather than show them raw.
        if value:
            try:
                from analysis.text import redact  # noqa: F401
            except ImportError as exc:
                raise ValueError(
                    "cannot show examples: the redaction module analysis.text is not available"
                ) from exc
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> BriefingParameters:
        if self.period_start > self.period_end:
            raise ValueError(
                f"period_start ({self.period_start}) is after period_end ({self.period_end})"
            )
        if self.period_end > self.as_of:
            raise ValueError(
                f"period_end ({self.period_end}) is after the extract date as_of ({self.as_of}): "
                "complaints cannot be received after the log was extracted"
            )
        return self

    @property
    def log_path(self) -> Path:
        return data_file(self.complaint_log)

    def echo(self) -> dict[str, Any]:
        """The parameters as given, in JSON-friendly types, for the annex and for papermill."""
        return self.model_dump(mode="json")


def rule_ids() -> set[str]:
    """Ids of the rules in the catalogue (data/rules/*.yaml)."""
    from analysis.rules.catalogue import load_rules

    return {rule.id for rule in load_rules()}


def _check_members(
    value: tuple[str, ...], allowed: tuple[str, ...], what: str, *, allow_empty: bool
) -> tuple[str, ...]:
    if not value and not allow_empty:
        raise ValueError(f"give at least one of: {', '.join(allowed)}")
    bad = [v for v in value if v not in allowed]
    if bad:
        raise ValueError(
            f"{', '.join(map(repr, bad))} is not {what}; choose from {', '.join(allowed)}"
        )
    return value


def validate_parameters(values: Mapping[str, Any]) -> BriefingParameters:
    """Check a notebook's parameters (its ``globals()``, say); :class:`ParameterError` if bad."""
    return check_parameters(BriefingParameters, values)


def load_params_file(path: str | Path) -> dict[str, Any]:
    """Read a parameters YAML file (``params/minister.yaml``) into a dict for papermill.

    Read by :func:`analysis.safe_yaml.load_yaml`: no Python tags, a small budget of aliases (an
    alias bomb is refused at once), and no quoting of the file in the message.
    """
    path = project_path(path)
    try:
        data = load_yaml(path)
    except FileNotFoundError:
        raise ParameterError(f"parameters file not found: {path}") from None
    except IsADirectoryError:
        raise ParameterError(f"{path}: a folder, not a parameters file") from None
    except UnsafeYaml as exc:
        raise ParameterError(str(exc)) from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter names to values")
    unknown = sorted(set(data) - set(BriefingParameters.model_fields))
    if unknown:
        raise ParameterError(
            f"{path}: unknown parameter(s) {', '.join(unknown)}; "
            f"known: {', '.join(BriefingParameters.model_fields)}"
        )
    return data
