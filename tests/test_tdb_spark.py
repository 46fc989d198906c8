"""The same measures on Spark (PySpark, local mode) give identical results to DuckDB on the real rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import EXTERNAL_DIR
from analysis.tdb.archive import build_archive
from analysis.tdb.ingest import ingest
from analysis.tdb.measures import measures, spark_session

pytestmark = pytest.mark.slow

if shutil.which("java") is None:
    pytest.skip(
        "no Java runtime on PATH: Spark needs Java 17 (apt install openjdk-17-jre-headless)",
        allow_module_level=True,
    )

CHUNKS = sorted((EXTERNAL_DIR / "dsa_tdb").glob("sor-global-*.csv"))


@pytest.fixture(scope="module")
def spark():
    """One lean local session for the module: 2 cores, few shuffle partitions, no UI, and a JVM
    tuned to start fast (C1 JIT only, serial GC) since the data are tiny."""
    session = spark_session(
        "local[2]",
        **{
            "spark.sql.shuffle.partitions": "2",
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        },
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tdb_spark")
    archives = [
        build_archive([c for c in CHUNKS if day in c.name], root / "a")
        for day in ("2024-03-14", "2025-07-01")
    ]
    ingest(archives, root / "out", progress=lambda _: None)
    return root / "out"


@pytest.mark.parametrize(
    "options",
    [{}, {"preset": "school-staff-abuse"}, {"date_from": "2024-03-01", "date_to": "2024-03-31"}],
    ids=["by-category", "preset", "period"],
)
def test_duckdb_and_spark_agree_on_the_real_rows(spark, dataset: Path, options: dict) -> None:
    on_duckdb = measures(dataset, **options).table
    on_spark = measures(dataset, engine="spark", session=spark, **options).table
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_duckdb, on_spark)
