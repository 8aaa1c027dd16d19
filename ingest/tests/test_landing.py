"""Landing on real parts: a DuckDB file, a delivery folder, a real S3 server (rclone)."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import (
    DELIVERY_DAYS,
    _write,
    citizen_rows,
    crossing_rows,
    crossings_key,
    csv_bytes,
    permits_bytes,
    permits_key,
    start_rclone_s3,
    write_census,
    write_crossings,
    write_delivery,
    write_permits,
)

from migstat.dictionary import DATASETS
from migstat.landing import (
    LandingError,
    StoreCredentialsError,
    StoreUnreachableError,
    WarehouseLockedError,
    land,
    unsafe_key_reason,
)
from migstat.landing.sources import S3Source
from migstat.landing.warehouse import lock_path

CROSSING_HEADER = DATASETS["border_crossings"].headers


def q(warehouse: Path, sql: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(warehouse: Path) -> dict[str, list]:
    """Everything landed, without the wall-clock columns."""
    out = {
        "objects": q(
            warehouse,
            "select * exclude (loaded_at, source_uri) from raw.objects order by object_id",
        ),
        "results": q(
            warehouse,
            "select * exclude (run_time) from raw.validation_results "
            "order by object_id, expectation_type, column_name, kwargs",
        ),
    }
    for name in DATASETS:
        out[name] = q(warehouse, f"select * from raw.{name} order by _object_id, _row_number")
    return out


def status_of(warehouse: Path, bucket: str, key: str) -> list[tuple]:
    return q(
        warehouse,
        "select status, reason, row_count from raw.objects where bucket = ? and object_key = ? "
        "order by loaded_at",
        [bucket, key],
    )


# --------------------------------------------------------------------------- the good path


def test_folder_delivery_lands_every_dataset_and_redelivery_is_noop(delivery, warehouse, quiet):
    report = land(str(delivery), warehouse, progress=quiet)
    assert report.counts["loaded"] == 6, report
    assert not report.problems
    counts = dict(q(warehouse, "select dataset, sum(row_count) from raw.objects group by 1"))
    assert counts == {
        "border_crossings": 10,
        "work_permits": 4,
        "citizens": 4,
        "passports": 4,
        "census_persons": 6,
    }
    # raw columns exactly as the architecture names them, text as delivered
    cols = [r[0] for r in q(warehouse, "describe raw.border_crossings")]
    assert cols == [c.name for c in DATASETS["border_crossings"].columns] + [
        "_object_id",
        "_row_number",
    ]
    permits = q(
        warehouse,
        "select date_of_birth, issue_date, expiry_date, isco_08, report_date "
        "from raw.work_permits order by _row_number",
    )
    assert permits[0] == ("1990-01-01", "2022-01-01", "01/01/2024", "", "31/03/2023")
    assert permits[1][0] == "02/03/1988" and permits[1][3] == "7112"
    empty = q(warehouse, "select count(*) from raw.border_crossings where given_names = ''")
    assert empty[0][0] == 2  # empty fields land as '' (never null)
    assert q(warehouse, "select count(*) from raw.validation_results where not success") == [(0,)]
    before = snapshot(warehouse)

    again = land(str(delivery), warehouse, progress=quiet)
    assert again.counts["unchanged"] == 6 and again.counts["loaded"] == 0
    assert snapshot(warehouse) == before
    html = (warehouse.parent / "quality" / "index.html").read_text()
    assert "border_crossings" in html and "http://" not in html and "https://" not in html
    assert (warehouse.parent / "quality" / "gx" / "index.html").exists()


def test_corrected_object_supersedes_and_both_stay_on_record(delivery, warehouse, quiet):
    land(str(delivery), warehouse, progress=quiet)
    key = crossings_key(DELIVERY_DAYS[0])
    old_id = q(warehouse, "select object_id from raw.objects where object_key = ?", [key])[0][0]
    write_crossings(delivery, DELIVERY_DAYS[0], n=7)  # corrected content, same key
    report = land(str(delivery), warehouse, progress=quiet)
    assert report.counts["loaded"] == 1 and report.counts["superseded"] == 1
    assert any(m.startswith(f"superseded immigration/{key}") for m in report.messages)
    rows = q(
        warehouse,
        "select object_id, status, row_count, superseded_by from raw.objects "
        "where object_key = ? order by loaded_at",
        [key],
    )
    assert [r[1] for r in rows] == ["superseded", "loaded"]
    assert rows[0][0] == old_id and rows[0][3] == rows[1][0] and rows[1][2] == 7
    landed = q(warehouse, "select _object_id, count(*) from raw.border_crossings group by 1")
    assert dict(landed)[old_id] == 5 and dict(landed)[rows[1][0]] == 7  # old rows kept


def test_broken_correction_is_quarantined_and_the_loaded_version_stays(delivery, warehouse, quiet):
    land(str(delivery), warehouse, progress=quiet)
    before = snapshot(warehouse)
    key = crossings_key(DELIVERY_DAYS[0])
    path = delivery / "immigration" / key
    path.write_bytes(path.read_bytes()[:-30])  # truncated re-upload of the same key
    report = land(str(delivery), warehouse, progress=quiet)
    assert report.counts["quarantined"] == 1
    assert [s for s, _, _ in status_of(warehouse, "immigration", key)] == [
        "loaded",
        "quarantined",
    ]
    after = snapshot(warehouse)
    for name in DATASETS:
        assert after[name] == before[name]


# --------------------------------------------------------------------------- bad deliveries


def _crossings_with(header=None, rows=None, delimiter=",") -> bytes:
    return csv_bytes(
        CROSSING_HEADER if header is None else header,
        crossing_rows(date(2023, 1, 1), 3) if rows is None else rows,
        delimiter,
    )


_good = _crossings_with()
_renamed = list(CROSSING_HEADER)
_renamed[4] = "travel_direction"
_reordered = list(CROSSING_HEADER)
_reordered[2], _reordered[3] = _reordered[3], _reordered[2]
_cp1252 = _good.replace(b"HASSAN", "HASSÉN".encode("cp1252"), 1)
_citizens = csv_bytes(DATASETS["citizens"].headers, citizen_rows(), ";")
_permit_header = list(DATASETS["work_permits"].headers)
_permit_header[2] = "Worker name"

# (bucket, key, bytes, expected words in the reason)
BAD = [
    (
        "missing column",
        _crossings_with(CROSSING_HEADER[:-1], [r[:-1] for r in crossing_rows(date(2023, 1, 1), 3)]),
        "missing columns: 'declared_residence_country'",
    ),
    (
        "extra column",
        _crossings_with(
            [*CROSSING_HEADER, "remarks"], [[*r, "x"] for r in crossing_rows(date(2023, 1, 1), 3)]
        ),
        "extra columns: 'remarks'",
    ),
    ("renamed column", _crossings_with(_renamed), "renamed columns: 'travel_direction'"),
    ("reordered columns", _crossings_with(_reordered), "columns reordered: column 3"),
    (
        "header in other case",
        _crossings_with([h.upper() for h in CROSSING_HEADER]),
        "header in other case",
    ),
    ("truncated mid-row", _good[:-40], "truncated"),
    ("truncated gzip", gzip.compress(_good)[:-25], "truncated gzip stream"),
    ("empty file", b"", "empty file"),
    ("header only", _good.split(b"\n")[0] + b"\n", "header only"),
    ("windows-1252", _cp1252, "not valid UTF-8: byte 0xc9 on line 2"),
    ("stray BOM", b"\xef\xbb\xbf" + _good, "stray UTF-8 byte-order mark"),
    ("CRLF", _good.replace(b"\n", b"\r\n"), "CRLF line ends"),
    ("semicolon delimiter", _crossings_with(delimiter=";"), "delimiter is semicolon"),
    ("short row", _good.replace(b",EK652,", b",", 1), "line 2 has 20 fields, agreed 21"),
]


def _bad_delivery(root: Path) -> dict[tuple[str, str], str]:
    """Every bad delivery of extracts.md in one folder, beside good objects."""
    expected = {}
    for index, (_, data, words) in enumerate(BAD):
        day = date(2023, 2, 1 + index)
        gz = words == "truncated gzip stream"
        key = crossings_key(day, gz)
        _write(root / "immigration" / key, data)
        expected[("immigration", key)] = words
    # registry: the BOM is agreed, so a missing one and a comma delimiter are refused
    _write(root / "registry/citizens/citizens_20230630.csv", _citizens)
    expected[("registry", "citizens/citizens_20230630.csv")] = "no UTF-8 byte-order mark"
    comma = csv_bytes(DATASETS["citizens"].headers, citizen_rows(), ",")
    _write(root / "registry/citizens/citizens_20230930.csv", b"\xef\xbb\xbf" + comma)
    expected[("registry", "citizens/citizens_20230930.csv")] = "delimiter is comma"
    # work permits
    day = date(2023, 4, 30)
    _write(root / "labour" / permits_key(day), permits_bytes(day, header=_permit_header))
    expected[("labour", permits_key(day))] = "row 3: header in other case: 'Worker name'"
    day = date(2023, 5, 31)
    _write(root / "labour" / permits_key(day), permits_bytes(day)[:-200])
    expected[("labour", permits_key(day))] = "not a readable Excel"
    day = date(2023, 6, 30)
    _write(root / "labour" / permits_key(day), permits_bytes(day, sheet="Sheet1"))
    expected[("labour", permits_key(day))] = "no sheet 'Permits'"
    day = date(2023, 7, 31)
    _write(root / "labour" / permits_key(day), permits_bytes(day, rows=[]))
    expected[("labour", permits_key(day))] = "header only"
    day = date(2023, 8, 31)
    _write(root / "labour" / permits_key(day), permits_bytes(day, title="Permits"))
    expected[("labour", permits_key(day))] = "row 1 is 'Permits'"
    return expected


@pytest.fixture(scope="module")
def bad_landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    delivery = write_delivery(root / "delivery")
    warehouse = root / "wh" / "warehouse.duckdb"
    land(str(delivery), warehouse, progress=lambda _: None)
    before = snapshot(warehouse)
    expected = _bad_delivery(delivery)
    write_crossings(delivery, date(2023, 4, 3))  # a good object in the same delivery
    report = land(str(delivery), warehouse, progress=lambda _: None)
    return warehouse, report, expected, before


def test_bad_deliveries_each_quarantined_with_a_message(bad_landing):
    warehouse, report, expected, _ = bad_landing
    assert report.counts["quarantined"] == len(expected)
    for (bucket, key), words in expected.items():
        message = [m for m in report.messages if f"{bucket}/{key}:" in m]
        assert len(message) == 1, (key, report.messages)
        assert message[0].startswith("quarantined"), message
        assert words in message[0], (words, message[0])
        [(status, reason, rows)] = status_of(warehouse, bucket, key)
        assert status == "quarantined" and words in reason and rows == 0
    copies = list((warehouse.parent / "quarantine").rglob("*"))
    assert len([c for c in copies if c.is_file()]) == len(expected)


def test_bad_deliveries_leave_earlier_data_alone_and_the_rest_loads(bad_landing):
    warehouse, report, _, before = bad_landing
    after = snapshot(warehouse)
    assert report.counts["loaded"] == 1  # the good crossing file of the same delivery
    for name in DATASETS:
        if name != "border_crossings":
            assert after[name] == before[name]
    assert set(before["border_crossings"]) <= set(after["border_crossings"])
    assert len(after["border_crossings"]) == len(before["border_crossings"]) + 5
    for name in DATASETS:  # nothing of a quarantined object reached a raw table
        orphans = q(
            warehouse,
            f"select count(*) from raw.{name} t join raw.objects o on o.object_id = t._object_id "
            "where o.status <> 'loaded'",
        )
        assert orphans == [(0,)]


def test_values_breaking_the_dictionary_land_flagged(tmp_path, warehouse, quiet):
    rows = crossing_rows(date(2023, 5, 1), 6)
    rows[1][12] = "1990-02-30"  # date that does not parse
    rows[2][5] = "XYZ"  # unknown port code
    rows[3][0] = rows[4][0]  # duplicate key inside the file
    rows[5][13] = "Q"  # unknown sex
    write_crossings(tmp_path / "d", date(2023, 5, 1), rows=rows)
    permits = [list(r) for r in __import__("conftest").permit_rows(3)]
    permits[2][0] = permits[1][0]  # duplicate permit number inside the snapshot
    permits[0][12] = "01/01/2020"  # expires before issue (2022-01-01)
    permits[1][4] = "M"  # unknown gender code
    write_permits(tmp_path / "d", date(2023, 5, 31), rows=permits)
    report = land(str(tmp_path / "d"), warehouse, progress=quiet)
    assert report.counts["loaded"] == 2 and report.counts["quarantined"] == 0
    flagged = [m for m in report.messages if m.startswith("flagged")]
    assert len(flagged) == 2
    failed = {
        (d, e, c): u
        for d, e, c, u in q(
            warehouse,
            "select dataset, expectation_type, column_name, unexpected_count "
            "from raw.validation_results where not success",
        )
    }
    assert failed == {
        ("border_crossings", "expect_column_values_to_not_be_null", "date_of_birth__parsed"): 1,
        ("border_crossings", "expect_column_values_to_be_in_set", "port_code"): 1,
        ("border_crossings", "expect_compound_columns_to_be_unique", "_object_id,crossing_id"): 2,
        ("border_crossings", "expect_column_values_to_be_in_set", "sex"): 1,
        ("work_permits", "expect_compound_columns_to_be_unique", "_object_id,work_permit_no"): 2,
        (
            "work_permits",
            "expect_column_pair_values_a_to_be_greater_than_b",
            "expiry_date__parsed,issue_date__parsed",
        ): 1,
        ("work_permits", "expect_column_values_to_be_in_set", "gender"): 1,
    }
    # landed exactly as delivered
    assert q(warehouse, "select count(*) from raw.border_crossings where port_code = 'XYZ'") == [
        (1,)
    ]


def test_many_objects_in_one_gx_batch_are_attributed_per_object(tmp_path, warehouse, quiet):
    root = tmp_path / "d"
    for day in range(1, 4):
        rows = crossing_rows(date(2023, 6, day), 4)
        if day == 2:
            rows[0][4] = "IN"  # one bad direction, in the second file only
        write_crossings(root, date(2023, 6, day), rows=rows)
    land(str(root), warehouse, progress=quiet)
    results = q(
        warehouse,
        "select o.object_key, v.success, v.unexpected_count, v.element_count "
        "from raw.validation_results v join raw.objects o using (object_id) "
        "where v.column_name = 'direction' and v.expectation_type like '%in_set'",
    )
    by_key = {r[0].rsplit("_", 1)[-1]: r[1:] for r in results}
    assert by_key == {
        "20230601.csv": (True, 0, 4),
        "20230602.csv": (False, 1, 4),
        "20230603.csv": (True, 0, 4),
    }


def test_workbooks_parsed_in_worker_processes_land_as_parsed_in_process(
    tmp_path, quiet, monkeypatch
):
    import migstat.landing.core as core

    root = tmp_path / "d"
    for month in range(1, 6):
        day = date(2023, month + 1, 1) - timedelta(days=1)
        rows = [list(r) for r in __import__("conftest").permit_rows(40 + month)]
        rows[3][4] = "M" if month == 2 else rows[3][4]  # one flagged workbook
        write_permits(root, day, rows=rows)
    write_permits(root, date(2023, 6, 30), title="Permits")  # one unreadable workbook
    for day in range(1, 4):
        write_crossings(root, date(2023, 6, day))
    states = {}
    for label, workers in (("serial", 0), ("pool", 2)):
        monkeypatch.setattr(core, "WORKERS", workers)
        monkeypatch.setattr(core, "POOL_MIN_BYTES", 0)
        monkeypatch.setattr(core, "BATCH_ROWS", 100)  # several batches, interleaved
        lines: list[str] = []
        warehouse = tmp_path / label / "warehouse.duckdb"
        report = land(str(root), warehouse, progress=lines.append)
        assert report.counts["loaded"] == 8 and report.counts["quarantined"] == 1, report
        assert any("row 1 is 'Permits'" in m for m in report.problems)
        states[label] = snapshot(warehouse)
    assert states["pool"] == states["serial"]
    assert len(states["pool"]["work_permits"]) == sum(40 + m for m in range(1, 6))


def test_progress_is_throttled_and_says_how_far(tmp_path, monkeypatch):
    import migstat.landing.core as core

    root = _many_crossings(tmp_path / "d", days=12, rows=20)
    monkeypatch.setattr(core, "BATCH_ROWS", 10_000)  # one batch: only throttled lines
    monkeypatch.setattr(core, "PROGRESS_SECONDS", 3600)
    lines: list[str] = []
    land(str(root), tmp_path / "w" / "warehouse.duckdb", progress=lines.append)
    batch_lines = [line for line in lines if "validated" in line]
    assert len(batch_lines) == 2  # crossings and census: one line per batch, not per object
    assert "landing: 13/13 objects done" in batch_lines[-1] and "rows loaded" in batch_lines[-1]
    assert len(lines) <= 5, lines


def test_each_batch_gives_its_memory_back_before_the_next(tmp_path, monkeypatch):
    """GX's results hold a batch's frames in reference cycles; at national scale, left to
    Python's occasional full collection, they piled up to 8.5 GiB (session 8)."""
    import gc

    import pyarrow as pa

    import migstat.landing.core as core

    root = _many_crossings(tmp_path / "d", days=6, rows=3000)
    monkeypatch.setattr(core, "BATCH_ROWS", 3000)  # one object per batch
    held: list[int] = []

    def progress(line: str) -> None:
        if line.startswith("border_crossings:") and "validated in" in line:
            held.append(pa.total_allocated_bytes())

    gc.disable()  # only the landing's own collections count
    try:
        land(str(root), tmp_path / "w" / "warehouse.duckdb", progress=progress)
    finally:
        gc.enable()
    assert len(held) == 6, held
    # what is still held after the sixth batch is no more than after the first
    assert held[-1] <= held[0] + 64 * 1024, held


