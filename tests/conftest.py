"""Shared test helpers: small complaint logs written in the test, in the contract's own shape."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import PROJECT_ROOT
from analysis.log.contract import COLUMNS, TIMESTAMP_COLUMNS

GOOD_ROW: dict[str, str] = {
    "complaint_id": "C1",
    "received_at": "2021-11-05 10:00",
    "organisation": "Union",
    "nation": "England",
    "phase": "secondary",
    "role": "teacher",
    "platform": "TikTok",
    "categories": "defamatory allegation;homophobic",
    "reported_at": "2021-11-05 12:00",
    "reported_by": "school",
    "first_response_at": "2021-11-06 09:00",
    "outcome": "removed",
    "removed_at": "2021-11-06 10:00",
    "escalation": "none",
    "content_ref": "ref-1",
    "description": "",
    "staff_name": "",
    "school_name": "",
}


def row(**changes: str) -> dict[str, str]:
    """A valid complaint row with some fields changed."""
    return {**GOOD_ROW, **changes}


def write_csv(path: Path, rows: list[dict[str, str]], headers: list[str] | None = None) -> Path:
    headers = headers or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for r in rows:
            writer.writerow(list(r.values()))
    return path


@pytest.fixture
def log_file(tmp_path: Path):
    """Write rows to a CSV log in the test's folder and return its path."""

    def make(
        rows: list[dict[str, str]], name: str = "log.csv", headers: list[str] | None = None
    ) -> Path:
        return write_csv(tmp_path / name, rows, headers)

    return make


def validated_log(rows: list[dict], **defaults: object) -> pd.DataFrame:
    """A frame in the validated log's shape from a few fields per row, for tests of later stages.

    Unnamed fields get harmless values (a pending, unreported complaint); ``defaults`` change them.
    """
    base: dict[str, object] = {
        "received_at": pd.Timestamp("2021-11-08 10:00"),
        "organisation": "ASCL",
        "nation": "England",
        "phase": "secondary",
        "role": "teacher",
        "platform": "TikTok",
        "categories": "defamatory allegation",
        "reported_at": pd.NaT,
        "reported_by": None,
        "first_response_at": pd.NaT,
        "outcome": "pending",
        "removed_at": pd.NaT,
        "escalation": "none",
        "content_ref": None,
        "description": None,
        "staff_name": None,
        "school_name": None,
        **defaults,
    }
    records = [{"complaint_id": f"C{i}", **base, **r} for i, r in enumerate(rows)]
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    for col in TIMESTAMP_COLUMNS:
        frame[col] = pd.to_datetime(frame[col])
    return frame


@pytest.fixture(scope="session")
def sample_briefings(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """Both briefings built once from the bundled sample by the real command: (out dir, the run).

    Several test modules read them (content, disclosure, PDF/UA); building them once per session
    saves a full run per module. Tests only read the folder.
    """
    out = tmp_path_factory.mktemp("reports")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "briefings", "--out-dir", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done
