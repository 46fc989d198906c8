"""Tables as the briefings print them (numbers formatted by :mod:`analysis.publish.numbers`).

Every count table goes through disclosure control before it is rendered, and prints its footnote
under it: a briefing passes its :class:`~analysis.publish.release.Release` so that all its tables,
shares and chart series are protected together; without one, each call is its own release. A
table of estimates per group (a league table) shows a group's estimates only when its count is
published and the estimate reveals no count below the threshold, else ``[c]``. An unsuppressed
table (an analyst's raw view) carries :data:`~analysis.publish.disclosure.UNSUPPRESSED` in its
caption.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.config import SUPPRESSION_THRESHOLD
from analysis.publish.disclosure import (
    CONFIDENTIAL,
    NOT_AVAILABLE,
    TOTAL,
    UNSUPPRESSED,
    PublishedTable,
    footnote,
    symbols_used,
)
from analysis.publish.numbers import (
    NOT_REACHED,
    fmt_count,
    fmt_date,
    fmt_hours,
    fmt_median_ci,
    fmt_p,
    fmt_pct,
    fmt_share_ci,
)
from analysis.publish.release import Release

__all__ = [  # the number formats are re-exported: notebooks format and tabulate from here
    "NOT_REACHED",
    "HtmlTable",
    "counts_html",
    "fmt_count",
    "fmt_date",
    "fmt_hours",
    "fmt_median_ci",
    "fmt_p",
    "fmt_pct",
    "fmt_share_ci",
    "league_table",
    "published_counts",
    "published_html",
    "table_html",
]

# -- HTML ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HtmlTable:
    """A table to display in a notebook or briefing (``_repr_html_``)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def _cell(value: object) -> str:
    return html.escape(
        "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    )


def _label(key: object) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return ", ".join(str(p) for p in parts if str(p))


def table_html(
    frame: pd.DataFrame,
    caption: str,
    notes: Sequence[str] = (),
    index_name: str | None = None,
    text: bool = False,
    widths: Sequence[int] | None = None,
) -> HtmlTable:
    """Render a frame of already-formatted strings (index = row labels) as a published table.

    ``text``: columns of words, left-aligned (numbers are right-aligned by default). A short
    table is kept on one page; a long one may break between rows. ``widths``: percentages of the
    page for the label column and each column (tables of words are laid out with fixed widths,
    equal unless given).
    """
    esc = html.escape
    head = (
        index_name
        if index_name is not None
        else _label(frame.index.names)
        if any(frame.index.names)
        else ""
    )
    # The wrapper keeps caption, table and notes on one page (WeasyPrint can otherwise leave the
    # caption at the foot of one page and the table on the next).
    classes = " ".join(c for c in ("table-block", "short" if len(frame) <= 15 else "") if c)
    table_class = "published text" if text else "published"
    out = [f'<div class="{classes}"><table class="{table_class}"><caption>{esc(caption)}</caption>']
    if widths:
        out.append(
            "<colgroup>" + "".join(f'<col style="width: {w}%">' for w in widths) + "</colgroup>"
        )
    out.append("<thead><tr>")
    out.append(f'<th scope="col">{esc(head)}</th>')
    out += [f'<th scope="col">{esc(_label(c))}</th>' for c in frame.columns]
    out.append("</tr></thead><tbody>")
    for key, row in frame.iterrows():
        total = _label(key) == TOTAL
        out.append('<tr class="total">' if total else "<tr>")
        out.append(f'<th scope="row">{esc(_label(key))}</th>')
        out += [f"<td>{_cell(v)}</td>" for v in row]
        out.append("</tr>")
    out.append("</tbody></table>")
    kept = [n for n in notes if n]
    if kept:
        out.append(
            '<ul class="table-notes">' + "".join(f"<li>{esc(n)}</li>" for n in kept) + "</ul>"
        )
    return HtmlTable("".join(out))


def published_html(
    table: PublishedTable, caption: str, source: str, notes: Sequence[str] = ()
) -> HtmlTable:
    """A disclosure-controlled table (from a release) with its footnote and source."""
    if table.unsuppressed:
        caption = f"{UNSUPPRESSED}: {caption}"
    return table_html(table.frame, caption, [*notes, table.footnote, source])


def counts_html(
    counts: pd.DataFrame,
    caption: str,
    source: str,
    threshold: int = SUPPRESSION_THRESHOLD,
    notes: Sequence[str] = (),
    *,
    release: Release | None = None,
    population: str | None = None,
) -> HtmlTable:
    """Counts (rows x columns, no totals) -> suppressed, totalled, footnoted HTML table.

    The table is registered in ``release`` under its caption (``population`` as in
    :meth:`Release.table`); without a release it is protected on its own.
    """
    release = release or Release(threshold)
    table = release.table(caption, counts, population=population)
    return published_html(table, caption, source, notes)


#: The population of a log's complaints, as the league table and the count tables name it.
COMPLAINTS = "complaints"


def league_table(
    platforms: Mapping[str, Mapping[str, object]],
    caption: str,
    source: str,
    threshold: int = SUPPRESSION_THRESHOLD,
    include: Sequence[str] | None = None,
    all_label: str | None = None,
    *,
    release: Release | None = None,
) -> HtmlTable:
    """Platforms compared: complaints, median time to first response, share answered in 24 h, 7 days.

    ``platforms`` is the ``platforms`` block of :func:`analysis.results.headline`. Ordered by the
    share answered within 7 days, best first (ties and unknowns last). The complaint counts are a
    table of ``release`` (population :data:`COMPLAINTS`, rows "Platform"), so a ``[c]`` cannot be
    worked out as the total minus the other platforms, nor from another table of the briefing.
    A platform whose count reads ``[c]`` has every figure ``[c]`` (its estimates would rest on a
    handful of people, and a share with its CI gives its number away); a share whose count of
    complaints answered, or not answered, would be below the threshold reads ``[c]``. The
    "all platforms" row is kept last.
    """
    release = release or Release(threshold)
    names = [n for n in platforms if n != all_label and (include is None or n in include)]
    counts = pd.DataFrame(
        {"Complaints": [int(platforms[n]["complaints"]) for n in names]},
        index=pd.Index(names, name="Platform"),
    )
    published = (
        release.table(f"{caption}: complaints", counts, population=COMPLAINTS) if names else None
    )
    rows: list[tuple[float, str, list[str]]] = []
    for name in [*names, *([all_label] if all_label in platforms else [])]:
        entry = platforms[name]
        response = entry.get("response")
        if published is not None:
            key = name
            if name == all_label:
                # One platform alone gets no total row: "all platforms" is that platform.
                key = TOTAL if TOTAL in published.frame.index else names[0]
            count = published.frame.loc[key, "Complaints"]
            hidden = bool(published.suppressed.loc[key, "Complaints"])
        else:
            count, hidden = fmt_count(entry["complaints"]), False
        if hidden:
            cells = [CONFIDENTIAL] * 4
            rank = -1.0
        else:
            n = entry.get("reported", entry["complaints"])
            cells = [
                count,
                fmt_median_ci(response["median_hours"]) if response else NOT_AVAILABLE,
                release.share(response["within_24h"], n=n) if response else NOT_AVAILABLE,
                release.share(response["within_7d"], n=n) if response else NOT_AVAILABLE,
            ]
            share = response["within_7d"]["share"] if response else None
            rank = -0.5 if share is None else float(share)
        rank = -2.0 if name == all_label else rank
        rows.append((rank, name, cells))
    rows.sort(key=lambda r: -r[0])
    frame = pd.DataFrame(
        [cells for _, _, cells in rows],
        index=pd.Index([name for _, name, _ in rows], name="Platform"),
        columns=[
            "Complaints",
            "Median time to first response",
            "Answered within 24 hours",
            "Answered within 7 days",
        ],
    )
    symbols = symbols_used(frame)
    notes = [
        "Times run from the report to the platform to its first response (a removal counts as a "
        "response). Kaplan-Meier estimates: complaints not answered by the extract date count as "
        "still waiting (censored), not as missing. 95% confidence intervals in brackets.",
    ]
    if release.unsuppressed:
        caption = f"{UNSUPPRESSED}: {caption}"
    elif symbols:
        notes.append(footnote(threshold, symbols=symbols))
        if CONFIDENTIAL in symbols:
            notes.append(
                f"A share reads [c] where the complaints answered, or not answered, number "
                f"fewer than {threshold}."
            )
    return table_html(frame, caption, [*notes, source], index_name="Platform")


def published_counts(
    counts: pd.Series,
    threshold: int = SUPPRESSION_THRESHOLD,
    *,
    release: Release | None = None,
    name: str | None = None,
    population: str | None = None,
    totals: bool = True,
) -> pd.DataFrame:
    """Counts per label, ready for a bar chart after disclosure control.

    Columns: ``label``, ``count`` (NaN where suppressed, so the true value is not even in the
    chart's data file) and ``label_text`` (the published text: "1,234" or "[c]"). The counts are
    a one-column table of ``release`` (:meth:`Release.bars`), total included unless ``totals`` is
    False (counts that do not add up, e.g. several categories per complaint).
    """
    release = release or Release(threshold)
    label = name or f"counts by {counts.index.name or 'label'}"
    return release.bars(label, counts, population=population, totals=totals)
