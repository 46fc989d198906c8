"""When the complaints were made, set against when each rule applied.

A compliance figure applies a rule to what platforms did with the complaints on record. When the
complaints predate the rule (a log of 2021-22 against a duty enforceable from March 2025), the figure
shows what the same platform behaviour would mean under the rule, not the rule's effect: platforms
were under no such duty and might have acted differently had they been. A briefing must say so
plainly, with the numbers; this module counts them, per rule, on the complaints in the rule's scope.

A rule that never applied (struck down, enacted but not commenced, a proposed option) has no
``applies_from``: every complaint in its scope predates it, and ``never_applied`` says why.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.rules.catalogue import Rule
from analysis.rules.compliance import in_scope

#: Columns of :func:`complaints_against_rule_dates`.
TIMING_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "status",
    "applies_from",
    "applies_until",
    "never_applied",
    "in_scope",
    "before_rule",
    "while_rule_applied",
    "after_rule",
    "first_report",
    "last_report",
)


def complaints_against_rule_dates(times: pd.DataFrame, rules: Iterable[Rule]) -> pd.DataFrame:
    """For each rule, how many complaints in its scope were reported before, while and after it
    applied.

    ``times`` is :func:`analysis.measures.response_times.complaint_times` output (its
    ``reported_at``, UK local time, is when the clock would have started). A complaint reported on
    the day a rule applies from counts as under the rule; one reported on its ``applies_until`` day
    counts as after it. Columns :data:`TIMING_COLUMNS`: before_rule + while_rule_applied +
    after_rule = in_scope; first_report and last_report span the complaints in scope (NaT when
    there are none).
    """
    reported = pd.to_datetime(times["reported_at"]).to_numpy(dtype="datetime64[ns]")
    rows = []
    for rule in rules:
        when = reported[in_scope(times, rule)]
        start = _day(rule.applies_from)
        end = _day(rule.applies_until)
        before = np.ones(len(when), dtype=bool) if start is None else when < start
        after = np.zeros(len(when), dtype=bool) if end is None else when >= end
        rows.append(
            {
                "rule_id": rule.id,
                "status": rule.status,
                "applies_from": rule.applies_from,
                "applies_until": rule.applies_until,
                "never_applied": rule.applies_from is None,
                "in_scope": len(when),
                "before_rule": int(before.sum()),
                "while_rule_applied": int((~before & ~after).sum()),
                "after_rule": int((~before & after).sum()),
                "first_report": pd.Timestamp(when.min()) if len(when) else pd.NaT,
                "last_report": pd.Timestamp(when.max()) if len(when) else pd.NaT,
            }
        )
    return pd.DataFrame(rows, columns=list(TIMING_COLUMNS))


def _day(value) -> np.datetime64 | None:
    """Midnight at the start of a date, comparable with the log's naive local times."""
    return None if value is None else np.datetime64(pd.Timestamp(value), "ns")
