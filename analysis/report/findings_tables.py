"""The findings tables of both briefings, from the results model's new fields, disclosure-controlled.

Counts and shares go through the briefing's :class:`~analysis.publish.release.Release`, with
every other table of the briefing: a share is printed only beside a count that is published and
when :meth:`Release.share` allows it, so a percentage or its interval never gives a ``[c]`` away.
Row labels are the model's own (platforms, who reported).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.publish.disclosure import CONFIDENTIAL, NOT_AVAILABLE, TOTAL, footnote, symbols_used
from analysis.publish.release import Release
from analysis.publish.tables import (
    HtmlTable,
    fmt_hours,
    fmt_median_ci,
    fmt_pct,
    table_html,
)

#: The outcome columns of an outcomes table: model key and the column's plain-English name.
OUTCOME_COLUMNS: dict[str, str] = {
    "removed": "Removed",
    "restricted": "Restricted",
    "no_breach_found": "No breach found",
    "other_answer": "Other answer",
    "not_answered": "Not answered by the extract date",
}


def _pct(entry: Mapping[str, object] | None) -> str:
    return fmt_pct(entry["share"]) if entry else NOT_AVAILABLE


def outcomes_table(
    rows: Sequence[Mapping],
    caption: str,
    label: str,
    source: str,
    threshold: int,
    release: Release | None = None,
) -> HtmlTable:
    """What became of reported complaints, one row per group: counts with the share of reported.

    The counts (each outcome, by group, with totals) are a table of ``release``; a cell's
    percentage is printed only when its count and its row's total are, and the release allows it.
    """
    release = release or Release(threshold)
    groups = [r for r in rows if r["reported"] > 0]
    pooled = [r for r in groups if r["group"] in ("All platforms", "Everyone")]
    parts = [r for r in groups if r not in pooled]
    # An outcome no complaint had (e.g. "other answer") would be a column of zeros: left out.
    columns = {k: name for k, name in OUTCOME_COLUMNS.items() if any(r[k]["count"] for r in parts)}
    counts = pd.DataFrame(
        [[int(r[k]["count"]) for k in columns] for r in parts],
        index=pd.Index([r["group"] for r in parts], name=label),
        columns=list(columns.values()),
    )
    published = release.table(caption, counts)
    frame = published.frame.copy().astype(object)
    by_group = {r["group"]: r for r in parts}
    total_row = pooled[0] if pooled else None
    row_total = TOTAL if TOTAL in frame.columns else frame.columns[-1]
    for name in frame.index:
        row = by_group.get(name, total_row)
        if row is None or published.suppressed.loc[name, row_total]:
            continue
        for key, column in columns.items():
            if published.suppressed.loc[name, column]:
                continue
            share = release.share(row[key], n=row["reported"], fmt=_pct)
            frame.loc[name, column] = f"{frame.loc[name, column]} ({share})"
    notes = [
        "Complaints reported to the platform before the extract date; in brackets, the share of "
        "the row's reported complaints. 'Not answered by the extract date': no answer of any kind "
        "when the log was extracted (some may have been answered later).",
        published.footnote,
        source,
    ]
    return table_html(frame, caption, notes, index_name=label)


def removal_league_table(
    rows: Sequence[Mapping], source: str, threshold: int, release: Release | None = None
) -> HtmlTable:
    """Platforms in the model's order (most taken down first), with the 48-hour share.

    The complaints reported per platform are a table of ``release``; a platform whose count
    reads [c] is listed last with every figure [c] (its place in the order would say something
    about its few complaints), and each share goes through :meth:`Release.share`.
    """
    release = release or Release(threshold)
    counts = pd.DataFrame(
        {"Reported": [int(r["reported"]) for r in rows]},
        index=pd.Index([r["platform"] for r in rows], name="Platform"),
    )
    published = release.table("Which platforms took posts down: reported", counts)
    hidden_names = set(published.suppressed.index[published.suppressed["Reported"]])
    shown = [r for r in rows if r["platform"] not in hidden_names]
    hidden = [r for r in rows if r["platform"] in hidden_names]

    def share(entry: Mapping | None, n: int) -> str:
        return release.share(entry, n=n) if entry else NOT_AVAILABLE

    cells = [
        [
            str(published.frame.loc[r["platform"], "Reported"]),
            share(r["taken_down"], r["reported"]),
            share(r["removed_within_48h"], r["reported"]),
        ]
        for r in shown
    ] + [[CONFIDENTIAL] * 3 for _ in hidden]
    frame = pd.DataFrame(
        cells,
        index=pd.Index([r["platform"] for r in [*shown, *hidden]], name="Platform"),
        columns=["Reported", "Taken down by the extract date", "Taken down within 48 hours"],
    )
    symbols = symbols_used(frame)
    notes = [
        "Ordered by the share taken down (removed or restricted) by the extract date, with its "
        "95% Wilson interval; within 48 hours: Kaplan-Meier share with 95% interval (posts still "
        "up count as still waiting).",
        footnote(threshold, symbols=symbols) if symbols else "",
        source,
    ]
    return table_html(
        frame, "Which platforms took posts down, most first", notes, index_name="Platform"
    )


def median_sensitivity_table(
    rows: Sequence[Mapping],
    groups: Sequence[str],
    source: str,
    threshold: int,
    release: Release | None = None,
) -> HtmlTable:
    """Each median counting answered complaints only (as platforms publish) beside our estimate,
    for the ``groups`` named (e.g. all platforms and the largest few), first answer and removal.
    Its counts go through ``release`` (:meth:`Release.count`)."""
    release = release or Release(threshold)
    cells, index = [], []
    for r in sorted(
        rows,
        key=lambda r: (
            groups.index(r["group"]) if r["group"] in groups else len(groups),
            r["clock"] != "response",
        ),
    ):
        if r["group"] not in groups or r["reported"] < threshold:
            continue
        clock = "first answer" if r["clock"] == "response" else "removal"
        index.append(f"{r['group']}, {clock}")
        answered_only = r["events_only_median_hours"]
        events = release.count(r["events"], key=("with the event", r["group"], r["clock"]))
        cells.append(
            [
                release.count(r["reported"], key=("reported", r["group"])),
                events,
                fmt_median_ci(r["km_median"]),
                CONFIDENTIAL if events == CONFIDENTIAL else fmt_hours(answered_only),
            ]
        )
    frame = pd.DataFrame(
        cells,
        index=pd.Index(index, name="Group and clock"),
        columns=[
            "Reported",
            "With the event",
            "Median, every complaint (95% CI)",
            "Median, counting only those with the event",
        ],
    )
    symbols = symbols_used(frame)
    notes = [
        "Counting only complaints that were answered (or taken down), as platforms' transparency "
        "reports under the Digital Services Act do, leaves out those still waiting and makes "
        "platforms look faster; our estimate counts them as still waiting (Kaplan-Meier).",
        footnote(threshold, symbols=symbols) if symbols else "",
        source,
    ]
    return table_html(
        frame, "Medians with and without the complaints still waiting", notes, index_name="Group"
    )
