"""Which proposed option to recommend, chosen from the compliance results by a stated criterion.

A submission needs a preferred option, and the reason it is preferred must be one a reader can check
against the numbers, not an artefact of how the options happen to be sorted. The criterion:

**Reach per unit of burden.** For each proposed option, its *reach* is the number of complaints on
record in the option's scope that were not dealt with within the option's deadline (removed late, or
still up when the deadline had passed): the complaints the option would have required platforms to
deal with sooner, had it applied and been complied with. An option that fixes no hours (the status
quo), or whose clock the log cannot start, reaches none. Reach is divided by the option's *burden*,
a judgement from 1 (least) to 5 (most) of the load on platforms and the regulator, stated with its
reason in the option's file (``option.burden``). The option with the highest reach per unit of burden
is preferred; ratios are compared exactly (as fractions), so a tie is a tie.

**Tie-break, never alphabetical.** Among options with the same score: first the *narrower legal
change* (``option.legal_change``: 0 none, 1 codes or secondary legislation, 2 amending an existing
duty in an Act, 3 a new statutory scheme or power), then the *lower burden*. If options are still
tied, none is preferred: the choice is left to the minister, and ``tied`` names them.

What the criterion does not weigh: how severe each complaint was, whether each post was unlawful,
and whether platforms would have behaved differently under a duty (the complaints may predate every
option, see :mod:`analysis.rules.timing`). The briefing says so beside the recommendation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from analysis.measures.response_times import ALL_GROUPS
from analysis.rules.catalogue import Rule
from analysis.rules.compliance import SCORED

#: The criterion and tie-break in one sentence each, for a briefing to quote.
CRITERION = (
    "Preferred option: the one that would have required platforms to deal sooner with the most "
    "complaints on record (in its scope, not dealt with within its deadline) per unit of burden on "
    "platforms and the regulator."
)
TIE_BREAK = (
    "On a tie, the option needing the narrower change in the law is preferred, then the one with "
    "the lower burden; if still tied, no option is preferred and the choice is the minister's."
)

#: Columns of :attr:`Preference.table`, one row per option, best first.
OPTION_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "title",
    "owner_department",
    "also_involved",
    "evaluation",
    "in_scope",
    "reach",
    "burden",
    "legal_change",
    "score",
    "rank",
)


@dataclass(frozen=True)
class Preference:
    """The preferred option, or None and the options tied for it when the tie-break does not
    separate them; and the table of every option, best first."""

    preferred: str | None
    tied: tuple[str, ...]
    table: pd.DataFrame
    criterion: str = CRITERION
    tie_break: str = TIE_BREAK


def _pooled(compliance: pd.DataFrame) -> pd.DataFrame:
    """One row per rule: the pooled rows of a per-platform table, or a ``by=None`` table as is."""
    if "platform" in compliance.columns:
        compliance = compliance[compliance["platform"] == ALL_GROUPS]
    return compliance.set_index("rule_id")


def choose_preferred(compliance: pd.DataFrame, rules: Iterable[Rule]) -> Preference:
    """Apply the criterion to the proposed options among ``rules``.

    ``compliance`` is :func:`analysis.rules.compliance.compliance_table` output (per platform with
    its pooled rows, or ``by=None``). Options absent from it count as reaching nothing.
    """
    options = [r for r in rules if r.option is not None]
    if not options:
        raise ValueError("no proposed options among the rules: nothing to prefer")
    pooled = _pooled(compliance)
    scored = []
    for rule in options:
        row = pooled.loc[rule.id] if rule.id in pooled.index else None
        applies = row is not None and row["evaluation"] == SCORED
        reach = int(row["breached"]) if applies else 0
        facts = rule.option
        scored.append(
            {
                "rule_id": rule.id,
                "title": rule.title,
                "owner_department": facts.owner_department,
                "also_involved": "; ".join(facts.also_involved),
                "evaluation": None if row is None else row["evaluation"],
                "in_scope": 0 if row is None else int(row["in_scope"]),
                "reach": reach,
                "burden": facts.burden,
                "legal_change": facts.legal_change,
                "score": Fraction(reach, facts.burden),
            }
        )
    # Best first: highest score, then narrower legal change, then lower burden.
    scored.sort(key=lambda o: (-o["score"], o["legal_change"], o["burden"]))
    key = [(o["score"], o["legal_change"], o["burden"]) for o in scored]
    rank, ranks = 0, []
    for i, k in enumerate(key):
        rank = rank if i and k == key[i - 1] else i + 1
        ranks.append(rank)
    for option, r in zip(scored, ranks, strict=True):
        option["rank"] = r
    top = tuple(o["rule_id"] for o in scored if o["rank"] == 1)
    table = pd.DataFrame(scored, columns=list(OPTION_COLUMNS))
    table["score"] = table["score"].astype(float)
    if len(top) == 1:
        return Preference(preferred=top[0], tied=(), table=table)
    return Preference(preferred=None, tied=top, table=table)
