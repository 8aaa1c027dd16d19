"""Run the dbt project programmatically against one warehouse file.

The project lives at the repository root; the committed profile in
``profiles/`` reads the warehouse path from ``MIGSTAT_WAREHOUSE``. Each
warehouse gets its own dbt target and log folders beside it, so that two
warehouses (a test's and the demo's) never share compiled state.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class DbtError(RuntimeError):
    """A dbt command failed; the message names the failing nodes."""


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


@dataclass
class DbtResult:
    command: str
    success: bool
    failures: list[str]


def run_dbt(
    args: Sequence[str],
    warehouse: Path,
    dbt_vars: dict[str, object] | None = None,
) -> DbtResult:
    """Invoke ``dbt <args>`` in-process and collect the failing nodes."""
    from dbt.cli.main import dbtRunner

    warehouse = warehouse.resolve()
    state = state_dir(warehouse)
    state.mkdir(parents=True, exist_ok=True)
    os.environ["MIGSTAT_WAREHOUSE"] = str(warehouse)
    project = project_dir()
    cli_args = [
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
    if dbt_vars:
        cli_args += ["--vars", json.dumps(dbt_vars)]
    result = dbtRunner().invoke(cli_args)
    failures: list[str] = []
    if result.exception is not None:
        failures.append(f"dbt {args[0]} raised: {result.exception}")
    results = getattr(result.result, "results", None) or []
    for node_result in results:
        status = str(getattr(node_result, "status", "")).lower()
        if status in {"error", "fail", "runtime error"}:
            node = getattr(node_result, "node", None)
            name = getattr(node, "unique_id", "?")
            message = getattr(node_result, "message", "") or ""
            failures.append(f"{name}: {status}: {message}".strip())
    return DbtResult(command=" ".join(args), success=bool(result.success), failures=failures)
