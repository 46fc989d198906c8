"""One briefing's content: the template context gathered from the headline results, rendered.

The notebook (``notebooks/04_briefing.ipynb``) calls :func:`briefing_html` and displays the
result, so an analyst in JupyterLab sees what the PDF prints; :func:`save_results` writes the
headline results the words were filled from beside the reports, so every printed number can be
traced to one JSON file (``tests/test_report_numbers.py`` checks that it can).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from analysis.config import EXTERNAL_DIR
from analysis.measures.response_times import ALL_GROUPS
from analysis.publish.disclosure import TOTAL
from analysis.publish.release import Release
from analysis.publish.tables import (
    COMPLAINTS,
    counts_html,
    fmt_date,
    league_table,
    table_html,
)
from analysis.report import briefing_charts, findings_tables, story
from analysis.report.inputs import BriefingInputs
from analysis.report.page import CHART_OUTPUTS
from analysis.report.params import AUDIENCE_LABELS, AUDIENCE_TITLES
from analysis.report.templating import render_template
from analysis.results import Results
from analysis.results.io import save_results as write_results
from analysis.rules.catalogue import load_rules
from analysis.rules.options import choose_preferred

#: The published figure the background cites (ASCL, November 2021), by its source column.
BACKGROUND_SOURCE = "ASCL"
#: The duty in force that every option is set against (its start date dates the data).
IN_FORCE_DUTY = "UK_OSA_S10"


def _html(table: object) -> Markup:
    """A table or chart from :mod:`analysis.publish` (escaped there) as safe template input."""
    return Markup(table._repr_html_())


#: Rows of the annex's row counts, which add up to the rows read.
REJECTED, USED = "Rows rejected by validation", "Rows used"


def _provenance(data: BriefingInputs, release: Release) -> Markup:
    """The annex's provenance table; its row counts are a table of ``release`` (rows read is its
    total), so a tiny selection reads "Rows used [c]", not a count of 1 to threshold - 1."""
    prov = data.headline["provenance"]
    parts = pd.Series(
        {
            REJECTED: int(prov["rows_rejected"]),
            **{f"Valid rows left out: {why}": int(n) for why, n in data.out_of_selection.items()},
            USED: int(prov["rows_used"]),
        }
    )
    counts = release.table("annex rows", parts.rename_axis("Rows").to_frame("Rows")).frame
    rows = [
        ("Complaint log", prov["file"]),
        ("SHA-256", prov["sha256"]),
        ("Extract date", fmt_date(prov["as_of"])),
        ("Rows read", str(counts.loc[TOTAL, "Rows"])),
        *[(label, str(counts.loc[label, "Rows"])) for label in parts.index],
        ("Code version", data.code_version),
        *[
            (f"Parameter {k}", ", ".join(map(str, v)) if isinstance(v, list) else str(v))
            for k, v in data.params.echo().items()
        ],
    ]
    frame = pd.DataFrame(
        {"Value": [v if v not in ("", None) else "(all)" for _, v in rows]},
        index=[k for k, _ in rows],
    )
    return _html(
        table_html(
            frame,
            "Data provenance and the parameters of this run",
            index_name="Item",
            text=True,
            widths=(35, 65),
        )
    )


def findings_tables_html(
    h: dict, threshold: int, source: str, release: Release | None = None
) -> dict[str, object]:
    """The tables of the headline/2 findings (outcomes, league, by reporter, median sensitivity),
    all published in ``release`` (the briefing's)."""
    release = release or Release(threshold)
    return {
        "outcomes_platform": findings_tables.outcomes_table(
            h["outcomes_by_platform"],
            "What became of complaints, by platform",
            "Platform",
            source,
            threshold,
            release,
        ),
        "removal_league": findings_tables.removal_league_table(
            h["removal_league"], source, threshold, release
        ),
        "outcomes_reporter": findings_tables.outcomes_table(
            h["outcomes_by_reporter"],
            "What became of complaints, by who reported them",
            "Reported by",
            source,
            threshold,
            release,
        ),
        "median_sensitivity": findings_tables.median_sensitivity_table(
            h["median_sensitivity"],
            [ALL_GROUPS, *story.named_platforms(h, threshold)[: briefing_charts.MAX_LINES]],
            source,
            threshold,
            release,
        ),
    }


def context(data: BriefingInputs, today: dt.date | None = None) -> dict[str, object]:
    """Everything a briefing template reads: the results, the parameters, tables and charts."""
    p = data.params
    h = data.headline
    threshold = p.suppression_threshold
    published = pd.read_csv(EXTERNAL_DIR / "teacher_online_abuse_figures.csv")
    # One release for everything this briefing publishes: tables of one population get one
    # suppression pattern, and no [c] can be worked out from the rest (analysis.publish.release).
    release = Release(threshold)
    tables = {
        "league": league_table(
            h["platforms"],
            "Platforms compared: time to first answer",
            data.source,
            threshold,
            all_label=ALL_GROUPS,
            release=release,
        ),
        **{
            column: counts_html(
                briefing_charts.counts_by(data, column),
                caption,
                data.source,
                threshold,
                release=release,
                population=COMPLAINTS,
            )
            for column, caption in (
                ("nation", "Complaints by nation"),
                ("phase", "Complaints by school phase"),
                ("role", "Complaints by role of the member of staff targeted"),
            )
        },
    }
    options = [
        story.option_context(h, rule, threshold, data.source, release) for rule in data.rules
    ]
    # The rules stage's documented criterion (analysis.rules.options), never the order of a list.
    preference = choose_preferred(pd.DataFrame(h["rules"]), data.rules)
    tables["options"] = story.options_table(
        h, data.rules, threshold, data.source, preferred=preference.preferred, release=release
    )
    tables.update(findings_tables_html(h, threshold, data.source, release))
    charts = {"response": briefing_charts.response_chart(data)}
    charts["deadline"] = briefing_charts.deadline_chart(data, release)
    if p.audience == "union":
        charts["categories"] = briefing_charts.categories_chart(data, release)
    charts["monthly"] = briefing_charts.monthly_chart(data, release)
    provenance = _provenance(data, release)
    release.check()
    return {
        "p": p,
        "r": h,
        "all": h["platforms"][ALL_GROUPS],
        "largest": story.largest_platform(h),
        "named": story.named_platforms(h, threshold),
        "threshold": threshold,
        "title": AUDIENCE_TITLES[p.audience],
        "label": AUDIENCE_LABELS[p.audience],
        "produced": today or dt.date.today(),
        "synthetic": data.synthetic,
        "source": data.source,
        "options": options,
        "charts": {k: Markup(c.to_html()) for k, c in charts.items()},
        "tables": {k: _html(t) for k, t in tables.items()},
        "provenance": provenance,
        "background": published[published["source"] == BACKGROUND_SOURCE].iloc[0].to_dict(),
        "small": lambda n: story.fmt_small(n, threshold),
        "osa": next(r for r in load_rules() if r.id == IN_FORCE_DUTY),
        "preferred": next((o for o in options if o["rule"].id == preference.preferred), None),
        "tied": [o for o in options if o["rule"].id in preference.tied],
        "criterion": preference,
    }


def briefing_html(data: BriefingInputs, today: dt.date | None = None) -> Markup:
    """The briefing body for ``data.params.audience`` (``templates/<audience>.html.j2``)."""
    return render_template(f"{data.params.audience}.html.j2", context(data, today))


def show_briefing(data: BriefingInputs, today: dt.date | None = None) -> None:
    """Display the briefing body as one notebook output, its charts listed in the output's metadata.

    The renderer embeds and attaches only the charts listed there (:data:`CHART_OUTPUTS`): an image
    or a data link anywhere else in the HTML, whatever put it there, is never loaded or attached.
    """
    from IPython.display import HTML, display

    ctx = context(data, today)
    body = render_template(f"{data.params.audience}.html.j2", ctx)
    display(HTML(body), metadata={CHART_OUTPUTS: [str(c) for c in ctx["charts"].values()]})


def save_results(data: BriefingInputs, directory: str | Path) -> Path:
    """Write the headline results the briefing was filled from to ``<directory>/results-<audience>.json``.

    One file per briefing, because each parameters file may select a different part of the log.
    """
    path = Path(directory) / f"results-{data.params.audience}.json"
    return write_results(Results.model_validate(data.headline), path)
