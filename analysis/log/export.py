"""CSV and XLSX files written for analysts, safe to open in a spreadsheet.

Log text is written by many hands and is not trusted. Two things go wrong when it is written out
as is and an analyst opens the file in Excel or LibreOffice:

* **Formula injection.** A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
  return in front of one) is run as a formula. OWASP's rule is applied: such text is written with a
  leading single quote, which spreadsheets show as text and never evaluate. Numbers, dates and empty
  cells are left alone; only text is prefixed, and a test reads each file back and gets the rows as
  written (prefix included).
* **Broken rows.** Python's csv module quotes a value that holds the delimiter, a quote or a
  character of the line ending, but with ``\\n`` endings it leaves a bare carriage return unquoted,
  and the file then reads back with extra rows. Rows here end with ``\\r\\n`` (RFC 4180), so a value
  holding either CR or LF is quoted.

XLSX cells cannot hold most control characters at all (the XML forbids them): they are written as
U+FFFD, the replacement character, rather than refused. XML also reads every CR or CRLF as LF, so
a line break inside an XLSX cell is written as LF: the cell then reads back as written.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

#: Text starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
FORMULA_LEADS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: RFC 4180 line ending: makes the csv module quote CR as well as LF inside a value.
LINE_END = "\r\n"
#: Characters an XLSX (XML 1.0) cell cannot hold.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """``value`` with a leading quote if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def _is_text(column: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(column)
        or pd.api.types.is_datetime64_any_dtype(column)
        or pd.api.types.is_bool_dtype(column)
    )


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with formula-leading text quoted in its cells, headers and index."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _is_text(column):
            values = column.to_numpy(dtype=object, copy=True)
            leads = np.fromiter(
                (isinstance(v, str) and v.startswith(FORMULA_LEADS) for v in values),
                dtype=bool,
                count=len(values),
            )
            if leads.any():
                values[leads] = ["'" + v for v in values[leads]]
            out.isetitem(position, pd.Series(values, index=out.index, name=column.name))
    out.columns = [neutralise(str(c)) for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(neutralise)
    return out


def csv_text(frame: pd.DataFrame, *, index: bool = False, date_format: str | None = None) -> str:
    """``frame`` as CSV text: formula-leading text quoted, every value with a delimiter, quote or
    line break in double quotes, rows ending CRLF."""
    return neutralise_frame(frame).to_csv(
        index=index,
        date_format=date_format,
        quoting=csv.QUOTE_MINIMAL,
        lineterminator=LINE_END,
    )


def write_csv(
    frame: pd.DataFrame, path: Path, *, index: bool = False, date_format: str | None = None
) -> Path:
    """Write :func:`csv_text` of ``frame`` to ``path`` (UTF-8, no newline translation)."""
    path.write_text(
        csv_text(frame, index=index, date_format=date_format), encoding="utf-8", newline=""
    )
    return path


def _xlsx_cell(value: object) -> object:
    value = neutralise(value)
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def write_xlsx(frame: pd.DataFrame, path: Path, *, index: bool = False) -> Path:
    """Write ``frame`` as a one-sheet workbook whose text cells are text, never formulas."""
    from openpyxl import Workbook

    table = frame.reset_index() if index else frame
    book = Workbook()
    sheet = book.active
    sheet.append([_xlsx_cell(str(c)) for c in table.columns])
    for row in table.itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(v) for v in row])
    book.save(path)
    return path
