"""DSA Transparency Database: ingest of the real fixture rows, vocabulary, corrupt archives, delays.

The four real CSV chunks (200 statements, both schema versions, one exact duplicate) are packed
into archives in the Commission's published layout, then ingested as a user would.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.cli import main as cli_main
from analysis.config import EXTERNAL_DIR
from analysis.tdb.archive import build_archive, sha1_path
from analysis.tdb.ingest import MANIFEST, dataset_glob, ingest
from analysis.tdb.measures import measures
from analysis.tdb.schema import COLUMNS_V1, unify_category, unify_keyword

CHUNKS = sorted((EXTERNAL_DIR / "dsa_tdb").glob("sor-global-*.csv"))
DAY_V1, DAY_V2 = "2024-03-14", "2025-07-01"


def quiet(_: str) -> None:
    """Progress sink for tests."""


def real_archives(dest: Path) -> list[Path]:
    return [build_archive([c for c in CHUNKS if day in c.name], dest) for day in (DAY_V1, DAY_V2)]


def sql(query: str) -> list[tuple]:
    return duckdb.sql(query).fetchall()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("tdb")
    report = ingest(real_archives(root / "archives"), root / "out", progress=quiet)
    return root / "out", report


def test_row_counts_survive_ingest_and_the_duplicate_is_removed_and_counted(dataset) -> None:
    out, report = dataset
    source_records = sum(
        sum(1 for _ in csv.DictReader(c.open(encoding="utf-8", newline=""))) for c in CHUNKS
    )
    assert source_records == 200
    assert [d.rows_read for d in report.days] == [150, 50]
    assert report.duplicates_removed == 1
    assert report.rows_written == 199
    rows, uuids = sql(f"SELECT count(*), count(DISTINCT uuid) FROM '{dataset_glob(out)}'")[0]
    assert (rows, uuids) == (199, 199)
    manifest = json.loads((out / f"day={DAY_V1}" / MANIFEST).read_text())
    assert manifest["duplicates_removed"] == 1 and manifest["rows_written"] == 149
    assert manifest["archives"][0]["sha1_verified"] is True


def test_each_schema_version_parses_with_its_multi_valued_fields(dataset) -> None:
    out, report = dataset
    assert [d.schema_versions for d in report.days] == [[1], [2]]
    by_day = dict(
        sql(
            f"SELECT day::VARCHAR, count(*) FROM read_parquet('{dataset_glob(out)}',"
            " hive_partitioning = true) GROUP BY ALL"
        )
    )
    assert by_day == {DAY_V1: 149, DAY_V2: 50}
    # The v2 Wallapop record: JSON arrays decoded to lists, dates to DATE, Yes/No to booleans.
    row = sql(
        f"SELECT decision_visibility, len(from_json(territorial_scope, '[\"VARCHAR\"]')),"
        f" content_date::VARCHAR,"
        f" application_date::VARCHAR, automated_detection, schema_version, content_id_ean"
        f" FROM '{dataset_glob(out)}' WHERE uuid = 'f1e5d3be-e95d-4e51-bb38-6cf13225b2af'"
    )
    assert row == [
        (["DECISION_VISIBILITY_CONTENT_DISABLED"], 27, "2025-06-30", "2025-07-01", True, 2, None)
    ]
    # The only notice-based statement in the fixtures (Snapchat, Art. 16, account suspended).
    assert sql(
        f"SELECT platform_name, decision_visibility FROM '{dataset_glob(out)}'"
        " WHERE source_type = 'SOURCE_ARTICLE_16'"
    ) == [("Snapchat", None)]
    created = sql(
        f"SELECT any_value(typeof(created_at)), min(created_at)::VARCHAR FROM '{dataset_glob(out)}'"
    )
    assert created == [("TIMESTAMP", "2024-03-14 00:00:07")]
    # microseconds in the file itself: Spark cannot read Parquet nanosecond timestamps
    schema = pq.read_schema(next((out / f"day={DAY_V1}").glob("*.parquet")))
    assert schema.field("created_at").type == pa.timestamp("us")
    assert schema.field("content_date").type == pa.date32()


def test_categories_renamed_on_2025_07_01_map_onto_one_vocabulary(dataset) -> None:
    out, _ = dataset
    published = dict(
        sql(
            f"SELECT category_published, any_value(category) FROM '{dataset_glob(out)}'"
            " WHERE category = 'OTHER_VIOLATION_TC' GROUP BY ALL"
        )
    )
    assert published == {
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC": "OTHER_VIOLATION_TC",
    }
    assert unify_category("STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS") == unify_category(
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
    )
    assert unify_keyword("KEYWORD_ONLINE_BULLYING_INTIMIDATION") == unify_keyword(
        "KEYWORD_CYBER_BULLYING_INTIMIDATION"
    )


def write_chunk(path: Path, rows: list[dict[str, str]], columns=COLUMNS_V1) -> Path:
    """A chunk CSV in the Commission's dialect (fields quoted only when needed, as fputcsv does)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def hand_rows(day: str, specs: list[dict[str, str]]) -> list[dict[str, str]]:
    """Real v1 rows (first chunk) with the given fields overridden and fresh uuids."""
    with CHUNKS[0].open(encoding="utf-8", newline="") as fh:
        base = list(csv.DictReader(fh))
    rows = []
    for i, spec in enumerate(specs):
        row = dict(base[i + 2])
        row.update(uuid=f"00000000-0000-4000-8000-{i:012d}", created_at=f"{day} 00:00:01", **spec)
        rows.append(row)
    return rows


