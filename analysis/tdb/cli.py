"""``python -m analysis tdb ingest|measures``: the DSA Transparency Database from the shell."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from analysis.tdb.schema import PRESETS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _keys(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    allowed = ("platform", "month", "source", "group")
    bad = [k for k in keys if k not in allowed]
    if bad or not keys:
        raise argparse.ArgumentTypeError(f"choose from {','.join(allowed)} (got {text!r})")
    return tuple(k for k in allowed if k in keys)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis tdb",
        description="EU DSA Transparency Database: ingest the daily archives, compute measures.",
    )
    sub = parser.add_subparsers(dest="action", required=True)

    ing = sub.add_parser(
        "ingest",
        help="daily archives -> Parquet dataset partitioned by day",
        description="Read daily archives as published (sor-<scope>-<date>-<full|light>.zip, "
        "with <name>.sha1 beside when downloaded), check each SHA-1, and write OUT/day=YYYY-MM-DD/. "
        "Re-running a day replaces that day only; a corrupt archive is reported and its day skipped.",
    )
    ing.add_argument("archives", nargs="+", type=Path, metavar="ARCHIVE")
    ing.add_argument("--out", required=True, type=Path, help="dataset folder (created if absent)")
    ing.add_argument("--memory-limit", default="1GB", help="DuckDB memory limit (default 1GB)")
    ing.add_argument("--json", action="store_true", help="print the ingest report as JSON")

    mea = sub.add_parser(
        "measures",
        help="decisions, automation shares, days from posting to action",
        description="Per platform, month, source type and category (or preset label). Days from "
        "posting to action have day resolution and start at posting, not at a complaint.",
    )
    mea.add_argument("dataset", type=Path, metavar="DIR", help="folder written by tdb ingest")
    mea.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    mea.add_argument(
        "--spark-master",
        default=None,
        help="Spark master URL, e.g. spark://host:7077 (default local[*])",
    )
    mea.add_argument("--from", dest="date_from", type=_date, help="first application day")
    mea.add_argument("--to", dest="date_to", type=_date, help="last application day")
    mea.add_argument("--preset", choices=sorted(PRESETS), help="group by a preset's labels")
    mea.add_argument(
        "--platform",
        action="append",
        dest="platforms",
        help="TDB platform_name to keep (repeatable)",
    )
    mea.add_argument(
        "--by",
        type=_keys,
        default=("platform", "month", "source", "group"),
        help="grouping keys, comma-separated subset of platform,month,source,group (default all)",
    )
    mea.add_argument("--json", action="store_true", help="print JSON (default: a text table)")
    return parser


def _ingest(args: argparse.Namespace) -> int:
    from analysis.tdb.ingest import ingest

    report = ingest(args.archives, args.out, memory_limit=args.memory_limit)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(
            f"{len(report.days)} day(s) written to {args.out}: {report.rows_written:,} rows,"
            f" {report.duplicates_removed:,} duplicate uuid removed;"
            f" {len(report.skipped)} archive(s) skipped"
        )
        for skip in report.skipped:
            print(f"  skipped: {skip['reason']}")
    return 1 if report.skipped else 0


def _measures(args: argparse.Namespace) -> int:
    from analysis.tdb.measures import measures

    if args.date_from and args.date_to and args.date_from > args.date_to:
        print("error: --from is after --to", file=sys.stderr)
        return 2
    try:
        result = measures(
            args.dataset,
            engine=args.engine,
            spark_master=args.spark_master,
            date_from=args.date_from,
            date_to=args.date_to,
            preset=args.preset,
            platforms=args.platforms,
            by=args.by,
        )
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        print(result.to_dict()["caveat"])
        print(result.table.to_string(index=False))
        print(json.dumps(result.totals))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _ingest(args) if args.action == "ingest" else _measures(args)
