"""Reading a complaint log from CSV, Excel or Parquet, and matching its headers to the contract.

The reader keeps every cell as it was written (text, or the spreadsheet's own dates) and every row,
numbered as the person who keeps the log sees it: in a CSV or a sheet the header is row 1 and the
first complaint row 2; in Parquet, rows are numbered from 1. Interpreting values is the validator's job.
A file that is not a complaint log at all raises :class:`NotAComplaintLog` with one clear message.

Text cells are Python strings by default. The validator asks for them as Arrow strings instead
(``read_log(path, arrow_text=True)``): converting a million-row log's text to Python objects took
over half a second, and the validator works on Arrow arrays anyway. A CSV is then parsed by Arrow's
multi-threaded reader (2.4 s -> 0.8 s on a million rows) when every row fits the header; any other
file (a row with more or fewer fields, a blank line, broken quoting) is read by the pandas route,
which numbers and explains each misfit row exactly as before.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from analysis.log.contract import FIELD_BY_NAME, HEADER_ALIASES, REQUIRED, normalise_header

_HEADER_SEARCH_ROWS = 10
#: pandas dtypes for Arrow text columns when ``arrow_text`` is asked for: Arrow-backed, no copy.
_ARROW_TEXT = {t: pd.ArrowDtype(t) for t in (pa.string(), pa.large_string())}


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
    malformed: dict[int, str] = field(default_factory=dict)  # source row -> why it does not fit


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


_DELIMITERS = (",", ";", "\t")


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode Text": readable, so read it
    if b"\x00" in data[:65536]:
        raise NotAComplaintLog(
            f"{path.name}: this looks like a binary file, not a CSV text file "
            "(save the log as 'CSV UTF-8', Excel .xlsx or Parquet)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Bytes that are not UTF-8 (a pasted Windows-1252 name, a damaged line) cost only the rows
        # that hold them: they read as U+FFFD and :func:`_read_csv` rejects those rows by name.
        return data.decode("utf-8-sig", errors="replace")


#: Why a row holding bytes that are not UTF-8 is rejected.
NOT_UTF8 = "holds bytes that are not UTF-8 text (save the log as 'CSV UTF-8')"


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as ``io.StringIO(text)`` gives them, without
    copying the whole text first (a 200 MB log took 0.35 s per copy)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        yield text[start:end]
        start = end


def _header_fields(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(_lines(text), delimiter=delimiter), [])
    except csv.Error:
        return []


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab: whichever makes the most known headers."""

    def known(delimiter: str) -> int:
        fields = _header_fields(text, delimiter)
        return sum(normalise_header(h) in HEADER_ALIASES for h in fields)

    return max(_DELIMITERS, key=known)


