"""What each takedown rule would have meant for the complaints on record.

Input is the per-complaint table of :func:`analysis.measures.response_times.complaint_times`: hours
from the report to the first response and to removal, each censored at the extract date when the
event had not happened by then.

How a rule is applied to a complaint
------------------------------------
- **Scope.** The complaint's categories overlap the rule's (``covers``), and the rule's clock can
  start on it: a *complainant notice* is any report to the platform; a *school or union notice* is a
  report made by the school or the logging organisation (``reported_by`` "school" or
  "organisation"); a *trusted flagger* notice is one made by the logging organisation itself (a union
  or the helpline, the bodies a trusted-flagger scheme would designate). Complaints whose reporter is
  not recorded are out of scope of the last two: the log cannot say who started the clock.
- **Regulator orders** are not in a log. A rule whose clock starts on one is scored only when its
  hours from the user's report are derived and stated in the catalogue (Australia: 48 h + 24 h = 72 h
  from the report, assuming the regulator acts at once); otherwise it is reported as
  "clock not in log".
- **Event.** Removal rules are scored on ``hours_to_removal`` (the content came down or was
  restricted). Review rules (the EU hate-speech codes) and response rules are scored on
  ``hours_to_response``, the first answer the complainant got (a removal counts as an answer). That is
  a proxy: a platform that reviewed a notice without telling the complainant is counted as not having
  reviewed it, so review compliance is, if anything, understated. Review is not removal: a review
  rule can be met by a platform that leaves every post up.
- **Deadline.** The rule's hours; for tiered rules the strictest tier among the complaint's
  categories.
- **Status.** *compliant*: the event happened within the deadline (at or before it); *breached*:
  it happened after the deadline, or had not happened and the extract date is beyond the deadline
  (still up past it); *undetermined*: not happened yet and the extract date is before the deadline
  (censored too early to tell). Rules with no fixed hours ("swiftly") are reported as
  "no fixed deadline", never as compliant or breached: the deadline-sensitivity table shows what a
  chosen number of hours would mean.

Two estimates of the share compliant
------------------------------------
``share_compliant`` is compliant / (compliant + breached), with a Wilson 95% interval: it uses
*determined* cases only, so it leaves out complaints still open before their deadline (recent
reports), which can bias it when recent complaints differ. ``km_share`` is the Kaplan-Meier estimate of
the share with the event within the deadline, using every complaint in scope with censoring: the
estimator to quote. Deadlines differ between complaints under tiered rules, so the estimate is taken
on time as a fraction of each complaint's own deadline, evaluated at 1 (identical to evaluating at
the deadline when it is the same for all).

The Kaplan-Meier estimate is :func:`analysis.measures.survival.share_within`, the same
implementation (and the same at-risk and interval conventions) as the response-time measures: see
that module for the conventions and why it is numpy rather than lifelines.

Which complaints a rule can be scored on, and from when, is also a matter of dates: a complaint made
before the rule's ``applies_from`` was under no such duty (:mod:`analysis.rules.timing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.measures.intervals import wilson
from analysis.measures.response_times import ALL_GROUPS, group_codes
from analysis.measures.survival import share_within
from analysis.rules.catalogue import Rule

#: Hours of the deadline-sensitivity table: 1 hour to 30 days.
SENSITIVITY_HOURS: tuple[float, ...] = (1, 2, 6, 12, 24, 48, 72, 168, 336, 720)
#: The time and event-flag columns of ``complaint_times`` that each kind of event is scored on.
EVENT_COLUMNS: dict[str, tuple[str, str]] = {
    "removal": ("hours_to_removal", "removed"),
    "review": ("hours_to_response", "responded"),
    "response": ("hours_to_response", "responded"),
}
#: Who may start each kind of clock, by ``reported_by``; None: any report.
CLOCK_REPORTERS: dict[str, frozenset[str] | None] = {
    "complainant notice": None,
    "school or union notice": frozenset({"school", "organisation"}),
    "trusted flagger": frozenset({"organisation"}),
    "regulator order": None,
}
SCORED, NO_DEADLINE, NOT_IN_LOG = "scored", "no fixed deadline", "clock not in log"


def evaluation(rule: Rule) -> str:
    """How a rule can be applied to a log: "scored", "no fixed deadline" or "clock not in log"."""
    if not rule.fixed_deadline:
        return NO_DEADLINE
    return SCORED if rule.clock_in_log else NOT_IN_LOG


class _Coded:
    """The columns rules read, factorised once so that scoring twenty rules costs little more
    than scoring one: a million complaints hold only a few hundred distinct category sets, and a
    rule's deadline depends on nothing else than the set and who reported (``combo`` numbers
    each row's pair). ``order`` permutes the rows (to group them by platform once, not per rule)."""

    def __init__(self, times: pd.DataFrame, order: np.ndarray | None = None) -> None:
        take = slice(None) if order is None else order
        codes, combos = pd.factorize(times["categories"])
        self.category_codes = codes[take]
        self.category_sets = [frozenset(str(c).split(";")) for c in combos]
        codes, self.reporters = pd.factorize(times["reported_by"])
        self.reporter_codes = codes[take]
        # pair number: (category code + 1) * (reporters + 1) + reporter code + 1; code -1 -> slot 0
        self.combo = (self.category_codes + 1) * (len(self.reporters) + 1) + self.reporter_codes + 1
        self.columns = {
            col: times[col].to_numpy(dtype=dtype)[take]
            for time_col, event_col in EVENT_COLUMNS.values()
            for col, dtype in ((time_col, float), (event_col, bool))
        }

    def deadline_table(self, rule: Rule) -> np.ndarray:
        """The deadline in hours per ``combo``: NaN out of scope, inf when the rule fixes no hours."""
        covered = set(rule.categories)
        per_set = np.full(len(self.category_sets) + 1, np.nan)  # slot 0: code -1, no categories
        for i, categories in enumerate(self.category_sets):
            if covered & categories:
                per_set[i + 1] = rule.deadline_for(categories) if rule.fixed_deadline else np.inf
        allowed = CLOCK_REPORTERS[rule.clock_starts]
        # Slot 0 is reporter code -1 (not recorded): it starts only a clock anyone can start.
        may_start = np.array(
            [allowed is None, *(allowed is None or r in allowed for r in self.reporters)],
            dtype=bool,
        )
        return np.where(may_start[None, :], per_set[:, None], np.nan).ravel()

    def deadlines(self, rule: Rule) -> np.ndarray:
        """Each complaint's deadline in hours: NaN out of scope, inf when the rule fixes no hours."""
        return self.deadline_table(rule)[self.combo]


