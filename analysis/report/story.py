"""Small pure helpers that pick and format the figures the briefing templates print.

The words live in ``templates/*.html.j2``; what needs a decision on the figures (which platform
was slowest, is a group big enough to be named, which counts of a rule's table may be said in
prose, what a chart title may claim) lives here, so that both briefings and the analysis
notebooks decide it the same way, and so that it is tested. Every number comes from the headline
results (:func:`analysis.results.headline`) or from the data a chart plots; nothing here
computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from markupsafe import Markup

from analysis.measures.response_times import ALL_GROUPS
from analysis.publish.disclosure import (
    CONFIDENTIAL,
    TOTAL,
    PublishedTable,
    footnote,
    symbols_used,
)
from analysis.publish.release import Release
from analysis.publish.tables import (
    NOT_REACHED,
    HtmlTable,
    fmt_count,
    fmt_hours,
    fmt_pct,
    published_html,
    table_html,
)
from analysis.rules.catalogue import Rule
from analysis.rules.compliance import SCORED

#: Key of the share answered within 7 days in the headline's ``within_*`` entries.
WEEK = "within_7d"
DAY = "within_24h"
#: Hours in the week a response chart's title reads its shares at.
WEEK_HOURS = 168.0


def plural(n: float | None, word: str, many: str | None = None) -> str:
    """ "1 hour", "3 hours", "1,200 complaints": the count written the GSS way, the noun agreeing."""
    return f"{fmt_count(n)} {word if n is not None and round(n) == 1 else many or word + 's'}"


def month_name(month: str) -> str:
    """ "2021-11" -> "November 2021"."""
    return pd.Timestamp(f"{month}-01").strftime("%B %Y")


RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green"}


def rag_word(rating: str) -> Markup:
    """HTML for a Red/Amber/Green rating: the word is always written, colour only reinforces it."""
    word = RAG_WORDS[rating]
    return Markup('<span class="rag rag-{}">{}</span>').format(word.lower(), word)


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
    """A title that states the finding, e.g. "TikTok answered 23% of complaints within a week;
    Facebook answered 81%" (slowest and fastest of the platforms ``among``, default all named)."""
    order = [r for r in ranked(headline, threshold) if among is None or r[0] in among]
    return _slowest_fastest(order)


def _slowest_fastest(order: Sequence[tuple[str, float]]) -> str:
    if not order:
        return "Too few complaints to compare platforms' response times"
    worst, best = order[-1], order[0]
    if len(order) == 1 or worst[0] == best[0]:
        return f"{best[0]} answered {fmt_pct(best[1])} of complaints within a week"
    return (
        f"{worst[0]} answered {fmt_pct(worst[1])} of complaints within a week; "
        f"{best[0]} answered {fmt_pct(best[1])}"
    )


def plotted_week_shares(plotted: pd.DataFrame, group: str = "platform") -> list[tuple[str, float]]:
    """(group, share answered at one week) read off a response chart's own data, best first.

    Only curves drawn as far as a week count: a curve cut short (too few still waiting) shows
    no value at a week, so its title and alt text must not claim one.
    """
    out = []
    for name, curve in plotted.groupby(group, sort=False):
        if curve["hours"].max() < WEEK_HOURS:
            continue
        upto = curve[curve["hours"] <= WEEK_HOURS].sort_values("hours")
        out.append((str(name), 0.0 if upto.empty else float(upto["share"].iloc[-1])))
    return sorted(out, key=lambda r: -r[1])


def response_chart_title(plotted: pd.DataFrame) -> str:
    """The response chart's title from the values the chart plots (see :func:`plotted_week_shares`)."""
    return _slowest_fastest(plotted_week_shares(plotted))


