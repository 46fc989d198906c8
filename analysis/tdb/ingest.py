"""Ingest the Commission's daily archives into a Parquet dataset partitioned by day.

Why DuckDB for ingest: its CSV reader is parallel and tolerant (rows it cannot parse are stored
and counted, not fatal), it decodes the JSON-array fields natively, and ``COPY ... TO`` streams to
Parquet with a memory limit, so a day of tens of millions of rows never has to fit in memory.
One chunk (at most 100,000 records) is read at a time.

Layout written::

    OUT/day=YYYY-MM-DD/part-00000.parquet ...   one file per CSV chunk, normalised schema
    OUT/day=YYYY-MM-DD/_ingest.json             what went in: archives, checksums, counts

A day is built in a hidden staging folder and renamed into place only when complete, so a failed
or corrupt archive leaves the previous version of that day (or nothing) and no partial partition.
Re-running a day replaces that day and nothing else. Timestamps are microseconds (Spark cannot
read Parquet nanosecond timestamps).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from analysis.tdb.archive import (
    ArchiveError,
    ArchiveName,
    extract_chunks,
    file_sha1,
    list_chunks,
    published_sha1,
)
from analysis.tdb.schema import (
    BOOL_COLUMNS,
    CATEGORY_RENAMES,
    COLUMNS_V2,
    DATE_COLUMNS,
    KEYWORD_RENAMES,
    KNOWN_COLUMNS,
    LIST_COLUMNS,
    REQUIRED_COLUMNS,
    schema_version,
)

MANIFEST = "_ingest.json"


@dataclass
class DayReport:
    """What one day's partition holds and how it was made."""

    day: str
    archives: list[dict[str, object]] = field(default_factory=list)
    chunks: int = 0
    schema_versions: list[int] = field(default_factory=list)
    rows_read: int = 0
    rejected_lines: int = 0
    duplicates_removed: int = 0
    rows_written: int = 0
    seconds: float = 0.0


@dataclass
class IngestReport:
    """All days written, and every archive skipped with the reason (by file name)."""

    days: list[DayReport] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def rows_written(self) -> int:
        return sum(d.rows_written for d in self.days)

    @property
    def duplicates_removed(self) -> int:
        return sum(d.duplicates_removed for d in self.days)

    def to_dict(self) -> dict[str, object]:
        return {
            "days": [asdict(d) for d in self.days],
            "skipped": self.skipped,
            "rows_written": self.rows_written,
            "duplicates_removed": self.duplicates_removed,
        }


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _case(expr: str, renames: dict[str, str]) -> str:
    whens = " ".join(f"WHEN {_q(a)} THEN {_q(b)}" for a, b in renames.items())
    return f"CASE {expr} {whens} ELSE {expr} END"


def _select_list(header: list[str], version: int, chunk_name: str) -> str:
    """The normalising SELECT for one chunk: types, JSON lists, unified vocabulary."""

    def col(name: str) -> str:
        return f'"{name}"' if name in header else "NULL::VARCHAR"

    def as_list(name: str) -> str:
        c = col(name)
        # TRY: a malformed array becomes NULL instead of failing the chunk (parsed once)
        return f"""TRY(from_json({c}, '["VARCHAR"]'))"""

    out: list[str] = [
        f"{col('uuid')} AS uuid",
        f"{version}::TINYINT AS schema_version",
        f"{col('platform_name')} AS platform_name",
        f"{col('platform_uid')} AS platform_uid",
        f"TRY_CAST({col('created_at')} AS TIMESTAMP) AS created_at",
        f"{col('source_type')} AS source_type",
        f"{col('source_identity')} AS source_identity",
    ]
    bare_cat = f"regexp_replace({col('category')}, '^STATEMENT_CATEGORY_', '')"
    out.append(f"{_case(bare_cat, CATEGORY_RENAMES)} AS category")
    out.append(f"{col('category')} AS category_published")
    bare_kw = "regexp_replace(k, '^KEYWORD_', '')"
    out.append(
        f"list_transform({as_list('category_specification')}, lambda k: {_case(bare_kw, KEYWORD_RENAMES)})"
        " AS keywords"
    )
    for name in DATE_COLUMNS:
        out.append(f"TRY_CAST({col(name)} AS DATE) AS {name}")
    for name in BOOL_COLUMNS:
        out.append(f"CASE {col(name)} WHEN 'Yes' THEN true WHEN 'No' THEN false END AS {name}")
    out.append(f"{col('automated_decision')} AS automated_decision")
    for name in LIST_COLUMNS:
        out.append(f"{as_list(name)} AS {name}")
    done = {
        "uuid",
        "platform_name",
        "platform_uid",
        "created_at",
        "source_type",
        "source_identity",
        "category",
        "automated_decision",
        *DATE_COLUMNS,
        *BOOL_COLUMNS,
        *LIST_COLUMNS,
    }
    # The remaining published columns, as text, in v2 order (v1 chunks get NULL content_id_ean).
    out += [f"{col(name)} AS {name}" for name in COLUMNS_V2 if name not in done]
    out.append(f"{_q(chunk_name)} AS chunk")
    return ",\n  ".join(out)


