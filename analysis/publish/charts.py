"""Charts in the UK Government Analysis Function style, with everything a published chart carries.

afcharts gives the matplotlib style and the palette; the rest of the guidance is ours: a title
that states the finding, a subtitle (measure, population, period, N), a source line (data file,
short SHA-256, extract date), alt text that a screen reader gets in the HTML *and* the PDF (the
``alt`` of the image; WeasyPrint writes it into the tagged PDF), and the data behind the chart
(a CSV: a download link in the HTML, a file attachment in the PDF). Bars start at zero; values
are labelled directly; series differ in line style and label as well as colour.

The data behind a chart is published at the level of the chart (:mod:`analysis.publish.chart_data`):
a bar chart's file holds only the plotted columns (shares at whole percentages), a curve's file its
points on the chart's time step with the numbers still waiting rounded, never one row per
complaint. An analyst's unsuppressed chart says :data:`~analysis.publish.disclosure.UNSUPPRESSED`
above its title.

Titles, subtitles and source lines are HTML text rather than pixels, so they are searchable,
selectable and read aloud, and tests can check them in the PDF text.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.figure import Figure

from analysis.config import SUPPRESSION_THRESHOLD
from analysis.publish.chart_data import published_curve, published_points
from analysis.publish.disclosure import UNSUPPRESSED

AF_STYLE = "afcharts.afcharts"
#: Analysis Function categorical palette (6 colours), in its recommended order.
PALETTE: tuple[str, ...] = tuple(get_af_colours("categorical"))
#: Line styles paired with the palette so that colour is never the only cue.
LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 3)))
DPI = 150
WIDTH_IN = 7.0


@dataclass
class Chart:
    """A rendered chart and its words; displays as a ``<figure>`` in notebooks and briefings."""

    figure: Figure
    title: str
    subtitle: str
    source: str
    alt: str
    data: pd.DataFrame = field(repr=False)
    name: str = "chart"
    unsuppressed: bool = False

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        return buffer.getvalue()

    def csv(self) -> str:
        return self.data.to_csv(index=False)

    def to_html(self) -> str:
        png = base64.b64encode(self.png()).decode("ascii")
        csv = base64.b64encode(self.csv().encode("utf-8")).decode("ascii")
        esc = html.escape
        stamp = f'<p class="chart-title">{esc(UNSUPPRESSED)}</p>' if self.unsuppressed else ""
        return (
            f'<figure class="chart" id="{esc(self.name)}">{stamp}'
            f'<p class="chart-title">{esc(self.title)}</p>'
            f'<p class="chart-subtitle">{esc(self.subtitle)}</p>'
            f'<img src="data:image/png;base64,{png}" alt="{esc(self.alt)}">'
            f'<figcaption class="chart-source">{esc(self.source)}. '
            f'<a rel="attachment" download="{esc(self.name)}.csv" '
            f'href="data:text/csv;base64,{csv}">Data for this chart (CSV)</a></figcaption>'
            "</figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def save(self, directory: str | Path) -> tuple[Path, Path]:
        """Write ``<name>.png`` and ``<name>.csv`` (the data behind the chart) to ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        png, csv = directory / f"{self.name}.png", directory / f"{self.name}.csv"
        png.write_bytes(self.png())
        csv.write_text(self.csv(), encoding="utf-8")
        return png, csv


def source_line(file_name: str, sha256: str, as_of: pd.Timestamp | str, synthetic: bool) -> str:
    """ "Source: complaints.csv (SHA-256 1a2b3c4d5e6f), extract 31 March 2022 (synthetic data)"."""
    date = pd.Timestamp(as_of).strftime("%-d %B %Y")
    note = " (synthetic data)" if synthetic else ""
    return f"Source: {file_name} (SHA-256 {sha256[:12]}), extract {date}{note}"


def _new_figure(height: float) -> tuple[Figure, plt.Axes]:
    # A bare Figure, not pyplot's: it renders to PNG through its own Agg canvas whatever the
    # session's backend, so an analyst's own plots still show in JupyterLab, and pyplot never
    # holds (or auto-displays) the briefing charts.
    with plt.style.context(AF_STYLE):
        fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def bar_chart(
    data: pd.DataFrame,
    label: str,
    value: str,
    *,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    axis_label: str,
    lower: str | None = None,
    upper: str | None = None,
    percent: bool = False,
    name: str = "bar-chart",
) -> Chart:
    """Horizontal bars from zero, each labelled with its value (and CI whiskers when given).

    Rows with a missing value (e.g. suppressed) are drawn as no bar with a "[c]"/"[x]" label
    taken from the ``label_text`` column when present, so nothing is silently left out.
    """
    frame = data.reset_index(drop=True)
    n = len(frame)
    with plt.style.context(AF_STYLE):
        fig, ax = _new_figure(0.5 + 0.42 * max(n, 1))
        y = np.arange(n)[::-1]
        values = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
        scale = 100.0 if percent else 1.0
        shown = np.nan_to_num(values) * scale
        ax.barh(y, shown, color=PALETTE[0], height=0.6)
        top = np.nanmax(values) * scale if np.isfinite(values).any() else 1.0
        if lower and upper:
            lo = pd.to_numeric(frame[lower], errors="coerce").to_numpy(dtype=float) * scale
            hi = pd.to_numeric(frame[upper], errors="coerce").to_numpy(dtype=float) * scale
            ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(values)
            ax.errorbar(
                shown[ok],
                y[ok],
                xerr=[shown[ok] - lo[ok], hi[ok] - shown[ok]],
                fmt="none",
                ecolor="#3D3D3D",
                capsize=3,
                linewidth=1,
            )
            if ok.any():
                top = max(top, float(np.nanmax(hi[ok])))
        # Each value is written just past the end of its bar (or its whisker), level with it.
        ends = shown.copy()
        if lower and upper:
            ends = np.where(ok, np.maximum(shown, hi), shown)
        texts = frame.get("label_text")
        for i, (yy, v) in enumerate(zip(y, values, strict=True)):
            if texts is not None:
                text = str(texts.iloc[i])
            elif not np.isfinite(v):
                text = "[x]"
            else:
                text = f"{v * 100:.0f}%" if percent else f"{v:,.0f}"
            ax.text(ends[i] + top * 0.015, yy, text, va="center", fontsize=9)
        ax.set_yticks(y, frame[label].astype(str))
        ax.set_xlim(0, (top if top > 0 else 1.0) * 1.15)
        ax.set_xlabel(axis_label)
        if percent:
            ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
        ax.grid(axis="y", visible=False)
    # The data file holds what is plotted, at the resolution printed: no other column (a count
    # behind a share, a number at risk) rides along.
    plotted = [c for c in (label, value, lower, upper, "label_text") if c and c in frame]
    published = frame[plotted].copy()
    if percent:
        for col in (value, lower, upper):
            if col:
                published[col] = (
                    pd.to_numeric(published[col], errors="coerce") * 100
                ).round() / 100
    return Chart(fig, title, subtitle, source, alt, published, name)


