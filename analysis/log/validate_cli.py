"""``python -m analysis validate``: validate a log, print the summary, write what was kept and why.

Apart from :mod:`analysis.log.validate` so that the checks stay one module and the files written
for analysts (through the formula-safe :mod:`analysis.log.export`) another.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.config import REPORTS_DIR
from analysis.log.export import write_csv
from analysis.log.reader import NotAComplaintLog
from analysis.log.validate import ValidationResult, validate_file


def write_outputs(result: ValidationResult, out_dir: Path) -> dict[str, Path]:
    """Write the valid rows and every rejected row (one line per problem, with its raw values),
    through :mod:`analysis.log.export`: log text may hold formulas and line breaks."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = result.path.stem if result.path else "log"
    paths = {"valid": out_dir / f"{stem}.valid.csv", "rejected": out_dir / f"{stem}.rejected.csv"}
    write_csv(result.valid, paths["valid"], index=True, date_format="%Y-%m-%d %H:%M:%S")
    raw = result.rejected_rows.add_prefix("raw: ")
    detail = result.rejected.drop(columns="value").join(raw, on="source_row")
    write_csv(detail, paths["rejected"])
    return paths


def summary_text(result: ValidationResult) -> str:
    lines = [
        f"Validated {result.path} (sha256 {result.sha256[:12] if result.sha256 else '-'})",
        f"  extract date  {result.as_of:%Y-%m-%d %H:%M}",
        f"  rows read     {result.rows_read:>8,}",
        f"  valid         {result.n_valid:>8,}",
        f"  rejected      {result.n_rejected:>8,}",
    ]
    if result.blank_rows:
        lines.append(f"  (blank lines skipped: {result.blank_rows:,})")
    if result.ignored_columns:
        lines.append(f"  columns not in the contract, ignored: {', '.join(result.ignored_columns)}")
    counts = result.counts_by_reason()
    if not counts.empty:
        lines.append("Rejected rows by reason (a row may have several):")
        width = max(counts["reason"].str.len())
        lines += [f"  {r.reason:<{width}}  {r.rows:>6,}" for r in counts.itertuples()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis validate",
        description="Check a complaint log against the contract; keep every rejected row with its reason.",
    )
    parser.add_argument("log", type=Path, help="complaint log: CSV (UTF-8), Excel .xlsx or Parquet")
    parser.add_argument("--as-of", help="extract date (yyyy-mm-dd or dd/mm/yyyy); default: now")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=REPORTS_DIR / "validation",
        help="where the valid and rejected rows are written (default: reports/validation)",
    )
    parser.add_argument(
        "--allow-rejected", action="store_true", help="exit 0 even when rows were rejected"
    )
    args = parser.parse_args(argv)
    try:
        result = validate_file(args.log, args.as_of)
    except (NotAComplaintLog, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary_text(result))
    paths = write_outputs(result, args.out_dir)
    print(f"Valid rows:    {paths['valid']}")
    print(
        f"Rejected rows: {paths['rejected']} ({len(result.rejected):,} problems in {result.n_rejected:,} rows)"
    )
    return 1 if result.n_rejected and not args.allow_rejected else 0