def test_delay_interval_same_day_action_before_posting_and_missing_dates(tmp_path: Path) -> None:
    day = "2024-05-02"
    specs = [
        # same day: certainly under 24 h, interval [0, 1] days
        {"content_date": f"{day} 00:00:00", "application_date": f"{day} 00:00:00"},
        {"content_date": "2024-05-01 00:00:00", "application_date": f"{day} 00:00:00"},
        {"content_date": "2024-05-01 00:00:00", "application_date": f"{day} 00:00:00"},
        # acted on before posting: counted, not dated
        {"content_date": "2024-05-03 00:00:00", "application_date": f"{day} 00:00:00"},
        # missing dates: counted, not dated, not dropped
        {"content_date": "", "application_date": f"{day} 00:00:00"},
        {"content_date": "2024-05-01 00:00:00", "application_date": ""},
    ]
    for spec in specs:
        spec.update(platform_name="TikTok", category="STATEMENT_CATEGORY_VIOLENCE")
    chunk = write_chunk(tmp_path / f"sor-global-{day}-full-00000-00000.csv", hand_rows(day, specs))
    ingest([build_archive([chunk], tmp_path / "a")], tmp_path / "out", progress=quiet)
    result = measures(tmp_path / "out")
    row = result.table.set_index("platform").loc["TikTok"]
    assert row["decisions"] == 6
    assert row["n_dated"] == 3
    assert row["n_action_before_posting"] == 1
    assert row["n_missing_dates"] == 2
    # day counts 0, 1, 1 -> median 1 day, true median within [0, 2] days
    assert (row["days_posting_to_action_median"], row["days_posting_to_action_median_lower"]) == (
        1.0,
        0.0,
    )
    assert row["days_posting_to_action_median_upper"] == 2.0
    assert row["share_same_day"] == pytest.approx(1 / 3, abs=1e-4)
    assert result.totals["n_missing_dates"] == 2 and result.totals["n_action_before_posting"] == 1
    # the statement without application_date is placed in the month it was received
    assert row["month"] == "2024-05"


def test_preset_counts_v1_and_v2_abuse_statements_under_one_label(tmp_path: Path) -> None:
    v1 = hand_rows(
        "2024-05-02",
        [
            {
                "platform_name": "TikTok",
                "category": "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
                "category_specification": '["KEYWORD_ONLINE_BULLYING_INTIMIDATION"]',
            },
            {"platform_name": "TikTok", "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"},
            # keywords are optional: abuse filed only as illegal or harmful speech is kept apart
            {
                "platform_name": "TikTok",
                "category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
                "category_specification": "[]",
            },
            {
                "platform_name": "TikTok",
                "category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
                "category_specification": '["KEYWORD_DEFAMATION"]',
            },
        ],
    )
    v2 = [dict(r, content_id_ean="") for r in hand_rows("2025-07-02", [{}])]
    v2[0].update(
        uuid="00000000-0000-4000-8000-999999999999",
        platform_name="TikTok",
        category="STATEMENT_CATEGORY_CYBER_VIOLENCE",
        category_specification='["KEYWORD_CYBER_BULLYING_INTIMIDATION","KEYWORD_DEFAMATION"]',
    )
    from analysis.tdb.schema import COLUMNS_V2

    archives = [
        build_archive(
            [write_chunk(tmp_path / "sor-global-2024-05-02-full-00000-00000.csv", v1)],
            tmp_path / "a",
        ),
        build_archive(
            [write_chunk(tmp_path / "sor-global-2025-07-02-full-00000-00000.csv", v2, COLUMNS_V2)],
            tmp_path / "a",
        ),
    ]
    ingest(archives, tmp_path / "out", progress=quiet)
    table = measures(tmp_path / "out", preset="school-staff-abuse").table
    counts = table.groupby("group")["decisions"].sum().to_dict()
    assert counts == {
        "bullying": 2,
        "cyber violence": 2,
        "defamation": 2,
        "illegal or harmful speech, other or no keyword": 1,
    }
    # without the per-label split each decision counts once
    once = measures(tmp_path / "out", preset="school-staff-abuse", by=("platform",)).table
    assert once["decisions"].tolist() == [4]


