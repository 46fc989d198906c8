"""What notebook 05 needs beyond the common briefing parameters: its TDB parameters and a dataset.

The repository ships only the 200 real fixture statements (data/external/dsa_tdb), not the
Commission's archives. ``fixture_dataset`` packs them into archives in the published layout and
ingests them with the real ``ingest``, so the notebook runs the same code path a user runs on
downloaded archives, into a cache folder under ``reports/`` (never into data/).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from analysis.config import EXTERNAL_DIR, REPORTS_DIR, project_path
from analysis.tdb.archive import CHUNK_NAME, build_archive
from analysis.tdb.ingest import ingest
from analysis.tdb.schema import PRESETS

FIXTURE_DIR: Path = EXTERNAL_DIR / "dsa_tdb"
FIXTURE_CACHE: Path = REPORTS_DIR / "cache" / "tdb_fixture"


def fixture_archives(dest: Path) -> list[Path]:
    """The real fixture chunks packed as daily archives (with .sha1), one per day."""
    chunks = sorted(FIXTURE_DIR.glob("sor-*.csv"))
    days = sorted({m["day"] for c in chunks if (m := CHUNK_NAME.match(c.name))})
    return [build_archive([c for c in chunks if f"-{d}-" in c.name], dest) for d in days]


def fixture_dataset(cache: Path = FIXTURE_CACHE) -> Path:
    """Ingest the fixture archives into ``cache/dataset`` (each run replaces its days) and return it."""
    archives = fixture_archives(cache / "archives")
    report = ingest(archives, cache / "dataset", progress=lambda _: None)
    if report.skipped:
        raise RuntimeError(f"fixture archives refused: {report.skipped}")
    return cache / "dataset"


class TdbParameters(BaseModel):
    """Notebook 05's own parameters (the common ones are checked by analysis.report.params)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tdb_dataset: str = Field(
        default="", description="ingested TDB folder (empty: the real fixture rows)"
    )
    tdb_from: dt.date | None = Field(default=None, description="first application day")
    tdb_to: dt.date | None = Field(default=None, description="last application day")
    tdb_preset: Literal["", *PRESETS] = Field(  # type: ignore[valid-type]
        default="", description="category preset (empty: all categories)"
    )
    tdb_engine: Literal["duckdb", "spark"] = Field(default="duckdb", description="engine")

    @field_validator("tdb_from", "tdb_to", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("tdb_dataset")
    @classmethod
    def _is_dataset(cls, value: str) -> str:
        if value and not any(project_path(value).glob("day=*/*.parquet")):
            raise ValueError(
                f"no ingested days in {project_path(value)} (run: python -m analysis tdb ingest "
                "ARCHIVE... --out DIR)"
            )
        return value

    @model_validator(mode="after")
    def _days_in_order(self) -> TdbParameters:
        if self.tdb_from and self.tdb_to and self.tdb_from > self.tdb_to:
            raise ValueError(f"tdb_from ({self.tdb_from}) is after tdb_to ({self.tdb_to})")
        return self

    def dataset(self) -> Path:
        """The dataset folder, building the fixture dataset when none is given."""
        return project_path(self.tdb_dataset) if self.tdb_dataset else fixture_dataset()
