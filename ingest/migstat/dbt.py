"""Run the dbt project programmatically against one warehouse file.

The project lives at the repository root; the committed profile in
``profiles/`` reads the warehouse path from ``MIGSTAT_WAREHOUSE``. Each
warehouse gets its own dbt target and log folders beside it, so that two
warehouses (a test's and the demo's) never share compiled state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


class DbtError(RuntimeError):
    """A dbt command failed; the message names the failing nodes."""


# beside dbt's target: what the last finished `migstat run` build was made
# from (migstat.pipeline.plan_build); any other dbt command that writes
# models removes it, so the next run rebuilds everything
BUILD_STATE_FILE = "last_build.json"
WRITING_COMMANDS = {"build", "run", "seed", "snapshot", "clone", "retry"}


def project_dir() -> Path:
    """The dbt project folder: ``MIGSTAT_PROJECT_DIR`` or the repository root."""
    configured = os.environ.get("MIGSTAT_PROJECT_DIR")
    if configured:
        return Path(configured).resolve()
    root = Path(__file__).resolve().parents[2]
    if not (root / "dbt_project.yml").exists():
        raise DbtError(
            f"no dbt_project.yml at {root}; set MIGSTAT_PROJECT_DIR to the migstat checkout"
        )
    return root


def state_dir(warehouse: Path) -> Path:
    """Folder beside the warehouse for dbt's target and logs."""
    return warehouse.resolve().parent / f".{warehouse.stem}.dbt"


def dbt_command(args: Sequence[str], warehouse: Path) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``dbt <args>`` on ``warehouse``:
    the project's profile, target and logs beside the warehouse."""
    warehouse = warehouse.resolve()
    state = state_dir(warehouse)
    project = project_dir()
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project / "profiles"),
        "--target-path",
        str(state / "target"),
        "--log-path",
        str(state / "logs"),
    ]
    env = {**os.environ, "MIGSTAT_WAREHOUSE": str(warehouse), "DBT_USE_COLORS": "false"}
    return command, env


@dataclass
class DbtResult:
    command: str
    success: bool
    failures: list[str]


def run_dbt(
    args: Sequence[str],
    warehouse: Path,
    dbt_vars: dict[str, object] | None = None,
    progress: Callable[[str], None] | None = None,
) -> DbtResult:
    """Run ``dbt <args>`` in a child process and collect the failing nodes.

    A child process, not dbt's in-process runner: dbt-duckdb keeps its
    connection to the warehouse open for the life of the process, which would
    lock the exports out of the file afterwards.
    """
    warehouse = warehouse.resolve()
    state = state_dir(warehouse)
    state.mkdir(parents=True, exist_ok=True)
    project = project_dir()
    command, env = dbt_command(args, warehouse)
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    (state / "target").mkdir(exist_ok=True)
    if args and args[0] in WRITING_COMMANDS:
        (state / BUILD_STATE_FILE).unlink(missing_ok=True)
    results_file = state / "target" / "run_results.json"
    results_file.unlink(missing_ok=True)
    with subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as child:
        tail: list[str] = []
        for line in child.stdout:
            line = line.rstrip()
            tail = [*tail[-40:], line]
            if progress and _is_progress_line(line):
                progress("  " + line)
    failures = _failures(results_file)
    if child.returncode != 0 and not failures:
        failures = ["dbt exited with code " + str(child.returncode) + ":", *tail[-15:]]
    return DbtResult(command=" ".join(args), success=child.returncode == 0, failures=failures)


def _is_progress_line(line: str) -> bool:
    """dbt's own "N of M" lines, minus the START lines, plus its summary."""
    return (" of " in line and " START " not in line) or "Done. PASS=" in line


def _failures(results_file: Path) -> list[str]:
    if not results_file.exists():
        return []
    failures = []
    for node in json.loads(results_file.read_text()).get("results", []):
        status = str(node.get("status", "")).lower()
        if status in {"error", "fail", "runtime error"}:
            message = (node.get("message") or "").strip()
            failures.append(f"{node.get('unique_id', '?')}: {status}: {message}")
    return failures
