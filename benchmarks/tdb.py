"""Benchmark: TDB ingest and measures at 1M / 10M / 100M rows, each beside DuckDB's own floor.

    .venv/bin/python benchmarks/tdb.py --sizes 1M 10M [--ingest-max 10M] [--spark-at 10M]
                                        [--workdir DIR] [--seed N] [--keep]

Data: the 199 real fixture statements (data/external/dsa_tdb, after de-duplication) resampled with
a seed to N rows with fresh uuids; each row keeps its own posting-to-action and action-to-filing day
counts, and the filing day is spread over ``--days`` days from ``--start``. Written two ways:

* as a Parquet dataset in the ingested layout (day=YYYY-MM-DD/, normalised schema), for measures;
* (sizes <= --ingest-max) as CSV chunks in the Commission's dialect packed into daily archives of
  about 1M rows (10 chunks of 100k in one inner zip), for ingest.

Timed, each in a fresh subprocess (wall time, rows/s, peak RSS from ``resource`` of that process
and its waited children):

* ``ingest``: ``python -m analysis tdb ingest ARCHIVES --out DIR`` (unzip, SHA-1, parse, normalise,
  de-duplicate, write Parquet); floor: DuckDB's own ``read_csv`` of the same CSV files (already
  unzipped) copied to Parquet, and, separately, the unzip alone (Python zipfile streaming).
* ``measures``: ``python -m analysis tdb measures DIR --json``; floor: one plain DuckDB SQL query of
  the same shape (group by platform, month, source, category: counts, automation sums, median of the
  day difference) over the same Parquet files.
* ``measures (spark)`` at ``--spark-at`` sizes: the same command with ``--engine spark``.

Disk: Parquet is small (the text repeats); CSV is about 1.1 kB a row (10M rows: about 11 GB while
the ingest floor runs). 100M rows of CSV would need about 110 GB, hence ``--ingest-max``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from analysis.config import EXTERNAL_DIR, PROJECT_ROOT, REPORTS_DIR
from analysis.tdb.archive import build_archive
from analysis.tdb.ingest import ingest
from analysis.tdb.schema import COLUMNS_V2, LIST_COLUMNS

PY = sys.executable
CHUNK_ROWS = 100_000
ARCHIVE_ROWS = 1_000_000

#: Runs a command, then prints wall seconds and the peak RSS of everything it waited for.
_TIMER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
with open(sys.argv[1], "w") as out:
    r = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"wall": wall, "rss": rss, "rc": r.returncode, "err": r.stderr[-2000:]}))
"""


def parse_size(text: str) -> int:
    units = {"K": 10**3, "M": 10**6, "G": 10**9}
    text = text.strip().upper()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def label(n: int) -> str:
    if n % 10**6 == 0:
        return f"{n // 10**6}M"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


#: Child environment: bytecode cached under the work dir even where PYTHONDONTWRITEBYTECODE is
#: set (as on our build machines), so timings do not include recompiling pandas and Ibis.
ENV: dict[str, str] = {}


