"""`migstat run`: land a delivery, build and test every dbt model, write the outputs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from migstat.dbt import BUILD_STATE_FILE, DbtError, project_dir, run_dbt, state_dir
from migstat.dictionary import DATASETS

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
    *,
    full: bool = False,
) -> dict[str, float]:
    """`dbt build` (seeds, models, tests) against a landed warehouse.

    Only what the newly landed objects feed is rebuilt, when the last build
    on this warehouse was made by this code at the same vintage
    (``plan_build``); ``full`` rebuilds everything regardless. Returns the
    seconds spent per layer (from dbt's run_results.json).
    """
    plan = plan_build(warehouse, vintage, full=full)
    progress(f"dbt build: {plan.reason}")
    if plan.selectors == []:
        return {}
    threads = dbt_threads(warehouse)
    progress(
        "dbt build: seeds, models and their tests, layer by layer"
        + (f" ({threads} model at a time: a national-scale delivery)" if threads else "")
    )
    command = ["build", "--threads", str(threads)] if threads else ["build"]
    if plan.selectors:
        command += ["--select", *plan.selectors]
    else:
        # the incremental models start again from every row (the history of
        # vintages refuses a full refresh and keeps its past vintages)
        command.append("--full-refresh")
    result = run_dbt(command, warehouse, dbt_vars(vintage), progress)
    if not result.success:
        detail = "\n  ".join(result.failures) or "see the dbt log"
        raise RunError(f"dbt build failed on {warehouse}:\n  {detail}")
    _write_build_state(warehouse, plan.state)
    return layer_timings(warehouse)


# A build after a delivery that changed only some datasets rebuilds and
# tests only the models downstream of their dbt sources (each dataset is the
# source table <bucket>.<name>, written from the data dictionary) and the
# landing's own view; everything else was built from exactly the same rows.
LANDING_SELECTORS = ["source:landing", "stg_landing__objects+"]


@dataclass
class BuildPlan:
    """``selectors``: None to build everything, [] for nothing, else dbt's
    ``--select`` arguments; ``state``: what the build is made from."""

    selectors: list[str] | None
    reason: str
    state: dict[str, object]


def plan_build(warehouse: Path, vintage: date | None = None, *, full: bool = False) -> BuildPlan:
    """What the next build must rebuild, from the record of the last one.

    The record (``last_build.json`` beside dbt's target) holds the digest
    of the project's code, the dbt variables and, per dataset, the digest
    of the object versions that count. It is written only after a build
    passed, and removed by any other dbt command that writes models, so a
    missing record means: rebuild everything.
    """
    state = {
        "code": code_digest(),
        "vars": dbt_vars(vintage),
        "objects": landed_object_digests(warehouse),
    }
    if full:
        return BuildPlan(None, "everything (asked for)", state)
    try:
        previous = json.loads((state_dir(warehouse) / BUILD_STATE_FILE).read_text())
    except (OSError, ValueError):
        return BuildPlan(None, "everything (no record of a finished build)", state)
    if previous.get("code") != state["code"]:
        return BuildPlan(None, "everything (the code changed since the last build)", state)
    if previous.get("vars") != state["vars"]:
        return BuildPlan(None, "everything (another vintage than the last build)", state)
    before, now = previous.get("objects", {}), state["objects"]
    changed = sorted(name for name in set(before) | set(now) if before.get(name) != now.get(name))
    if not changed:
        return BuildPlan(
            [],
            "nothing to rebuild: no object landed since the build of "
            + str(previous.get("built_at", "?")),
            state,
        )
    if any(name not in DATASETS for name in changed):
        return BuildPlan(None, "everything (a dataset without a known source changed)", state)
    selectors = [f"source:{DATASETS[name].bucket}.{name}+" for name in changed]
    selectors += LANDING_SELECTORS
    return BuildPlan(
        selectors, "what the new objects feed: " + ", ".join(changed) + " and downstream", state
    )


def code_digest() -> str:
    """Digest of everything a build's result depends on besides the data:
    the dbt project, the migstat package (the Python models import it) and
    the versions of the libraries that compute."""
    from importlib.metadata import PackageNotFoundError, version

    root, package = project_dir(), Path(__file__).parent
    files = [
        (root, root / name) for name in ("dbt_project.yml", "packages.yml", "package-lock.yml")
    ]
    files.append((root, root / "profiles" / "profiles.yml"))
    for folder in ("models", "macros", "seeds", "tests", "snapshots", "linkage_model"):
        files += [(root, path) for path in sorted((root / folder).rglob("*"))]
    files += [(package, path) for path in sorted(package.rglob("*.py"))]
    digest = hashlib.sha256()
    for base, path in files:
        name = path.relative_to(base).as_posix()
        # what a run or an editor leaves beside the code is not code
        if path.is_file() and not any(
            part.startswith((".", "__pycache__")) for part in path.parts[len(base.parts) :]
        ):
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("dbt-core", "dbt-duckdb", "duckdb", "splink"):
        try:
            digest.update(f"{package}=={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()


def landed_object_digests(warehouse: Path) -> dict[str, str]:
    """Per dataset, a digest of the ids of its object versions that count."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select dataset, md5(string_agg(object_id, ',' order by object_id)) "
            "from raw.objects where status = 'loaded' and dataset is not null group by dataset"
        ).fetchall()
    return dict(rows)


def _write_build_state(warehouse: Path, state: dict[str, object]) -> None:
    record = {**state, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    target = state_dir(warehouse)
    target.mkdir(parents=True, exist_ok=True)
    (target / BUILD_STATE_FILE).write_text(json.dumps(record, indent=2))


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
        manifest = json.loads((target / "manifest.json").read_text())
        # dbt keeps the unit tests apart from the other nodes
        nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    except (OSError, KeyError, ValueError):
        return {}
    timings: dict[str, float] = {}
    for result in results:
        if str(result.get("unique_id", "")).startswith("exposure."):
            continue  # a declaration: dbt reports it, nothing runs
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
    full: bool = False,
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
    report.timings.update(build(warehouse, vintage, progress, full=full))
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
