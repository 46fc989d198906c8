"""The briefings' charts, each titled and described from the values it plots.

A chart's title and alt text are read off the chart's own data (the curves as drawn, after
disclosure control cut them short; the bars as published), never from a figure the chart does
not show: "Snapchat answered 77%" under a chart whose Snapchat line stops at two days was the
fault this avoids.
"""

from __future__ import annotations

import pandas as pd

from analysis.publish.charts import Chart, bar_chart, km_chart
from analysis.publish.release import Release
from analysis.publish.tables import COMPLAINTS, published_counts
from analysis.report import story
from analysis.report.inputs import BriefingInputs

#: The response chart draws the platforms with most complaints, no more, so lines stay legible.
MAX_LINES = 4


def response_chart(data: BriefingInputs) -> Chart:
    """Share of complaints answered by time since the report, for the largest named platforms."""
    threshold = data.params.suppression_threshold
    shown = story.named_platforms(data.headline, threshold)[:MAX_LINES]
    curves = pd.DataFrame(data.headline["charts"]["response_curves"])
    chart = km_chart(
        curves[curves["group"].isin(shown)],
        title="",
        subtitle="",
        source=data.source,
        alt="",
        max_hours=672,
        min_at_risk=threshold,
        name="time-to-first-response",
    )
    chart.title = story.response_chart_title(chart.data)
    chart.alt = story.response_chart_alt(chart.data)
    chart.subtitle = (
        "Share of complaints with a first answer from the platform, by time since reported "
        "(Kaplan-Meier estimate, 95% band; | = still waiting at the extract date). "
        "The platforms with most complaints; complaints reported: "
        + ", ".join(
            f"{name} {story.fmt_small(data.headline['platforms'][name]['reported'], threshold)}"
            for name in shown
        )
        + ". "
        "A line stops where fewer than "
        f"{story.plural(threshold, 'complaint')} were still waiting."
    )
    return chart


def bars_of(data: BriefingInputs, column: str) -> pd.Series:
    """Complaints per value of ``column`` (category, nation, phase, role): the results model's
    chart series ``by_<column>``."""
    bars = pd.DataFrame(data.headline["charts"][f"by_{column}"])
    return bars.set_index("label")["complaints"].rename_axis(column)


def categories_chart(data: BriefingInputs, release: Release | None = None) -> Chart:
    """Complaints naming each kind of abuse (several may apply), counts as ``release`` publishes
    them (no total: the counts do not add up to the complaints)."""
    threshold = data.params.suppression_threshold
    cats = bars_of(data, "category")
    bars = published_counts(
        cats, threshold, release=release, name="Complaints naming each kind of abuse", totals=False
    ).sort_values("count", ascending=False, na_position="last")
    return _complaint_bars(
        bars,
        data,
        title=story.categories_title(bars),
        what="complaints naming each kind of abuse",
        subtitle="Complaints naming each kind of abuse (several may apply to one complaint)",
        name="kinds-of-abuse",
    )


def deadline_chart(data: BriefingInputs, release: Release | None = None) -> Chart:
    """Share of reported posts removed within each deadline from 1 hour to 30 days, all platforms.

    The bars are shares at published resolution (:meth:`Release.share_points`): whole
    percentages, ``[c]`` where the posts removed, or not removed, would number fewer than the
    threshold; the chart's data file carries no count.
    """
    threshold = data.params.suppression_threshold
    release = release or Release(threshold)
    sens = pd.DataFrame(data.headline["charts"]["removal_deadlines"])
    sens = sens[sens["share_within"].notna() & (sens["at_risk"] >= threshold)]
    sens = sens.assign(deadline=[story.deadline_words(h) for h in sens["deadline_hours"]])
    reported = data.headline["totals"]["reported"]
    sens = release.share_points(
        sens.assign(n=reported),
        n="n",
        share="share_within",
        keep=["deadline", "deadline_hours"],
    )
    return bar_chart(
        sens,
        "deadline",
        "share_within",
        lower="lower",
        upper="upper",
        percent=True,
        title=story.deadline_title(sens),
        subtitle="If a deadline were set: share of reported posts removed or restricted within "
        "each time, all platforms; Kaplan-Meier estimate, 95% CI; "
        f"N = {story.fmt_small(data.headline['totals']['reported'], threshold)} reported posts",
        source=data.source,
        alt="Bar chart of the share of reported posts removed within each deadline. "
        + "; ".join(f"{r.deadline}: {r.label_text}" for r in sens.itertuples()),
        axis_label="Share removed within the deadline",
        name="deadline-sensitivity",
    )


def counts_by(data: BriefingInputs, column: str) -> pd.DataFrame:
    """Complaints by one field of the log (nation, phase, role), as a one-column count frame."""
    return bars_of(data, column).to_frame("Complaints")


def monthly_chart(data: BriefingInputs, release: Release | None = None) -> Chart:
    """Complaints by month received, counts as ``release`` publishes them (months add up to the
    complaints); the title names the highest plotted bar."""
    threshold = data.params.suppression_threshold
    months = pd.DataFrame(data.headline["monthly"]["months"])
    labels = pd.Index([pd.Timestamp(m).strftime("%B %Y") for m in months["month"]], name="Month")
    bars = published_counts(
        pd.Series(months["complaints"].to_numpy(), index=labels),
        threshold,
        release=release,
        name="Complaints by month received",
        population=COMPLAINTS,
    )
    return _complaint_bars(
        bars,
        data,
        title=story.peak_title(bars),
        what="complaints by month received",
        subtitle="Complaints by month received",
        name="complaints-by-month",
    )


def _complaint_bars(
    bars: pd.DataFrame, data: BriefingInputs, *, title: str, what: str, subtitle: str, name: str
) -> Chart:
    """A bar chart of published complaint counts, its alt text read off the bars as printed."""
    total = story.fmt_small(
        data.headline["totals"]["complaints"], data.params.suppression_threshold
    )
    return bar_chart(
        bars,
        "label",
        "count",
        title=title,
        subtitle=f"{subtitle}, N = {total} complaints",
        source=data.source,
        alt=f"Bar chart of {what}. "
        + "; ".join(f"{r.label}: {r.label_text}" for r in bars.itertuples()),
        axis_label="Complaints",
        name=name,
    )
