"""Beside, never merged: a complaint log's results, the TDB measures and published figures.

A minister asking "is TikTok slower than the others?" will be shown three kinds of number that look
alike and are not: hours from a school's report to the platform's answer (the complaint log), days
from posting to a moderation decision across the EU (the DSA Transparency Database), and shares
published by monitors and platforms (EU hate-speech code rounds, NetzDG reports, helpline figures,
researchers' tests of platforms' reporting tools).
Each counts a different population with a different clock. This module puts them in three panels
of one long table in which every row carries its own source, population and definition, so no
figure can be read as another and none is combined with another.

API (used by notebook 05 and the briefing annex)::

    from analysis.results import headline_file          # or headline(log, as_of, ...)
    from analysis.tdb.beside import beside

    tables = beside(headline_file(LOG, AS_OF), tdb="path/to/ingested", date_from=..., date_to=...)
    tables.frame            # one DataFrame, columns BESIDE_COLUMNS, panels in a fixed order
    tables.panel("tdb")     # one panel: "complaint_log", "tdb" or "published"
    tables.platforms        # the complaint log's platforms, in the log's order
    tables.notes            # one line per panel saying what it is and is not

``headline`` is the dict of :func:`analysis.results.headline` (read, never recomputed here).
``tdb`` is an ingested dataset folder, a :class:`~analysis.tdb.measures.Measures` computed with
``by=("platform", "source")``, or None (panel left empty, with a note saying so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.config import EXTERNAL_DIR, PROJECT_ROOT
from analysis.tdb.published import ALL, fmt_value, published_panel
from analysis.tdb.schema import PLATFORM_NAMES

if TYPE_CHECKING:
    from analysis.tdb.measures import Measures

#: Columns of every panel, in order.
BESIDE_COLUMNS: tuple[str, ...] = (
    "panel",
    "platform",
    "figure",
    "value",
    "lower",
    "upper",
    "unit",
    "value_text",
    "period",
    "population",
    "definition",
    "source",
)
PANELS: dict[str, str] = {
    "complaint_log": "Complaint log: hours from the school's or union's report, censored at the "
    "extract date (Kaplan-Meier), and rule compliance",
    "tdb": "DSA Transparency Database: days from posting to the platform's decision, EU-wide, "
    "day resolution; not a response time to any complaint",
    "published": "Published figures: monitors', regulators' and helplines' own aggregates, "
    "each with its own population and definition",
}


def _shown(path: Path) -> str:
    """A dataset path as printed: relative to the project when inside it (no home folders)."""
    resolved = path.resolve()
    return (
        str(resolved.relative_to(PROJECT_ROOT))
        if resolved.is_relative_to(PROJECT_ROOT)
        else path.name
    )


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- (a) the complaint log, read from analysis.results.headline -----------------------------------
def _log_panel(headline: dict[str, Any], platforms: list[str]) -> list[dict[str, Any]]:
    prov = headline["provenance"]
    source = (
        f"complaint log {prov.get('file') or '(frame)'}"
        + (f", sha256 {prov['sha256'][:12]}" if prov.get("sha256") else "")
        + f"; extract date {str(prov['as_of'])[:10]}; analysis.results.headline"
    )
    period = f"complaints received up to {str(prov['as_of'])[:10]}"
    rows: list[dict[str, Any]] = []
    clocks = {
        "response": "hours from the report to the platform's first response",
        "removal": "hours from the report to removal or restriction",
    }
    for platform in [*platforms, ALL]:
        entry = headline["platforms"].get(platform)
        if entry is None:
            continue
        population = (
            f"{entry['complaints']:,} complaints about abuse of school staff on {platform} in this "
            f"log, {entry['reported']:,} of them reported to the platform"
            if platform != ALL
            else f"all {entry['complaints']:,} complaints in this log"
        )
        base = {"panel": "complaint_log", "platform": platform, "period": period, "source": source}
        rows.append(
            base
            | {
                "figure": "complaints",
                "value": entry["complaints"],
                "unit": "count",
                "population": population,
                "definition": "complaints recorded by the organisation (one row per complaint)",
            }
        )
        for clock, words in clocks.items():
            block = entry.get(clock)
            if not block:
                rows.append(
                    base
                    | {
                        "figure": f"median {words}",
                        "value": None,
                        "unit": "hours",
                        "value_text": entry.get(f"{clock}_reason", "not computed"),
                        "population": population,
                        "definition": "not computed",
                    }
                )
                continue
            med = block["median_hours"]
            rows.append(
                base
                | {
                    "figure": f"median {words}",
                    "value": _num(med["estimate"]),
                    "lower": _num(med["lower"]),
                    "upper": _num(med["upper"]),
                    "unit": "hours",
                    "value_text": f"{med['estimate']} (95% CI {med['lower']} to {med['upper']})",
                    "population": population,
                    "definition": f"Kaplan-Meier median of {words}; complaints not yet "
                    "answered are censored at the extract date, not dropped",
                }
            )
            for key, label in (("within_24h", "24 h"), ("within_7d", "7 days")):
                share = block[key]
                rows.append(
                    base
                    | {
                        "figure": f"share {'answered' if clock == 'response' else 'removed'} "
                        f"within {label} of the report",
                        "value": share["share"],
                        "lower": share["lower"],
                        "upper": share["upper"],
                        "unit": "share",
                        "value_text": share.get("reason")
                        or f"{fmt_value(share['share'], 'share')} (95% CI "
                        f"{fmt_value(share['lower'], 'share')} to {fmt_value(share['upper'], 'share')})",
                        "population": population,
                        "definition": f"1 - Kaplan-Meier survival at {label} on the clock "
                        f"'{words}'",
                    }
                )
    for rule in headline.get("rules") or []:
        platform = rule.get("platform")
        if platform not in [*platforms, ALL]:
            continue
        c, b, u = rule.get("compliant"), rule.get("breached"), rule.get("undetermined")
        scored = c is not None
        if not scored and platform != ALL:
            continue  # an unscored rule is said once, on the "All platforms" row, with its reason
        if scored:
            text = (
                f"{c:,} compliant / {b:,} breached / {u:,} undetermined of "
                f"{rule['in_scope']:,} in scope"
            )
            if rule.get("share_compliant") is not None:
                text += (
                    f" ({fmt_value(rule['share_compliant'], 'share')} compliant, 95% CI "
                    f"{fmt_value(rule.get('share_lower'), 'share')} to "
                    f"{fmt_value(rule.get('share_upper'), 'share')})"
                )
        else:
            text = f"not scored: {rule.get('reason') or rule.get('evaluation', 'no reason given')}"
        rows.append(
            {
                "panel": "complaint_log",
                "platform": platform,
                "figure": f"rule {rule['rule_id']}: compliant",
                "value": c,
                "unit": "count",
                "value_text": text,
                "period": period,
                "population": f"complaints in scope of {rule['rule_id']} "
                f"({rule.get('in_scope', 0):,})",
                "definition": (f"{rule['title']}. " if rule.get("title") else "")
                + "Compliant / breached: the platform met / missed the deadline on the rule's own "
                "clock and event; undetermined: censored at the extract date before the deadline",
                "source": source,
            }
        )
    return rows


# --- (b) the Transparency Database --------------------------------------------------------------
def _tdb_panel(
    result: Measures | None, platforms: list[str], reason: str | None
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if result is None:
        return [
            {
                "panel": "tdb",
                "platform": p,
                "figure": "decisions",
                "value": None,
                "unit": "count",
                "value_text": reason or "no Transparency Database dataset given",
                "definition": "not computed",
                "source": "European Commission, DSA Transparency Database (CC BY 4.0)",
            }
            for p in platforms
        ]
    table = result.table
    period = (
        f"decisions applied {result.date_from or 'from the first day ingested'} to "
        f"{result.date_to or 'the last day ingested'}"
    )
    scope = f"preset '{result.preset}'" if result.preset else "all categories"
    source = (
        "European Commission, DSA Transparency Database (CC BY 4.0), statements of reasons; "
        f"dataset {_shown(Path(result.dataset))}; analysis.tdb.measures ({result.engine})"
    )
    for platform in platforms:
        names = PLATFORM_NAMES.get(platform, ())
        sub = table[table["platform"].isin(names)]
        base = {"panel": "tdb", "platform": platform, "period": period, "source": source}
        if sub.empty:
            rows.append(
                base
                | {
                    "figure": "decisions",
                    "value": 0 if names else None,
                    "unit": "count",
                    "value_text": (
                        f"no statements filed as {' / '.join(names)} ({scope}) in this "
                        "dataset and period"
                        if names
                        else "no TDB platform name for this complaint-log platform"
                    ),
                    "population": f"statements of reasons, {scope}",
                    "definition": "statements of reasons filed (one per moderation decision)",
                }
            )
            continue
        for _, r in sub.iterrows():
            population = (
                f"EU statements of reasons filed as {r['platform']}, {scope}, "
                f"source: {r.get('source', 'all')}; {r['n_missing_dates']:,} without dates and "
                f"{r['n_action_before_posting']:,} dated before posting counted, not timed"
            )
            med = r["days_posting_to_action_median"]
            items = [
                ("decisions", r["decisions"], None, None, "count", "statements of reasons filed"),
                (
                    "median days from posting to action",
                    med,
                    r["days_posting_to_action_median_lower"],
                    r["days_posting_to_action_median_upper"],
                    "days",
                    "median whole calendar days from content_date (posting) to application_date "
                    "(decision); day resolution, so the true median lies in [lower, upper]; "
                    "starts at posting, not at any notice: NOT a response time",
                ),
                (
                    "share acted on the posting day",
                    r["share_same_day"],
                    None,
                    None,
                    "share",
                    "share of dated decisions taken on the day of posting (certainly < 24 h "
                    "after posting); only content acted on is in the database",
                ),
                (
                    "share decided fully automatically",
                    r["share_automated_decision_fully"],
                    None,
                    None,
                    "share",
                    "share of decisions the platform declared fully automated",
                ),
            ]
            for figure, value, lo, hi, unit, definition in items:
                text = fmt_value(value, unit)
                if figure.startswith("median") and pd.notna(value):
                    text = f"{value:g} (true median between {lo:g} and {hi:g} days)"
                rows.append(
                    base
                    | {
                        "figure": f"{figure} ({r.get('source', 'all sources')})",
                        "value": None if pd.isna(value) else float(value),
                        "lower": None if lo is None or pd.isna(lo) else float(lo),
                        "upper": None if hi is None or pd.isna(hi) else float(hi),
                        "unit": unit,
                        "value_text": text,
                        "population": population,
                        "definition": definition,
                    }
                )
    return rows


@dataclass
class BesideTables:
    """Three panels of one long table; see the module docstring for the API."""

    frame: pd.DataFrame
    platforms: list[str]
    notes: dict[str, str] = field(default_factory=dict)

    def panel(self, name: str) -> pd.DataFrame:
        if name not in PANELS:
            raise KeyError(f"unknown panel {name!r}; panels: {', '.join(PANELS)}")
        return self.frame[self.frame["panel"] == name].reset_index(drop=True)


def beside(
    headline: dict[str, Any],
    tdb: Measures | Path | str | None = None,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    preset: str | None = "school-staff-abuse",
    engine: str = "duckdb",
    published_dir: Path = EXTERNAL_DIR,
    platforms: list[str] | None = None,
) -> BesideTables:
    """Set a complaint log's headline, the TDB measures and published figures side by side.

    ``headline``: :func:`analysis.results.headline`'s dict (its platforms decide the rows).
    ``tdb``: an ingested dataset folder (measured here per platform and source type, for the
    ``preset`` categories if given, between ``date_from`` and ``date_to`` on application_date),
    a ready :class:`Measures`, or None. ``platforms`` narrows the complaint log's platforms.
    """
    log_platforms = [p for p in headline["platforms"] if p != ALL]
    chosen = [p for p in log_platforms if platforms is None or p in platforms]
    reason = None
    if isinstance(tdb, str | Path):
        # Imported here: ibis and DuckDB take about 1.5 s to load, and a briefing without a
        # Transparency Database dataset (the usual case) never needs them.
        from analysis.tdb.measures import measures

        tdb_names = sorted({n for p in chosen for n in PLATFORM_NAMES.get(p, ())})
        tdb = measures(
            Path(tdb),
            engine=engine,  # type: ignore[arg-type]
            date_from=date_from,
            date_to=date_to,
            preset=preset,
            platforms=tdb_names,
            by=("platform", "source"),
        )
    elif tdb is None:
        reason = "no Transparency Database dataset given"
    rows = (
        _log_panel(headline, chosen)
        + _tdb_panel(tdb, chosen, reason)
        + sorted(
            published_panel(chosen, published_dir),
            key=lambda r: [ALL, *chosen].index(r["platform"]),
        )
    )
    frame = pd.DataFrame(rows).reindex(columns=list(BESIDE_COLUMNS))
    missing_text = frame["value_text"].isna()
    frame.loc[missing_text, "value_text"] = [
        fmt_value(v, u)
        for v, u in zip(
            frame.loc[missing_text, "value"], frame.loc[missing_text, "unit"], strict=True
        )
    ]
    frame = frame.astype(object).where(frame.notna(), None)
    return BesideTables(frame=frame, platforms=chosen, notes=dict(PANELS))
