"""Benchmark of the whole pipeline at national scale (issue 8). Not a test.

Generates a delivery once (default scale 1.0: the Maldives, about 25 million
crossings over 6.5 years; cached under ``data/bench/``), then measures with
public tools:

1. the full ``migstat run`` on a fresh warehouse, with GNU ``/usr/bin/time -v``
   (wall time, peak resident memory) and the stage timings the run prints;
2. one daily delivery added to that warehouse (the last day's crossing file is
   held back from the full run and delivered afterwards): ``migstat run``
   then rebuilds only what the crossings feed, the crossings' staging
   incrementally;
3. the record linkage alone (issue 5): ``dbt run --select tag:linkage`` on
   that warehouse, again under ``/usr/bin/time -v``, with each model's time;
4. the floor: one DuckDB scan and sort of all landed crossings, in the same run.

Usage::

    python bench/bench_full.py [--scale 1.0] [--seed 1] [--workdir data/bench]
    python bench/bench_full.py --linkage-only WAREHOUSE   # step 3 alone, on a built warehouse

Results are printed and written to ``<workdir>/results-<scale>.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from migstat.dbt import dbt_command, state_dir

BIN = Path(sys.executable).parent


def timed(command: list[str], log: Path, env: dict[str, str] | None = None) -> dict:
    """Run a command under GNU time; return wall seconds, peak MB and its output."""
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(
            ["/usr/bin/time", "-v", *command],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
            env=env,
        )
    wall = time.perf_counter() - started
    text = log.read_text()
    peak_kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    stages = dict(re.findall(r"^\s+(\w[\w ]*): ([\d.]+) s$", text, flags=re.M))
    # what `migstat run` chose to rebuild (pipeline.plan_build): everything,
    # or only what the newly landed objects feed
    plan = re.search(r"^dbt build: (?!seeds)(.*)$", text, flags=re.M)
    return {
        "command": " ".join(command),
        "exit_code": result.returncode,
        "wall_seconds": round(wall, 1),
        "peak_rss_mb": round(int(peak_kb.group(1)) / 1024) if peak_kb else None,
        "stages_seconds": {name: float(value) for name, value in stages.items()},
        "build_plan": plan.group(1) if plan else None,
        "log": str(log),
    }


def prepare_delivery(work: Path, scale: float, seed: int, results: dict) -> tuple[Path, Path]:
    """The generated delivery of ``scale`` and ``seed`` (cached under ``work``)
    without its last daily crossing file, and the folder that file is held in."""
    delivery = work / f"delivery-{scale}"
    held_back = work / f"held-back-{scale}"
    if not (delivery / ".complete").exists():
        shutil.rmtree(delivery, ignore_errors=True)
        shutil.rmtree(held_back, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        results["generate"] = timed(
            [
                str(BIN / "migstat"),
                "generate",
                "--out",
                str(delivery),
                "--scale",
                str(scale),
                "--seed",
                str(seed),
            ],
            work / "generate.log",
        )
        # hold back the last daily crossing file: it is the daily increment
        last = sorted((delivery / "immigration" / "border_crossings").rglob("border_crossings_*"))[
            -1
        ]
        target = held_back / last.relative_to(delivery)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(last, target)
        (delivery / ".complete").write_text("ok\n")
    return delivery, held_back


@contextmanager
def held_back_day_delivered(delivery: Path, held_back: Path) -> Iterator[None]:
    """The delivery with the held-back day in place; as generated minus that
    day again afterwards, so that the cache serves the next run."""
    files = [path for path in held_back.rglob("*") if path.is_file()]
    for path in files:
        target = delivery / path.relative_to(held_back)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    try:
        yield
    finally:
        for path in files:
            (delivery / path.relative_to(held_back)).unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("data/bench"))
    parser.add_argument(
        "--linkage-only",
        type=Path,
        metavar="WAREHOUSE",
        help="measure only the record linkage, on this already built warehouse",
    )
    args = parser.parse_args()

    if args.linkage_only:
        warehouse = args.linkage_only.resolve()
        result = linkage_alone(warehouse, warehouse.parent / "linkage.log")
        print(json.dumps(result, indent=2))
        return result["exit_code"]

    work = args.workdir.resolve()
    warehouse = work / f"warehouse-{args.scale}" / "warehouse.duckdb"
    results: dict = {"scale": args.scale, "seed": args.seed}
    delivery, held_back = prepare_delivery(work, args.scale, args.seed, results)

    shutil.rmtree(warehouse.parent, ignore_errors=True)
    warehouse.parent.mkdir(parents=True)
    run = [str(BIN / "migstat"), "run", "--warehouse", str(warehouse), "--no-docs"]
    results["full_run"] = timed([*run, "--source", str(delivery)], work / "full_run.log")

    # the daily increment: the same delivery plus the held-back day
    with held_back_day_delivered(delivery, held_back):
        results["daily_increment"] = timed([*run, "--source", str(delivery)], work / "daily.log")

    results["linkage_alone"] = linkage_alone(warehouse, work / "linkage.log")

    with duckdb.connect(str(warehouse), read_only=True) as con:
        (crossings,) = con.sql("select count(*) from raw.border_crossings").fetchone()
        # the sort must be materialised: an ORDER BY under a count is optimised away
        sorted_copy = (work / "floor_sorted.parquet").as_posix()
        started = time.perf_counter()
        con.execute(
            "copy (select * from raw.border_crossings "
            "order by nationality, travel_doc_number, crossing_time) "
            f"to '{sorted_copy}' (format parquet)"
        )
        floor = time.perf_counter() - started
        Path(sorted_copy).unlink()
    results["crossings_landed"] = crossings
    results["floor_scan_sort_seconds"] = round(floor, 1)

    out = work / f"results-{args.scale}.json"
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0 if results["full_run"]["exit_code"] == 0 else 1


def linkage_alone(warehouse: Path, log: Path) -> dict:
    """The record linkage models (tag ``linkage``) rebuilt on a built
    warehouse, as ``migstat run`` calls dbt, with each model's time."""
    command, env = dbt_command(["run", "--select", "tag:linkage"], warehouse)
    result = timed(command, log, env=env)
    run_results = json.loads((state_dir(warehouse) / "target" / "run_results.json").read_text())[
        "results"
    ]
    result["models_seconds"] = {
        item["unique_id"].split(".")[-1]: round(float(item["execution_time"]), 1)
        for item in run_results
    }
    return result


if __name__ == "__main__":
    sys.exit(main())