def _read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh), [])


class _Sha1Thread(threading.Thread):
    """Hash an archive while its chunks are being parsed: the check then costs no wall time."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.digest, self.error = path, "", None  # type: ignore[assignment]

    def run(self) -> None:
        try:
            self.digest = file_sha1(self.path)
        except OSError as exc:  # reported with the archive's name by the caller
            self.error = exc  # type: ignore[assignment]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _DayWriter:
    """Builds one day's partition in a staging folder; ``commit`` swaps it into place."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out: Path, day: str) -> None:
        self.con, self.out, self.day = con, out, day
        self.final = out / f"day={day}"
        self.staging = out / f".staging-day={day}-{os.getpid()}"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self.report = DayReport(day=day)
        self._part = 0

    def add_chunk(self, csv_path: Path, chunk_name: str) -> int:
        header = _read_header(csv_path)
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ArchiveError(f"{chunk_name}: header lacks {', '.join(missing)}")
        unknown = [c for c in header if c not in KNOWN_COLUMNS]
        if unknown:
            raise ArchiveError(f"{chunk_name}: unknown columns {', '.join(unknown)}")
        version = schema_version(header)
        columns = "{" + ", ".join(f"{_q(c)}: 'VARCHAR'" for c in header) + "}"
        target = self.staging / f"part-{self._part:05d}.parquet"
        # auto_detect off: the Commission's dialect is known (README), and sniffing every chunk
        # costs time and can guess wrong. Unparseable lines go to the rejects table and are counted.
        sql = f"""
COPY (SELECT
  {_select_list(header, version, chunk_name)}
FROM read_csv({_q(str(csv_path))}, header = true, auto_detect = false, delim = ',',
              quote = '"', escape = '"', columns = {columns},
              store_rejects = true, rejects_table = 'tdb_rejects', rejects_scan = 'tdb_rejects_scan')
) TO {_q(str(target))} (FORMAT parquet)"""
        rows = int(self.con.execute(sql).fetchone()[0])  # type: ignore[index]
        # The rejects tables outlive the read: count this chunk's lines, then drop them.
        rejected = int(
            self.con.execute("SELECT count(DISTINCT line) FROM tdb_rejects").fetchone()[0]  # type: ignore[index]
        )
        self.con.execute("DROP TABLE IF EXISTS tdb_rejects; DROP TABLE IF EXISTS tdb_rejects_scan")
        self._part += 1
        self.report.chunks += 1
        self.report.rows_read += rows
        self.report.rejected_lines += rejected
        if version not in self.report.schema_versions:
            self.report.schema_versions.append(version)
        return rows

    def deduplicate(self) -> None:
        """Drop repeated uuids, keeping the first (by chunk order, then row order).

        Only the uuid column is scanned; files are rewritten only when they hold a duplicate,
        so the usual case (none) costs one column scan.
        """
        glob = _q(str(self.staging / "part-*.parquet"))
        if not self.report.rows_read:
            return
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE tdb_drop AS
            WITH dup AS (SELECT uuid FROM read_parquet({glob}, hive_partitioning = false) GROUP BY uuid HAVING count(*) > 1)
            SELECT filename, file_row_number FROM (
              SELECT filename, file_row_number, row_number() OVER (
                PARTITION BY uuid ORDER BY filename, file_row_number) AS k
              FROM read_parquet({glob}, filename = true, file_row_number = true,
                                hive_partitioning = false)
              WHERE uuid IN (SELECT uuid FROM dup)) WHERE k > 1"""
        )
        files = [
            r[0] for r in self.con.execute("SELECT DISTINCT filename FROM tdb_drop").fetchall()
        ]
        dropped = 0
        for name in files:
            # Hidden, so no reader's pattern can ever take it for a part, even if the run is killed.
            tmp = str(Path(name).with_name(f".{Path(name).name}.dedup"))
            self.con.execute(
                f"""COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet({_q(name)},
                      file_row_number = true, hive_partitioning = false)
                    WHERE file_row_number NOT IN (
                      SELECT file_row_number FROM tdb_drop WHERE filename = {_q(name)})
                    ORDER BY file_row_number) TO {_q(tmp)} (FORMAT parquet)"""
            )
            os.replace(tmp, name)
        dropped = int(self.con.execute("SELECT count(*) FROM tdb_drop").fetchone()[0])  # type: ignore[index]
        self.report.duplicates_removed = dropped

    def commit(self) -> DayReport:
        self.report.rows_written = self.report.rows_read - self.report.duplicates_removed
        (self.staging / MANIFEST).write_text(
            json.dumps(asdict(self.report), indent=2), encoding="utf-8"
        )
        old = self.out / f".old-day={self.day}-{os.getpid()}"
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.staging, self.final)
        shutil.rmtree(old, ignore_errors=True)
        return self.report

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _group_by_day(
    archives: Sequence[Path], report: IngestReport, progress: Callable[[str], None]
) -> dict[str, list[Path]]:
    days: dict[str, list[Path]] = {}
    for path in archives:
        try:
            if not path.is_file():
                raise ArchiveError(f"{path.name}: no such file")
            days.setdefault(ArchiveName.parse(path).day, []).append(path)
        except ArchiveError as exc:
            report.skipped.append({"archive": path.name, "reason": str(exc)})
            progress(f"SKIPPED {path.name}: {exc}")
    return days


def ingest(
    archives: Sequence[Path],
    out: Path,
    *,
    progress: Callable[[str], None] = _stderr,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> IngestReport:
    """Ingest daily archives into ``out`` (see module docstring); return what was done.

    All archives of one day (e.g. several platform-scoped dumps) go into that day's partition
    together. If any archive of a day is corrupt, that day is skipped whole (reported by archive
    name) and its previous partition, if any, is left untouched.
    """
    out.mkdir(parents=True, exist_ok=True)
    report = IngestReport()
    days = _group_by_day(archives, report, progress)
    total_archives = sum(len(v) for v in days.values())
    done_archives = 0
    total_rows = 0
    con = duckdb.connect()
    con.execute(f"SET memory_limit = {_q(memory_limit)}")
    con.execute("SET preserve_insertion_order = true")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET temp_directory = {_q(str(out / '.duckdb_tmp'))}")
    try:
        for day, paths in sorted(days.items()):
            started = time.perf_counter()
            writer = _DayWriter(con, out, day)
            try:
                for path in paths:
                    expected = published_sha1(path)
                    hasher = _Sha1Thread(path) if expected else None
                    if hasher:
                        hasher.start()
                    n_chunks = len(list_chunks(path))
                    rows_before = writer.report.rows_read
                    # closing(): stop the prefetch thread before a failed day's folder is removed
                    with closing(extract_chunks(path, writer.staging / "csv")) as chunks:
                        for i, (chunk, csv_path) in enumerate(chunks, start=1):
                            try:
                                rows = writer.add_chunk(csv_path, chunk.name)
                            except (
                                duckdb.InvalidInputException,
                                duckdb.ConversionException,
                            ) as exc:
                                raise ArchiveError(f"{path.name}: {chunk.name}: {exc}") from exc
                            total_rows += rows
                            progress(
                                f"{path.name}: chunk {i}/{n_chunks} {chunk.name}: {rows:,} rows"
                                f" (total {total_rows:,} rows)"
                            )
                    if hasher:
                        hasher.join()
                        if hasher.error or hasher.digest != expected:
                            raise ArchiveError(
                                f"{path.name}: SHA-1 {hasher.digest or hasher.error} does not match"
                                f" the published {expected}"
                            )
                    writer.report.archives.append(
                        {
                            "archive": path.name,
                            "sha1": expected,
                            "sha1_verified": bool(expected),
                            "rows_read": writer.report.rows_read - rows_before,
                        }
                    )
                    done_archives += 1
                    progress(
                        f"archives done {done_archives}/{total_archives}, rows {total_rows:,}"
                        + ("" if expected else f" ({path.name}: no .sha1 file, not verified)")
                    )
                shutil.rmtree(writer.staging / "csv", ignore_errors=True)
                writer.deduplicate()
            except ArchiveError as exc:
                writer.abort()
                total_rows -= writer.report.rows_read  # nothing of this day was kept
                for p in paths:
                    report.skipped.append({"archive": p.name, "reason": str(exc)})
                done_archives += len(paths) - len(writer.report.archives)
                progress(f"SKIPPED day {day} ({', '.join(p.name for p in paths)}): {exc}")
                continue
            except BaseException:
                writer.abort()
                raise
            writer.report.seconds = round(time.perf_counter() - started, 3)
            day_report = writer.commit()
            report.days.append(day_report)
            progress(
                f"day {day} written: {day_report.rows_written:,} rows"
                f" ({day_report.duplicates_removed:,} duplicate uuid removed,"
                f" {day_report.rejected_lines:,} unparseable lines)"
            )
    finally:
        con.close()
        shutil.rmtree(out / ".duckdb_tmp", ignore_errors=True)
    return report


def dataset_glob(directory: Path) -> str:
    """The Parquet files of an ingested dataset: exactly the parts ``ingest`` commits.

    Both engines read this one pattern. Spark, given the bare folder, would also read any other
    file in it whose name does not start with ``_`` or ``.`` (a temporary file left by a killed
    run, a copy an analyst made), while DuckDB read only ``*.parquet``: the two then counted
    different rows and their JSON disagreed.
    """
    return str(directory / "day=*" / "part-*.parquet")
