"""Measures over an ingested Transparency Database dataset, written once, run by DuckDB or Spark.

Why Ibis: one expression compiles to DuckDB SQL (embedded, the default: 100M rows on a laptop) and
to Spark SQL (a cluster, when the data outgrow one machine), so the two engines cannot drift apart.
The engines return only integer counts and medians of whole-day differences; shares and interval
bounds are computed afterwards in pandas, identically for both.

What is measured, per platform, month, source type and category (or preset label):

* ``decisions``: statements of reasons (one per moderation decision).
* ``share_automated_detection``: share of decisions whose content was detected by automated means.
* ``share_automated_decision_fully`` / ``_any``: share decided fully / fully-or-partly automatically.
* **days from posting to action**: ``application_date - content_date`` in whole calendar days. Both
  are days, not times, so a difference of d days means the true delay lies in (d-1, d+1) days
  (interval-censored); d = 0 means certainly under 24 hours. The median is reported with the same
  bounds: if every true delay lies within one day of its day count, the true median lies within
  one day of the median day count. This clock starts when the content was *posted*, not when anyone
  complained (the database holds no notice time), and only content that was acted on appears: it
  is not a response time to a complaint and must never be reported as one.
* Statements with a missing date, or dated as acted on before they were posted, are counted per
  group (``n_missing_dates``, ``n_action_before_posting``) and left out of the delay figures only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

from analysis.tdb.ingest import dataset_glob
from analysis.tdb.schema import PRESET_FALLBACKS, PRESETS, SOURCE_LABELS

Engine = Literal["duckdb", "spark"]
#: The grouping keys, finest first; ``measures(by=...)`` takes any subset.
KEYS: tuple[str, ...] = ("platform", "month", "source", "group")

#: One line per output column: printed with every table so no figure is read as another.
DEFINITIONS: dict[str, str] = {
    "platform": "platform_name as filed in the DSA Transparency Database",
    "month": "calendar month of application_date (day the decision took effect); statements "
    "without one are placed by the day the database received them (created_at)",
    "source": "what triggered the decision: Art. 16 notice (anyone's notice), trusted flagger, "
    "other notification, own initiative (the platform's own detection)",
    "group": "unified category (v1 and v2 vocabularies mapped onto one) or preset label",
    "decisions": "statements of reasons filed (one per moderation decision)",
    "share_automated_detection": "share of decisions where the content was detected by automated "
    "means (automated_detection = Yes), among decisions stating it",
    "share_automated_decision_fully": "share of decisions taken fully automatically",
    "share_automated_decision_any": "share of decisions taken fully or partly automatically",
    "days_posting_to_action_median": "median of whole calendar days from content_date (posting) "
    "to application_date (action); NOT a response time to a complaint",
    "days_posting_to_action_median_lower": "lower bound of the true median (day resolution: "
    "each true delay lies within one day of its day count)",
    "days_posting_to_action_median_upper": "upper bound of the true median",
    "share_same_day": "share of dated decisions taken on the posting day: certainly under 24 h "
    "from posting",
    "share_within_7_days": "share of dated decisions at most 6 calendar days after posting: "
    "certainly under 7 days (168 h) from posting",
    "n_dated": "decisions with both dates and action not before posting (the delay's base)",
    "n_missing_dates": "decisions lacking content_date or application_date: counted, not dated",
    "n_action_before_posting": "decisions whose application_date precedes content_date: counted, "
    "not dated (a data error or a re-upload)",
}


def spark_session(master: str | None = None, **conf: str) -> Any:
    """A SparkSession: local[*] by default, or a cluster URL such as ``spark://host:7077``.

    Lean defaults (UI off, few shuffle partitions) because the groups are small; on a cluster pass
    ``spark.sql.shuffle.partitions`` etc. through ``conf``.
    """
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master or "local[*]")
        .appName("analysis-tdb")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def statements(directory: Path, engine: Engine = "duckdb", session: Any = None) -> ir.Table:
    """The ingested statements as an Ibis table on the chosen engine.

    ``session``: for Spark, an existing SparkSession (else one is made with ``spark_session()``);
    for DuckDB, an existing Ibis DuckDB connection (else a new in-memory one).
    """
    directory = Path(directory)
    if not any(directory.glob("day=*/*.parquet")):
        raise FileNotFoundError(f"{directory}: no ingested days (day=YYYY-MM-DD/*.parquet)")
    if engine == "duckdb":
        con = session or ibis.duckdb.connect()
        return con.read_parquet(dataset_glob(directory), hive_partitioning=True)
    if engine == "spark":
        con = ibis.pyspark.connect(session or spark_session())
        # The same files as DuckDB; basePath keeps the day=... folders as the partition column.
        return con.read_parquet(dataset_glob(directory), basePath=str(directory))
    raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")


def _count_if(cond: ir.BooleanValue) -> ir.IntegerScalar:
    return cond.ifelse(1, 0).sum()


def _preset_conditions(
    t: ir.Table, preset: str
) -> tuple[ir.BooleanValue, dict[str, ir.BooleanValue]]:
    """(cheap necessary condition for any label, {label: row carries it}) for a preset."""
    try:
        spec = PRESETS[preset]
    except KeyError:
        raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}") from None
    conds: dict[str, ir.BooleanValue] = {}
    # Most statements carry no keyword: test that first, so the list searches run on few rows
    # (halves the cost of the preset at 100M rows on DuckDB).
    has_keywords = t.keywords.length() > 0
    for label, (categories, keywords) in spec.items():
        parts: list[ir.BooleanValue] = []
        if categories:
            parts.append(t.category.isin(categories))
        if keywords:
            parts.append(
                has_keywords
                & reduce(lambda a, b: a | b, [t.keywords.contains(k) for k in keywords])
            )
        conds[label] = reduce(lambda a, b: a | b, parts).fill_null(False)
    specific = reduce(lambda a, b: a | b, conds.values())
    for label, categories in PRESET_FALLBACKS.get(preset, {}).items():
        conds[label] = t.category.isin(categories).fill_null(False) & ~specific
    # A cheap necessary condition first (category in the preset, or any keyword at all): the
    # engine then evaluates the keyword searches only on the rows that pass it.
    categories = {c for cats, _ in spec.values() for c in cats}
    categories |= {c for cats in PRESET_FALLBACKS.get(preset, {}).values() for c in cats}
    necessary = (t.category.isin(sorted(categories)) | has_keywords).fill_null(False)
    return necessary, conds


def _aggregates(t: ir.Table) -> dict[str, ir.Value]:
    """The integer counts and the median of whole days, per group."""
    return {
        "decisions": t.count(),
        "n_detection_stated": t.automated_detection.count(),
        "n_automated_detection": _count_if(t.automated_detection.fill_null(False)),
        "n_decision_stated": t.automated_decision.count(),
        "n_decision_fully": _count_if(t.automated_decision == "AUTOMATED_DECISION_FULLY"),
        "n_decision_partially": _count_if(t.automated_decision == "AUTOMATED_DECISION_PARTIALLY"),
        "n_missing_dates": _count_if(t.content_date.isnull() | t.application_date.isnull()),
        "n_action_before_posting": _count_if(t._before),
        "n_dated": _count_if(t._dated),
        "n_same_day": _count_if(t._dated & (t._days == 0)),
        "n_within_7_days": _count_if(t._dated & (t._days <= 6)),
        "days_median": t._days.median(),
    }


def measures_expr(
    t: ir.Table,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    preset: str | None = None,
    platforms: list[str] | None = None,
    by: tuple[str, ...] = KEYS,
) -> ir.Table:
    """The grouped counts as one Ibis expression (engine-neutral). See the module docstring.

    ``by``: a subset of ``KEYS``. Without ``"group"`` and with a preset, each decision carrying any
    of the preset's labels is counted once (no per-label split).
    """
    unknown = set(by) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown grouping {sorted(unknown)}; choose from {KEYS}")
    when = t.application_date.fill_null(t.created_at.date())
    t = t.mutate(_when=when)
    if date_from is not None:
        t = t.filter(t._when >= date_from)
    if date_to is not None:
        t = t.filter(t._when <= date_to)
    if platforms:
        t = t.filter(t.platform_name.isin(platforms))
    days = t.application_date.delta(t.content_date, unit="day")
    dated = days.notnull() & (days >= 0)
    t = t.mutate(_days=dated.ifelse(days, ibis.null("int64")), _dated=dated, _before=days < 0)
    if preset:
        necessary, conds = _preset_conditions(t, preset)
        # Each row's labels as one small integer (bit i set = label i), computed once per row and
        # only on rows passing the cheap necessary condition.
        mask = reduce(
            lambda a, b: a + b, [c.ifelse(1 << i, 0) for i, c in enumerate(conds.values())]
        )
        t = t.filter(necessary).mutate(_mask=mask.cast("int32"))
        if "group" in by:
            # Split by label with an equality join on a tiny table (mask -> each label it has)
            # instead of building and exploding a list per row. A decision with several labels
            # is still counted under each of them.
            # (2**labels - 1 masks: fine for the handful of labels a preset has.)
            names = list(conds)
            pairs = [
                (m, names[i])
                for m in range(1, 1 << len(names))
                for i in range(len(names))
                if m >> i & 1
            ]
            lookup = ibis.memtable(
                {"_mask": [m for m, _ in pairs], "group": [g for _, g in pairs]},
                schema={"_mask": "int32", "group": "string"},
            )
            # The inner join also drops the rows without a label (mask 0 is not in the table).
            t = t.join(lookup, "_mask")
        else:
            t = t.filter(t._mask != 0).mutate(group=ibis.literal(preset))
    else:
        t = t.mutate(group=t.category)
    keys = {
        "platform": t.platform_name,
        "month": t._when.truncate("M"),
        "source": t.source_type,
        "group": t.group,
    }
    return t.group_by(**{k: v for k, v in keys.items() if k in by}).aggregate(**_aggregates(t))


@dataclass
class Measures:
    """The measures table plus everything needed to quote it honestly."""

    table: pd.DataFrame
    engine: str
    dataset: str
    date_from: str | None
    date_to: str | None
    preset: str | None
    platforms: list[str] | None
    by: tuple[str, ...] = KEYS
    totals: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rows = self.table.astype(object).where(self.table.notna(), None).to_dict("records")
        return {
            "measure": "TDB decisions, automation shares and days from posting to action",
            "caveat": "days from posting to action start at posting, not at a notice or "
            "complaint (the database records none), have day resolution (interval-censored: a "
            "day count d means a true delay in (d-1, d+1) days) and cover only content that was "
            "acted on. They are not response times.",
            "source": "European Commission, DSA Transparency Database (CC BY 4.0)",
            "engine": self.engine,
            "dataset": self.dataset,
            "period": {"from": self.date_from, "to": self.date_to},
            "preset": self.preset,
            "platforms": self.platforms,
            "grouped_by": list(self.by),
            "totals": self.totals,
            "definitions": DEFINITIONS,
            "rows": rows,
        }


def _finish(raw: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """Integer counts -> shares, labels and the median's interval; one deterministic row order."""
    df = raw.copy()
    if "month" in by:
        df["month"] = pd.to_datetime(df["month"]).dt.strftime("%Y-%m")
    if "source" in by:
        df["source"] = df["source"].map(SOURCE_LABELS).fillna(df["source"])

    def share(num: str, den: str) -> pd.Series:
        den_ = df[den].where(df[den] > 0)
        return (df[num] / den_).round(4)

    df["share_automated_detection"] = share("n_automated_detection", "n_detection_stated")
    df["share_automated_decision_fully"] = share("n_decision_fully", "n_decision_stated")
    df["n_decision_any"] = df["n_decision_fully"] + df["n_decision_partially"]
    df["share_automated_decision_any"] = share("n_decision_any", "n_decision_stated")
    df["share_same_day"] = share("n_same_day", "n_dated")
    df["share_within_7_days"] = share("n_within_7_days", "n_dated")
    med = df["days_median"].astype(float)
    df["days_posting_to_action_median"] = med
    df["days_posting_to_action_median_lower"] = (med - 1).clip(lower=0)
    df["days_posting_to_action_median_upper"] = med + 1
    keys = [k for k in KEYS if k in by]
    columns = [
        *keys,
        "decisions",
        "share_automated_detection",
        "share_automated_decision_fully",
        "share_automated_decision_any",
        "n_dated",
        "days_posting_to_action_median",
        "days_posting_to_action_median_lower",
        "days_posting_to_action_median_upper",
        "share_same_day",
        "share_within_7_days",
        "n_missing_dates",
        "n_action_before_posting",
    ]
    counts = [c for c in columns if c.startswith("n_") or c == "decisions"]
    df[counts] = df[counts].astype("int64")
    return df[columns].sort_values(keys, na_position="last").reset_index(drop=True)


