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
from analysis.publish.disclosure import TOTAL, PublishedTable, footnote, publish_table
from analysis.publish.tables import (
    NOT_REACHED,
    HtmlTable,
    fmt_count,
    fmt_hours,
    fmt_pct,
    fmt_share_ci,
    published_html,
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


#: Outcome columns of a rule's count table, the headline key of each, and the words for it.
OUTCOMES: dict[str, tuple[str, str]] = {
    "Compliant": ("compliant", "met the deadline"),
    "Breached": ("breached", "breached the deadline"),
    "Undetermined": ("undetermined", "could not yet be judged at the extract date"),
}
#: The row that pools platforms with fewer complaints in scope than the threshold.
OTHER_PLATFORMS = "Other platforms (combined)"


def rule_counts(headline: Mapping, rule_id: str, threshold: int) -> PublishedTable | None:
    """Compliant, breached and undetermined by platform for one scored rule, disclosure-controlled.

    Every figure a briefing gives for the rule (table, prose, summary) is read from this one
    table, because the figures add up: in scope = compliant + breached + undetermined, and the
    platforms add up to the total. Published separately, each could be safe and together give a
    suppressed count away (578 in scope, 112 met, 465 breached: the "fewer than 10" is 1).
    Platforms with fewer than ``threshold`` complaints in scope are pooled into one
    "Other platforms (combined)" row rather than dropped, so that the table's total is the total
    the prose gives (dropping them let the difference name a platform's one complaint); that row
    goes through disclosure control like any other. None when the rule was not scored.
    """
    rows = [
        r
        for r in rule_rows(headline, rule_id)
        if r["platform"] != ALL_GROUPS and r["evaluation"] == SCORED
    ]
    if not rows:
        return None
    keys = [key for key, _ in OUTCOMES.values()]
    shown = [r for r in rows if r["in_scope"] >= threshold]
    pooled = [r for r in rows if 0 < r["in_scope"] < threshold]
    data = [[int(r[k]) for k in keys] for r in shown]
    index = [r["platform"] for r in shown]
    if pooled or not data:
        data.append([sum(int(r[k]) for r in pooled) for k in keys])
        index.append(OTHER_PLATFORMS)
    counts = pd.DataFrame(data, index=pd.Index(index, name="Platform"), columns=list(OUTCOMES))
    return publish_table(counts, threshold=threshold)


def _total_key(table: PublishedTable) -> object:
    """The row holding the totals (a table of one platform has no Total row: it is the total)."""
    return TOTAL if TOTAL in table.frame.index else table.frame.index[0]


def published_total(table: PublishedTable, column: str) -> str:
    """The total of ``column`` (or of all, ``TOTAL``) as the table prints it: a number or [c]."""
    return str(table.frame.loc[_total_key(table), column])


def _figure(table: PublishedTable, column: str, threshold: int) -> str | None:
    """A total for prose: the published number, "fewer than 10" for a count suppressed because it
    is small, or None for one suppressed only to protect another (it must not be given at all)."""
    key = _total_key(table)
    if not table.suppressed.loc[key, column]:
        return str(table.frame.loc[key, column])
    return f"fewer than {threshold}" if table.primary.loc[key, column] else None


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def outcome_words(table: PublishedTable, threshold: int) -> str:
    """The all-platforms outcome of a rule in words, giving only what ``table`` publishes.

    A count suppressed as a complement gets no figure of its own: it is "the rest", which a
    reader could already work out as the total minus the others, and no more.
    """
    total = _figure(table, TOTAL, threshold)
    said, rest = [], []
    for column, (_, words) in OUTCOMES.items():
        figure = _figure(table, column, threshold)
        if figure is None:
            rest.append(words)
        else:
            said.append(f"{figure} {words}")
    if rest:
        said.append("the rest " + " or ".join(rest))
    head = f"Of {total} complaints in scope, " if total is not None else "Of those in scope, "
    return head + _and(said) + "."


def _outcome_sentence(
    total: Mapping | None, rule: Rule, threshold: int, table: PublishedTable | None
) -> str:
    if total is None:
        return "Not compared on this selection."
    if total["evaluation"] == NO_DEADLINE:
        return (
            f"This rule fixes no hours (&ldquo;{html.escape(rule.deadline_words)}&rdquo;), so the "
            f"{fmt_small(total['in_scope'], threshold)} complaints in its scope cannot be scored "
            "as compliant or not; the deadline table shows what a chosen number of hours would mean."
        )
    if total["evaluation"] == NOT_IN_LOG or table is None:
        return (
            "Its clock starts on a regulator's order, which a complaint log does not record, and "
            "no deadline from the report has been derived: not scored."
        )
    text = outcome_words(table, threshold)
    if total.get("km_share") is not None and total["in_scope"] >= threshold:
        share = {k: total[f"km_{k}"] for k in ("share", "lower", "upper")}
        text += f" Share within the deadline: {fmt_share_ci(share)}."
    return text


def option_blocks(
    headline: Mapping, rules: Sequence[Rule], threshold: int, source: str
) -> list[str]:
    """One HTML block per rule: what it is, legal basis and status, results by platform, for and against.

    The by-platform tally and the sentence above it come from one disclosure-controlled table
    (:func:`rule_counts`), so neither gives away a count the other hides.
    """
    esc = html.escape
    blocks = []
    for rule in rules:
        total = rule_total(headline, rule.id)
        table = rule_counts(headline, rule.id, threshold)
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
            f"{_outcome_sentence(total, rule, threshold, table)}</p>"
        )
        if table is not None:
            notes = (
                [f"{OTHER_PLATFORMS}: platforms with fewer than {threshold} complaints in scope."]
                if OTHER_PLATFORMS in table.frame.index
                else []
            )
            parts.append(
                published_html(table, f"{rule.id}: complaints by platform", source, notes).html
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


def key_option_sentence(headline: Mapping, rules: Sequence[Rule], threshold: int) -> str | None:
    """The summary's bullet on the key option (:func:`key_option`), from its published table."""
    best = key_option(headline, rules, threshold)
    if best is None:
        return None
    table = rule_counts(headline, best["rule_id"], threshold)
    lead = f"Had platforms been required to {best['deadline_words']}"
    n, breached, waiting = (
        _figure(table, c, threshold) for c in (TOTAL, "Breached", "Undetermined")
    )
    if None in (n, breached, waiting):
        words = outcome_words(table, threshold)
        return f"{lead}: {words[0].lower()}{words[1:]}"
    return (
        f"{lead}, {breached} of {n} complaints in scope would have breached the deadline "
        f"({waiting} could not yet be judged)."
    )


def options_table(
    headline: Mapping, rules: Sequence[Rule], threshold: int, source: str
) -> HtmlTable:
    """One row per rule: status, deadline, complaints in scope, breached, share within the deadline.

    Scopes overlap between rules, so there is no total row. A scored rule's counts are those its
    disclosure-controlled table (:func:`rule_counts`) publishes, so the union's briefing and the
    minister's give the same figures and the same [c]; an unscored rule's count stands alone.
    """

    def count(n: int | None) -> str:
        return "[x]" if n is None else ("[c]" if 0 < n < threshold else fmt_count(n))

    rows = []
    for rule in rules:
        total = rule_total(headline, rule.id) or {}
        scored = total.get("evaluation") == SCORED
        table = rule_counts(headline, rule.id, threshold) if scored else None
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
                published_total(table, TOTAL) if table else count(total.get("in_scope")),
                published_total(table, "Breached") if table else "[z]",
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
