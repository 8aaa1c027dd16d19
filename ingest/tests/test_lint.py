"""The linters of the style guide pass on the whole tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env, check=False)


def test_ruff_check_passes():
    result = run([str(BIN / "ruff"), "check", "ingest", "scripts", "bench"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied():
    result = run([str(BIN / "ruff"), "format", "--check", "ingest", "scripts", "bench"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlfluff_passes_on_every_sql_file(tmp_path):
    env = {**os.environ, "MIGSTAT_WAREHOUSE": str(tmp_path / "lint.duckdb")}
    # macros are Jinja, not SQL: they are linted through the models that call them
    paths = [p for p in ("models", "tests", "analyses") if list((ROOT / p).rglob("*.sql"))]
    result = run([str(BIN / "sqlfluff"), "lint", *paths], env)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
