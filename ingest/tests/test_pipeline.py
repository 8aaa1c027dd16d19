"""End to end: a generated delivery through `migstat run` into a real DuckDB file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from migstat.generate import generate
from migstat.pipeline import run

SCALE = 0.005
# the accuracy of the figures (issue 6) is asserted at scale 0.02 (about
# 500,000 crossings) on a delivery of its own; seed 7 is not the sample the
# linkage model was trained on (seed 1)
ACCURACY_SCALE = 0.02
ACCURACY_SEED = 7
HISTORY = "marts.migration_statistics_history"
RAW_TABLES = ["border_crossings", "work_permits", "citizens", "passports", "census_persons"]
PUBLISHED = [
    "marts.migration_statistics",
    "marts.migration_statistics_public",
    "marts.census_coverage",
]


@pytest.fixture(scope="session")
def sample_delivery(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("delivery") / "sample"
    generate(out, SCALE, 7)
    return out


@pytest.fixture(scope="session")
def built_warehouse(sample_delivery, tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    run(str(sample_delivery), warehouse, docs=True, progress=lambda _: None)
    return warehouse


@pytest.fixture(scope="session")
def accuracy_build(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, truth) of a scale-0.02 delivery, landed and built.

    Only the models the statistics and the person links rest on, without
    the data tests, exports and docs, which the session's delivery covers:
    about 2 minutes on 2 cores, against 3.5 for a full run with its checks.
    """
    from migstat.dbt import run_dbt
    from migstat.landing import land

    out = tmp_path_factory.mktemp("accuracy") / "sample"
    generate(out, ACCURACY_SCALE, ACCURACY_SEED)
    warehouse = out.parent / "warehouse.duckdb"
    land(str(out), warehouse, progress=lambda _: None)
    result = run_dbt(
        [
            "build",
            "--select",
            "+migration_statistics",
            "+person_links",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
        ],
        warehouse,
    )
    assert result.success, result.failures
    return warehouse, out.parent / f"{out.name}_truth"