def _set_modified(root: Path, seconds_ago: int) -> None:
    """Every file of the delivery last modified ``seconds_ago``: a delivery copied earlier."""
    when = time.time() - seconds_ago
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def _count_folder_reads(monkeypatch) -> list[str]:
    """The keys of the folder files the landing reads, in order."""
    from migstat.landing.sources import FolderSource

    reads: list[str] = []
    read_file = FolderSource.get
    monkeypatch.setattr(
        FolderSource, "get", lambda self, obj: reads.append(obj.key) or read_file(self, obj)
    )
    return reads


def test_unchanged_files_are_not_read_again(tmp_path, quiet, monkeypatch):
    import migstat.landing.core as core

    root = _many_crossings(tmp_path / "d", days=4, rows=20)
    _set_modified(root, 3600)
    warehouse = tmp_path / "w" / "warehouse.duckdb"
    reads = _count_folder_reads(monkeypatch)

    first = land(str(root), warehouse, progress=quiet)
    assert first.counts["loaded"] == 5 and len(reads) == 5
    assert q(warehouse, "select count(*) from raw.folder_fingerprints") == [(5,)]
    reads.clear()
    again = land(str(root), warehouse, progress=quiet)
    assert again.counts["unchanged"] == 5 and reads == []

    # new bytes of the same size under a key, modified later: read, and the old version
    # superseded
    path = root / "immigration" / crossings_key(date(2023, 7, 1), False)
    original = path.read_bytes()
    path.write_bytes(original.replace(b"EK652", b"EK653", 1))
    os.utime(path, (time.time() - 600, time.time() - 600))
    corrected = land(str(root), warehouse, progress=quiet)
    assert reads == [path.relative_to(root / "immigration").as_posix()]
    assert corrected.counts["loaded"] == 1 and corrected.counts["unchanged"] == 4
    assert q(
        warehouse,
        "select count(*) from raw.border_crossings where flight_vessel = 'EK653'",
    ) == [(1,)]

    # the quick check's blind spot (as rsync's): other bytes of the same size with the
    # same modification time are taken as unchanged, unless the landing is told to re-read
    stamp = path.stat().st_mtime_ns
    path.write_bytes(original.replace(b"EK652", b"EK654", 1))
    os.utime(path, ns=(stamp, stamp))
    reads.clear()
    assert land(str(root), warehouse, progress=quiet).counts["unchanged"] == 5 and reads == []
    monkeypatch.setattr(core, "REREAD", True)
    reread = land(str(root), warehouse, progress=quiet)
    assert len(reads) == 5 and reread.counts["loaded"] == 1 and reread.counts["unchanged"] == 4


