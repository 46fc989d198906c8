"""The same measures on Spark (PySpark, local mode) give identical results to DuckDB on the real rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.tdb.measures import measures, spark_session
from analysis.tdb.notebook import fixture_dataset

pytestmark = pytest.mark.slow

pytest.importorskip(
    "pyspark",
    reason="PySpark is the optional spark extra: `pip install .[spark]` (make test installs it)",
)
if shutil.which("java") is None:
    pytest.skip(
        "no Java runtime on PATH: Spark needs Java 17 (apt install openjdk-17-jre-headless)",
        allow_module_level=True,
    )


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
    return fixture_dataset(tmp_path_factory.mktemp("tdb_spark"))


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