def response_chart_alt(plotted: pd.DataFrame) -> str:
    """Alt text of the response chart: what it shows and the values it shows at a week."""
    shares = plotted_week_shares(plotted)
    drawn = list(dict.fromkeys(plotted["platform"]))
    text = (
        "Line chart of the share of complaints answered by time since the report, one line per "
        f"platform ({', '.join(drawn)})."
    )
    if shares:
        text += " At one week: " + "; ".join(f"{n} {fmt_pct(s)}" for n, s in shares) + "."
    short = [n for n in drawn if n not in dict(shares)]
    if short:
        text += f" The line of {', '.join(short)} stops before a week (too few still waiting)."
    return text


def categories_title(bars: pd.DataFrame) -> str:
    """Title of the kinds-of-abuse chart from its published bars (never "in 0 complaints")."""
    shown = bars[bars["count"].notna() & (bars["count"] > 0)]
    if shown.empty:
        return "Too few complaints to compare kinds of abuse"
    top = shown.sort_values("count", ascending=False).iloc[0]
    return (
        f"{str(top['label']).capitalize()} was the commonest kind of abuse, "
        f"named in {plural(top['count'], 'complaint')}"
    )


def peak_title(bars: pd.DataFrame) -> str:
    """Title of the by-month chart from its published bars: the month with the most complaints."""
    shown = bars[bars["count"].notna() & (bars["count"] > 0)]
    if shown.empty:
        return "Too few complaints to show when they came"
    top = shown.sort_values("count", ascending=False, kind="stable").iloc[0]
    return f"Most complaints came in {top['label']}: {plural(top['count'], 'complaint')}"


def deadline_title(plotted: pd.DataFrame) -> str:
    """Title of the deadline-sensitivity chart from its plotted bars: the 24-hour bar, else the last."""
    plotted = plotted[plotted["share_within"].notna()]  # a bar that reads [c] has no share
    if plotted.empty:
        return "Too few reported posts followed long enough to show removal by deadline"
    day = plotted[plotted["deadline_hours"] == 24]
    row = day.iloc[0] if len(day) else plotted.iloc[-1]
    return (
        f"{fmt_pct(row['share_within'])} of reported posts came down within "
        f"{deadline_words(row['deadline_hours'])}"
    )


def deadline_words(hours: float) -> str:
    """24 -> "24 hours", 168 -> "7 days": the labels of the deadline chart."""
    return plural(hours / 24, "day") if hours >= 48 else plural(hours, "hour")


def removal_finding(headline: Mapping) -> str:
    """A chart title for time to removal: half were down within X, or more than half still up."""
    median = headline["platforms"][ALL_GROUPS]["removal"]["median_hours"]["estimate"]
    if median == NOT_REACHED:
        return "More than half of reported posts were still up at the extract date"
    return f"Half of reported posts were taken down within {fmt_hours(median)}"


def largest_platform(headline: Mapping) -> str:
    """The platform with the most complaints naming it."""
    rows = [(n, e["complaints"]) for n, e in headline["platforms"].items() if n != ALL_GROUPS]
    return max(rows, key=lambda r: r[1])[0]


def rule_rows(headline: Mapping, rule_id: str) -> list[dict]:
    """The headline's compliance rows for one rule (one per platform and "All platforms")."""
    return [r for r in headline["rules"] if r["rule_id"] == rule_id]


def rule_total(headline: Mapping, rule_id: str) -> dict | None:
    """The "All platforms" compliance row of one rule, or None if the rule was not compared."""
    rows = [r for r in rule_rows(headline, rule_id) if r["platform"] == ALL_GROUPS]
    return rows[0] if rows else None


def fmt_small(n: int | None, threshold: int) -> str:
    """A count for prose under disclosure control: "fewer than 10" below the threshold."""
    if n is None:
        return "[x]"
    return f"fewer than {threshold}" if 0 < n < threshold else fmt_count(n)