def in_scope(times: pd.DataFrame, rule: Rule) -> np.ndarray:
    """Which complaints (rows of ``times``) are in the rule's scope: a covered category, and a
    reporter who may start its clock. The same test the compliance tally and the timing counts use."""
    return ~np.isnan(_Coded(times).deadlines(rule))


#: The shares (with their interval bounds) of :func:`compliance_table`, all floats.
SHARE_COLUMNS: tuple[str, ...] = (
    "share_compliant",
    "share_lower",
    "share_upper",
    "km_share",
    "km_lower",
    "km_upper",
)

#: Columns of :func:`compliance_table` after the rule id and the group column.
TABLE_COLUMNS: tuple[str, ...] = (
    "evaluation",
    "event",
    "clock_starts",
    "deadline_hours",
    "tiers",
    "target_share",
    "derived_deadline",
    "deadline_words",
    "in_scope",
    "compliant",
    "breached",
    "undetermined",
    *SHARE_COLUMNS,
    "km_estimable",
    "target_met",
)

#: Status codes while scoring (strings only in the per-complaint output).
STATUSES: tuple[str, ...] = ("compliant", "breached", "undetermined")


def _score(coded: _Coded, rule: Rule) -> dict[str, np.ndarray]:
    """Rows in scope (positions, ascending) and, for them, deadline, hours, event flag and status
    code (index into :data:`STATUSES`; -1 when the rule is not scored)."""
    table = coded.deadline_table(rule)
    scope = np.flatnonzero(~np.isnan(table)[coded.combo])
    time_col, event_col = EVENT_COLUMNS[rule.event]
    hours = coded.columns[time_col][scope]
    happened = coded.columns[event_col][scope]
    deadline = table[coded.combo[scope]]
    if evaluation(rule) == SCORED:
        status = np.where(hours > deadline, 1, np.where(happened, 0, 2)).astype(np.int8)
    else:
        status = np.full(len(hours), -1, dtype=np.int8)
        deadline = np.full(len(hours), np.nan)
    return {
        "scope": scope,
        "deadline": deadline,
        "hours": hours,
        "happened": happened,
        "status": status,
    }


