"""The raw layer of the warehouse (docs/architecture.md) and the process-level lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from migstat.dictionary import DATASETS
from migstat.landing.errors import WarehouseLockedError

#: DuckDB's cap in the landing (env ``MIGSTAT_LANDING_MEMORY_LIMIT``). Without it DuckDB
#: keeps what it has written cached up to 80 % of the machine's memory, on top of the
#: batch being validated (docs/choices.md, "Landing memory").
LANDING_MEMORY_LIMIT = os.environ.get("MIGSTAT_LANDING_MEMORY_LIMIT", "2GB")

MANIFEST_COLUMNS = (
    ("object_id", "varchar primary key"),
    ("bucket", "varchar not null"),
    ("object_key", "varchar not null"),
    ("dataset", "varchar"),
    ("extract_date", "date"),
    ("etag", "varchar"),
    ("content_sha256", "varchar"),
    ("size_bytes", "bigint"),
    ("status", "varchar not null"),
    ("reason", "varchar"),
    ("row_count", "bigint not null"),
    ("loaded_at", "timestamptz not null"),
    ("superseded_by", "varchar"),
    ("source_uri", "varchar"),
)

#: What a folder file looked like when it was last read (size and modification time),
#: so that an unchanged file of a later delivery is not read again (rsync's quick check;
#: docs/choices.md, "Unchanged files are not read").
FINGERPRINTS_DDL = """
create table if not exists raw.folder_fingerprints (
    bucket varchar not null,
    object_key varchar not null,
    size_bytes bigint not null,
    modified_ns bigint not null,
    object_id varchar not null,
    recorded_at timestamptz not null,
    primary key (bucket, object_key)
)
"""

RESULTS_DDL = """
create table if not exists raw.validation_results (
    object_id varchar not null,
    dataset varchar not null,
    expectation_type varchar not null,
    column_name varchar,
    kwargs varchar,
    success boolean not null,
    unexpected_count bigint,
    element_count bigint,
    unexpected_sample varchar,
    run_time timestamptz not null
)
"""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextlib.contextmanager
def warehouse_lock(warehouse: Path) -> Iterator[None]:
    """Hold an exclusive fcntl lock on ``<warehouse>.lock`` or refuse at once."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            try:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            except OSError:
                holder = ""
            raise WarehouseLockedError(
                f"warehouse {warehouse} is being landed by another process"
                + (f" (pid {holder})" if holder else "")
                + f"; lock file {path}. Wait for it to finish and run again."
            ) from error
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(
            str(warehouse),
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseLockedError(
                f"warehouse {warehouse} is open for writing by another process "
                f"(dbt, a BI tool?): {str(error).splitlines()[0]}"
            ) from error
        raise
    # DuckDB draws a progress bar on stdout for long statements: the landing reports
    # its own progress, a bar per batch would bury it
    con.execute("set enable_progress_bar = false")
    con.execute(f"set memory_limit = '{LANDING_MEMORY_LIMIT}'")
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("begin")
    con.execute("create schema if not exists raw")
    columns = ", ".join(f"{name} {kind}" for name, kind in MANIFEST_COLUMNS)
    con.execute(f"create table if not exists raw.objects ({columns})")
    con.execute(RESULTS_DDL)
    con.execute(FINGERPRINTS_DDL)
    for dataset in DATASETS.values():
        cols = ", ".join(f'"{name}" varchar' for name in dataset.raw_columns)
        con.execute(
            f"create table if not exists {dataset.table} "
            f"({cols}, _object_id varchar not null, _row_number bigint not null)"
        )
    con.execute("commit")
