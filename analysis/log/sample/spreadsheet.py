"""The messy variant: the same log as a spreadsheet export kept by hand, with the errors recorded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.log.contract import COLUMNS
from analysis.log.sample.draws import stream
from analysis.log.sample.files import beside, write_csv
from analysis.log.sample.generator import SampleLog
from analysis.log.sample.vocabulary import load

_MESSY = load("messy.yaml")
#: Headers as a log keeper might type them: aliases, odd case and stray spaces (all accepted).
MESSY_HEADERS: dict[str, str] = _MESSY["headers"]
#: How each column's timestamps are written: ISO in some columns, UK day-first in others.
MESSY_DATE_FORMATS: dict[str, str] = _MESSY["date_formats"]
#: Spellings the contract accepts (case, spaces, aliases): messy but valid, so not errors.
ACCEPTED_VARIANTS: dict[str, dict[str, tuple[str, ...]]] = _MESSY["accepted_variants"]
CATEGORY_VARIANTS: dict[str, str] = _MESSY["category_variants"]
ERROR_COLUMNS = ["source_row", "complaint_id", "column", "reason", "value", "note"]


@dataclass
class MessyLog:
    """The messy file's cells (strings, headers as written) and the errors injected into it.

    ``errors.reason`` is the code :mod:`analysis.log.validate` gives the problem; ``source_row`` counts
    as a spreadsheet does (header row 1, first data row 2).
    """

    table: pd.DataFrame
    errors: pd.DataFrame

    def write(self, path: str | Path) -> list[Path]:
        """Write the log (UTF-8 with a BOM, as Excel saves it) and ``<stem>.errors.csv`` beside it."""
        path = Path(path)
        errors_path = beside(path, "errors")
        write_csv(self.table, path, encoding="utf-8-sig")
        write_csv(self.errors, errors_path)
        return [path, errors_path]


def messy(log: SampleLog) -> MessyLog:
    """The log as a hand-kept spreadsheet: accepted variants everywhere, and a known set of errors.

    Rows keep their order, so source row ``r`` is ``log.frame`` row ``r - 2``.
    """
    rng = stream(log.seed, 2)
    frame = log.frame
    n = len(frame)
    table = pd.DataFrame(index=range(n))
    for name in COLUMNS:
        values = frame[name]
        if name in MESSY_DATE_FORMATS:
            table[name] = values.dt.strftime(MESSY_DATE_FORMATS[name]).fillna("")
        else:
            table[name] = values.fillna("").astype(str)
    for name, variants in ACCEPTED_VARIANTS.items():
        hit = rng.random(n) < 0.25
        for canonical, spellings in variants.items():
            rows = np.flatnonzero(hit & (frame[name].to_numpy() == canonical))
            table.loc[rows, name] = np.array(spellings, dtype=object)[
                rng.integers(0, len(spellings), len(rows))
            ]
    recoded = np.flatnonzero(rng.random(n) < 0.3)
    table.loc[recoded, "categories"] = [
        ", ".join(
            CATEGORY_VARIANTS.get(c, c.capitalize()) for c in frame.at[r, "categories"].split(";")
        )
        for r in recoded
    ]
    errors = _inject_errors(table, frame, rng, log.as_of)
    table.columns = [MESSY_HEADERS[c] for c in COLUMNS]
    return MessyLog(table, errors)


def _inject_errors(
    table: pd.DataFrame, frame: pd.DataFrame, rng: np.random.Generator, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Overwrite cells with realistic data-entry errors, each in its own row; return the record."""
    used: set[int] = set()
    records: list[tuple[int, str, str, str, str]] = []

    def pick(mask: pd.Series | np.ndarray) -> int:
        candidates = [r for r in np.flatnonzero(np.asarray(mask)) if r not in used and r > 0]
        row = int(candidates[int(rng.integers(0, len(candidates)))])
        used.add(row)
        return row

    def put(row: int, column: str, value: str, reason: str, note: str) -> None:
        table.at[row, column] = value
        records.append((row, column, reason, value, note))

    received, reported = frame["received_at"], frame["reported_at"]
    response, outcome = frame["first_response_at"], frame["outcome"]
    not_org = frame["reported_by"].isin(["staff member", "school"])
    all_rows = np.ones(len(frame), dtype=bool)

    row = pick(received.dt.day > 12)
    put(row, "received_at", f"{received[row]:%m/%d/%Y %H:%M}", "us_date", "month-first date")
    row = pick(reported.notna() & not_org)
    put(row, "reported_at", f"{reported[row]:%d/%m/%y %H:%M}", "ambiguous_date", "two-digit year")
    row = pick(frame["platform"] == "X")
    put(row, "platform", "Twiter", "unknown_value", "platform misspelt")
    row = pick(frame["platform"] == "Instagram")
    put(row, "platform", "Instagarm", "unknown_value", "platform misspelt")
    row = pick(frame["nation"] == "England")
    put(row, "nation", "Englnd", "unknown_value", "nation misspelt")
    row = pick(frame["role"] == "teacher")
    put(row, "role", "Teachre", "unknown_value", "role misspelt")
    row = pick(frame["outcome"] == "removed")
    put(row, "outcome", "Deleted", "unknown_value", "outcome not in the list")
    row = pick(all_rows)
    first = table.at[row, "categories"].split(";")[0].split(",")[0]
    put(row, "categories", f"{first}, Bullying", "unknown_value", "category not in the list")
    row = pick(all_rows)
    put(row, "complaint_id", "", "missing_required", "id left blank")
    row = pick(all_rows)
    put(row, "phase", "", "missing_required", "phase left blank")
    row = pick(frame["outcome"] == "removed")
    put(row, "removed_at", "", "outcome_contradiction", "outcome 'removed' without a removal time")
    row = pick(frame["outcome"] == "no response")
    removal = reported[row] + pd.Timedelta(days=2)
    put(
        row,
        "removed_at",
        f"{removal:%d/%m/%Y %H:%M}",
        "outcome_contradiction",
        "removal time with outcome 'no response'",
    )
    row = pick(frame["removed_at"].notna() & frame["first_response_at"].notna())
    early = reported[row] - pd.Timedelta(days=2)
    put(
        row,
        "removed_at",
        f"{early:%d/%m/%Y %H:%M}",
        "removal_before_report",
        "removal before the report",
    )
    row = pick(response.notna())
    early = reported[row] - pd.Timedelta(hours=3)
    put(
        row,
        "first_response_at",
        f"{early:%Y-%m-%d %H:%M}",
        "response_before_report",
        "response before the report",
    )
    row = pick(frame["reported_by"] == "organisation")
    early = received[row] - pd.Timedelta(days=3)
    put(
        row,
        "reported_at",
        f"{early:%d/%m/%Y %H:%M}",
        "report_before_received",
        "organisation reported before receiving",
    )
    row = pick(not_org & (outcome == "no response"))
    late = as_of.normalize() + pd.Timedelta(days=45, hours=10)
    put(
        row, "received_at", f"{late:%Y-%m-%d %H:%M}", "after_extract", "date after the extract date"
    )
    row = pick(response.notna())
    put(row, "first_response_at", "n/k", "bad_date", "'not known' typed in a date column")

    # The same id on two different complaints: both rows are in error.
    a, b = pick(all_rows), pick(all_rows)
    put(
        b,
        "complaint_id",
        table.at[a, "complaint_id"],
        "duplicate_id",
        "id reused for another complaint",
    )
    records.append(
        (a, "complaint_id", "duplicate_id", table.at[a, "complaint_id"], "id reused on another row")
    )
    # A complaint entered twice: the copy (the later row) is the error.
    original = pick(all_rows)
    copy = original + 1
    if copy in used or copy >= len(table):
        copy = pick(all_rows)
    used.add(copy)
    table.loc[copy] = table.loc[original]
    records.append(
        (copy, "complaint_id", "duplicate_id", table.at[copy, "complaint_id"], "row entered twice")
    )

    errors = pd.DataFrame(records, columns=["row", "column", "reason", "value", "note"])
    errors.insert(0, "source_row", errors.pop("row") + 2)
    errors.insert(1, "complaint_id", table.loc[errors["source_row"] - 2, "complaint_id"].to_numpy())
    return errors.sort_values(["source_row", "column"], kind="stable").reset_index(drop=True)[
        ERROR_COLUMNS
    ]