#: Outcome columns of a rule's count table, the headline key of each, and the words for it.
OUTCOMES: dict[str, tuple[str, str]] = {
    "Compliant": ("compliant", "met the deadline"),
    "Breached": ("breached", "breached the deadline"),
    "Undetermined": ("undetermined", "could not yet be judged at the extract date"),
}
#: The row that pools platforms with fewer complaints in scope than the threshold.
OTHER_PLATFORMS = "Other platforms (combined)"


def rule_counts(
    headline: Mapping, rule_id: str, threshold: int, release: Release | None = None
) -> PublishedTable | None:
    """Compliant, breached and undetermined by platform for one scored rule, disclosure-controlled.

    Every figure a briefing gives for the rule (table, prose, summary) is read from this one
    table, because the figures add up: in scope = compliant + breached + undetermined, and the
    platforms add up to the total. Published separately, each could be safe and together give a
    suppressed count away (578 in scope, 112 met, 465 breached: the "fewer than 10" is 1).
    Platforms with fewer than ``threshold`` complaints in scope are pooled into one
    "Other platforms (combined)" row rather than dropped, so that the table's total is the total
    the prose gives; that row goes through disclosure control like any other. None when the
    rule was not scored.

    The table is published in ``release`` (the briefing's one release; a new one when None), so
    the tables of options with the same scope get one suppression pattern and cannot be
    subtracted from each other; asking again for the same rule returns the same table.
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
    release = release or Release(threshold)
    return release.table(f"{rule_id}: complaints by platform", counts)


def _total_key(table: PublishedTable) -> object:
    """The row holding the totals (a table of one platform has no Total row: it is the total)."""
    return TOTAL if TOTAL in table.frame.index else table.frame.index[0]


def published_total(table: PublishedTable, column: str) -> str:
    """The total of ``column`` (or of all, ``TOTAL``) as the table prints it: a number or [c]."""
    return str(table.frame.loc[_total_key(table), column])


def said_total(table: PublishedTable, column: str, threshold: int) -> str | None:
    """A total for prose: the published number, "fewer than 10" for a count suppressed because it
    is small, or None for one suppressed only to protect another (it must not be given at all)."""
    key = _total_key(table)
    if not table.suppressed.loc[key, column]:
        return str(table.frame.loc[key, column])
    return f"fewer than {threshold}" if table.primary.loc[key, column] else None


def rule_outcome(
    headline: Mapping, rule_id: str, threshold: int, release: Release | None = None
) -> dict | None:
    """What a template may say of a scored rule's outcome, all platforms together.

    ``total``: complaints in scope (or None); ``said``: [(figure, words)] for each outcome the
    table publishes; ``rest``: words of outcomes suppressed as complements, which get no figure
    ("the rest"); ``km``: the Kaplan-Meier share within the deadline when it rests on enough
    complaints and ``release`` does not make it ``[c]``, else None. None when the rule was not
    scored.
    """
    release = release or Release(threshold)
    table = rule_counts(headline, rule_id, threshold, release)
    total = rule_total(headline, rule_id)
    if table is None or total is None:
        return None
    said, rest = [], []
    for column, (_, words) in OUTCOMES.items():
        figure = said_total(table, column, threshold)
        (rest.append(words) if figure is None else said.append((figure, words)))
    km = None
    if total.get("km_share") is not None and total["in_scope"] >= threshold:
        km = {k: total[f"km_{k}"] for k in ("share", "lower", "upper")}
        km = None if release.share(km, n=total["in_scope"]) == CONFIDENTIAL else km
    return {
        "total": said_total(table, TOTAL, threshold),
        "said": said,
        "rest": rest,
        "km": km,
        "table": table,
        "breached": said_total(table, "Breached", threshold),
        "undetermined": said_total(table, "Undetermined", threshold),
    }


def options_table(
    headline: Mapping,
    rules: Sequence[Rule],
    threshold: int,
    source: str,
    preferred: str | None = None,
    release: Release | None = None,
) -> HtmlTable:
    """One row per option: deadline, complaints in scope, breached, share within the deadline.

    Scopes overlap between rules, so there is no total row. A scored rule's counts are those its
    disclosure-controlled table (:func:`rule_counts`) publishes, so the union's briefing and the
    minister's give the same figures and the same [c]; an unscored rule's count goes through
    ``release`` as a count of its own, and every share through :meth:`Release.share`.
    """
    release = release or Release(threshold)
    rows = []
    for rule in rules:
        row = rule_total(headline, rule.id) or {}
        scored = row.get("evaluation") == SCORED
        table = rule_counts(headline, rule.id, threshold, release) if scored else None
        share = (
            release.share(
                {k: row.get(f"km_{k}") for k in ("share", "lower", "upper")},
                n=row.get("in_scope"),
            )
            if scored
            else "[z]"
        )
        in_scope = (
            published_total(table, TOTAL)
            if table
            else release.count(row.get("in_scope"), key=("in scope", rule.id))
        )
        rows.append(
            [
                rule.option.owner_department if rule.option else "[z]",
                rule.deadline_words,
                in_scope,
                published_total(table, "Breached") if table else "[z]",
                share,
            ]
        )
    frame = pd.DataFrame(
        rows,
        index=pd.Index(
            [option_label(r) + (" (preferred)" if r.id == preferred else "") for r in rules]
        ),
        columns=["Lead", "Deadline", "In scope", "Breached", "Share within deadline"],
    )
    symbols = symbols_used(frame)
    notes = [
        "Complaints on record in each option's scope; scopes overlap, so there is no total. "
        "Lead: the department that would own the option. [z]: the option fixes no hours, or its "
        "clock is not in the log (not scored).",
        footnote(threshold, symbols=symbols) if symbols else "",
        source,
    ]
    return table_html(
        frame,
        "What each option would have meant for the complaints on record",
        notes,
        index_name="Option",
        text=True,
        widths=(15, 8, 37, 9, 10, 21),
    )


def option_label(rule: Rule) -> str:
    """A proposed option's title up to its colon ("Option 2"); a law's id, which is unique where
    the head of its title may not be (two NetzDG rules)."""
    return rule.title.split(":", 1)[0] if rule.option else rule.id


def and_list(items: Sequence[str]) -> str:
    """["a", "b", "c"] -> "a, b and c" (plain text: the template escapes it)."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def option_context(
    headline: Mapping, rule: Rule, threshold: int, source: str, release: Release | None = None
) -> dict:
    """What the ``option_block`` macro reads for one rule: the rule, its label, its "All
    platforms" row, what may be said of its outcome, and its by-platform table (safe HTML),
    published in ``release`` (the briefing's)."""
    outcome = rule_outcome(headline, rule.id, threshold, release)
    table = None
    if outcome is not None:
        notes = (
            [f"{OTHER_PLATFORMS}: platforms with fewer than {threshold} complaints in scope."]
            if OTHER_PLATFORMS in outcome["table"].frame.index
            else []
        )
        caption = f"{option_label(rule)}: complaints in scope by platform"
        table = Markup(published_html(outcome["table"], caption, source, notes).html)
    return {
        "rule": rule,
        "label": option_label(rule),
        "total": rule_total(headline, rule.id),
        "outcome": outcome,
        "table": table,
    }


def option_blocks(
    headline: Mapping, rules: Sequence[Rule], threshold: int, source: str
) -> list[Markup]:
    """One HTML block per rule (the ``option_block`` macro of ``templates/_macros.html.j2``), for
    notebooks that show the options outside a briefing, all under one release."""
    from analysis.report.templating import environment  # its filters come from this module

    macros = environment().get_template("_macros.html.j2").module
    release = Release(threshold)
    return [
        Markup(
            macros.option_block(
                option_context(headline, rule, threshold, source, release),
                threshold,
                lambda n: fmt_small(n, threshold),
            )
        )
        for rule in rules
    ]