def test_a_file_read_just_after_it_was_written_is_read_again(tmp_path, quiet, monkeypatch):
    """Within a tick of the file system's clock a rewrite could keep the modification time."""
    root = _many_crossings(tmp_path / "d", days=2, rows=20)  # written just now
    warehouse = tmp_path / "w" / "warehouse.duckdb"
    reads = _count_folder_reads(monkeypatch)
    land(str(root), warehouse, progress=quiet)
    assert q(warehouse, "select count(*) from raw.folder_fingerprints") == [(0,)]
    reads.clear()
    assert land(str(root), warehouse, progress=quiet).counts["unchanged"] == 3
    assert len(reads) == 3


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "key",
    [
        "../registry/citizens/citizens_20230101.csv",
        "border_crossings/2023/../../x.csv",
        "/etc/passwd",
        "border_crossings/2023/border_crossings_20230101.csv';drop table raw.objects;--",
        'border_crossings/2023/a"b.csv',
        "border_crossings\\2023\\border_crossings_20230101.csv",
        "border_crossings//2023/x.csv",
    ],
)
def test_unsafe_keys_are_refused(key):
    assert unsafe_key_reason("immigration", key)


def test_unsafe_and_unknown_keys_on_record_never_read(tmp_path, warehouse, quiet):
    root = write_delivery(tmp_path / "d")
    evil = [
        "border_crossings/2023/border_crossings_20230105.csv';drop table raw.objects;--",
        "border_crossings/2023/border..crossings_20230106.csv",
        "border_crossings/2023/a\\b.csv",
        'border_crossings/2023/"q".csv',
    ]
    for key in evil:
        _write(root / "immigration" / key, _good)
    _write(root / "immigration" / "README.txt", b"hello")
    _write(root / "immigration" / "border_crossings/2023/border_crossings_20231341.csv", _good)
    report = land(str(root), warehouse, progress=quiet)
    assert report.counts["refused"] == len(evil)
    assert report.counts["ignored"] == 2
    assert report.counts["loaded"] == 6
    for key in evil:
        [(status, reason, rows)] = status_of(warehouse, "immigration", key)
        assert status == "refused" and "key contains" in reason and rows == 0
    unread = q(
        warehouse,
        "select count(*) from raw.objects where status in ('refused', 'ignored') "
        "and content_sha256 is null",
    )
    assert unread == [(6,)]
    assert any("README.txt: key matches no dataset" in m for m in report.messages)
    assert any("is not a date" in m for m in report.messages)
    again = land(str(root), warehouse, progress=quiet)  # reported again, recorded once
    assert again.counts["refused"] == len(evil)
    assert q(warehouse, "select count(*) from raw.objects") == [(12,)]


