"""What one daily delivery changes in the warehouse, table by table (issue 8).
Not a test, and not a timing: the measure behind "What a day changes" in
docs/choices.md, to plan incremental linkage and residence.

Builds the generated delivery (default scale 0.2, cached under the work
folder as ``bench_full.py`` caches it) without its last day's crossings,
keeps a copy of that warehouse, adds the day with a daily ``migstat run``,
and compares every table of the dbt layers before and after:

- rows only before and only after (EXCEPT ALL on every column but the
  run's own timestamps);
- the same leaving aside the columns that are renumbered or stamped with
  the cut-off (``RENUMBERED_OR_CUT_OFF``), i.e. what really changed;
- for a table with a ``person_key``: the persons new, gone, and with any
  row changed.

Usage::

    python bench/bench_daily_changes.py [--scale 0.2] [--seed 1] [--workdir data/bench]

The report is printed and written to ``<workdir>/daily-changes-<scale>.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import duckdb
from bench_full import BIN, held_back_day_delivered, prepare_delivery, timed

# written by the run itself, so never equal between two runs
RUN_TIMESTAMPS = {"loaded_at", "computed_at", "run_at", "validated_at"}
# dense ids, renumbered when a record is added; columns that follow the cut-off
RENUMBERED_OR_CUT_OFF = {
    "cluster_id",
    "cluster_id_l",
    "cluster_id_r",
    "person_id",
    "vintage",
    "is_final",
    "days_on_migration_side_to_vintage",
}


def rows_differing(con: duckdb.DuckDBPyConnection, table: str, kept: list[str]) -> dict:
    """Rows of ``table`` only before and only after, on the ``kept`` columns."""
    listed = ", ".join(f'"{name}"' for name in kept)
    before, after = (f"select {listed} from {side}.{table}" for side in ("before", "after"))
    only_before, only_after = con.sql(
        f"select (select count(*) from ({before} except all {after})), "
        f"(select count(*) from ({after} except all {before}))"
    ).fetchone()
    return {"rows_only_before": only_before, "rows_only_after": only_after}


def persons_differing(con: duckdb.DuckDBPyConnection, table: str, kept: list[str]) -> dict:
    """Persons of ``table`` new, gone, and with a row changed on the ``kept`` columns."""
    listed = ", ".join(f'"{name}"' for name in kept)
    per_person = (
        f"select person_key, count(*) as row_count, sum(hash(({listed}))) as content "
        f"from {{side}}.{table} group by person_key"
    )
    new, gone, changed, in_both = con.sql(
        "select count(*) filter (where b.person_key is null), "
        "count(*) filter (where a.person_key is null), "
        "count(*) filter (where a.person_key is not null and b.person_key is not null "
        "and (a.row_count <> b.row_count or a.content <> b.content)), "
        "count(*) filter (where a.person_key is not null and b.person_key is not null) "
        f"from ({per_person.format(side='before')}) as b "
        f"full join ({per_person.format(side='after')}) as a on a.person_key = b.person_key"
    ).fetchone()
    return {"new": new, "gone": gone, "changed": changed, "in_both": in_both}


def compare(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict:
    """Rows (and persons) of one table that differ between ``before`` and ``after``."""
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() "
            "where database_name = 'before' and schema_name = ? and table_name = ? "
            "order by column_index",
            [schema, table],
        ).fetchall()
        if name not in RUN_TIMESTAMPS
    ]
    lasting = [name for name in columns if name not in RENUMBERED_OR_CUT_OFF]
    qualified = f'"{schema}"."{table}"'
    (rows_after,) = con.sql(f"select count(*) from after.{qualified}").fetchone()
    report = {"rows_after": rows_after, **rows_differing(con, qualified, columns)}
    if lasting != columns:
        report["without_renumbered_or_cut_off"] = rows_differing(con, qualified, lasting)
    if "person_key" in columns:
        report["persons"] = persons_differing(con, qualified, columns)
        if lasting != columns:
            report["persons"]["changed_without_renumbered_or_cut_off"] = persons_differing(
                con, qualified, lasting
            )["changed"]
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("data/bench"))
    args = parser.parse_args()

    work = args.workdir.resolve()
    results: dict = {"scale": args.scale, "seed": args.seed}
    delivery, held_back = prepare_delivery(work, args.scale, args.seed, results)
    before = work / f"daily-changes-{args.scale}" / "before"
    after = before.parent / "after"
    shutil.rmtree(before.parent, ignore_errors=True)
    before.mkdir(parents=True)
    run = [str(BIN / "migstat"), "run", "--no-docs", "--source", str(delivery), "--warehouse"]
    results["full_run"] = timed([*run, str(before / "warehouse.duckdb")], work / "changes_full.log")
    # the copy keeps the record of the last build beside the warehouse, so
    # the run after the day is a daily one; the exports' `current` stays a
    # link, which the run replaces
    shutil.copytree(before, after, symlinks=True)
    with held_back_day_delivered(delivery, held_back):
        results["daily_run"] = timed(
            [*run, str(after / "warehouse.duckdb")], work / "changes_daily.log"
        )

    with duckdb.connect() as con:
        con.execute(f"attach '{before / 'warehouse.duckdb'}' as before (read_only)")
        con.execute(f"attach '{after / 'warehouse.duckdb'}' as after (read_only)")
        tables = con.sql(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'before' and schema_name not in ('raw', 'main') "
            "order by all"
        ).fetchall()
        results["tables"] = {
            f"{schema}.{table}": compare(con, schema, table) for schema, table in tables
        }

    out = work / f"daily-changes-{args.scale}.json"
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0 if results["daily_run"]["exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