def _read_csv_arrow(data: bytes, delimiter: str, header: list[str]) -> pd.DataFrame | None:
    """A well-formed UTF-8 CSV through Arrow, text kept as Arrow strings; None for any other file.

    Every cell is read as text, empty cells as "" (as pandas reads them with ``dtype=str``). Arrow
    refuses a row whose field count differs from the header's and, since empty lines are not
    skipped, a blank line too: then None, and the pandas route reads the file. The header row is
    read as data and compared with the csv module's reading of it, so both agree on the columns.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or len(header) < 2:
        return None  # UTF-16 (decoded by Python) or a table too narrow to be a log
    buffer = pa.py_buffer(data)
    if data.startswith(codecs.BOM_UTF8):
        buffer = buffer.slice(len(codecs.BOM_UTF8))
    names = [f"column {i}" for i in range(len(header))]
    try:
        table = pa_csv.read_csv(
            buffer,
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=b'"' in data,  # a line break can only be inside quotes
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows < 2 or list(table.slice(0, 1).to_pylist()[0].values()) != header:
        return None
    frame = table.slice(1).to_pandas(types_mapper=_ARROW_TEXT.get)
    frame.columns = header
    return frame


def _read_csv(path: Path, data: bytes, arrow_text: bool) -> tuple[pd.DataFrame, dict[int, str]]:
    text = _decode(path, data)
    if not text or text.isspace():  # not text.strip(): that copies the whole text
        raise NotAComplaintLog(f"{path.name}: the file is empty")
    delimiter = _delimiter(text)
    header = _header_fields(text, delimiter)
    damaged = "\ufffd" in text and b"\xef\xbf\xbd" not in data  # replaced, not written so
    frame = _read_csv_arrow(data, delimiter, header) if arrow_text and not damaged else None
    if frame is not None:
        frame.index = pd.RangeIndex(2, 2 + len(frame), name="source_row")
        return frame, {}
    try:
        with warnings.catch_warnings():
            # pandas warns, and drops data, when a row has more fields than the header.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                index_col=False,  # a trailing delimiter on every line is not an index column
            )
        malformed: dict[int, str] = {}
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        frame, malformed = _read_csv_by_record(path, text, delimiter)
    if len(header) == frame.shape[1]:
        frame.columns = header  # pandas renames a repeated header 'x' to 'x.1'; keep it as written
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="source_row")
    if damaged:
        cells = frame.astype(str).apply(lambda column: column.str.contains("\ufffd", regex=False))
        for row in frame.index[cells.any(axis=1)]:
            malformed.setdefault(int(row), NOT_UTF8)
    return frame, malformed


def _read_csv_by_record(
    path: Path, text: str, delimiter: str
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Slow route for a CSV whose rows do not all fit the header: each misfit row is kept, flagged."""
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise NotAComplaintLog(f"{path.name}: not a readable CSV table ({exc})") from None
    header, rows = records[0], records[1:]
    width = len(header)
    malformed: dict[int, str] = {}
    fitted = []
    for number, fields in enumerate(rows, start=2):
        extra = fields[width:]
        if any(f.strip() for f in extra):
            malformed[number] = (
                f"the row has {len(fields)} fields but the header has {width} (a stray "
                f"{'comma' if delimiter == ',' else 'delimiter'} or unquoted text?); "
                f"fields beyond the header: {delimiter.join(extra)!r}"
            )
        fitted.append((fields + [""] * width)[:width])
    return pd.DataFrame(fitted, columns=header, dtype=object), malformed


def _one_line(exc: Exception) -> str:
    """An exception's message on one line, short: it goes into a message to the log's keeper."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # zip, XML and openpyxl errors of many types for a damaged file
        raise NotAComplaintLog(
            f"{path.name}: not a readable Excel workbook ({_one_line(exc)})"
        ) from None
    # The log is the first sheet with a header row (matching a required column) among its first
    # non-empty rows: a title or a note above the table is allowed. A damaged sheet is skipped
    # (and named, if no other sheet holds the log).
    damaged: list[str] = []
    with book:
        for name in book.sheet_names:
            try:
                raw = book.parse(name, header=None, dtype=object)
            except Exception as exc:  # a damaged sheet raises XML, zip or conversion errors
                damaged.append(f"sheet {name!r} could not be read: {_one_line(exc)}")
                continue
            body = _sheet_body(raw)
            if body is not None:
                return body
    raise NotAComplaintLog(
        f"{path.name}: no sheet in the workbook has complaint-log column headers"
        + "".join(f"; {d}" for d in damaged)
    )


def _sheet_body(raw: pd.DataFrame) -> pd.DataFrame | None:
    """The rows under the sheet's header row, numbered as the sheet shows them; None if no header."""
    for header_pos in raw.dropna(how="all").index[:_HEADER_SEARCH_ROWS]:
        headers = [normalise_header(h) for h in raw.loc[header_pos] if not pd.isna(h)]
        if any(HEADER_ALIASES.get(h) in REQUIRED for h in headers):
            body = raw.loc[header_pos + 1 :].copy()
            body.columns = ["" if pd.isna(h) else str(h) for h in raw.loc[header_pos]]
            # pandas' row position p is the sheet's row p + 1: keep it, blank rows included.
            body.index = pd.Index(body.index + 1, name="source_row")
            return body.astype(object).where(body.notna(), "")
    return None