# --------------------------------------------------------------------------- concurrency, crash

_HOLD = """
import sys, time
from pathlib import Path
from migstat.landing.warehouse import warehouse_lock
with warehouse_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(30)
"""


def test_concurrent_run_is_refused(delivery, warehouse):
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseLockedError, match="another process") as error:
            land(str(delivery), warehouse, progress=lambda _: None)
        assert f"pid {holder.pid}" in str(error.value)
        assert not warehouse.exists()
    finally:
        holder.kill()
        holder.wait()
    assert lock_path(warehouse).exists()
    assert land(str(delivery), warehouse, progress=lambda _: None).counts["loaded"] == 6


_LAND = """
import sys
from pathlib import Path
from migstat.landing import land
land(sys.argv[1], Path(sys.argv[2]), progress=lambda line: print(line, flush=True))
"""


def _many_crossings(root: Path, days: int = 8, rows: int = 300) -> Path:
    for day in range(1, days + 1):
        write_crossings(root, date(2023, 7, day), n=rows, gz=day % 2 == 0)
    write_census(root)
    return root


def test_killed_landing_resumes_to_the_same_state(tmp_path, quiet):
    source = _many_crossings(tmp_path / "d")
    killed = tmp_path / "killed" / "warehouse.duckdb"
    env = dict(os.environ, MIGSTAT_GX_BATCH_ROWS="1")  # commit object by object
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", _LAND, str(source), str(killed)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if "validated" in line:
            seen += 1
            if seen == 3:
                process.send_signal(signal.SIGKILL)
                break
    process.wait()
    assert process.returncode == -signal.SIGKILL, "landing finished before it was killed"
    partial = q(killed, "select count(*) from raw.objects")[0][0]
    assert 0 < partial < 9

    report = land(str(source), killed, progress=quiet)
    assert report.counts["unchanged"] >= 3
    clean = tmp_path / "clean" / "warehouse.duckdb"
    land(str(source), clean, progress=quiet)
    assert snapshot(killed) == snapshot(clean)