def test_corrupt_and_truncated_archives_are_refused_by_name(tmp_path: Path, capsys) -> None:
    good = real_archives(tmp_path / "a")
    truncated = tmp_path / "a" / "sor-global-2024-03-15-full.zip"
    truncated.write_bytes(good[0].read_bytes()[:-4000])
    # Flip bytes inside the first inner zip's compressed data: CRC or inflate fails.
    damaged = tmp_path / "a" / "sor-global-2024-03-16-full.zip"
    data = bytearray(good[0].read_bytes())
    info = zipfile.ZipFile(good[0]).infolist()[0]
    middle = info.header_offset + 200 + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    damaged.write_bytes(bytes(data))
    # A published .sha1 that does not match.
    wrong_sum = tmp_path / "a" / "sor-global-2024-03-17-full.zip"
    wrong_sum.write_bytes(good[0].read_bytes())
    sha1_path(wrong_sum).write_text("0" * 40 + f"  {wrong_sum.name}\n")

    out = tmp_path / "out"
    paths = map(str, [*good, truncated, damaged, wrong_sum])
    code = cli_main(["tdb", "ingest", *paths, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    for bad in (truncated, damaged, wrong_sum):
        assert f"skipped: {bad.name}" in captured.out
        assert not (out / f"day={bad.name[11:21]}").exists()
    assert "does not match the published" in captured.out
    assert sorted(p.name for p in out.iterdir()) == [f"day={DAY_V1}", f"day={DAY_V2}"]
    assert "archives done" in captured.err and "rows" in captured.err


def test_rerunning_a_day_replaces_that_day_only_and_a_failed_rerun_keeps_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ingest(real_archives(tmp_path / "a"), out, progress=quiet)
    other_day = out / f"day={DAY_V2}" / "part-00000.parquet"
    before = other_day.stat().st_mtime_ns
    # Re-publish 2024-03-14 with one chunk only: the day shrinks to that chunk.
    smaller = build_archive([CHUNKS[1]], tmp_path / "b")
    ingest([smaller], out, progress=quiet)
    assert sql(f"SELECT count(*) FROM '{out}/day={DAY_V1}/*.parquet'") == [(50,)]
    assert other_day.stat().st_mtime_ns == before
    # A corrupt re-run of the same day leaves the previous partition in place.
    smaller.write_bytes(smaller.read_bytes()[:300])
    report = ingest([smaller], out, progress=quiet)
    assert report.skipped and report.skipped[0]["archive"] == smaller.name
    assert sql(f"SELECT count(*) FROM '{out}/day={DAY_V1}/*.parquet'") == [(50,)]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_unparseable_lines_are_counted_not_silently_lost(tmp_path: Path) -> None:
    lines = CHUNKS[1].read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "sor-global-2024-03-18-full-00000-00000.csv"
    # the Commission's chunks can end mid-record when truncated: cut the last record short
    broken.write_text("".join(lines[:-1]) + lines[-1][:40], encoding="utf-8")
    report = ingest([build_archive([broken], tmp_path / "a")], tmp_path / "out", progress=quiet)
    day = report.days[0]
    assert (day.rows_read, day.rejected_lines) == (49, 1)


def test_measures_cli_json_states_the_caveat_and_the_period(dataset, capsys) -> None:
    out, _ = dataset
    code = cli_main(
        ["tdb", "measures", str(out), "--from", "2024-03-01", "--to", "2024-03-31", "--json"]
    )
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert "not response times" in payload["caveat"].lower()
    assert payload["period"] == {"from": "2024-03-01", "to": "2024-03-31"}
    assert {r["month"] for r in payload["rows"]} == {"2024-03"}
    tiktok = [r for r in payload["rows"] if r["platform"] == "TikTok"]
    assert sum(r["decisions"] for r in tiktok) == 48
    assert {r["source"] for r in payload["rows"]} == {"own initiative", "Art. 16 notice"}


def test_light_dumps_without_the_free_text_columns_are_read(tmp_path: Path) -> None:
    light = [
        c
        for c in COLUMNS_V1
        if c
        not in {
            "illegal_content_explanation",
            "incompatible_content_explanation",
            "territorial_scope",
            "decision_facts",
        }
    ]
    with CHUNKS[1].open(encoding="utf-8", newline="") as fh:
        rows = [{k: r[k] for k in light} for r in csv.DictReader(fh)]
    chunk = write_chunk(tmp_path / "sor-global-2024-03-14-light-00000-00000.csv", rows, light)
    report = ingest([build_archive([chunk], tmp_path / "a")], tmp_path / "out", progress=quiet)
    assert report.rows_written == 50
    assert sql(
        f"SELECT count(*), count(decision_facts), count(territorial_scope) FROM '{tmp_path}/out/day=*/*.parquet'"
    ) == [(50, 0, 0)]


def test_files_other_than_ingested_parts_in_a_day_folder_are_not_counted(dataset) -> None:
    """A killed run's temporary file or an analyst's copy beside the parts is not data."""
    out, _ = dataset
    before = measures(out).totals["decisions_counted"]
    day = out / f"day={DAY_V1}"
    stray = day / "part-00000.parquet.bak"
    stray.write_bytes((day / "part-00000.parquet").read_bytes())
    try:
        assert measures(out).totals["decisions_counted"] == before == 199
    finally:
        stray.unlink()
