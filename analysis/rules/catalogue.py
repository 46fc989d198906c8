"""The takedown-rule catalogue: one YAML file per rule in ``data/rules/``, validated with pydantic.

Why files and not a table in code: a policy official adds a rule (a new law, a new option for the
minister) by copying a file and editing it, without touching Python. Why pydantic: the error for a
malformed file must name the file and the field ("data/rules/x.yaml: deadline_hours: Input should be a
valid number"), and pydantic's error locations give exactly that.

Each rule says what event it measures (removal, review, or a response to the complainant), who starts
its clock, and its deadline in hours, or ``None`` when the law fixes no hours ("swiftly"), in which
case the statutory words are the value. A deadline counted from a regulator's order cannot be read off
a complaint log; where the order can only follow a stated period after the user's report (Australia)
the hours from the report are *derived*, flagged so, and the derivation is written out.

What a minister needs besides the hours, each a required field checked here:

- ``scope``: which content the rule covers in law (and whether only *illegal* content), who may
  notify, and whose action starts the clock. ``covers`` maps that onto the log's abuse categories.
- ``applies_from`` (and ``applies_until``): the dates the duty bound platforms. Complaints made
  before ``applies_from`` were under no such duty; compliance figures for them show what the same
  platform behaviour would mean under the rule, not the rule's effect
  (:mod:`analysis.rules.timing` counts them). A rule that never applied (struck down, enacted but
  not commenced, a proposed option) has no ``applies_from``.
- ``verification``: how the status and dates were checked, when, and against which *primary*
  record (the legislation database, the official journal, the regulator, the Commission, the
  court), never a mirror or a law firm's summary: the loader refuses a non-primary address. A
  status that could not be checked says "not verified" and what was tried; such a rule cannot
  claim to be "in force".
- ``option`` (proposed options only): the department that would own it, how much legal change it
  needs and how much burden it puts on platforms and the regulator, the inputs of the stated
  preferred-option criterion in :mod:`analysis.rules.options`.

Hours must be finite numbers: a rule file with ``.inf`` or ``.nan`` hours is refused, naming the
file and field, because NaN is the "out of scope" marker inside the scoring and infinity the "no
fixed hours" one: a NaN tier would silently drop complaints from the rule's scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    ValidationError,
    model_validator,
)

from analysis.config import PROJECT_ROOT, RULES_DIR
from analysis.log.allowed_values import CATEGORIES
from analysis.rules.evidence import Source, Verification

Status = Literal[
    "in force",
    "enacted",  # passed into law, commencement not confirmed
    "superseded",
    "repealed",
    "struck down",
    "voluntary code",
    "proposed option",
]
Event = Literal["removal", "review", "response"]
Clock = Literal[
    "complainant notice", "school or union notice", "trusted flagger", "regulator order"
]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]  # the contract's vocabulary, one place
#: Hours: a finite number greater than 0 (``.inf`` and ``.nan`` are refused).
Hours = Annotated[FiniteFloat, Field(gt=0)]
#: The departments a proposed option can belong to (UK central government).
Department = Literal["DSIT", "DfE", "Home Office"]
#: Statuses that mean the duty bound (or binds) someone, so it has a date it applied from.
APPLIED = frozenset({"in force", "superseded", "repealed", "voluntary code"})


class RuleFileError(ValueError):
    """One or more rule files are malformed; the message names each file and field."""


class Scope(BaseModel):
    """What the rule covers in law, in words a minister can check against the statute."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The content the duty is about, as the instrument defines it.
    content: str = Field(min_length=1)
    #: True when only content that is unlawful (an offence, or illegal under the instrument's
    #: law) is covered: a complaint about lawful abuse is outside it whatever its category.
    illegal_content_only: bool
    #: Who may send the notice the duty responds to.
    notifier: str = Field(min_length=1)
    #: Whose action starts the clock, and the event it ends with.
    clock: str = Field(min_length=1)