def _read_parquet(path: Path, data: bytes, arrow_text: bool) -> pd.DataFrame:
    try:
        table = pq.read_table(pa.BufferReader(data))  # the bytes already read for the checksum
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise NotAComplaintLog(
            f"{path.name}: not a readable Parquet file ({_one_line(exc)})"
        ) from None
    for i, column in enumerate(table.schema):
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            # Multi-valued cells (e.g. categories as a list) become the log's ';'-joined text.
            values = pc.cast(table.column(i), pa.list_(pa.string()))
            table = table.set_column(i, column.name, pc.binary_join(values, ";"))
        elif pa.types.is_nested(column.type):
            raise NotAComplaintLog(
                f"{path.name}: column {column.name!r} holds nested records ({column.type}); "
                "a complaint log holds text, dates and lists of text"
            )
    # Typed columns (Parquet timestamps) stay typed: the date parser takes them as they are. A
    # timestamp column holding a date pandas cannot (9999-12-31) is read as ISO text instead, so
    # that the date parser rejects that cell, not the whole file.
    for i, column in enumerate(table.schema):
        if _beyond_pandas(table.column(i)):
            table = table.set_column(i, column.name, pc.cast(table.column(i), pa.string()))
    frame = table.to_pandas(types_mapper=_ARROW_TEXT.get if arrow_text else None)
    frame.index = pd.RangeIndex(1, 1 + len(frame), name="source_row")
    return frame


_NS_PER_UNIT = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def _beyond_pandas(column: pa.ChunkedArray) -> bool:
    """Whether a Parquet timestamp column holds a value pandas' nanosecond timestamps cannot
    (years before 1677 or after 2262)."""
    if not pa.types.is_timestamp(column.type) or column.null_count == len(column):
        return False
    per = _NS_PER_UNIT[column.type.unit]
    bounds = pc.min_max(column.cast(pa.int64()))
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    return low <= pd.Timestamp.min.value // per or high >= pd.Timestamp.max.value // per


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


def read_log(path: str | Path, arrow_text: bool = False) -> RawLog:
    """Read a complaint log file; raise :class:`NotAComplaintLog` when it cannot be one.

    ``arrow_text``: text columns of a Parquet file or a well-formed CSV are Arrow strings
    (``pd.ArrowDtype``; empty Parquet cells are ``NA``) instead of Python strings (empty cells
    ``None``), for the validator's speed.
    """
    path = Path(path)
    if not path.is_file():
        raise NotAComplaintLog(f"{path}: no such file")
    data = path.read_bytes()
    if not data:
        raise NotAComplaintLog(f"{path.name}: the file is empty")
    file_format = _sniff_format(path, data[:8])
    malformed: dict[int, str] = {}
    # hashlib releases the GIL on large inputs: the checksum (0.2 s for 240 MB) runs on a thread
    # while the file is parsed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checksum = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        if file_format == "csv":
            frame, malformed = _read_csv(path, data, arrow_text)
        elif file_format == "xlsx":
            frame = _read_xlsx(path)
        else:
            frame = _read_parquet(path, data, arrow_text)
        sha256 = checksum.result()

    headers = [str(c) for c in frame.columns]
    mapping, ignored = match_headers(headers, path.name)
    frame.columns = headers
    if list(mapping) != headers:  # selecting columns copies them all: only when some are dropped
        frame = frame.loc[:, list(mapping)]
    frame.columns = [mapping[h] for h in mapping]

    # A row is blank when every cell is empty; test the cheap id column first (1M-row logs).
    # (short CSV lines leave NaN in their missing fields, which counts as empty too).
    first = frame[frame.columns[0]]
    maybe = frame.index[np.asarray(first.isna() | first.eq("").fillna(False), dtype=bool)]
    blank = pd.Series(False, index=frame.index)
    if len(maybe):  # even an empty .loc costs ~30 ms on a million rows
        blank[maybe] = (frame.loc[maybe].isna() | frame.loc[maybe].eq("")).all(axis=1)
    if blank.any():  # filtering copies every column: only when there is something to drop
        frame = frame[~blank]
    if frame.empty:
        raise NotAComplaintLog(f"{path.name}: the file has column headers but no complaint rows")
    return RawLog(
        frame=frame,
        path=path,
        sha256=sha256,
        file_format=file_format,
        original_headers={name: header for header, name in mapping.items()},
        ignored_columns=ignored,
        blank_rows=int(blank.sum()),
        malformed=malformed,
    )