def fingerprint(warehouse: Path) -> dict[str, tuple]:
    """Row count and an order-independent content hash of every table but the landing's
    record of the files it read (a file read within 2 s of being written is read again)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.sql(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema <> 'main' "
            "and table_name <> 'folder_fingerprints' "
            "order by 1, 2"
        ).fetchall()
        prints = {}
        for schema, table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? "
                    "and column_name not in ('loaded_at', 'computed_at', 'run_at', 'validated_at')",
                    [schema, table],
                ).fetchall()
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            prints[f"{schema}.{table}"] = con.sql(
                f'select count(*), sum(hash(({quoted}))) from "{schema}"."{table}"'
            ).fetchone()
        return prints


def test_every_dataset_of_the_delivery_is_landed(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        for table in RAW_TABLES:
            (rows,) = con.sql(f"select count(*) from raw.{table}").fetchone()
            assert rows > 0, f"raw.{table} is empty"
        statuses = dict(con.sql("select status, count(*) from raw.objects group by 1").fetchall())
    assert statuses.get("loaded", 0) > 0


def test_published_relations_exist_and_hold_figures(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        for relation in PUBLISHED:
            (rows,) = con.sql(f"select count(*) from {relation}").fetchone()
            assert rows > 0, f"{relation} is empty"
        indicators = {
            code
            for (code,) in con.sql(
                "select distinct indicator_code from marts.migration_statistics"
            ).fetchall()
        }
    assert indicators == {
        "MIG_STOCK",
        "RET_STOCK",
        "IMM",
        "EMI",
        "NET_MIG",
        "CIT_ABROAD",
        "TMP_ARR",
        "RES_POP",
    }


def test_docs_site_is_written(built_warehouse):
    site = built_warehouse.parent / "docs" / "index.html"
    assert site.exists()
    assert "migration_statistics" in site.read_text(encoding="utf-8")


def test_running_twice_on_the_same_delivery_changes_nothing(built_warehouse, sample_delivery):
    before = fingerprint(built_warehouse)
    messages: list[str] = []
    report = run(str(sample_delivery), built_warehouse, docs=False, progress=messages.append)
    after = fingerprint(built_warehouse)
    assert before == after
    # nothing landed, so nothing was rebuilt or tested again
    assert any("nothing to rebuild" in message for message in messages), messages
    assert not any(name.startswith("dbt_") and name != "dbt_build_total" for name in report.timings)


def test_what_the_next_build_rebuilds_follows_the_record_of_the_last(
    built_warehouse, sample_delivery, monkeypatch
):
    from datetime import date

    from migstat import pipeline
    from migstat.dbt import run_dbt

    run(str(sample_delivery), built_warehouse, docs=False, progress=lambda _: None)
    assert pipeline.plan_build(built_warehouse).selectors == []
    assert pipeline.plan_build(built_warehouse, full=True).selectors is None
    # another vintage, or other code, rebuilds everything
    assert pipeline.plan_build(built_warehouse, date(2024, 6, 30)).selectors is None
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "code_digest", lambda: "other code")
        plan = pipeline.plan_build(built_warehouse)
    assert plan.selectors is None and "code changed" in plan.reason
    # a model written by another dbt command: the record no longer vouches
    assert run_dbt(["run", "--select", "stg_landing__objects"], built_warehouse).success
    plan = pipeline.plan_build(built_warehouse)
    assert plan.selectors is None and "no record" in plan.reason


def test_a_daily_delivery_rebuilds_what_it_feeds_and_gives_the_full_build_s_figures(
    sample_delivery, built_warehouse, tmp_path
):
    """Issue 8: the last day's crossings, landed after the rest was built,
    rebuild only the models downstream of the crossings, and every model
    then equals the full build of the whole delivery."""
    import shutil

    from migstat.dbt import state_dir

    delivery = tmp_path / "delivery"
    shutil.copytree(sample_delivery, delivery)
    last_day = max((delivery / "immigration").rglob("*.*"))
    held_back = tmp_path / last_day.name
    last_day.rename(held_back)
    warehouse = tmp_path / "warehouse.duckdb"
    run(str(delivery), warehouse, docs=False, progress=lambda _: None)

    held_back.rename(last_day)
    messages: list[str] = []
    run(str(delivery), warehouse, docs=False, progress=messages.append)
    assert any("border_crossings and downstream" in message for message in messages), messages
    results = json.loads((state_dir(warehouse) / "target" / "run_results.json").read_text())
    built = {result["unique_id"].split(".")[-1] for result in results["results"]}
    assert {"stg_immigration__border_crossings", "migration_statistics"} <= built
    assert not built & {"stg_labour__work_permits", "stg_registry__citizens"}, built

    def models(warehouse: Path) -> dict[str, tuple]:
        return {
            name: value
            for name, value in fingerprint(warehouse).items()
            if name.split(".")[0] != "raw" and name != HISTORY
        }

    def latest_vintage(warehouse: Path) -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.sql(
                f"select * exclude (computed_at) from {HISTORY} "
                f"where vintage = (select max(vintage) from {HISTORY}) order by all"
            ).fetchall()

    assert models(warehouse) == models(built_warehouse)
    # the history keeps the day before as a vintage of its own
    assert latest_vintage(warehouse) == latest_vintage(built_warehouse)


def first_values(con: duckdb.DuckDBPyConnection, query: str) -> list:
    """The first column of a query's rows."""
    return [row[0] for row in con.sql(query).fetchall()]


