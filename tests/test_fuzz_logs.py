"""Fuzz: the bundled logs with cells mutated the ways hand-kept spreadsheets go wrong, written as
CSV and XLSX. Whatever the cells hold: no exception escapes the reader or the validator (a file
that is no log raises NotAComplaintLog with one line), rows read = valid + rejected, and the
valid and rejected files written for analysts read back with the rows written."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.config import SAMPLE_AS_OF, SAMPLE_LOG, SAMPLE_MESSY_LOG
from analysis.log.export import csv_text, write_xlsx
from analysis.log.reader import NotAComplaintLog
from analysis.log.validate import validate_file
from analysis.log.validate_cli import write_outputs

BASE = {
    path.name: pd.read_csv(path, dtype=str, keep_default_na=False).head(12)
    for path in (SAMPLE_LOG, SAMPLE_MESSY_LOG)
}
ODD = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["=1+1", "+SUM(A1)", "-2", "@x", "\t=1", "a\rb", "a\nb", "a\r\nb", '"q",', "", " "]
    ),
    st.sampled_from(["9999-12-31", "0001-01-01", "1921-11-05", "31/02/2021", "13/13/2021"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
MUTATIONS = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 17), ODD), min_size=1, max_size=6)


def _mutated(name: str, changes: list[tuple[int, int, str]]) -> pd.DataFrame:
    frame = BASE[name].copy()
    for r, c, value in changes:
        frame.iat[r, c % frame.shape[1]] = value
    return frame


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _check(path: Path, out: Path) -> None:
    try:
        result = validate_file(path, SAMPLE_AS_OF)
    except NotAComplaintLog as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert result.rows_read == result.n_valid + result.n_rejected
    assert set(result.rejected["source_row"]) == set(result.rejected_rows.index)
    paths = write_outputs(result, out)
    valid = _rows(paths["valid"].read_bytes().decode("utf-8"))
    expected = _rows(csv_text(result.valid, index=True, date_format="%Y-%m-%d %H:%M:%S"))
    assert valid == expected and len(valid) == result.n_valid + 1
    rejected = _rows(paths["rejected"].read_bytes().decode("utf-8"))
    assert len(rejected) == len(result.rejected) + 1


@pytest.mark.slow
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.sampled_from(sorted(BASE)), MUTATIONS, st.sampled_from([".csv", ".xlsx"]))
def test_mutated_sample_logs_never_crash_and_reconcile(name, changes, suffix):
    frame = _mutated(name, changes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"log{suffix}"
        if suffix == ".csv":
            # written raw, as a careless export would: formulas and line breaks unescaped
            frame.to_csv(path, index=False)
        else:
            write_xlsx(frame, path)
        _check(path, Path(folder) / "out")