# --------------------------------------------------------------------------- S3


def test_s3_landing_equals_folder_landing(rclone_s3, delivery, tmp_path, quiet):
    write_delivery(rclone_s3.root)
    _write(rclone_s3.root / "immigration" / "notes" / "readme.txt", b"not an extract")
    from_s3 = tmp_path / "s3wh" / "warehouse.duckdb"
    report = land("s3://", from_s3, progress=quiet)
    assert report.counts["loaded"] == 6 and report.counts["ignored"] == 1
    folder = tmp_path / "folderwh" / "warehouse.duckdb"
    land(str(delivery), folder, progress=quiet)
    s3_state, folder_state = snapshot(from_s3), snapshot(folder)
    ignored = [r for r in s3_state["objects"] if r[8] == "ignored"]
    s3_state["objects"] = [r for r in s3_state["objects"] if r[8] != "ignored"]
    assert len(ignored) == 1
    assert s3_state == folder_state  # same ids, etags (md5), rows and checks
    uris = q(from_s3, "select source_uri from raw.objects where status = 'loaded'")
    assert all(u.startswith("s3://") for (u,) in uris)

    # a re-run is a no-op without downloading (etag known), one bucket works alone
    again = land("s3://", from_s3, progress=quiet)
    assert again.counts["unchanged"] == 6 and again.counts["loaded"] == 0
    one = land("s3://registry", tmp_path / "one" / "w.duckdb", progress=quiet)
    assert one.counts["loaded"] == 2


