"""``land()``: one delivery into the raw layer, one DuckDB transaction per batch of objects.

Progress: one line per validated and loaded batch, and in between at most one
line per ``MIGSTAT_PROGRESS_SECONDS`` (objects done of all, rows loaded, bytes
read, seconds), never one line per object.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from migstat.dictionary import DATASETS, Dataset, match_key
from migstat.landing.errors import LandingError, Unreadable
from migstat.landing.readers import parse_in_worker, read_object, worker_init
from migstat.landing.sources import ObjectInfo, S3Source, open_source, unsafe_key_reason
from migstat.landing.warehouse import connect, ensure_schema, warehouse_lock
from migstat.validation import BATCH_ROWS, RESULT_COLUMNS, CheckResult, Validator

STATUSES = ("loaded", "quarantined", "ignored", "superseded", "refused", "unchanged")

#: processes that parse workbooks while the main process validates and loads
WORKERS = int(os.environ.get("MIGSTAT_LANDING_WORKERS", "2"))
#: workbooks are parsed in worker processes when this many bytes of them are to be read
POOL_MIN_BYTES = int(os.environ.get("MIGSTAT_POOL_MIN_BYTES", str(8 << 20)))
#: at most one progress line per this many seconds (besides one line per loaded batch)
PROGRESS_SECONDS = float(os.environ.get("MIGSTAT_PROGRESS_SECONDS", "5"))
#: read every folder file again, even one whose size and modification time are unchanged
REREAD = os.environ.get("MIGSTAT_LANDING_REREAD", "").strip().lower() in ("1", "true", "yes")
#: a file's fingerprint is kept only when it was last modified this long before it was read,
#: so that a rewrite within the same tick of the file system's clock cannot go unseen
SETTLED_NS = 2_000_000_000
_SHOWN_FLAGGED = 20
_FINGERPRINT_COLUMNS = (
    "bucket",
    "object_key",
    "size_bytes",
    "modified_ns",
    "object_id",
    "recorded_at",
)
_MANIFEST_SCHEMA = pa.schema(
    [
        ("object_id", pa.string()),
        ("bucket", pa.string()),
        ("object_key", pa.string()),
        ("dataset", pa.string()),
        ("extract_date", pa.date32()),
        ("etag", pa.string()),
        ("content_sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("row_count", pa.int64()),
        ("loaded_at", pa.timestamp("us", tz="UTC")),
        ("superseded_by", pa.string()),
        ("source_uri", pa.string()),
    ]
)


@dataclass
class LandingReport:
    """What one landing run did. ``counts``: objects per status in this run
    (``unchanged`` = seen before, a no-op; ``superseded`` = older versions replaced);
    ``messages``: one line per object that needs attention, naming it and the problem."""

    source: str
    warehouse: Path
    counts: Counter = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)
    rows_loaded: int = 0
    checks_failed: int = 0
    seconds: float = 0.0
    quality_report: Path | None = None
    data_docs: Path | None = None

    @property
    def problems(self) -> list[str]:
        return [m for m in self.messages if m.startswith(("quarantined", "refused"))]

    def __str__(self) -> str:
        counts = ", ".join(f"{s} {self.counts[s]}" for s in STATUSES if self.counts[s])
        lines = [
            f"landed {self.source} into {self.warehouse} in {self.seconds:.1f} s: "
            f"{counts or 'nothing'}; {self.rows_loaded:,} rows"
            + (f"; {self.checks_failed} dictionary checks failed" if self.checks_failed else "")
        ]
        flagged = [m for m in self.messages if m.startswith("flagged")]
        hidden = set(flagged[_SHOWN_FLAGGED:])
        lines += [f"  {m}" for m in self.messages if m not in hidden]
        if hidden:
            lines.append(
                f"  ... and {len(hidden)} more flagged objects (all in raw.validation_results "
                "and the quality report)"
            )
        if self.quality_report:
            lines.append(f"  quality report: {self.quality_report}")
        return "\n".join(lines)


@dataclass
class _Parsed:
    obj: ObjectInfo
    dataset: Dataset
    extract: date
    object_id: str
    sha: str
    etag: str
    table: pa.Table


def object_id_of(bucket: str, key: str, content_sha256: str | None) -> str:
    """sha256 hex of ``bucket/key`` + NUL + content sha256 (empty when not read)."""
    text = f"{bucket}/{key}\0{content_sha256 or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quarantine_path(quarantine_dir: Path, bucket: str, key: str, sha: str) -> Path:
    """``<quarantine>/<bucket>/<key folder>/<sha256[:12]>__<file name>`` (key already safe)."""
    folder, _, name = key.rpartition("/")
    path = quarantine_dir / bucket / folder / f"{sha[:12]}__{name}"
    if not path.resolve().is_relative_to(quarantine_dir.resolve()):
        raise LandingError(f"quarantine path for {bucket}/{key} escapes {quarantine_dir}")
    return path


class _Lander:
    def __init__(self, con, warehouse: Path, report: LandingReport, progress):
        self.con = con
        self.report = report
        self.progress = progress
        self.quarantine_dir = warehouse.parent / "quarantine"
        self.validator = Validator(warehouse.parent / "quality")
        self.known_ids = {r[0] for r in con.execute("select object_id from raw.objects").fetchall()}
        self.known_etags = {
            (b, k, e)
            for b, k, e in con.execute(
                "select bucket, object_key, etag from raw.objects where etag is not null"
            ).fetchall()
        }
        self.fingerprints = {
            (b, k): (size, modified, oid)
            for b, k, size, modified, oid in con.execute(
                "select bucket, object_key, size_bytes, modified_ns, object_id "
                "from raw.folder_fingerprints"
            ).fetchall()
        }
        self.new_fingerprints: dict[tuple[str, str], tuple[int, int, str]] = {}
        self.pending: dict[str, list[_Parsed]] = {}
        self.pending_rows: Counter = Counter()
        self.pool = None
        self.inflight: deque = deque()
        self.started = time.perf_counter()
        self.last_progress = self.started
        self.total = 0
        self.read_bytes = 0

    # -- manifest rows

    def _manifest_row(self, obj, object_id, dataset, extract, etag, sha, status, reason, rows):
        return (
            object_id,
            obj.bucket,
            obj.key,
            dataset.name if dataset else None,
            extract,
            etag,
            sha,
            obj.size,
            status,
            reason,
            rows,
            datetime.now(UTC),
            None,
            obj.uri,
        )

    def _insert_manifest(self, row) -> None:
        self.con.execute(f"insert into raw.objects values ({', '.join('?' * len(row))})", row)
        self.known_ids.add(row[0])
        if row[5]:
            self.known_etags.add((row[1], row[2], row[5]))

    def record_unread(self, obj: ObjectInfo, status: str, reason: str, dataset=None, extract=None):
        """A refused or ignored object: on record once, never read."""
        self.report.counts[status] += 1
        self.report.messages.append(f"{status} {obj.bucket}/{obj.key}: {reason}")
        object_id = object_id_of(obj.bucket, obj.key, None)
        if object_id in self.known_ids:
            return
        self.con.execute("begin")
        self._insert_manifest(
            self._manifest_row(obj, object_id, dataset, extract, obj.etag, None, status, reason, 0)
        )
        self.con.execute("commit")

    def quarantine(self, obj, dataset, extract, object_id, sha, etag, data, reason) -> None:
        path = quarantine_path(self.quarantine_dir, obj.bucket, obj.key, sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        self.con.execute("begin")
        self._insert_manifest(
            self._manifest_row(
                obj, object_id, dataset, extract, etag, sha, "quarantined", reason, 0
            )
        )
        self.con.execute("commit")
        self.report.counts["quarantined"] += 1
        self.report.messages.append(f"quarantined {obj.bucket}/{obj.key}: {reason} (copy: {path})")
        self.progress(f"quarantined {obj.bucket}/{obj.key}: {reason}")

    # -- one object

    def handle(self, source, obj: ObjectInfo) -> None:
        """Classify, read and parse one object (workbooks go to the worker pool if any)."""
        read = self._read(source, obj)
        if read is None:
            return
        dataset, extract, fmt, data, sha, etag, object_id = read
        if fmt == "xlsx" and self.pool is not None:
            future = self.pool.submit(parse_in_worker, dataset.name, fmt, data)
            self.inflight.append((obj, dataset, extract, object_id, sha, etag, data, future))
            return
        try:
            table = read_object(dataset, fmt, data)
        except Unreadable as error:
            self.quarantine(obj, dataset, extract, object_id, sha, etag, data, str(error))
            return
        self._accept(obj, dataset, extract, object_id, sha, etag, table)

    def _read(self, source, obj: ObjectInfo):
        reason = unsafe_key_reason(obj.bucket, obj.key)
        if reason:
            self.record_unread(obj, "refused", reason)
            return None
        try:
            matched = match_key(obj.bucket, obj.key)
        except ValueError as error:
            self.record_unread(obj, "ignored", f"key matches a pattern but {error}")
            return None
        if matched is None:
            self.record_unread(obj, "ignored", "key matches no dataset pattern of extracts.md")
            return None
        dataset, extract, fmt = matched
        if (
            obj.etag and (obj.bucket, obj.key, obj.etag) in self.known_etags
        ) or self._unchanged_file(obj):
            self.report.counts["unchanged"] += 1
            self.progress_tick()
            return None
        read_at = time.time_ns()
        data = source.get(obj)
        sha = hashlib.sha256(data).hexdigest()
        etag = source.etag_of(obj, data)
        object_id = object_id_of(obj.bucket, obj.key, sha)
        if (
            obj.modified_ns is not None
            and len(data) == obj.size
            and read_at - obj.modified_ns >= SETTLED_NS
        ):
            self.new_fingerprints[(obj.bucket, obj.key)] = (obj.size, obj.modified_ns, object_id)
        if object_id in self.known_ids:
            self.report.counts["unchanged"] += 1
            self.progress_tick()
            return None
        self.read_bytes += len(data)
        return dataset, extract, fmt, data, sha, etag, object_id

    def _unchanged_file(self, obj: ObjectInfo) -> bool:
        """A folder file with the size and modification time it had when it was read, whose
        version is on record (rsync's quick check; ``MIGSTAT_LANDING_REREAD`` turns it off)."""
        if obj.modified_ns is None or REREAD:
            return False
        seen = self.fingerprints.get((obj.bucket, obj.key))
        return (
            seen is not None
            and seen[:2] == (obj.size, obj.modified_ns)
            and seen[2] in self.known_ids
        )

    def record_fingerprints(self) -> None:
        """Keep the fingerprints of the files read in this run (one statement). A fingerprint
        whose version never reached ``raw.objects`` (a run killed mid-way) is ignored."""
        if not self.new_fingerprints:
            return
        recorded_at = datetime.now(UTC)
        rows = [(b, k, *v, recorded_at) for (b, k), v in self.new_fingerprints.items()]
        frame = pa.table(
            dict(zip(_FINGERPRINT_COLUMNS, map(list, zip(*rows, strict=True)), strict=True))
        )
        self.con.register("_fingerprints", frame)
        self.con.execute(
            "insert or replace into raw.folder_fingerprints select * from _fingerprints"
        )
        self.con.unregister("_fingerprints")
        self.new_fingerprints.clear()

    def collect(self, wait: bool = False) -> None:
        """Take the parsed workbooks off the pool, in order; ``wait``: all of them."""
        while self.inflight and (wait or self.inflight[0][-1].done()):
            obj, dataset, extract, object_id, sha, etag, data, future = self.inflight.popleft()
            verdict, value = future.result()
            if verdict == "unreadable":
                self.quarantine(obj, dataset, extract, object_id, sha, etag, data, value)
            else:
                self._accept(obj, dataset, extract, object_id, sha, etag, value)

    def _accept(self, obj, dataset, extract, object_id, sha, etag, table: pa.Table) -> None:
        n = table.num_rows
        table = table.append_column(
            "_object_id",
            pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(n, dtype=np.int32)), pa.array([object_id])
            ).cast(pa.string()),
        )
        table = table.append_column("_row_number", pa.array(np.arange(1, n + 1, dtype=np.int64)))
        parsed = _Parsed(obj, dataset, extract, object_id, sha, etag, table)
        self.pending.setdefault(dataset.name, []).append(parsed)
        self.pending_rows[dataset.name] += n
        if self.pending_rows[dataset.name] >= BATCH_ROWS:
            self.flush(dataset.name)
        else:
            self.progress_tick()

    # -- progress

    def progress_tick(self, force: bool = False) -> None:
        """At most one line per ``PROGRESS_SECONDS``: objects done of all, rows, seconds."""
        now = time.perf_counter()
        if not force and now - self.last_progress < PROGRESS_SECONDS:
            return
        self.last_progress = now
        self.progress(self.status_line())

    def status_line(self) -> str:
        counts = self.report.counts
        done = sum(counts[s] for s in STATUSES if s != "superseded")
        waiting = sum(len(items) for items in self.pending.values()) + len(self.inflight)
        mb = self.read_bytes / 1e6
        return (
            f"landing: {done:,}/{self.total:,} objects done"
            + (f" ({waiting} read, waiting for their batch)" if waiting else "")
            + f", {self.report.rows_loaded / 1e6:,.2f}M rows loaded, {mb:,.0f} MB read, "
            f"{now_seconds(self.started):.0f} s"
        )

    # -- validate and load a batch of objects of one dataset

    def flush(self, name: str) -> None:
        items = self.pending.pop(name, [])
        self.pending_rows.pop(name, None)
        if not items:
            return
        dataset = DATASETS[name]
        started = time.perf_counter()
        combined = pa.concat_tables([item.table for item in items])
        try:
            results = self.validator.validate(dataset, combined)
        except Exception as error:  # noqa: BLE001 - a checks crash flags, never blocks
            now = datetime.now(UTC)
            message = f"{type(error).__name__}: {error}"[:500]
            results = {
                item.object_id: [
                    CheckResult(
                        item.object_id,
                        name,
                        "validation_error",
                        None,
                        "{}",
                        False,
                        0,
                        item.table.num_rows,
                        message,
                        now,
                    )
                ]
                for item in items
            }
        checked = time.perf_counter() - started
        self._load(items, combined, results)
        objects, rows = len(items), sum(i.table.num_rows for i in items)
        del combined, items, results
        # GX's results hold the batch's frames in reference cycles: without a collection
        # here, Arrow memory of several past batches piles up until Python's own (rare)
        # full collection (docs/choices.md, "Landing memory")
        gc.collect()
        loaded = time.perf_counter() - started - checked
        self.progress(
            f"{name}: {objects} object(s), {rows:,} rows "
            f"validated in {checked:.1f} s and loaded in {loaded:.1f} s; {self.status_line()}"
        )
        self.last_progress = time.perf_counter()

    def _load(self, items: list[_Parsed], combined: pa.Table, results) -> None:
        """Rows, check results and manifest rows of a batch of objects: one transaction,
        so each object is there whole or not at all."""
        con = self.con
        dataset = items[0].dataset
        flat = [r for item in items for r in results.get(item.object_id, [])]
        con.execute("begin")
        try:
            con.register("_landing_batch", combined)
            con.execute(f"insert into {dataset.table} select * from _landing_batch")
            con.unregister("_landing_batch")
            if flat:
                columns = list(zip(*(r.row() for r in flat), strict=True))
                frame = pa.table(
                    {
                        name: list(values)
                        for name, values in zip(RESULT_COLUMNS, columns, strict=True)
                    }
                )
                con.register("_landing_results", frame)
                con.execute(
                    f"insert into raw.validation_results ({', '.join(RESULT_COLUMNS)}) "
                    f"select {', '.join(RESULT_COLUMNS)} from _landing_results"
                )
                con.unregister("_landing_results")
            failed_of = {
                item.object_id: [r for r in results.get(item.object_id, []) if not r.success]
                for item in items
            }
            keys = pa.table(
                {
                    "object_id": [item.object_id for item in items],
                    "bucket": [item.obj.bucket for item in items],
                    "object_key": [item.obj.key for item in items],
                }
            )
            con.register("_landing_keys", keys)
            superseded = con.execute(
                """update raw.objects o set status = 'superseded', superseded_by = k.object_id,
                          reason = 'a newer content was delivered under the same key'
                   from _landing_keys k
                   where o.bucket = k.bucket and o.object_key = k.object_key
                     and o.status = 'loaded'
                   returning o.bucket, o.object_key"""
            ).fetchall()
            con.unregister("_landing_keys")
            rows = [
                self._manifest_row(
                    item.obj,
                    item.object_id,
                    dataset,
                    item.extract,
                    item.etag,
                    item.sha,
                    "loaded",
                    (
                        f"{len(failed_of[item.object_id])} dictionary checks failed"
                        if failed_of[item.object_id]
                        else None
                    ),
                    item.table.num_rows,
                )
                for item in items
            ]
            manifest = pa.Table.from_pylist(
                [dict(zip(_MANIFEST_SCHEMA.names, row, strict=True)) for row in rows],
                schema=_MANIFEST_SCHEMA,
            )
            con.register("_landing_manifest", manifest)
            con.execute("insert into raw.objects by name select * from _landing_manifest")
            con.unregister("_landing_manifest")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        for row in rows:
            self.known_ids.add(row[0])
            if row[5]:
                self.known_etags.add((row[1], row[2], row[5]))
        replaced = Counter((bucket, key) for bucket, key in superseded)
        for item in items:
            failed = failed_of[item.object_id]
            self.report.counts["loaded"] += 1
            self.report.rows_loaded += item.table.num_rows
            self.report.checks_failed += len(failed)
            where = f"{item.obj.bucket}/{item.obj.key}"
            if replaced[(item.obj.bucket, item.obj.key)]:
                self.report.counts["superseded"] += replaced[(item.obj.bucket, item.obj.key)]
                self.report.messages.append(
                    f"superseded {where}: a new content replaces the version loaded earlier"
                )
            if failed:
                detail = "; ".join(
                    f"{r.expectation_type.removeprefix('expect_')}({r.column_name}): "
                    f"{r.unexpected_count} of {r.element_count}"
                    for r in failed[:6]
                )
                self.report.messages.append(
                    f"flagged {where}: loaded with {len(failed)} dictionary checks failed: {detail}"
                )


