"""``python -m migstat.linkage``: retrain the linkage model, or score a
warehouse against a generator's truth.

    python -m migstat.linkage train --warehouse PATH [--out FILE]
    python -m migstat.linkage evaluate --warehouse PATH --truth DIR_OR_FILE

``train`` reads ``linked.int_deterministic_cluster_profiles`` (build the
dbt models up to it first), estimates the Splink model and writes it to
``linkage_model/`` (review the diff, then commit it). The dbt build never
trains: it loads the committed model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb


def _profiles(warehouse: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        table = con.sql(
            """
            select cluster_id, surname_std, given_names_std, full_name_std, birth_date,
                birth_date_precision, sex, citizenship_iso3, first_crossing_date,
                last_crossing_date, first_crossing_direction, last_crossing_direction,
                visa_type, national_id_node
            from linked.int_deterministic_cluster_profiles
            where full_name_std is not null and birth_date is not null
            """
        ).arrow()
        return table if hasattr(table, "num_rows") else table.read_all()
    finally:
        con.close()


DOCUMENTS_SQL = """
with nodes as (
    select
        clusters.cluster_id,
        records.primary_node,
        mode(records.surname_std) as surname_std,
        mode(records.given_names_std) as given_names_std,
        mode(nullif(concat_ws(' ', records.given_names_std, records.surname_std), ''))
            as full_name_std,
        arg_min(
            records.birth_date,
            case records.birth_date_precision when 'D' then 1 when 'M' then 2 else 3 end
        ) as birth_date,
        min(records.birth_date_precision) as birth_date_precision,
        coalesce(mode(records.sex) filter (where records.sex <> '_U'), '_U') as sex,
        coalesce(
            mode(records.citizenship_iso3) filter (where records.citizenship_iso3 <> '_U'), '_U'
        ) as citizenship_iso3,
        cast(min(records.record_time) as date) as first_crossing_date,
        cast(max(records.record_time) as date) as last_crossing_date,
        arg_min(records.record_direction, (records.record_time, records.record_id))
            filter (where records.record_time is not null) as first_crossing_direction,
        arg_max(records.record_direction, (records.record_time, records.record_id))
            filter (where records.record_time is not null) as last_crossing_direction,
        arg_max(records.record_visa_type, records.record_time) as visa_type,
        min(records.national_id_node) as national_id_node
    from linked.int_linkage_records as records
    inner join linked.int_deterministic_clusters as clusters
        on records.primary_node = clusters.node
    where records.source_system <> 'passports'
    group by all
)
select * exclude (primary_node) from nodes
where full_name_std is not null and birth_date is not null
"""


def _documents(warehouse: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        table = con.sql(DOCUMENTS_SQL).arrow()
        return table if hasattr(table, "num_rows") else table.read_all()
    finally:
        con.close()


def _truth_relation(truth: Path) -> str:
    if truth.is_dir():
        for name in ("record_person.parquet", "record_person.csv", "record_person.csv.gz"):
            if (truth / name).exists():
                truth = truth / name
                break
        else:
            raise FileNotFoundError(f"no record_person file in {truth}")
    reader = "read_parquet" if truth.suffix == ".parquet" else "read_csv_auto"
    return f"{reader}('{truth.as_posix()}')"


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="python -m migstat.linkage")
    commands = top.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="estimate the Splink model and save it")
    train.add_argument("--warehouse", type=Path, required=True)
    train.add_argument("--out", type=Path, default=None)
    evaluate = commands.add_parser("evaluate", help="pairwise precision/recall against truth")
    evaluate.add_argument("--warehouse", type=Path, required=True)
    evaluate.add_argument("--truth", type=Path, required=True)
    args = top.parse_args(argv)

    if args.command == "train":
        from migstat.linkage import model

        report = model.train(_profiles(args.warehouse), _documents(args.warehouse), args.out)
        print(f"trained on {report.rows} cluster profiles; model written to {report.path}")
        print(f"comparisons per prediction blocking rule: {report.comparisons_to_score}")
    else:
        from migstat.linkage.evaluate import pairwise_score

        con = duckdb.connect(str(args.warehouse), read_only=True)
        for systems in (("border_crossings",), ("border_crossings", "work_permits", "citizens")):
            score = pairwise_score(
                con, "linked.int_record_person_keys", _truth_relation(args.truth), systems
            )
            print(
                f"{'+'.join(systems)}: records {score.records}, precision {score.precision:.5f}, "
                f"recall {score.recall:.5f} (pairs: predicted {score.predicted_pairs}, "
                f"true {score.true_pairs}, both {score.true_positive_pairs})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
