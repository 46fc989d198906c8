"""Words built from the headline: chart titles that state the finding, rankings, ratings.

Notebooks keep their prose; what needs a decision on the figures (which platform was slowest, is
a group big enough to be named, which words a RAG rating gets) lives here so that both briefings
and the analysis notebooks decide it the same way, and so that it is tested. Every number comes
from :func:`analysis.results.headline`'s dict; nothing here computes a statistic.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.measures.response_times import ALL_GROUPS
from analysis.publish.disclosure import footnote
from analysis.publish.tables import (
    NOT_REACHED,
    HtmlTable,
    counts_html,
    fmt_count,
    fmt_hours,
    fmt_pct,
    fmt_share_ci,
    table_html,
)
from analysis.rules.catalogue import Rule, load_rules
from analysis.rules.compliance import NO_DEADLINE, NOT_IN_LOG, SCORED

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


def fmt_small(n: int | None, threshold: int) -> str:
    """A count for prose under disclosure control: "fewer than 10" below the threshold."""
    if n is None:
        return "[x]"
    return f"fewer than {threshold}" if 0 < n < threshold else fmt_count(n)


_CLOCK_NOTES: dict[str, tuple[str, str]] = {
    "complainant notice": (
        "covers every complaint reported to the platform, whoever reported it",
        "platforms must act on every notice, including unfounded ones",
    ),
    "school or union notice": (
        "notices come from bodies that vet complaints first",
        "a member who reports alone, without the school or union, is not covered",
    ),
    "trusted flagger": (
        "a small number of expert reporters, whose notices platforms can prioritise",
        "covers only complaints the union or helpline itself reports",
    ),
    "regulator order": (
        "a regulator filters complaints before the clock starts",
        "content stays up while the regulator acts; the log cannot show when an order would come",
    ),
}


def pros_cons(rule: Rule) -> tuple[list[str], list[str]]:
    """Points for and against a rule that follow from its design (clock, deadline, tiers, status)."""
    pros, cons = [], []
    pro, con = _CLOCK_NOTES[rule.clock_starts]
    pros.append(pro)
    cons.append(con)
    if rule.deadline_hours is None:
        pros.append("flexible for platforms: no fixed clock")
        cons.append("no fixed hours, so compliance cannot be measured or enforced against a number")
    elif rule.deadline_hours <= 24:
        cons.append(
            "a short fixed deadline invites removal without assessment (one reason France's "
            "2020 law was struck down)"
        )
    if rule.category_deadlines:
        pros.append("fastest for the most harmful kinds of abuse")
        cons.append("two clocks are harder for schools and platforms to apply")
    if rule.event == "review":
        cons.append("measures review, not removal: met by a platform that leaves every post up")
    if rule.derived_deadline:
        cons.append(f"its hours from the report are derived, not statutory: {rule.derivation}")
    return pros, cons


def _outcome_sentence(total: Mapping | None, rule: Rule, threshold: int) -> str:
    if total is None:
        return "Not compared on this selection."
    if total["evaluation"] == NO_DEADLINE:
        return (
            f"This rule fixes no hours (&ldquo;{html.escape(rule.deadline_words)}&rdquo;), so the "
            f"{fmt_small(total['in_scope'], threshold)} complaints in its scope cannot be scored "
            "as compliant or not; the deadline table shows what a chosen number of hours would mean."
        )
    if total["evaluation"] == NOT_IN_LOG:
        return (
            "Its clock starts on a regulator's order, which a complaint log does not record, and "
            "no deadline from the report has been derived: not scored."
        )
    text = (
        f"Of {fmt_small(total['in_scope'], threshold)} complaints in scope, "
        f"{fmt_small(total['compliant'], threshold)} met the deadline, "
        f"{fmt_small(total['breached'], threshold)} breached it and "
        f"{fmt_small(total['undetermined'], threshold)} could not yet be judged at the extract date."
    )
    if total.get("km_share") is not None and total["in_scope"] >= threshold:
        share = {k: total[f"km_{k}"] for k in ("share", "lower", "upper")}
        text += f" Share within the deadline: {fmt_share_ci(share)}."
    return text


def option_blocks(
    headline: Mapping, rules: Sequence[Rule], threshold: int, source: str
) -> list[str]:
    """One HTML block per rule: what it is, legal basis and status, results by platform, for and against.

    The by-platform tally is a count table, so it goes through disclosure control.
    """
    esc = html.escape
    blocks = []
    for rule in rules:
        total = rule_total(headline, rule.id)
        parts = [
            f'<div class="option"><h3>{esc(rule.title)}</h3>',
            f"<p><strong>Legal basis:</strong> {esc(rule.instrument)}, {esc(rule.provision)}. "
            f"Citation: {esc(rule.source.citation)}.<br><strong>Status:</strong> "
            f"{esc(rule.status)}: {esc(rule.status_dates)}<br><strong>Deadline:</strong> "
            f"{esc(rule.deadline_words)}"
            + (f" (derived: {esc(rule.derivation)})" if rule.derived_deadline else "")
            + "</p>",
        ]
        if rule.rationale:
            parts.append(f"<p>{esc(rule.rationale)}</p>")
        parts.append(
            f"<p><strong>On the complaints on record:</strong> "
            f"{_outcome_sentence(total, rule, threshold)}</p>"
        )
        # Platforms with few complaints in scope would be rows of [c]: leave them out (the
        # table's total is then the total of the platforms shown, never of those left out).
        rows = [
            r
            for r in rule_rows(headline, rule.id)
            if r["platform"] != ALL_GROUPS
            and r["in_scope"] >= threshold
            and r["evaluation"] == SCORED
        ]
        if rows:
            counts = pd.DataFrame(
                {
                    "Compliant": [int(r["compliant"]) for r in rows],
                    "Breached": [int(r["breached"]) for r in rows],
                    "Undetermined": [int(r["undetermined"]) for r in rows],
                },
                index=pd.Index([r["platform"] for r in rows], name="Platform"),
            )
            parts.append(
                counts_html(counts, f"{rule.id}: complaints by platform", source, threshold).html
            )
        pros, cons = pros_cons(rule)
        parts.append(
            "<p><strong>For:</strong> " + "; ".join(map(esc, pros)) + ".<br>"
            "<strong>Against:</strong> " + "; ".join(map(esc, cons)) + ".</p></div>"
        )
        blocks.append("".join(parts))
    return blocks


def all_rules() -> list[Rule]:
    """Every rule in the catalogue (for citing one that was not among those compared)."""
    return load_rules()


def key_option(headline: Mapping, rules: Sequence[Rule], threshold: int) -> dict | None:
    """The proposed option to quote in a summary: scored, with the most complaints in scope.

    Returns its "All platforms" compliance row (which carries ``deadline_words``), or None when no
    proposed option among ``rules`` could be scored on at least ``threshold`` complaints.
    """
    best = None
    for rule in rules:
        total = rule_total(headline, rule.id)
        if (
            rule.status == "proposed option"
            and total
            and total["evaluation"] == SCORED
            and total["in_scope"] >= threshold
            and (best is None or total["in_scope"] > best["in_scope"])
        ):
            best = total
    return best


def options_table(
    headline: Mapping, rules: Sequence[Rule], threshold: int, source: str
) -> HtmlTable:
    """One row per rule: status, deadline, complaints in scope, breached, share within the deadline.

    Scopes overlap between rules, so there is no total row; each count below the threshold is
    suppressed on its own ([c]) and no other shown figure adds up to it.
    """

    def count(n: int | None) -> str:
        return "[x]" if n is None else ("[c]" if 0 < n < threshold else fmt_count(n))

    rows = []
    for rule in rules:
        total = rule_total(headline, rule.id) or {}
        scored = total.get("evaluation") == SCORED
        share = (
            fmt_share_ci({k: total.get(f"km_{k}") for k in ("share", "lower", "upper")})
            if scored and total.get("in_scope", 0) >= threshold
            else "[z]"
            if not scored
            else "[c]"
        )
        rows.append(
            [
                rule.title,
                rule.status,
                rule.deadline_words,
                count(total.get("in_scope")),
                count(total.get("breached")) if scored else "[z]",
                share,
            ]
        )
    frame = pd.DataFrame(
        rows,
        index=pd.Index([r.id for r in rules]),
        columns=["Rule", "Status", "Deadline", "In scope", "Breached", "Share within deadline"],
    )
    symbols = [s for s in ("[c]", "[x]", "[z]") if (frame == s).any().any()]
    notes = [
        "Scores count complaints on record in each rule's scope; [z] for rules that fix no hours "
        "or whose clock the log does not record (not scored).",
        footnote(threshold, symbols=symbols) if symbols else "",
        source,
    ]
    return table_html(frame, "What each option would have meant", notes, index_name="Id")


#: The assumptions log: (assumption, quality, impact); quality of a synthetic log is always Red.
ASSUMPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "The log records accurately when each complaint was reported to the platform, and when "
        "the platform first answered and removed the content.",
        "A",
        "R",
    ),
    (
        "A complaint unanswered at the extract date would be answered no sooner or later than "
        "others watched as long (censoring unrelated to the outcome).",
        "A",
        "A",
    ),
    ("Taking the content down counts as an answer to the complaint.", "G", "G"),
    (
        "Who reported the post (member, school, union) is recorded correctly: it decides which "
        "rules' clocks start.",
        "A",
        "A",
    ),
    (
        "A regulator's order would have come as soon as the law allows (derived deadlines).",
        "R",
        "A",
    ),
    (
        "The two organisations' logs are independent samples of one closed population of "
        "incidents (capture-recapture).",
        "A",
        "A",
    ),
    (
        "The same post carries the same content reference in both logs.",
        "A",
        "A",
    ),
    (
        "Each rule's legal scope maps onto the abuse categories as its catalogue file says.",
        "A",
        "G",
    ),
)


def assumptions_table(synthetic: bool) -> HtmlTable:
    """The assumptions log with Red/Amber/Green ratings for quality and for impact."""
    esc = html.escape
    rows = list(ASSUMPTIONS)
    if synthetic:
        rows.insert(
            0,
            (
                "The complaint log describes real complaints (it does not: it is synthetic).",
                "R",
                "R",
            ),
        )
    body = "".join(
        f"<tr><td>{esc(text)}</td><td>{rag(q)}</td><td>{rag(i)}</td></tr>" for text, q, i in rows
    )
    return HtmlTable(
        '<div class="table-block"><table class="published text"><caption>Assumptions log'
        '</caption><thead><tr><th scope="col">Assumption</th><th scope="col">Quality</th>'
        f'<th scope="col">Impact</th></tr></thead><tbody>{body}</tbody></table>'
        '<ul class="table-notes"><li>Quality: how good the evidence for the assumption is. '
        "Impact: how much the conclusions would change if it were wrong. Red, Amber, Green as "
        "written; colour only repeats the word.</li></ul></div>"
    )