def now_seconds(started: float) -> float:
    return time.perf_counter() - started


def _pool_for(objects: list[ObjectInfo]):
    """A pool of worker processes for the workbooks of a large delivery, else None."""
    workbook_bytes = sum(o.size for o in objects if o.key.endswith(".xlsx"))
    if WORKERS < 1 or workbook_bytes < POOL_MIN_BYTES:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent holds DuckDB and Arrow thread pools
    return ProcessPoolExecutor(
        WORKERS,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_init,
        initargs=(os.getpid(),),
    )


def land(source: str, warehouse: Path, *, progress: Callable[[str], None] = print) -> LandingReport:
    """Land every object of ``source`` (folder path, ``s3://`` or ``s3://BUCKET``) into the
    raw layer of the DuckDB file ``warehouse`` and validate it against the dictionaries.

    Idempotent and incremental. Objects of one dataset are validated and loaded in
    batches (``MIGSTAT_GX_BATCH_ROWS`` rows), one transaction per batch, so each object
    lands whole or not at all; unreadable objects are quarantined, unmatched keys
    ignored, unsafe keys refused (never read). Workbooks of a large delivery are parsed
    in ``MIGSTAT_LANDING_WORKERS`` processes while the main process validates and loads.
    Raises a ``LandingError`` subclass when the store cannot be used or the warehouse is
    locked; those are raised before anything is written when they happen at the start.
    """
    started = time.perf_counter()
    warehouse = Path(warehouse).resolve()
    report = LandingReport(source=source, warehouse=warehouse)
    store = open_source(source, progress=progress)
    objects = store.list()  # store errors surface here, before the warehouse is touched
    progress(f"{store.description}: {len(objects)} object(s)")
    with warehouse_lock(warehouse):
        con = connect(warehouse)
        pool = None
        try:
            ensure_schema(con)
            lander = _Lander(con, warehouse, report, progress)
            lander.started = started
            lander.total = len(objects)
            pool = lander.pool = _pool_for(objects)
            # workbooks first: the pool parses them while the main process does the rest
            workbooks = deque(o for o in objects if o.key.endswith(".xlsx") and pool)
            others = [o for o in objects if not (o.key.endswith(".xlsx") and pool)]
            for obj in others:
                while workbooks and len(lander.inflight) < 2 * WORKERS:
                    lander.handle(store, workbooks.popleft())
                lander.handle(store, obj)
                lander.collect()
            while workbooks:
                while workbooks and len(lander.inflight) < 2 * WORKERS:
                    lander.handle(store, workbooks.popleft())
                if lander.inflight:
                    lander.inflight[0][-1].result()
                lander.collect()
            lander.collect(wait=True)
            for name in list(lander.pending):
                lander.flush(name)
            lander.record_fingerprints()
            progress("landing: writing the quality report and GX Data Docs")
            from migstat.validation import write_quality_report

            report.data_docs = lander.validator.build_docs()
            report.quality_report = write_quality_report(
                con, warehouse.parent / "quality" / "index.html"
            )
            con.execute("checkpoint")
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            con.close()
    report.seconds = time.perf_counter() - started
    if isinstance(store, S3Source):
        report.source = f"{store.description}"
    return report