def complaint_compliance(times: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """One row per complaint in the rule's scope, with its deadline, time, and status.

    Columns: complaint_id, platform, categories, reported_by, rule_id, deadline_hours, hours (to the
    rule's event, or to the extract date when it has not happened), happened, status (compliant,
    breached, undetermined; or the rule's evaluation when it is not scored).
    """
    scored = _score(_Coded(times), rule)
    names = np.array([*STATUSES, evaluation(rule)], dtype=object)  # code -1 -> last
    in_scope = times[["complaint_id", "platform", "categories", "reported_by"]].iloc[
        scored["scope"]
    ]
    return in_scope.assign(
        rule_id=rule.id,
        deadline_hours=scored["deadline"],
        hours=scored["hours"],
        happened=scored["happened"],
        status=names[scored["status"]],
    ).reset_index(drop=True)


def _group_codes(times: pd.DataFrame, by: str | None) -> tuple[np.ndarray, list[str]]:
    """Group code per complaint (-1: no value) and the labels, platforms in the contract's order."""
    if by is None:
        return np.zeros(len(times), dtype=np.int64), []
    codes, labels = group_codes(times[by])
    return codes, [str(label) for label in labels]


def _split(sorted_codes: np.ndarray, labels: list[str], pooled: bool, by: str | None):
    """(label, slice) per group of rows already sorted by group code, plus the pooled group."""
    whole = slice(0, len(sorted_codes))
    if by is None:
        return [(ALL_GROUPS, whole)]
    bounds = np.searchsorted(sorted_codes, np.arange(len(labels) + 1))
    parts = [(label, slice(bounds[i], bounds[i + 1])) for i, label in enumerate(labels)]
    return [*parts, (ALL_GROUPS, whole)] if pooled else parts


def _target_met(target: float | None, lower: float, upper: float) -> str | None:
    """For rules judged on a share of notices: "met" / "not met" when the 95% interval is wholly on
    one side of the target, "uncertain" when it straddles it (or cannot be estimated)."""
    if target is None:
        return None
    if lower >= target:
        return "met"
    if upper < target:
        return "not met"
    return "uncertain"


def compliance_table(
    times: pd.DataFrame,
    rules: Iterable[Rule],
    by: str | None = "platform",
    pooled: bool = True,
) -> pd.DataFrame:
    """For each rule and each value of ``by`` (plus "All platforms" when ``pooled``): the tally.

    Tidy columns: rule_id, <by>, evaluation, event, clock_starts, deadline_hours, tiers,
    derived_deadline, deadline_words, in_scope, compliant, breached, undetermined,
    share_compliant, share_lower, share_upper (Wilson 95%, of determined cases only), km_share,
    km_lower, km_upper (Kaplan-Meier share with the event within the deadline, 95% CI, all cases
    in scope with censoring), km_estimable, target_share and target_met (rules met in aggregate,
    the EU codes: "met", "not met" or "uncertain" from the Kaplan-Meier interval). Rules that are not scored have counts and shares
    missing (NA), never zero. ``by=None`` gives one row per rule. Every group present in the log
    gets a row for every rule, with in_scope 0 where nothing applies.
    """
    row_groups, labels = _group_codes(times, by)
    order = np.argsort(row_groups, kind="stable")
    coded, row_groups = _Coded(times, order), row_groups[order]
    rows = []
    for rule in rules:
        scored = _score(coded, rule)
        how = evaluation(rule)
        codes = row_groups[scored["scope"]]
        ratio = scored["hours"] / scored["deadline"]
        for label, index in _split(codes, labels, pooled, by):
            status = scored["status"][index]
            row = {
                "rule_id": rule.id,
                **({} if by is None else {by: label}),
                "evaluation": how,
                "event": rule.event,
                "clock_starts": rule.clock_starts,
                "deadline_hours": rule.deadline_hours,
                "tiers": rule.tiers,
                "target_share": rule.target_share,
                "derived_deadline": rule.derived_deadline,
                "deadline_words": rule.deadline_words,
                "in_scope": len(status),
            }
            if how == SCORED:
                ok, bad, open_ = np.bincount(status, minlength=3)[:3].tolist()
                share_lo, share_hi = wilson(ok, ok + bad)
                km = share_within(ratio[index], scored["happened"][index], [1.0])
                row |= {
                    "compliant": ok,
                    "breached": bad,
                    "undetermined": open_,
                    "share_compliant": ok / (ok + bad) if ok + bad else np.nan,
                    "share_lower": share_lo,
                    "share_upper": share_hi,
                    "km_share": km.share[0],
                    "km_lower": km.lower[0],
                    "km_upper": km.upper[0],
                    "km_estimable": bool(km.estimable[0]),
                    "target_met": _target_met(rule.target_share, km.lower[0], km.upper[0]),
                }
            rows.append(row)
    # Columns named: unscored rules give rows without counts, and no group gives no rows at all.
    table = pd.DataFrame(rows, columns=["rule_id", *([] if by is None else [by]), *TABLE_COLUMNS])
    for col in STATUSES:
        table[col] = table[col].astype("Int64")
    for col in SHARE_COLUMNS:
        table[col] = table[col].astype(float)
    table["km_estimable"] = table["km_estimable"].astype("boolean")
    table["target_met"] = table["target_met"].astype(object)
    return table


def deadline_sensitivity(
    times: pd.DataFrame,
    hours: Sequence[float] = SENSITIVITY_HOURS,
    event: str = "removal",
    by: str | None = "platform",
    pooled: bool = True,
    rule: Rule | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier share with the event within each deadline, from 1 hour to 30 days.

    What a rule with "no fixed deadline" would mean if a number of hours were chosen. With ``rule``,
    only complaints in that rule's scope (categories and clock) count, and its event is used.
    Columns: <by>, deadline_hours, complaints, at_risk (still waiting just before that many hours:
    time >= t, the survival table's convention), share_within, lower, upper (95% CI), estimable.
    """
    if rule is not None:
        event = rule.event
        times = times[in_scope(times, rule)]
    if event not in EVENT_COLUMNS:
        raise ValueError(f"event must be one of {sorted(EVENT_COLUMNS)}, not {event!r}")
    time_col, event_col = EVENT_COLUMNS[event]
    durations = times[time_col].to_numpy(dtype=float)
    happened = times[event_col].to_numpy(dtype=bool)
    codes, labels = _group_codes(times, by)
    order = np.argsort(codes, kind="stable")
    codes, durations, happened = codes[order], durations[order], happened[order]
    hours = np.asarray(hours, dtype=float)
    frames = []
    for label, index in _split(codes, labels, pooled, by):
        d, e = durations[index], happened[index]
        km = share_within(d, e, hours)
        frames.append(
            pd.DataFrame(
                {
                    **({} if by is None else {by: label}),
                    "deadline_hours": hours,
                    "complaints": len(d),
                    "at_risk": km.at_risk,
                    "share_within": km.share,
                    "lower": km.lower,
                    "upper": km.upper,
                    "estimable": km.estimable,
                }
            )
        )
    if not frames:  # no group, nothing pooled: an empty table, not an error
        columns = ["deadline_hours", "complaints", "at_risk", "share_within", "lower", "upper"]
        return pd.DataFrame(columns=[*([] if by is None else [by]), *columns, "estimable"])
    return pd.concat(frames, ignore_index=True)