def measures(
    directory: Path,
    *,
    engine: Engine = "duckdb",
    session: Any = None,
    spark_master: str | None = None,
    date_from: dt.date | str | None = None,
    date_to: dt.date | str | None = None,
    preset: str | None = None,
    platforms: list[str] | None = None,
    by: tuple[str, ...] = KEYS,
) -> Measures:
    """Run the measures on ``directory`` (an ingested dataset) with DuckDB or Spark.

    ``platforms`` are TDB ``platform_name`` values (see ``schema.PLATFORM_NAMES`` for the
    complaint-log names). Dates are inclusive and refer to application_date. ``by`` chooses the
    grouping keys (default all four); medians are computed per group by the engine, never
    combined afterwards.
    """
    d_from = dt.date.fromisoformat(str(date_from)) if date_from else None
    d_to = dt.date.fromisoformat(str(date_to)) if date_to else None
    if engine == "spark" and session is None:
        session = spark_session(spark_master)
    t = statements(Path(directory), engine, session)
    expr = measures_expr(
        t, date_from=d_from, date_to=d_to, preset=preset, platforms=platforms, by=by
    )
    table = _finish(expr.execute(), by)
    totals = {
        "decisions_counted": int(table["decisions"].sum()),
        "n_dated": int(table["n_dated"].sum()),
        "n_missing_dates": int(table["n_missing_dates"].sum()),
        "n_action_before_posting": int(table["n_action_before_posting"].sum()),
    }
    if preset:
        totals["note"] = "a decision with several preset labels is counted under each"  # type: ignore[assignment]
    return Measures(
        table=table,
        engine=engine,
        dataset=str(directory),
        date_from=d_from.isoformat() if d_from else None,
        date_to=d_to.isoformat() if d_to else None,
        preset=preset,
        platforms=platforms,
        by=by,
        totals=totals,
    )