@pytest.mark.parametrize(
    ("model", "stored_column"),
    [
        ("int_crossing_verdicts", "resolution_rule"),
        ("int_person_crossings", "port_code"),
        ("int_crossings_repaired", "repair_basis"),
    ],
)
def test_the_models_kept_per_person_rebuild_only_the_persons_whose_inputs_changed(
    built_warehouse, tmp_path, model, stored_column
):
    """Issue 8: int_crossing_verdicts (the residence rule),
    int_person_crossings and int_crossings_repaired keep a person's rows
    while their input fingerprint holds. On a copy of the built warehouse,
    one person's stored rows are altered (fingerprint intact), another's
    fingerprint is spoiled, a third person's rows are removed and a person
    who has no crossing is added; an incremental run of the model must keep
    the first as stored, build the second and third again, and drop the
    fourth."""
    import shutil

    from migstat.dbt import run_dbt

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    table = f"linked.{model}"

    def rows_of(con, person_key: str) -> list[tuple]:
        return con.execute(
            f"select * from {table} where person_key = ? order by crossing_id", [person_key]
        ).fetchall()

    with duckdb.connect(str(warehouse)) as con:
        kept, spoiled, removed = first_values(
            con,
            f"select person_key from {table} group by person_key "
            "having count(*) >= 2 order by person_key limit 3",
        )
        spoiled_rows, removed_rows = rows_of(con, spoiled), rows_of(con, removed)
        con.execute(
            f"update {table} set {stored_column} = 'kept as stored' where person_key = ?", [kept]
        )
        con.execute(
            f"update {table} set input_fingerprint = 0, {stored_column} = 'stale' "
            "where person_key = ?",
            [spoiled],
        )
        con.execute(f"delete from {table} where person_key = ?", [removed])
        con.execute(
            f"insert into {table} by name select * replace ('gone' as person_key, "
            f"'gone-1' as crossing_id) from {table} where person_key = ?",
            [kept],
        )

    result = run_dbt(["run", "--select", model], warehouse)
    assert result.success, result.failures

    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept_values = con.execute(
            f"select distinct {stored_column} from {table} where person_key = ?", [kept]
        ).fetchall()
        assert kept_values == [("kept as stored",)]
        assert rows_of(con, spoiled) == spoiled_rows
        assert rows_of(con, removed) == removed_rows
        assert rows_of(con, "gone") == []