class OptionFacts(BaseModel):
    """What a proposed option needs besides its rule: who owns it and what it costs to do.

    ``legal_change`` and ``burden`` are the tie-break keys of the preferred-option criterion
    (:mod:`analysis.rules.options`); both are judgements, so each carries its reason.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    owner_department: Department
    #: Other bodies with a part: the regulator, departments to consult.
    also_involved: tuple[str, ...] = ()
    owner_note: str = Field(min_length=1)
    #: 0 none; 1 codes or secondary legislation; 2 amending an existing duty in an Act;
    #: 3 a new statutory scheme or regulator power.
    legal_change: int = Field(ge=0, le=3)
    legal_change_note: str = Field(min_length=1)
    #: Burden on platforms and the regulator, 1 (least) to 5 (most).
    burden: int = Field(ge=1, le=5)
    burden_note: str = Field(min_length=1)


class Rule(BaseModel):
    """One takedown rule: a real instrument or a proposed option."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    title: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=1)
    instrument: str = Field(min_length=1)
    provision: str = Field(min_length=1)
    status: Status
    status_dates: str = Field(min_length=1)
    #: The day the duty first bound platforms; None when it never did (struck down, not commenced,
    #: a proposed option).
    applies_from: date | None = None
    #: The day it stopped binding them (repealed, displaced); None while it still does.
    applies_until: date | None = None
    verification: Verification
    scope: Scope
    covers: tuple[Category, ...] | Literal["all"]
    #: Why the rule's legal scope maps onto these abuse categories (a judgement, so written down).
    covers_note: str = Field(min_length=1)
    event: Event
    clock_starts: Clock
    deadline_hours: Hours | None
    #: The statute's own words about time, verbatim, only where read in the primary record (a
    #: briefing may quote these; ``deadline_words`` is the project's paraphrase).
    statute_words: str | None = None
    #: The deadline in the project's own words: a paraphrase, never to be quoted as the statute's.
    deadline_words: str = Field(min_length=1)
    derived_deadline: bool = False
    derivation: str | None = None
    #: Tiered rules: hours for these categories; others get ``deadline_hours``.
    category_deadlines: dict[Category, Hours] | None = None
    #: Rules met in aggregate rather than per notice (the EU codes: "the majority", "two-thirds"):
    #: the share of notices that must meet the deadline.
    target_share: FiniteFloat | None = Field(default=None, gt=0, le=1)
    penalty_cap: str = Field(min_length=1)
    rationale: str | None = None
    option: OptionFacts | None = None
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.derived_deadline and not self.derivation:
            raise ValueError("derivation: required when derived_deadline is true")
        if self.derived_deadline and self.deadline_hours is None:
            raise ValueError("deadline_hours: a derived deadline needs its hours")
        if self.status == "proposed option" and not self.rationale:
            raise ValueError("rationale: required for a proposed option")
        if (self.status == "proposed option") != (self.option is not None):
            raise ValueError("option: required for a proposed option, and only for one")
        if self.status in APPLIED and self.applies_from is None:
            raise ValueError(f"applies_from: required for a rule whose status is {self.status!r}")
        if self.status not in APPLIED and self.applies_from is not None:
            raise ValueError(f"applies_from: a rule whose status is {self.status!r} never applied")
        if self.applies_until and self.applies_from and self.applies_until <= self.applies_from:
            raise ValueError("applies_until: must be after applies_from")
        if self.status == "in force" and self.verification.method == "not verified":
            raise ValueError("status: 'in force' needs a verified status (verification.method)")
        if self.category_deadlines:
            if self.deadline_hours is None:
                raise ValueError("deadline_hours: a tiered rule needs hours for other categories")
            outside = set(self.category_deadlines) - set(self.categories)
            if outside:
                raise ValueError(f"category_deadlines: not covered by the rule: {sorted(outside)}")
        return self

    @property
    def categories(self) -> tuple[str, ...]:
        """The abuse categories in scope, with ``"all"`` expanded."""
        return tuple(CATEGORIES) if self.covers == "all" else tuple(self.covers)

    @property
    def fixed_deadline(self) -> bool:
        """False for rules that fix no hours ("swiftly", "timely"): reported as such, not scored."""
        return self.deadline_hours is not None

    @property
    def clock_in_log(self) -> bool:
        """Whether a complaint log can start this rule's clock.

        A log records when the complaint was reported to the platform. A regulator's order is not in
        it; such a rule is scored only when its hours from the report are derived and stated.
        """
        return self.clock_starts != "regulator order" or self.derived_deadline

    @property
    def tiers(self) -> str:
        """Per-category deadlines as text ("threat: 24 h; ..."), empty for single-deadline rules."""
        return "; ".join(f"{c}: {h:g} h" for c, h in (self.category_deadlines or {}).items())

    def deadline_for(self, categories: Iterable[str]) -> float | None:
        """Deadline in hours for a complaint with these categories: the strictest tier that applies."""
        if self.deadline_hours is None:
            return None
        tiers = self.category_deadlines or {}
        hours = [tiers.get(c, self.deadline_hours) for c in categories if c in self.categories]
        return min(hours) if hours else None


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _field(loc: tuple[object, ...]) -> str:
    return ".".join(str(part) for part in loc) if loc else "(file)"


