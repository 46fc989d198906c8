"""Tables and numbers as the briefings print them.

Two jobs, kept together so that a figure reads the same in a table, a chart label and a sentence:

- number formatting in the GSS style (commas for thousands, whole percentages, intervals written
  "x to y"); a value that could not be computed prints ``[x]``, never ``nan``;
- HTML for tables. Every count table goes through
  :func:`analysis.publish.disclosure.publish_table` (primary and secondary suppression, ``[c]``)
  before it is rendered, and prints that function's footnote under it; a table of estimates per
  group (a league table) shows a group's estimates only when the group has at least ``threshold``
  complaints, else ``[c]``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.config import SUPPRESSION_THRESHOLD
from analysis.publish.disclosure import (
    CONFIDENTIAL,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    TOTAL,
    PublishedTable,
    footnote,
    publish_table,
)

NOT_REACHED = "not reached"


# -- numbers -------------------------------------------------------------------------------------


def fmt_count(n: float | None) -> str:
    """12345 -> "12,345"."""
    return NOT_AVAILABLE if n is None else f"{round(n):,}"


def fmt_pct(share: float | None) -> str:
    """A proportion 0-1 as a whole percentage: 0.4567 -> "46%"."""
    return NOT_AVAILABLE if share is None else f"{share * 100:.0f}%"


def fmt_share_ci(entry: Mapping[str, object] | None) -> str:
    """{share, lower, upper} -> "46% (95% CI 38% to 53%)"."""
    if not entry or entry.get("share") is None:
        return NOT_AVAILABLE
    return (
        f"{fmt_pct(entry['share'])} (95% CI {fmt_pct(entry['lower'])} to {fmt_pct(entry['upper'])})"
    )


def fmt_hours(hours: float | str | None) -> str:
    """Hours as people say them: under three days in hours, longer in days (one decimal).

    "not reached" (a Kaplan-Meier median the curve never got to) is kept as words.
    """
    if hours is None:
        return NOT_AVAILABLE
    if hours == NOT_REACHED:
        return NOT_REACHED
    hours = float(hours)
    if hours < 72:
        return f"{hours:.0f} hours" if round(hours) != 1 else "1 hour"
    return f"{hours / 24:.1f} days"


def fmt_median_ci(median: Mapping[str, object] | None) -> str:
    """{estimate, lower, upper} hours -> "31 hours (95% CI 25 hours to 2.1 days)"."""
    if not median or median.get("estimate") is None:
        return NOT_AVAILABLE
    est, lo, hi = (median[k] for k in ("estimate", "lower", "upper"))
    if est == NOT_REACHED:
        return f"{NOT_REACHED} (more than half still waiting at the extract date)"
    upper = "beyond the extract date" if hi in (None, NOT_REACHED) else fmt_hours(hi)
    return f"{fmt_hours(est)} (95% CI {fmt_hours(lo)} to {upper})"


def fmt_p(p: float | None) -> str:
    """A p-value as a reader needs it: "p < 0.001" rather than "7.76e-05"."""
    if p is None:
        return NOT_AVAILABLE
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_date(value: object) -> str:
    """2022-03-31 -> "31 March 2022" (GOV.UK date style)."""
    return pd.Timestamp(value).strftime("%-d %B %Y")


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
    """A disclosure-controlled table (from ``publish_table``) with its footnote and source."""
    return table_html(table.frame, caption, [*notes, table.footnote, source])


def counts_html(
    counts: pd.DataFrame,
    caption: str,
    source: str,
    threshold: int = SUPPRESSION_THRESHOLD,
    notes: Sequence[str] = (),
) -> HtmlTable:
    """Counts (rows x columns, no totals) -> suppressed, totalled, footnoted HTML table."""
    return published_html(publish_table(counts, threshold=threshold), caption, source, notes)


def league_table(
    platforms: Mapping[str, Mapping[str, object]],
    caption: str,
    source: str,
    threshold: int = SUPPRESSION_THRESHOLD,
    include: Sequence[str] | None = None,
    all_label: str | None = None,
) -> HtmlTable:
    """Platforms compared: complaints, median time to first response, share answered in 24 h, 7 days.

    ``platforms`` is the ``platforms`` block of :func:`analysis.results.headline`. Ordered by the
    share answered within 7 days, best first (ties and unknowns last). A platform with fewer than
    ``threshold`` complaints has every figure shown as ``[c]``: its estimates would rest on a
    handful of people. The "all platforms" row is kept last.
    """
    names = [n for n in platforms if n != all_label and (include is None or n in include)]
    # The complaint counts go through disclosure control like any count table, so that a [c]
    # cannot be worked out as the total minus the other platforms.
    counts = pd.DataFrame(
        {"Complaints": [int(platforms[n]["complaints"]) for n in names]}, index=names
    )
    published = publish_table(counts, threshold=threshold) if names else None
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
            small = bool(published.primary.loc[key, "Complaints"])
        else:
            count, small = fmt_count(entry["complaints"]), False
        if small:
            cells = [CONFIDENTIAL] * 4
            rank = -1.0
        else:
            cells = [
                count,
                fmt_median_ci(response["median_hours"]) if response else NOT_AVAILABLE,
                fmt_share_ci(response["within_24h"]) if response else NOT_AVAILABLE,
                fmt_share_ci(response["within_7d"]) if response else NOT_AVAILABLE,
            ]
            share = response["within_7d"]["share"] if response else None
            rank = -0.5 if share is None else float(share)
        rank = -2.0 if name == all_label else rank
        rows.append((rank, name, cells))
    suppressed = published is not None and bool(published.suppressed.to_numpy().any())
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
    symbols = [s for s in (NOT_AVAILABLE, NOT_APPLICABLE) if (frame == s).any().any()]
    if suppressed:
        symbols.insert(0, CONFIDENTIAL)
    notes = [
        "Times run from the report to the platform to its first response (a removal counts as a "
        "response). Kaplan-Meier estimates: complaints not answered by the extract date count as "
        "still waiting (censored), not as missing. 95% confidence intervals in brackets.",
    ]
    if symbols:
        notes.append(footnote(threshold, symbols=symbols))
    return table_html(frame, caption, [*notes, source], index_name="Platform")


def published_counts(counts: pd.Series, threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """Counts per label, ready for a bar chart after disclosure control.

    Columns: ``label``, ``count`` (NaN where suppressed, so the true value is not even in the
    chart's data file) and ``label_text`` (the published text: "1,234" or "[c]"). The suppression
    is that of :func:`publish_table` on the one-column table, total included.
    """
    table = publish_table(counts.to_frame("count"), threshold=threshold)
    keep = table.frame.index != TOTAL
    hidden = table.suppressed.loc[keep, "count"].to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "label": counts.index.astype(str),
            "count": counts.astype(float).where(~hidden).to_numpy(),
            "label_text": table.frame.loc[keep, "count"].to_numpy(),
        }
    )