#: Ticks of a response-time axis: 1 day, 2 days, 1 week, 2 weeks, 4 weeks.
TIME_TICKS_HOURS: tuple[float, ...] = (24, 48, 168, 336, 672)


def _hours_label(hours: float) -> str:
    if hours < 168 or hours % 168:
        return f"{hours / 24:g} day" + ("s" if hours != 24 else "")
    return f"{hours / 168:g} week" + ("s" if hours != 168 else "")


def km_chart(
    curves: pd.DataFrame,
    group: str = "platform",
    *,
    title: str,
    subtitle: str,
    source: str,
    alt: str,
    event_label: str = "answered",
    max_hours: float | None = None,
    min_at_risk: int = SUPPRESSION_THRESHOLD,
    step_hours: float = 12.0,
    name: str = "km-chart",
    unsuppressed: bool = False,
) -> Chart:
    """Share with the event (answered, removed) by time since report: 1 - Kaplan-Meier, per group.

    ``curves``: the curve points the results model holds (``charts.response_curves`` or
    ``removal_curves``; :func:`analysis.measures.curves.curve_points` for a view computed on the
    spot), one row per group and time; ``group`` names the groups in the chart's data file.
    Draws each curve as a step with its 95% band shaded, ``|`` marks where complaints were still
    waiting at the extract date, and the group's name at the end of its line; each group has its
    own colour *and* line style.

    Disclosure control (:func:`analysis.publish.chart_data.published_points`): the curve is
    drawn, and its data published, at ``step_hours`` resolution with shares in whole percentages
    and the numbers still waiting rounded; each curve stops before the first time fewer than
    ``min_at_risk`` (the suppression threshold) are still waiting, and a group that starts below
    it is not drawn at all. ``unsuppressed`` (an analyst's view) keeps exact numbers and is
    stamped.
    """
    horizon = float(max_hours or curves["hours"].max())
    points = published_points(
        curves,
        group,
        step_hours=step_hours,
        horizon=horizon,
        threshold=min_at_risk,
        unsuppressed=unsuppressed,
    )
    groups = list(dict.fromkeys(points[group]))
    with plt.style.context(AF_STYLE):
        fig, ax = _new_figure(4.2)
        ends = []
        for i, g in enumerate(groups):
            curve = points[points[group] == g]
            t = curve["hours"].to_numpy(dtype=float)
            share, low, high = (
                curve[c].to_numpy(dtype=float) for c in ("share", "share_lower", "share_upper")
            )
            colour = PALETTE[i % len(PALETTE)]
            style = LINESTYLES[i % len(LINESTYLES)]
            ax.fill_between(t, low, high, step="post", color=colour, alpha=0.15, lw=0)
            ax.step(t, share, where="post", color=colour, linestyle=style, linewidth=1.8)
            marks = curve[curve["waiting_ended"]]
            ax.plot(
                marks["hours"],
                marks["share"],
                linestyle="none",
                marker="|",
                markersize=7,
                color=colour,
            )
            ends.append((share[-1], t[-1], g, colour))
        _label_line_ends(ax, ends, horizon)
        # Two days sits too close to one day to label once the axis runs past two weeks.
        ticks = [h for h in TIME_TICKS_HOURS if h <= horizon * 1.01]
        if horizon > 336:
            ticks = [h for h in ticks if h != 48]
        ax.set_xticks(ticks, [_hours_label(h) for h in ticks])
        ax.set_xlim(0, horizon * 1.22)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(xmax=1, decimals=0))
        ax.set_xlabel("Time since the complaint was reported to the platform")
        ax.set_ylabel(f"Share {event_label}")
    data = published_curve(points)
    return Chart(fig, title, subtitle, source, alt, data, name, unsuppressed)


def _label_line_ends(
    ax: plt.Axes, ends: list[tuple[float, float, str, str]], horizon: float
) -> None:
    """Name each line just right of where it ends, nudged apart vertically so labels never overlap.

    Labels are placed top-down from the highest curve, so a crowd of curves near 100% is pushed
    downwards (inside the axes) rather than off the top.
    """
    gap = 0.05
    placed: list[float] = []
    for y, x, label, colour in sorted(ends, reverse=True):
        pos = min(y, placed[-1] - gap, 0.98) if placed else min(y, 0.98)
        placed.append(pos)
        ax.text(
            x + horizon * 0.015, pos, label, color=colour, va="center", fontsize=9, weight="bold"
        )
