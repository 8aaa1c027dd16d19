"""``land()``: one delivery into the raw layer, one DuckDB transaction per object."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa

from migstat.dictionary import DATASETS, Dataset, match_key
from migstat.landing.errors import LandingError, Unreadable
from migstat.landing.readers import read_object
from migstat.landing.sources import ObjectInfo, S3Source, open_source, unsafe_key_reason
from migstat.landing.warehouse import connect, ensure_schema, warehouse_lock
from migstat.validation import BATCH_ROWS, RESULT_COLUMNS, CheckResult, Validator

STATUSES = ("loaded", "quarantined", "ignored", "superseded", "refused", "unchanged")


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
        lines += [f"  {m}" for m in self.messages]
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
        self.pending: dict[str, list[_Parsed]] = {}
        self.pending_rows: Counter = Counter()

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
        reason = unsafe_key_reason(obj.bucket, obj.key)
        if reason:
            self.record_unread(obj, "refused", reason)
            return
        try:
            matched = match_key(obj.bucket, obj.key)
        except ValueError as error:
            self.record_unread(obj, "ignored", f"key matches a pattern but {error}")
            return
        if matched is None:
            self.record_unread(obj, "ignored", "key matches no dataset pattern of extracts.md")
            return
        dataset, extract, fmt = matched
        if obj.etag and (obj.bucket, obj.key, obj.etag) in self.known_etags:
            self.report.counts["unchanged"] += 1
            return
        data = source.get(obj)
        sha = hashlib.sha256(data).hexdigest()
        etag = source.etag_of(obj, data)
        object_id = object_id_of(obj.bucket, obj.key, sha)
        if object_id in self.known_ids:
            self.report.counts["unchanged"] += 1
            return
        try:
            table = read_object(dataset, fmt, data)
        except Unreadable as error:
            self.quarantine(obj, dataset, extract, object_id, sha, etag, data, str(error))
            return
        n = table.num_rows
        table = table.append_column("_object_id", pa.array([object_id] * n, pa.string()))
        table = table.append_column("_row_number", pa.array(range(1, n + 1), pa.int64()))
        parsed = _Parsed(obj, dataset, extract, object_id, sha, etag, table)
        self.pending.setdefault(dataset.name, []).append(parsed)
        self.pending_rows[dataset.name] += n
        if self.pending_rows[dataset.name] >= BATCH_ROWS:
            self.flush(dataset.name)

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
        del combined
        checked = time.perf_counter() - started
        for item in items:
            self._load(item, results.get(item.object_id, []))
        self.progress(
            f"{name}: {len(items)} object(s), {sum(i.table.num_rows for i in items):,} rows "
            f"validated in {checked:.1f} s and loaded"
        )

    def _load(self, item: _Parsed, results: list[CheckResult]) -> None:
        con = self.con
        dataset = item.dataset
        rows = item.table.num_rows
        failed = [r for r in results if not r.success]
        con.execute("begin")
        try:
            con.register("_landing_batch", item.table)
            con.execute(f"insert into {dataset.table} select * from _landing_batch")
            con.unregister("_landing_batch")
            if results:
                columns = list(zip(*(r.row() for r in results), strict=True))
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
            superseded = con.execute(
                """update raw.objects set status = 'superseded', superseded_by = ?,
                          reason = 'a newer content was delivered under the same key'
                   where bucket = ? and object_key = ? and status = 'loaded'
                   returning object_id""",
                [item.object_id, item.obj.bucket, item.obj.key],
            ).fetchall()
            self._insert_manifest(
                self._manifest_row(
                    item.obj,
                    item.object_id,
                    dataset,
                    item.extract,
                    item.etag,
                    item.sha,
                    "loaded",
                    (f"{len(failed)} dictionary checks failed" if failed else None),
                    rows,
                )
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        self.report.counts["loaded"] += 1
        self.report.rows_loaded += rows
        self.report.checks_failed += len(failed)
        where = f"{item.obj.bucket}/{item.obj.key}"
        if superseded:
            self.report.counts["superseded"] += len(superseded)
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


def land(source: str, warehouse: Path, *, progress: Callable[[str], None] = print) -> LandingReport:
    """Land every object of ``source`` (folder path, ``s3://`` or ``s3://BUCKET``) into the
    raw layer of the DuckDB file ``warehouse`` and validate it against the dictionaries.

    Idempotent and incremental; each object in one transaction; unreadable objects are
    quarantined, unmatched keys ignored, unsafe keys refused (never read). Raises a
    ``LandingError`` subclass when the store cannot be used or the warehouse is locked;
    those are raised before anything is written when they happen at the start.
    """
    started = time.perf_counter()
    warehouse = Path(warehouse).resolve()
    report = LandingReport(source=source, warehouse=warehouse)
    store = open_source(source, progress=progress)
    objects = store.list()  # store errors surface here, before the warehouse is touched
    progress(f"{store.description}: {len(objects)} object(s)")
    with warehouse_lock(warehouse):
        con = connect(warehouse)
        try:
            ensure_schema(con)
            lander = _Lander(con, warehouse, report, progress)
            for obj in objects:
                lander.handle(store, obj)
            for name in list(lander.pending):
                lander.flush(name)
            from migstat.validation import write_quality_report

            report.data_docs = lander.validator.build_docs()
            report.quality_report = write_quality_report(
                con, warehouse.parent / "quality" / "index.html"
            )
            con.execute("checkpoint")
        finally:
            con.close()
    report.seconds = time.perf_counter() - started
    if isinstance(store, S3Source):
        report.source = f"{store.description}"
    return report
