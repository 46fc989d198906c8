"""``python -m analysis sample``: write a synthetic log, its messy twin, or the bundled files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.config import SAMPLE_DIR, SAMPLE_LOG, SAMPLE_MESSY_LOG, SAMPLE_SEED
from analysis.log.sample.calibration import DEFAULT_ROWS
from analysis.log.sample.generator import generate
from analysis.log.sample.spreadsheet import messy
from analysis.log.sample.vocabulary import NAME_POOLS


def write_bundled(seed: int = SAMPLE_SEED, rows: int = DEFAULT_ROWS) -> list[Path]:
    """Regenerate every file under ``data/sample/`` (clean log, messy log, and their records)."""
    log = generate(seed, rows)
    return log.write(SAMPLE_LOG) + messy(log).write(SAMPLE_MESSY_LOG)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis sample",
        description="Generate a synthetic complaint log (same seed, same bytes). Writes the log and, "
        "beside it, <stem>.identifiers.csv and <stem>.miscoded.csv (or <stem>.errors.csv with --messy).",
    )
    parser.add_argument(
        "--seed", type=int, default=SAMPLE_SEED, help=f"random seed (default {SAMPLE_SEED})"
    )
    parser.add_argument("--out", type=Path, help="CSV file to write")
    parser.add_argument(
        "--rows", type=int, default=DEFAULT_ROWS, help=f"complaints (default {DEFAULT_ROWS})"
    )
    parser.add_argument(
        "--messy", action="store_true", help="write the messy variant with injected errors"
    )
    parser.add_argument(
        "--name-pool", choices=sorted(NAME_POOLS), default="main", help="names to draw from"
    )
    parser.add_argument(
        "--no-text", action="store_true", help="skip descriptions and names (fast, for big logs)"
    )
    parser.add_argument(
        "--bundled",
        action="store_true",
        help=f"regenerate every file in {SAMPLE_DIR} with the default seed and rows",
    )
    args = parser.parse_args(argv)
    if args.bundled:
        written = write_bundled()
    elif args.out is None:
        parser.error("give --out PATH (or --bundled)")
    else:
        try:
            log = generate(args.seed, args.rows, args.name_pool, with_text=not args.no_text)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        written = messy(log).write(args.out) if args.messy else log.write(args.out)
    for path in written:
        print(path)
    return 0