def test_s3_corrected_object_supersedes(rclone_s3, tmp_path, quiet):
    write_crossings(rclone_s3.root, date(2023, 4, 1))
    warehouse = tmp_path / "wh" / "w.duckdb"
    land("s3://immigration", warehouse, progress=quiet)
    write_crossings(rclone_s3.root, date(2023, 4, 1), n=8)
    report = land("s3://immigration", warehouse, progress=quiet)
    assert report.counts["superseded"] == 1
    statuses = q(warehouse, "select status, row_count from raw.objects order by loaded_at")
    assert statuses == [("superseded", 5), ("loaded", 8)]


def test_wrong_credentials_fail_fast_and_write_nothing(rclone_s3, tmp_path, monkeypatch):
    write_delivery(rclone_s3.root)
    monkeypatch.setenv("MINIO_SECRET_KEY", "wrong-secret")
    warehouse = tmp_path / "wh" / "w.duckdb"
    started = time.monotonic()
    with pytest.raises(StoreCredentialsError, match="refused the credentials"):
        land("s3://", warehouse, progress=lambda _: None)
    assert time.monotonic() - started < 5
    assert not warehouse.parent.exists()


def test_unreachable_endpoint_fails_fast_and_writes_nothing(tmp_path, monkeypatch):
    from conftest import free_port

    monkeypatch.setenv("MINIO_ENDPOINT", f"127.0.0.1:{free_port()}")
    monkeypatch.setenv("MINIO_ACCESS_KEY", "a")
    monkeypatch.setenv("MINIO_SECRET_KEY", "b")
    warehouse = tmp_path / "wh" / "w.duckdb"
    started = time.monotonic()
    with pytest.raises(StoreUnreachableError, match="unreachable"):
        land("s3://", warehouse, progress=lambda _: None)
    assert time.monotonic() - started < 5
    assert not warehouse.parent.exists()


