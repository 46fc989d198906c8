"""What notebook 05 needs beyond the common briefing parameters: its TDB parameters and a dataset.

The repository ships only the 200 real fixture statements (data/external/dsa_tdb), not the
Commission's archives. ``fixture_dataset`` packs them into archives in the published layout and
ingests them with the real ``ingest``, so the notebook runs the same code path a user runs on
downloaded archives, into a cache folder under ``reports/`` (never into data/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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
        default="", description="ingested TDB folder; empty = the real fixture rows"
    )
    tdb_from: dt.date | None = Field(default=None, description="first application day")
    tdb_to: dt.date | None = Field(default=None, description="last application day")
    tdb_preset: Literal["", *PRESETS] = Field(  # type: ignore[valid-type]
        default="", description="category preset; empty = all categories"
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

    def dataset(self) -> Path:
        """The dataset folder, building the fixture dataset when none is given."""
        return project_path(self.tdb_dataset) if self.tdb_dataset else fixture_dataset()


def validate_tdb_parameters(values: Mapping[str, Any]) -> TdbParameters:
    """Check notebook 05's TDB parameters (read from its globals); errors name the parameter."""
    given = {name: values[name] for name in TdbParameters.model_fields if name in values}
    try:
        params = TdbParameters(**given)
    except ValidationError as exc:
        lines = [f"parameter {e['loc'][0]!r}: {e['msg']}" for e in exc.errors()]
        raise ValueError("bad notebook parameter(s):\n  " + "\n  ".join(lines)) from None
    if params.tdb_from and params.tdb_to and params.tdb_from > params.tdb_to:
        raise ValueError("bad notebook parameter(s):\n  parameter 'tdb_from': after tdb_to")
    return params
