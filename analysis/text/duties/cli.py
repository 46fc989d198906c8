"""``python -m analysis duties FILE``: the duties of a statute as CSV or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.log.export import csv_text  # formula-safe, CR quoted
from analysis.text.duties.extract import duties_table
from analysis.text.duties.reading import NotText


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis duties",
        description="Find duties in a statute or bill (plain text or HTML): holder, action, "
        "trigger, deadline (as written and in hours) and citation.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument("--instrument", help="instrument name for citations (default: first line)")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        table = duties_table(args.files, args.instrument)
    except NotText as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        out = csv_text(table)
    else:
        records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
        out = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        args.output.write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    if table.empty:
        print("no duty sentences found", file=sys.stderr)
    return 0