def warm_bytecode(work: Path) -> None:
    ENV.update({k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    ENV["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    code = "import analysis.tdb.cli, analysis.tdb.measures, analysis.tdb.ingest, pyspark.sql"
    subprocess.run([PY, "-c", code], env=ENV, check=True)


def timed(cmd: list[str]) -> dict:
    """Run ``cmd`` in a fresh process tree; return wall seconds, peak RSS bytes and its stdout."""
    with tempfile.NamedTemporaryFile("r", suffix=".out") as stdout:
        out = subprocess.run(
            [PY, "-c", _TIMER, stdout.name, *cmd],
            capture_output=True,
            text=True,
            check=True,
            env=ENV or None,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["stdout"] = stdout.read()
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result['err']}")
    return result


def counted(result: dict) -> int:
    """Decisions counted by a ``tdb measures --json`` run: must equal the rows generated."""
    return int(json.loads(result["stdout"])["totals"]["decisions_counted"])


def base_rows(work: Path) -> Path:
    """The real statements, ingested once (archives built from the fixture chunks)."""
    chunks = sorted((EXTERNAL_DIR / "dsa_tdb").glob("sor-global-*.csv"))
    days = sorted({c.name[11:21] for c in chunks})
    archives = [build_archive([c for c in chunks if d in c.name], work / "base_a") for d in days]
    ingest(archives, work / "base", progress=lambda _: None)
    return work / "base"


class Generator:
    """Row i of the resampled data is a pure function of (seed, i): any range can be rebuilt."""

    def __init__(self, base: Path, n: int, days: int, start: str, seed: int) -> None:
        self.n, self.days, self.start, self.seed = n, days, start, seed
        self.per_day = math.ceil(n / days)
        self.con = duckdb.connect()
        self.con.execute(f"""CREATE TABLE base AS
            SELECT row_number() OVER (ORDER BY uuid) - 1 AS k, * EXCLUDE (uuid, day),
                   date_diff('day', content_date, application_date) AS lag_post,
                   date_diff('day', application_date, created_at::DATE) AS lag_file,
                   created_at - created_at::DATE AS time_of_day
            FROM read_parquet('{base}/day=*/*.parquet', hive_partitioning = true)""")
        self.n_base = self.con.execute("SELECT count(*) FROM base").fetchone()[0]

    def select(self, a: int, b: int) -> str:
        """Normalised rows a..b-1 (the ingested schema, without the day partition column)."""
        s = self.seed
        return f"""
        SELECT * EXCLUDE (k, lag_post, lag_file, time_of_day, filed, h) FROM (
          SELECT
            concat_ws('-', h[1:8], h[9:12], '4' || h[14:16], '8' || h[18:20], h[21:32]) AS uuid,
            b.* EXCLUDE (application_date, content_date, created_at),
            (filed - lag_file::INTEGER) AS application_date,
            (filed - (lag_file + lag_post)::INTEGER) AS content_date,
            filed + time_of_day AS created_at,
            filed, h
          FROM (
            SELECT i, (DATE '{self.start}' + (i // {self.per_day})::INTEGER) AS filed,
                   md5(concat({s}, '-', i)) AS h
            FROM range({a}, {b}) r(i)
          ) r
          JOIN base b ON b.k = hash(r.i, {s}) % {self.n_base}
        )
        """

    def day_ranges(self):  # type: ignore[no-untyped-def]
        for d in range(self.days):
            a, b = d * self.per_day, min(self.n, (d + 1) * self.per_day)
            if a < b:
                day = self.con.execute(f"SELECT (DATE '{self.start}' + {d})::VARCHAR").fetchone()[0]
                yield day, a, b

    def write_parquet(self, out: Path) -> None:
        for day, a, b in self.day_ranges():
            target = out / f"day={day}"
            target.mkdir(parents=True, exist_ok=True)
            self.con.execute(
                f"COPY ({self.select(a, b)}) TO '{target}/part-00000.parquet' (FORMAT parquet)"
            )

    def csv_select(self, a: int, b: int) -> str:
        """Rows a..b-1 as the Commission's CSV (v2 column order, JSON lists, Yes/No, day strings)."""
        out = []
        for c in COLUMNS_V2:
            if c == "category":
                out.append("category_published AS category")
            elif c in ("content_date", "application_date") or c.startswith("end_date_"):
                out.append(f"strftime({c}, '%Y-%m-%d 00:00:00') AS {c}")
            elif c == "created_at":
                out.append("strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at")
            elif c in ("automated_detection", "incompatible_content_illegal"):
                out.append(f"CASE {c} WHEN true THEN 'Yes' WHEN false THEN 'No' END AS {c}")
            elif c in LIST_COLUMNS:
                out.append(f"to_json({c})::VARCHAR AS {c}")
            else:
                out.append(c)
        return f"SELECT {', '.join(out)} FROM ({self.select(a, b)})"

    def write_archives(self, archive_dir: Path, csv_dir: Path) -> list[Path]:
        """Daily archives of about 1M rows; the CSV chunks are kept in csv_dir for the floor."""
        archives = []
        for day, a, b in self.day_ranges():
            chunks = []
            for j, c0 in enumerate(range(a, b, CHUNK_ROWS)):
                part, sub = divmod(j, 10)
                path = csv_dir / f"sor-global-{day}-full-{part:05d}-{sub:05d}.csv"
                self.con.execute(
                    f"COPY ({self.csv_select(c0, min(b, c0 + CHUNK_ROWS))}) TO '{path}'"
                    " (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')"
                )
                chunks.append(path)
            archives.append(build_archive(chunks, archive_dir, compresslevel=1))
        return archives


def floor_read_csv(csv_dir: Path, out: Path) -> list[str]:
    sql = (
        f"COPY (SELECT * FROM read_csv('{csv_dir}/*.csv', all_varchar = true)) "
        f"TO '{out}' (FORMAT parquet)"
    )
    return [PY, "-c", f"import duckdb; duckdb.connect().execute({sql!r})"]


def floor_unzip(archives: list[Path], tmp: Path) -> list[str]:
    code = (
        "import sys, pathlib\n"
        "from analysis.tdb.archive import extract_chunks\n"
        "for a in sys.argv[2:]:\n"
        "    for _ in extract_chunks(pathlib.Path(a), pathlib.Path(sys.argv[1])): pass\n"
    )
    return [PY, "-c", code, str(tmp), *map(str, archives)]


def floor_query(dataset: Path) -> list[str]:
    sql = f"""SELECT platform_name, date_trunc('month', application_date) AS month, source_type,
        category, count(*) AS decisions, sum(automated_detection::INT) AS auto_detect,
        sum((automated_decision = 'AUTOMATED_DECISION_FULLY')::INT) AS auto_decide,
        median(date_diff('day', content_date, application_date)) AS days_median
      FROM read_parquet('{dataset}/day=*/*.parquet') GROUP BY ALL"""
    return [PY, "-c", f"import duckdb; duckdb.connect().execute({sql!r}).fetchall()"]


def measures_cmd(dataset: Path, engine: str = "duckdb") -> list[str]:
    cmd = [PY, "-m", "analysis", "tdb", "measures", str(dataset), "--json"]
    if engine == "spark":
        cmd += ["--engine", "spark", "--spark-master", "local[2]"]
    return cmd


def row(step: str, n: int, result: dict[str, float], floor: dict[str, float] | None) -> dict:
    out = {
        "step": step,
        "rows": n,
        "seconds": round(result["wall"], 2),
        "rows_per_s": round(n / result["wall"]),
        "peak_rss_mib": round(result["rss"] / 2**20),
    }
    if floor:
        out |= {
            "floor_seconds": round(floor["wall"], 2),
            "floor_peak_rss_mib": round(floor["rss"] / 2**20),
            "ratio_to_floor": round(result["wall"] / floor["wall"], 2),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="benchmarks/tdb.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", nargs="+", default=["1M", "10M"], help="e.g. 1M 10M 100M")
    p.add_argument("--ingest-max", default="10M", help="largest size also ingested from CSV")
    p.add_argument("--spark-at", nargs="*", default=["10M"], help="sizes also run on Spark")
    p.add_argument("--days", type=int, default=365, help="filing days the rows are spread over")
    p.add_argument("--start", default="2025-01-01", help="first filing day")
    p.add_argument("--seed", type=int, default=20240314)
    p.add_argument("--workdir", type=Path, default=None, help="default: a temp dir under reports/")
    p.add_argument("--keep", action="store_true", help="keep generated data")
    p.add_argument("--out", type=Path, default=REPORTS_DIR / "bench_tdb.json")
    args = p.parse_args(argv)

    REPORTS_DIR.mkdir(exist_ok=True)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_tdb_", dir=REPORTS_DIR))
    work.mkdir(parents=True, exist_ok=True)
    base = base_rows(work)
    warm_bytecode(work)
    results: list[dict] = []
    sizes = [parse_size(s) for s in args.sizes]
    spark_at = {parse_size(s) for s in args.spark_at}
    try:
        for n in sizes:
            tag = label(n)
            print(f"== {tag} rows", flush=True)
            t = time.perf_counter()
            dataset = work / f"parquet_{tag}"
            shutil.rmtree(dataset, ignore_errors=True)
            Generator(base, n, args.days, args.start, args.seed).write_parquet(dataset)
            print(f"   generated Parquet in {time.perf_counter() - t:.1f}s", flush=True)
            floor = timed(floor_query(dataset))
            mine = timed(measures_cmd(dataset))
            assert counted(mine) == n, f"measures counted {counted(mine)} decisions, not {n}"
            results.append(row("measures (duckdb)", n, mine, floor))
            print("  ", results[-1], flush=True)
            preset = timed([*measures_cmd(dataset), "--preset", "school-staff-abuse"])
            results.append(row("measures --preset school-staff-abuse (duckdb)", n, preset, floor))
            print("  ", results[-1], flush=True)
            if n in spark_at:
                on_spark = timed(measures_cmd(dataset, "spark"))
                assert counted(on_spark) == n, f"Spark counted {counted(on_spark)}, not {n}"
                results.append(row("measures (spark local[2])", n, on_spark, floor))
                print("  ", results[-1], flush=True)
            if not args.keep:
                shutil.rmtree(dataset)
            if n <= parse_size(args.ingest_max):
                t = time.perf_counter()
                days = max(1, math.ceil(n / ARCHIVE_ROWS))
                gen = Generator(base, n, days, args.start, args.seed)
                csv_dir, arch_dir = work / f"csv_{tag}", work / f"archives_{tag}"
                csv_dir.mkdir(exist_ok=True)
                archives = gen.write_archives(arch_dir, csv_dir)
                print(
                    f"   generated {len(archives)} archives in {time.perf_counter() - t:.1f}s",
                    flush=True,
                )
                floor_csv = timed(floor_read_csv(csv_dir, work / "floor.parquet"))
                unzip = timed(floor_unzip(archives, work / "unzip"))
                shutil.rmtree(csv_dir)
                (work / "floor.parquet").unlink()
                out = work / f"ingested_{tag}"
                mine = timed(
                    [PY, "-m", "analysis", "tdb", "ingest", *map(str, archives), "--out", str(out)]
                )
                results.append(row("ingest", n, mine, floor_csv))
                results[-1]["unzip_only_seconds"] = round(unzip["wall"], 2)
                results[-1]["ratio_to_floor_plus_unzip"] = round(
                    mine["wall"] / (floor_csv["wall"] + unzip["wall"]), 2
                )
                print("  ", results[-1], flush=True)
                written = (
                    duckdb.connect()
                    .execute(f"SELECT count(*) FROM '{out}/day=*/*.parquet'")
                    .fetchone()[0]
                )
                assert written == n, f"ingest wrote {written} rows, expected {n}"
                shutil.rmtree(arch_dir)
                shutil.rmtree(out)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    payload = {
        "machine": {"cpus": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "seed": args.seed,
        "days": args.days,
        "results": results,
        "repo": str(PROJECT_ROOT),
    }
    args.out.write_text(json.dumps(payload, indent=2))
    print(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
