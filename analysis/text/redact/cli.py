"""``python -m analysis redact``: redact text or a complaint log's descriptions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.log.export import csv_text  # formula-safe, CR quoted
from analysis.text.redact.logs import redact_log
from analysis.text.redact.pipeline import redact


def _not_utf8(path: Path | None, exc: UnicodeDecodeError) -> str:
    """One line saying why a file cannot be read, instead of a traceback."""
    where = "standard input" if path is None else str(path)
    byte = exc.object[exc.start]
    return (
        f"{where}: not UTF-8 text (byte 0x{byte:02x} at position {exc.start}); "
        "a binary file, or text saved in another encoding (re-save it as UTF-8)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis redact",
        description="Replace names, schools, handles, emails, phones, postcodes and URLs with "
        "placeholders. Plain text is redacted line by line; a complaint log (CSV/XLSX/Parquet, "
        "or --log) has its description column redacted, using its staff_name and school_name "
        "columns as deny-lists, and those two columns dropped.",
    )
    parser.add_argument(
        "file", nargs="?", default="-", help="text file or complaint log; - for stdin"
    )
    parser.add_argument("--log", action="store_true", help="treat FILE as a complaint log")
    parser.add_argument(
        "--deny", action="append", default=[], metavar="NAME", help="a name to redact (repeatable)"
    )
    parser.add_argument("--no-model", action="store_true", help="rules and deny-lists only")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)

    path = None if args.file == "-" else Path(args.file)
    if path is not None and not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    is_log = args.log or (path is not None and path.suffix.lower() in {".csv", ".xlsx", ".parquet"})
    if is_log:
        if path is None:
            print("error: a complaint log must be given as a file, not stdin", file=sys.stderr)
            return 2
        from analysis.log.reader import NotAComplaintLog, read_log

        try:
            raw = read_log(path)
        except NotAComplaintLog as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        frame = redact_log(raw.frame, use_model=not args.no_model)
        result = csv_text(frame)
    else:
        try:
            text = sys.stdin.read() if path is None else path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            print(f"error: {_not_utf8(path, exc)}", file=sys.stderr)
            return 2
        lines = text.split("\n")
        result = "\n".join(redact(lines, args.deny or None, use_model=not args.no_model))
    if args.output:
        args.output.write_text(result, encoding="utf-8")
    else:
        sys.stdout.write(result)
    return 0
