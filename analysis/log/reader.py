"""Reading a complaint log from CSV, Excel or Parquet, and matching its headers to the contract.

The reader keeps every cell as it was written (text, or the spreadsheet's own dates) and every row,
numbered as the person who keeps the log sees it: in a CSV or a sheet the header is row 1 and the
first complaint row 2; in Parquet, rows are numbered from 1. Interpreting values is the validator's job.
A file that is not a complaint log at all raises :class:`NotAComplaintLog` with one clear message.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.log.contract import FIELD_BY_NAME, HEADER_ALIASES, REQUIRED, normalise_header


class NotAComplaintLog(ValueError):
    """The file cannot be read as a complaint log; the message says why, in plain English."""


@dataclass
class RawLog:
    """A complaint log as read: contract column names, raw cell values, source row numbers."""

    frame: pd.DataFrame  # columns renamed to the contract's names; index = source row number
    path: Path
    sha256: str
    file_format: str
    original_headers: dict[str, str]  # contract name -> header as written in the file
    ignored_columns: list[str] = field(default_factory=list)
    blank_rows: int = 0


def _sniff_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if suffix in {".parquet", ".pq"}:
        raise NotAComplaintLog(
            f"{path.name}: not a Parquet file (the file does not start with 'PAR1')"
        )
    if suffix in {".xlsx", ".xlsm"}:
        raise NotAComplaintLog(
            f"{path.name}: not an Excel .xlsx workbook (it is not a zip archive)"
        )
    if suffix == ".xls":
        raise NotAComplaintLog(
            f"{path.name}: old-style .xls workbooks are not read; save it as .xlsx or CSV"
        )
    return "csv"


def _read_csv(path: Path, data: bytes) -> tuple[pd.DataFrame, int]:
    if b"\x00" in data[:65536]:
        raise NotAComplaintLog(
            f"{path.name}: this looks like a binary file, not a CSV text file "
            "(save the log as 'CSV UTF-8', Excel .xlsx or Parquet)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotAComplaintLog(
            f"{path.name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "save the log as 'CSV UTF-8'"
        ) from None
    if not text.strip():
        raise NotAComplaintLog(f"{path.name}: the file is empty")
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skipinitialspace=False,
        )
    except pd.errors.ParserError as exc:
        raise NotAComplaintLog(f"{path.name}: not a readable CSV table ({exc})") from None
    return frame, 2


def _read_xlsx(path: Path) -> tuple[pd.DataFrame, int]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NotAComplaintLog(f"{path.name}: not a readable Excel workbook ({exc})") from None
    # The log is the first sheet whose first non-empty row matches at least one required column.
    for raw in sheets.values():
        raw = raw.dropna(how="all")
        if raw.empty:
            continue
        header_pos = raw.index[0]
        headers = [normalise_header(h) for h in raw.loc[header_pos]]
        if any(HEADER_ALIASES.get(h) in REQUIRED for h in headers):
            body = raw.loc[header_pos + 1 :]
            body.columns = ["" if pd.isna(h) else str(h) for h in raw.loc[header_pos]]
            body = body.astype(object).where(body.notna(), "")
            # pandas' row position p in the sheet is spreadsheet row p + 1.
            return body.reset_index(drop=True), int(header_pos) + 2
    raise NotAComplaintLog(
        f"{path.name}: no sheet in the workbook has complaint-log column headers"
    )


def _read_parquet(path: Path) -> tuple[pd.DataFrame, int]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise NotAComplaintLog(f"{path.name}: not a readable Parquet file ({exc})") from None
    # Typed columns (Parquet timestamps) stay typed: the date parser takes them as they are.
    return frame, 1


def match_headers(headers: list[str], source: str) -> tuple[dict[str, str], list[str]]:
    """Map file headers to contract names; raise when the file is not a complaint log.

    Returns ``(mapping header -> contract name, ignored headers)``.
    """
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for header in headers:
        name = HEADER_ALIASES.get(normalise_header(header))
        if name is None:
            ignored.append(header)
            continue
        if name in seen:
            raise NotAComplaintLog(
                f"{source}: columns {seen[name]!r} and {header!r} both mean {name!r}; keep one"
            )
        seen[name] = header
        mapping[header] = name
    missing = [name for name in REQUIRED if name not in seen]
    if len(missing) == len(REQUIRED):
        shown = ", ".join(repr(h) for h in headers[:8]) or "none"
        raise NotAComplaintLog(
            f"{source}: not a complaint log - none of the expected columns "
            f"({', '.join(REQUIRED)}) were found; columns seen: {shown}"
        )
    if missing:
        detail = "; ".join(
            f"{name} (accepted headers: {', '.join(repr(a) for a in (name, *FIELD_BY_NAME[name].aliases))})"
            for name in missing
        )
        raise NotAComplaintLog(f"{source}: missing required column(s): {detail}")
    return mapping, ignored


def read_log(path: str | Path) -> RawLog:
    """Read a complaint log file; raise :class:`NotAComplaintLog` when it cannot be one."""
    path = Path(path)
    if not path.is_file():
        raise NotAComplaintLog(f"{path}: no such file")
    data = path.read_bytes()
    if not data:
        raise NotAComplaintLog(f"{path.name}: the file is empty")
    file_format = _sniff_format(path, data[:8])
    if file_format == "csv":
        frame, first_row = _read_csv(path, data)
    elif file_format == "xlsx":
        frame, first_row = _read_xlsx(path)
    else:
        frame, first_row = _read_parquet(path)

    headers = [str(c) for c in frame.columns]
    mapping, ignored = match_headers(headers, path.name)
    frame.columns = headers
    frame = frame[list(mapping)].rename(columns=mapping)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame), name="source_row")

    # A row is blank when every cell is empty; test the cheap id column first (1M-row logs).
    # (short CSV lines leave NaN in their missing fields, which counts as empty too).
    first = frame[frame.columns[0]]
    maybe = frame.index[first.isna() | first.eq("")]
    blank = pd.Series(False, index=frame.index)
    blank[maybe] = (frame.loc[maybe].isna() | frame.loc[maybe].eq("")).all(axis=1)
    frame = frame[~blank]
    if frame.empty:
        raise NotAComplaintLog(f"{path.name}: the file has column headers but no complaint rows")
    return RawLog(
        frame=frame,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=file_format,
        original_headers={name: header for header, name in mapping.items()},
        ignored_columns=ignored,
        blank_rows=int(blank.sum()),
    )
