"""The same measures on Spark (PySpark, local mode) give identical results to DuckDB on the real rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import EXTERNAL_DIR
from analysis.tdb.archive import build_archive
from analysis.tdb.ingest import ingest
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


def commission_archive(dest: Path) -> Path:
    """The real 2024-03-14 chunks packed as the Commission publishes them: chunk files end
    without a final newline (the excerpts we ship end with one), two inner zips, a .sha1."""
    chunks = []
    for chunk in sorted((EXTERNAL_DIR / "dsa_tdb").glob("sor-global-2024-03-14-*.csv")):
        copy = dest / "chunks" / chunk.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(chunk.read_bytes().rstrip(b"\n"))
        chunks.append(copy)
    return build_archive(chunks, dest / "archive")


def test_cli_json_is_identical_on_both_engines_for_a_commission_archive(
    spark, tmp_path: Path
) -> None:
    """Issue 11.8. Spark used to read every non-hidden file in the dataset folder and DuckDB only
    ``*.parquet``: a stray copy beside the parts (a killed run's temporary file, an analyst's
    backup) was counted by Spark alone. Both now read exactly the parts ingest commits."""
    out = tmp_path / "dataset"
    report = ingest([commission_archive(tmp_path)], out, progress=lambda _: None)
    assert report.rows_written == 149
    day = out / "day=2024-03-14"
    (day / "part-00000.parquet.bak").write_bytes((day / "part-00000.parquet").read_bytes())
    on_duckdb = measures(out).to_dict()
    on_spark = measures(out, engine="spark", session=spark).to_dict()
    assert (on_duckdb.pop("engine"), on_spark.pop("engine")) == ("duckdb", "spark")
    assert on_duckdb["totals"]["decisions_counted"] == 149
    assert json.dumps(on_duckdb, default=str) == json.dumps(on_spark, default=str)