def _load_yaml(text: str) -> object:
    """``yaml.safe_load`` through libyaml's parser when PyYAML has it (the catalogue loads in a
    quarter of the time); a file it refuses is re-read by the pure-Python parser, whose error
    message points at the line with a snippet."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)  # CSafeLoader: the safe loader, in C
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def _read(path: Path) -> tuple[Rule | None, list[str]]:
    name = _display(path)
    try:
        data = _load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return None, [f"{name}: not valid YAML: {exc}"]
    if not isinstance(data, dict):
        return None, [f"{name}: expected a mapping of field: value, got {type(data).__name__}"]
    try:
        return Rule.model_validate(data), []
    except ValidationError as exc:
        messages = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            # Model-level checks name their field at the start of the message.
            messages.append(
                f"{name}: {_field(err['loc'])}: {msg}" if err["loc"] else f"{name}: {msg}"
            )
        return None, messages


def load_rules(directory: Path | str = RULES_DIR) -> list[Rule]:
    """Every rule in ``directory`` (``*.yaml`` and ``*.yml``), sorted by id.

    Raises :class:`RuleFileError` listing every problem at once (file: field: message), so a user
    fixing a catalogue sees all of it in one run; duplicate ids name both files.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleFileError(f"{_display(directory)}: rules directory not found")
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    rules: list[Rule] = []
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for path in paths:
        rule, errors = _read(path)
        problems += errors
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(
                f"{_display(path)}: id: {rule.id!r} is already used by {_display(seen[rule.id])}"
            )
            continue
        seen[rule.id] = path
        rules.append(rule)
    if problems:
        raise RuleFileError("\n".join(problems))
    if not rules:
        raise RuleFileError(f"{_display(directory)}: no rule files (*.yaml) found")
    return sorted(rules, key=lambda r: r.id)


def get_rule(rule_id: str, directory: Path | str = RULES_DIR) -> Rule:
    """The rule with this id; ``KeyError`` lists the ids that exist."""
    rules = {r.id: r for r in load_rules(directory)}
    if rule_id not in rules:
        raise KeyError(f"no rule {rule_id!r}; known: {', '.join(rules)}")
    return rules[rule_id]


def rules_frame(rules: Iterable[Rule]) -> pd.DataFrame:
    """One row per rule, for tables of options and the sources annex (citations included)."""
    rows = []
    for r in rules:
        rows.append(
            {
                "rule_id": r.id,
                "title": r.title,
                "jurisdiction": r.jurisdiction,
                "instrument": r.instrument,
                "provision": r.provision,
                "status": r.status,
                "status_dates": r.status_dates,
                "applies_from": r.applies_from,
                "applies_until": r.applies_until,
                "scope_content": r.scope.content,
                "illegal_content_only": r.scope.illegal_content_only,
                "notifier": r.scope.notifier,
                "clock": r.scope.clock,
                "verification_method": r.verification.method,
                "verified_on": r.verification.checked_on,
                "verification_source": r.verification.source_url,
                "verification_note": r.verification.note,
                "covers": "all" if r.covers == "all" else "; ".join(r.covers),
                "event": r.event,
                "clock_starts": r.clock_starts,
                "deadline_hours": r.deadline_hours,
                "deadline_words": r.deadline_words,
                "derived_deadline": r.derived_deadline,
                "tiers": r.tiers,
                "target_share": r.target_share,
                "penalty_cap": r.penalty_cap,
                "rationale": r.rationale,
                "owner_department": r.option.owner_department if r.option else None,
                "legal_change": r.option.legal_change if r.option else None,
                "burden": r.option.burden if r.option else None,
                "citation": r.source.citation,
                "urls": " ; ".join(r.source.urls),
            }
        )
    return pd.DataFrame(rows)