def test_missing_bucket_and_bad_source_are_clear(rclone_s3, tmp_path):
    with pytest.raises(LandingError, match="bucket 'labour' does not exist"):
        land("s3://labour", tmp_path / "w.duckdb", progress=lambda _: None)
    with pytest.raises(LandingError, match="does not exist"):
        land(str(tmp_path / "nowhere"), tmp_path / "w.duckdb", progress=lambda _: None)


def test_transient_store_errors_are_retried_with_backoff(rclone_s3, monkeypatch):
    from urllib3.exceptions import ProtocolError

    from migstat.landing import StoreError

    lines: list[str] = []
    source = S3Source(None, attempts=4, backoff=0.01, progress=lines.append)
    calls = []

    def flaky():
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise ProtocolError("Connection reset by peer")
        return "ok"

    assert source._call("get x", flaky) == "ok"
    assert len(calls) == 3 and len(lines) == 2 and "retry 1" in lines[0]
    assert calls[2] - calls[1] >= calls[1] - calls[0]  # exponential backoff

    def always():
        raise ProtocolError("Connection reset by peer")

    with pytest.raises(StoreError, match="still failing after 4 attempts"):
        source._call("get y", always)


def test_server_dying_mid_landing_leaves_whole_objects(tmp_path, quiet, monkeypatch):
    server = start_rclone_s3(tmp_path / "s3")
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MIGSTAT_S3_ATTEMPTS", "2")
    monkeypatch.setenv("MIGSTAT_S3_BACKOFF", "0.05")
    write_crossings(server.root, date(2023, 4, 1))
    write_crossings(server.root, date(2023, 4, 2))
    warehouse = tmp_path / "wh" / "w.duckdb"
    import migstat.landing.sources as sources

    original = sources.S3Source.get
    served = []

    def get_then_die(self, obj):
        if served:
            server.process.kill()
            server.process.wait()
        served.append(obj.key)
        return original(self, obj)

    monkeypatch.setattr(sources.S3Source, "get", get_then_die)
    with pytest.raises(LandingError):
        land("s3://", warehouse, progress=quiet)
    # whatever landed is whole: every manifest row matches its raw rows
    check = q(
        warehouse,
        "select o.row_count, count(t._object_id) from raw.objects o "
        "left join raw.border_crossings t on t._object_id = o.object_id group by all",
    )
    assert all(expected == found for expected, found in check)
