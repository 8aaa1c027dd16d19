"""Benchmark: land + validate a year of daily crossing files and monthly permit workbooks.

    python bench/bench_landing.py [--out data/bench] [--rows-per-day 12330] [--permits 12]
                                  [--permit-rows 400000] [--skip-permits]

Writes (once, reused on later runs) a synthetic delivery: 365 daily crossing
files (~4.5 M rows, realistic columns, every 4th file gzipped) and monthly
permit workbooks (xlsxwriter, constant memory), then lands it into a fresh
warehouse and prints rows/s per dataset and the peak memory
(``resource.getrusage``). Not a test.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import resource
import shutil
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))

from migstat.dictionary import DATASETS  # noqa: E402
from migstat.landing import land  # noqa: E402

NATIONALITIES = ["MDV", "IND", "CHN", "RUS", "GBR", "DEU", "ITA", "BGD", "LKA", "USA", "D"]


def write_crossings(root: Path, year: int, rows_per_day: int, seed: int = 1) -> int:
    rng = np.random.default_rng(seed)
    total = 0
    header = DATASETS["border_crossings"].headers
    start = date(year, 1, 1)
    for offset in range(365):
        day = start + timedelta(days=offset)
        gz = offset % 4 == 3
        key = f"border_crossings/{day:%Y}/border_crossings_{day:%Y%m%d}.csv" + (".gz" if gz else "")
        path = root / "immigration" / key
        if path.exists():
            total += rows_per_day
            continue
        n = rows_per_day
        nat = rng.choice(NATIONALITIES, n)
        arr = rng.random(n) < 0.5
        secs = rng.integers(0, 86400, n)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        for i in range(n):
            citizen = nat[i] == "MDV"
            s = int(secs[i])
            w.writerow(
                [
                    f"BC{day:%Y%m%d}{i:06d}",
                    "NEW" if i % 50 else "CORRECTED",
                    f"{day:%Y-%m-%d}T23:10:05+05:00",
                    f"{day:%Y-%m-%d} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}",
                    "ARR" if arr[i] else "DEP",
                    "MLE",
                    "P",
                    f"N{1000000 + (i * 7919) % 9000000}",
                    nat[i],
                    nat[i],
                    "HASSAN",
                    "ALI MOHAMED",
                    f"19{50 + i % 50}-0{1 + i % 9}-1{i % 9}",
                    "MF"[i % 2],
                    f"A{100000 + i % 900000}" if citizen else "",
                    "CITIZEN" if citizen else "TOURIST",
                    "",
                    f"EK{600 + i % 99}",
                    ("RETURNING_RESIDENT" if citizen else "HOLIDAY") if arr[i] else "",
                    "" if citizen or not arr[i] else str(3 + i % 20),
                    ("MDV" if citizen else nat[i]) if arr[i] else "",
                ]
            )
        data = buf.getvalue().encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(data, 6, mtime=0) if gz else data)
        total += n
    return total


def write_permits(root: Path, year: int, count: int, rows: int) -> int:
    import xlsxwriter

    header = DATASETS["work_permits"].headers
    total = 0
    for month in range(1, count + 1):
        day = (date(year, month % 12 + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(1)
        path = root / "labour" / f"work_permits/work_permits_{day:%Y%m%d}.xlsx"
        total += rows
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet("Permits")
        fmt = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_string(0, 0, f"Work Permit Report as at {day:%d/%m/%Y}")
        for c, h in enumerate(header):
            sheet.write_string(2, c, h)
        base = datetime(2015, 1, 1)
        for i in range(rows):
            r = 3 + i
            issue = base + timedelta(days=i % 3000)
            sheet.write_string(r, 0, f"WP{issue.year}-{i:06d}")
            sheet.write_string(r, 1, f"EB{1000000 + i}")
            sheet.write_string(r, 2, f"Mohammed Rahman {i % 1000}")
            sheet.write_string(r, 3, ("Bangladesh", "India", "Sri Lanka", "Nepal")[i % 4])
            sheet.write_string(r, 4, ("Male", "Female")[i % 7 == 0])
            sheet.write_datetime(r, 5, datetime(1980 + i % 20, 1 + i % 12, 1 + i % 28), fmt)
            sheet.write_string(r, 6, "Construction Worker")
            sheet.write_string(r, 7, "7112")
            sheet.write_string(r, 8, f"Employer {i % 5000}")
            sheet.write_string(r, 9, "Construction")
            sheet.write_string(r, 10, "K. Male")
            sheet.write_datetime(r, 11, issue, fmt)
            sheet.write_string(r, 12, f"{(issue + timedelta(days=730)):%d/%m/%Y}")
            sheet.write_string(r, 13, "Active")
            sheet.write_string(r, 14, "")
        book.close()
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("data/bench"))
    parser.add_argument("--rows-per-day", type=int, default=12_330)  # ~4.5 M a year
    parser.add_argument("--permits", type=int, default=12)
    parser.add_argument("--permit-rows", type=int, default=400_000)
    parser.add_argument("--skip-permits", action="store_true")
    parser.add_argument("--skip-crossings", action="store_true")
    args = parser.parse_args()

    delivery = args.out / "delivery"
    started = time.perf_counter()
    crossings = 0
    if not args.skip_crossings:
        crossings = write_crossings(delivery, 2023, args.rows_per_day)
    permits = 0
    if not args.skip_permits:
        permits = write_permits(delivery, 2023, args.permits, args.permit_rows)
    print(f"delivery ready in {time.perf_counter() - started:.0f} s: {delivery}")

    results = {}
    for name, bucket in (("crossings", "immigration"), ("permits", "labour")):
        if (name == "permits" and args.skip_permits) or (
            name == "crossings" and args.skip_crossings
        ):
            continue
        warehouse = args.out / f"wh_{name}" / "warehouse.duckdb"
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        only = args.out / f"only_{name}"
        shutil.rmtree(only, ignore_errors=True)
        only.mkdir(parents=True)
        (only / bucket).symlink_to((delivery / bucket).resolve())
        started = time.perf_counter()
        report = land(str(only), warehouse, progress=lambda _: None)
        seconds = time.perf_counter() - started
        rows = crossings if name == "crossings" else permits
        results[name] = (report, seconds, rows)
        print(
            f"{name}: {report.counts['loaded']} objects, {report.rows_loaded:,} rows in "
            f"{seconds:.1f} s = {report.rows_loaded / seconds:,.0f} rows/s "
            f"(quarantined {report.counts['quarantined']}, checks failed {report.checks_failed})"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory so far (ru_maxrss): {peak:,.0f} MB")
        # re-run: a no-op
        started = time.perf_counter()
        again = land(str(only), warehouse, progress=lambda _: None)
        print(
            f"  re-run (no-op): {again.counts['unchanged']} unchanged in "
            f"{time.perf_counter() - started:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