def test_a_full_build_in_buckets_of_persons_equals_the_build_in_one_piece(
    built_warehouse, tmp_path
):
    """Issue 8: a full build of the residence rule (int_crossing_verdicts)
    runs in buckets of persons, one per `build_bucket_rows` crossings (the
    sample fits in one). Built again on a copy of the warehouse in three
    buckets, the table must hold exactly the rows built in one piece,
    and the run must say how far it has got."""
    import shutil

    from migstat.dbt import run_dbt

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    table = "linked.int_crossing_verdicts"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (rows,) = con.sql("select count(*) from linked.int_crossings_repaired").fetchone()
    progress: list[str] = []
    result = run_dbt(
        ["run", "--select", "int_crossing_verdicts", "--full-refresh"],
        warehouse,
        {"build_bucket_rows": -(-rows // 3)},
        progress.append,
    )
    assert result.success, result.failures
    assert any("int_crossing_verdicts: bucket 3 of 3 of persons" in line for line in progress), (
        progress
    )

    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(f"attach '{built_warehouse}' as one_piece (read_only)")
        counts = con.sql(
            f"""
            select
                (select count(*) from {table}),
                (select count(*) from one_piece.{table}),
                (select count(*) from (
                    select * from {table} except all select * from one_piece.{table})),
                (select count(*) from (
                    select * from one_piece.{table} except all select * from {table}))
            """
        ).fetchone()
    assert counts[0] == counts[1] > 0
    assert counts[2:] == (0, 0)


def test_the_linkage_records_are_written_again_only_where_their_sources_changed(
    built_warehouse, tmp_path
):
    """Issue 8: int_linkage_records writes again the crossing records of the
    delivery objects whose crossings changed and the records of a register
    that changed. On a copy of the built warehouse: one object's crossing
    records are removed, a crossing record of another object is altered, a
    record of a crossing that does not exist is added to a third object and
    one citizen's record is removed, one crossing record is said to come
    from an object that no longer counts and one moved between objects. An
    incremental run must bring back the removed and mislabelled records as
    they were, keep the altered one as stored (its object
    did not change), drop the one of no crossing and leave the table's
    content otherwise as it was. A changed register fingerprint on the
    crossings then makes the next run write every crossing record again."""
    import shutil

    from migstat.dbt import run_dbt

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    records = "linked.int_linkage_records"

    def content(con) -> tuple:
        return con.sql(f"select count(*), sum(hash(r)) from {records} as r").fetchone()

    with duckdb.connect(str(warehouse)) as con:
        before = content(con)
        removed_object, altered_object, padded_object, relabelled_object, donor_object = (
            first_values(
                con,
                f"select source_object_id from {records} "
                "where source_system = 'border_crossings' "
                "group by source_object_id order by source_object_id limit 5",
            )
        )
        (altered,) = con.execute(
            f"select min(record_id) from {records} where source_object_id = ?", [altered_object]
        ).fetchone()
        removed_count = con.execute(
            f"delete from {records} where source_object_id = ?", [removed_object]
        ).fetchone()[0]
        assert removed_count > 0
        con.execute(
            f"update {records} set surname_std = 'KEPT AS STORED' where record_id = ?", [altered]
        )
        con.execute(
            f"insert into {records} by name select * replace ('border_crossings:gone' as "
            "record_id, 'gone' as source_record_id) from "
            f"{records} where record_id = (select min(record_id) from {records} "
            "where source_object_id = ?)",
            [padded_object],
        )
        con.execute(
            f"delete from {records} where record_id = "
            f"(select min(record_id) from {records} where source_system = 'citizens')"
        )
        # a record said to come from an object that no longer counts, and
        # one moved into its object from another, so that its object's
        # count holds: only the gone object tells where to look
        mislabelled = {}
        for record_object, new_object in (
            (relabelled_object, "gone-object"),
            (donor_object, relabelled_object),
        ):
            (record_id,) = con.execute(
                f"select min(record_id) from {records} where source_object_id = ?",
                [record_object],
            ).fetchone()
            con.execute(
                f"update {records} set source_object_id = ? where record_id = ?",
                [new_object, record_id],
            )
            mislabelled[record_id] = record_object

    result = run_dbt(["run", "--select", "int_linkage_records"], warehouse)
    assert result.success, result.failures

    with duckdb.connect(str(warehouse)) as con:
        assert con.execute(
            f"select surname_std from {records} where record_id = ?", [altered]
        ).fetchall() == [("KEPT AS STORED",)]
        assert con.execute(
            f"select count(*) from {records} where source_record_id = 'gone'"
        ).fetchone() == (0,)
        assert content(con)[0] == before[0]
        for record_id, record_object in mislabelled.items():
            assert con.execute(
                f"select source_object_id from {records} where record_id = ?", [record_id]
            ).fetchall() == [(record_object,)]
        # a changed register fingerprint on the crossings: all written again
        con.execute(
            f"update {records} set input_fingerprint = 0 where source_system = 'border_crossings'"
        )

    result = run_dbt(["run", "--select", "int_linkage_records"], warehouse)
    assert result.success, result.failures

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert content(con) == before


def test_dbt_project_runs_on_its_own_against_a_landed_warehouse(built_warehouse):
    root = Path(__file__).resolve().parents[2]
    target = built_warehouse.parent / "standalone_target"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--profiles-dir",
            "profiles",
            "--target-path",
            str(target),
            "--select",
            "staging",
        ],
        cwd=root,
        env={"MIGSTAT_WAREHOUSE": str(built_warehouse), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_every_column_of_every_model_seed_and_source_is_described(built_warehouse):
    target = built_warehouse.parent / f".{built_warehouse.stem}.dbt" / "target"
    catalog = json.loads((target / "catalog.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    described = {**manifest["nodes"], **manifest["sources"]}
    total, missing = 0, []
    for group in ("nodes", "sources"):
        for unique_id, entry in catalog[group].items():
            node = described.get(unique_id)
            if node is None or node.get("resource_type") == "test":
                continue
            documented = {name.lower(): c for name, c in node.get("columns", {}).items()}
            for column in entry["columns"]:
                total += 1
                if not (documented.get(column.lower(), {}).get("description") or "").strip():
                    missing.append(f"{unique_id}.{column}")
    assert total > 300
    assert missing == [], f"{len(missing)} of {total} columns undocumented: {missing[:30]}"


def test_no_personal_data_leaves_in_any_export(built_warehouse):
    from migstat.publication.exports import scan_for_personal_data

    with duckdb.connect(str(built_warehouse), read_only=True) as con:

        def values(sql: str) -> list[str]:
            return [v for (v,) in con.sql(sql).fetchall() if v]

        published_dates = set(
            values("select distinct time_period from marts.migration_statistics where freq = 'D'")
            + values("select distinct vintage::varchar from marts.migration_statistics")
        )
        births = values(
            "select date_of_birth from raw.border_crossings union "
            "select strftime(try_strptime(dob, '%Y%m%d'), '%Y-%m-%d') from raw.citizens union "
            "select date_of_birth from raw.work_permits"
        )
        forbidden = {
            "name": values(
                "select trim(given_names || ' ' || surname) from raw.border_crossings "
                "where given_names <> '' and surname <> '' union "
                "select worker_name from raw.work_permits union select full_name from raw.citizens"
            ),
            "document": values(
                "select travel_doc_number from raw.border_crossings union "
                "select passport_no from raw.passports union "
                "select passport_no from raw.work_permits"
            ),
            "national_id": values(
                "select national_id from raw.border_crossings union select nid from raw.citizens"
            ),
            # dates inside the observation period are period labels and chart
            # positions in the exports, whoever was born on them
            "birth_date": [d for d in births if d not in published_dates and d < "2019-01-01"],
        }
    assert all(len(v) > 10 for v in forbidden.values())
    exports = built_warehouse.parent / "exports"
    hits = scan_for_personal_data([exports / "current"], forbidden)
    assert hits == []


def test_linkage_precision_and_recall_over_crossings(built_warehouse, sample_delivery):
    from migstat.linkage.evaluate import pairwise_score

    truth = sample_delivery.parent / f"{sample_delivery.name}_truth" / "record_person.parquet"
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        con.execute(f"create temp view truth as select * from read_parquet('{truth.as_posix()}')")
        score = pairwise_score(con, "linked.person_links", "truth", ("border_crossings",))
    assert score.true_pairs > 10_000
    assert score.precision >= 0.995, score
    assert score.recall >= 0.995, score


# (indicator, freq) -> bound on the relative error of its final totals against
# the methodology truth, and against the history truth (None: not asserted);
# see docs/accuracy.md for what each bound rests on
TOTAL_BOUNDS = {
    ("RES_POP", "D"): (0.01, 0.01),
    # history: the method counts foreigners with a permit and no crossing on
    # the permit's days (workers who never arrived): +1.2 %
    ("MIG_STOCK", "D"): (0.01, 0.02),
    # a citizen's lost emigration hides an emigrant; estimated, not seen
    # (doc unrecorded_emigrations): -1.0 % before the estimate, -0.5 % with it
    ("CIT_ABROAD", "D"): (0.01, None),
    # a lost first departure makes a false return; estimated, not seen
    # (int_late_first_arrivals): +13.5 % before the estimate, +3.9 % with it
    ("RET_STOCK", "D"): (0.06, None),
    # history: the start-of-observation rule itself moves flows by up to 2.7 %
    ("IMM", "A"): (0.02, 0.03),
    ("IMM", "M"): (0.02, 0.03),
    ("EMI", "A"): (0.02, 0.03),
    ("EMI", "M"): (0.02, 0.03),
    ("TMP_ARR", "A"): (0.02, 0.02),
    ("TMP_ARR", "M"): (0.02, 0.02),
}


def test_final_figures_are_close_to_the_truth(accuracy_build):
    """Final figures against the generator's two truths (issue 6, item 4).

    ``method``: methodology.md applied to the clean, correctly linked
    crossings of the observation period (the warehouse's distance to it is
    its processing error); ``history``: the rule on complete clean histories
    since 2015 (the distance between the two truths is the method's own
    bias). Totals are summed over the periods of a frequency, final cells
    only; the five largest citizenships of each flow (annual) and of the
    resident and migrant stocks within 3 % of the methodology truth.
    """
    from migstat.evaluate import citizenship_accuracy, statistics_accuracy
    from migstat.linkage.evaluate import pairwise_score

    built_warehouse, truth = accuracy_build
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        records = (truth / "record_person.parquet").as_posix()
        con.execute(f"create temp view truth as select * from read_parquet('{records}')")
        score = pairwise_score(con, "linked.person_links", "truth", ("border_crossings",))
    assert score.precision >= 0.995 and score.recall >= 0.995, score
    errors = {
        kind: statistics_accuracy(built_warehouse, truth, kind=kind).set_index(
            ["indicator_code", "freq"]
        )["relative_error"]
        for kind in ("method", "history")
    }
    for key, bounds in TOTAL_BOUNDS.items():
        for kind, bound in zip(("method", "history"), bounds, strict=True):
            if bound is not None:
                error = errors[kind][key]
                assert abs(error) <= bound, f"{key} vs {kind}: {error:+.2%} (bound {bound:.0%})"
    largest = citizenship_accuracy(built_warehouse, truth, top=5, kind="method")
    flows = largest[
        largest["indicator_code"].isin(["IMM", "EMI", "TMP_ARR"]) & (largest["freq"] == "A")
    ]
    stocks = largest[largest["indicator_code"].isin(["RES_POP", "MIG_STOCK"])]
    checked = pd.concat([flows, stocks])
    assert len(checked) == 25
    worst = checked.loc[checked["relative_error"].abs().idxmax()]
    assert abs(worst["relative_error"]) <= 0.03, worst.to_dict()


def test_provisional_figures_of_a_past_vintage_against_the_latest(built_warehouse, tmp_path):
    """Issue 6: rebuild 12 months before the data end, compare with the latest vintage.

    A copy of the session's warehouse (which holds the latest vintage) is
    rebuilt at the earlier cut-off (the history and its parents, without the
    data tests, which `migstat revisions` runs), so the history holds both. What the
    earlier vintage gave as final (`A`) may move only by what later data
    reveal about the past (a crossing linked to another person, a resident
    first seen after the cut-off: docs/choices.md), so its totals stay within
    1% and its cells within 2% (weighted; measured: 0.3% at most); the
    provisional error is measured, finite, and published in the docs, not
    bounded here. The earlier-vintage run takes about 25 s (a full build 40 s).
    """
    import math
    import shutil

    from migstat.revisions import (
        build_vintages,
        months_before,
        revision_report,
        vintages,
        write_report,
    )

    warehouse = tmp_path / "revisions.duckdb"
    shutil.copyfile(built_warehouse, warehouse)
    (latest,) = vintages(warehouse)
    earlier = months_before(latest, 12)
    build_vintages(
        warehouse, [earlier], restore_latest=False, with_tests=False, progress=lambda _: None
    )
    assert vintages(warehouse) == [earlier, latest]

    report = revision_report(warehouse)
    assert set(report["vintage_earlier"]) == {earlier}
    assert set(report["vintage_later"]) == {latest}
    rows = report.set_index(["indicator_code", "freq", "status_earlier"])
    for indicator in ("IMM", "EMI"):
        for freq in ("M", "Q"):
            provisional = rows.loc[(indicator, freq, "P")]
            assert provisional["periods"] > 0
            assert math.isfinite(provisional["total_relative_error"]), provisional.to_dict()
            assert math.isfinite(provisional["cell_weighted_abs_error"]), provisional.to_dict()
    for indicator in ("IMM", "EMI", "TMP_ARR", "RES_POP"):
        for freq in ("D",) if indicator == "RES_POP" else ("M", "Q", "A"):
            final = rows.loc[(indicator, freq, "A")]
            assert final["periods"] > 0
            assert abs(final["total_relative_error"]) <= 0.01, (indicator, freq, final.to_dict())
            assert final["cell_weighted_abs_error"] <= 0.02, (indicator, freq, final.to_dict())

    csv_path, md_path = write_report(report, tmp_path / "revisions")
    assert csv_path.exists()
    assert "| IMM | M | P |" in md_path.read_text(encoding="utf-8")


def test_layer_timings_split_the_linked_folder_into_linkage_and_residence(built_warehouse):
    from migstat.dbt import run_dbt
    from migstat.pipeline import layer_timings

    # one model of each half of the linked folder (rebuilt unchanged)
    result = run_dbt(
        ["run", "--select", "int_record_person_keys", "int_typical_durations"], built_warehouse
    )
    assert result.success, result.failures
    timings = layer_timings(built_warehouse)
    assert set(timings) == {"dbt_linkage", "dbt_residence"}, timings


def test_a_national_scale_delivery_is_built_one_model_at_a_time(built_warehouse, monkeypatch):
    from migstat.pipeline import NATIONAL_SCALE_CROSSINGS, dbt_threads

    monkeypatch.delenv("MIGSTAT_DBT_THREADS", raising=False)
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        (crossings,) = con.execute("select count(*) from raw.border_crossings").fetchone()
    assert 0 < crossings < NATIONAL_SCALE_CROSSINGS
    # the sample keeps the profile's threads; past the bound, one at a time
    assert dbt_threads(built_warehouse) is None
    assert dbt_threads(built_warehouse, national_scale=crossings) == 1
    # the environment variable always wins
    monkeypatch.setenv("MIGSTAT_DBT_THREADS", "2")
    assert dbt_threads(built_warehouse, national_scale=crossings) is None


def test_the_code_digest_follows_the_code_and_nothing_beside_it(tmp_path, monkeypatch):
    import shutil

    from migstat.dbt import project_dir
    from migstat.pipeline import code_digest

    project = tmp_path / "project"
    for name in ("models", "macros", "seeds", "tests", "linkage_model", "profiles"):
        shutil.copytree(project_dir() / name, project / name)
    shutil.copy(project_dir() / "dbt_project.yml", project)
    monkeypatch.setenv("MIGSTAT_PROJECT_DIR", str(project))
    before = code_digest()
    # what a run or an editor leaves beside the code
    (project / "models" / "linked" / "__pycache__").mkdir()
    (project / "models" / "linked" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (project / "models" / ".model.sql.swp").write_text("x")
    assert code_digest() == before
    model = project / "models" / "staging" / "immigration" / "stg_immigration__border_crossings.sql"
    model.write_text(model.read_text() + "\n-- a change\n")
    changed = code_digest()
    assert changed != before
    # the same file in another folder is another project
    model.rename(project / "models" / "staging" / model.name)
    assert code_digest() != changed


def test_the_crossings_staging_follows_corrections_voids_and_re_deliveries(delivery, warehouse):
    """Issue 8: the incremental staging of crossings, after a re-delivered
    file that drops one crossing and retimes another, and a new day that
    voids a third, holds what ranking every version again gives."""
    from datetime import date

    from conftest import DELIVERY_DAYS, crossing_rows, write_crossings

    from migstat.dbt import run_dbt
    from migstat.landing import land

    first, second = DELIVERY_DAYS
    land(str(delivery), warehouse, progress=lambda _: None)
    assert run_dbt(["run", "--select", "+stg_immigration__border_crossings"], warehouse).success

    # the first day again, without its first crossing and with the second retimed
    rows = crossing_rows(first)[1:]
    rows[0][3] = f"{first:%Y-%m-%d} 23:59:00"
    write_crossings(delivery, first, rows=rows)
    # a new day: one crossing, and a VOID of a crossing of the second day
    voided = crossing_rows(second)[2]
    voided[1], voided[2] = "VOID", f"{second:%Y-%m-%d}T23:59:59+05:00"
    write_crossings(delivery, date(2023, 4, 3), rows=[*crossing_rows(date(2023, 4, 3), 1), voided])
    land(str(delivery), warehouse, progress=lambda _: None)

    def staged() -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.sql(
                "select * from staging.stg_immigration__border_crossings order by crossing_id"
            ).fetchall()

    assert run_dbt(["run", "--select", "stg_immigration__border_crossings"], warehouse).success
    incremental = staged()
    ids = {row[0]: row for row in incremental}
    assert f"BC{first:%Y%m%d}000000" not in ids  # its only version no longer counts
    assert f"BC{second:%Y%m%d}000002" not in ids  # voided
    assert "BC20230403000000" in ids
    assert str(ids[f"BC{first:%Y%m%d}000001"][7]).endswith("23:59:00")
    assert len(ids) == 5 - 1 + 5 - 1 + 1
    assert run_dbt(
        ["run", "--full-refresh", "--select", "stg_immigration__border_crossings"], warehouse
    ).success
    assert staged() == incremental

    # the new day re-delivered without its VOID: the voided crossing is back
    write_crossings(delivery, date(2023, 4, 3), rows=crossing_rows(date(2023, 4, 3), 1))
    land(str(delivery), warehouse, progress=lambda _: None)
    assert run_dbt(["run", "--select", "stg_immigration__border_crossings"], warehouse).success
    incremental = staged()
    assert f"BC{second:%Y%m%d}000002" in {row[0] for row in incremental}
    assert run_dbt(
        ["run", "--full-refresh", "--select", "stg_immigration__border_crossings"], warehouse
    ).success
    assert staged() == incremental
