"""`migstat run`: land a delivery, build and test every dbt model, write the outputs."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from migstat.dbt import DbtError, run_dbt, state_dir

# From this many landed crossing rows (a national delivery: scale 1.0 has 25
# million), dbt builds one model at a time: each DuckDB query already uses
# every core, and two big models side by side share one memory cap and
# spill (docs/choices.md, "dbt threads").
NATIONAL_SCALE_CROSSINGS = 10_000_000


class RunError(RuntimeError):
    """The run could not produce a usable, tested warehouse."""


@dataclass
class RunReport:
    warehouse: Path
    docs_site: Path | None = None
    exports: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def dbt_vars(vintage: date | None) -> dict[str, object]:
    return {"vintage": vintage.isoformat()} if vintage else {}


def build(
    warehouse: Path,
    vintage: date | None = None,
    progress: Callable[[str], None] = print,
) -> dict[str, float]:
    """`dbt build` (seeds, models, tests) against a landed warehouse.

    Returns the seconds spent per layer (from dbt's run_results.json).
    """
    threads = dbt_threads(warehouse)
    progress(
        "dbt build: seeds, models and their tests, layer by layer"
        + (f" ({threads} model at a time: a national-scale delivery)" if threads else "")
    )
    command = ["build", "--threads", str(threads)] if threads else ["build"]
    result = run_dbt(command, warehouse, dbt_vars(vintage), progress)
    if not result.success:
        detail = "\n  ".join(result.failures) or "see the dbt log"
        raise RunError(f"dbt build failed on {warehouse}:\n  {detail}")
    return layer_timings(warehouse)


def dbt_threads(warehouse: Path, national_scale: int = NATIONAL_SCALE_CROSSINGS) -> int | None:
    """1 for a delivery of national scale, else None (the profile's threads).

    ``MIGSTAT_DBT_THREADS``, when set, always wins.
    """
    if os.environ.get("MIGSTAT_DBT_THREADS"):
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            (crossings,) = con.execute("select count(*) from raw.border_crossings").fetchone()
    except duckdb.Error:
        return None
    return 1 if crossings >= national_scale else None


def layer_timings(warehouse: Path) -> dict[str, float]:
    """Seconds of node execution per layer in the last dbt run on ``warehouse``.

    The layer of a model is its folder under ``models/`` (from the manifest),
    with the linked folder split into the record linkage (models tagged
    ``linkage``) and the residence rule; seeds and data tests are counted
    apart.
    """
    target = state_dir(warehouse) / "target"
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
        nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    except (OSError, KeyError, ValueError):
        return {}
    timings: dict[str, float] = {}
    for result in results:
        node = nodes.get(result.get("unique_id"), {})
        kind = node.get("resource_type", "other")
        if kind == "model":
            fqn = node.get("fqn", [])
            layer = LAYER_OF_FOLDER.get(fqn[1] if len(fqn) > 2 else "", "other")
            if layer == "linked":
                # the linked folder holds the record linkage and the residence rule
                layer = "linkage" if "linkage" in node.get("tags", []) else "residence"
        else:
            layer = {"seed": "seeds", "test": "tests", "unit_test": "tests"}.get(kind, kind)
        name = f"dbt_{layer}"
        timings[name] = timings.get(name, 0.0) + float(result.get("execution_time") or 0)
    return {name: round(seconds, 1) for name, seconds in sorted(timings.items())}


LAYER_OF_FOLDER = {
    "staging": "staging",
    "harmonized": "harmonized",
    "linked": "linked",
    "marts": "statistics",
}


def build_docs(
    warehouse: Path, vintage: date | None = None, progress: Callable[[str], None] = print
) -> Path:
    """Generate the dbt docs site and copy its single-file version beside the warehouse."""
    progress("dbt docs generate: the living data dictionary")
    result = run_dbt(["docs", "generate", "--static"], warehouse, dbt_vars(vintage))
    if not result.success:
        raise DbtError("dbt docs generate failed: " + "; ".join(result.failures))
    site_dir = warehouse.resolve().parent / "docs"
    site_dir.mkdir(parents=True, exist_ok=True)
    target = state_dir(warehouse) / "target"
    shutil.copyfile(target / "static_index.html", site_dir / "index.html")
    return site_dir / "index.html"


def run(
    source: str,
    warehouse: Path,
    vintage: date | None = None,
    *,
    docs: bool = True,
    progress: Callable[[str], None] = print,
) -> RunReport:
    """Land ``source`` into ``warehouse``, build and test the models, write the outputs."""
    from migstat.landing import land

    warehouse = warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    report = RunReport(warehouse=warehouse)

    stages = 4 if docs else 3

    def stage(number: int, what: str) -> float:
        progress(f"stage {number}/{stages}: {what}")
        return time.perf_counter()

    def done(number: int, name: str, started: float) -> None:
        report.timings[name] = time.perf_counter() - started
        progress(f"stage {number}/{stages} done in {report.timings[name]:.1f} s")

    started = stage(1, f"landing {source}")
    landing = land(source, warehouse, progress=progress)
    done(1, "landing", started)
    report.messages.extend(getattr(landing, "messages", []))

    started = stage(2, "dbt build")
    report.timings.update(build(warehouse, vintage, progress))
    done(2, "dbt_build_total", started)

    # write-audit-publish: reaching this point means every test guarding
    # publication passed (a failing one raised above, leaving the previous
    # release as it was)
    from migstat.publication.exports import publish

    started = stage(3, "exports: SDMX-CSV, Excel workbook, statistical report")
    published = publish(
        warehouse, warehouse.parent / "exports", audit_passed=True, progress=progress
    )
    report.exports = warehouse.parent / "exports"
    report.messages.append(published.message)
    done(3, "exports", started)

    if docs:
        started = stage(4, "docs site")
        report.docs_site = build_docs(warehouse, vintage, progress)
        done(4, "docs", started)
    return report
