"""Record linkage (issue 5): every record of every source tied to one person.

Fast unit tests of the Python parts, then one end-to-end build of the
linked models on the synthetic raw layer of ``migstat.linkage.synthetic``
(a few thousand persons with a known truth), and a slow test on the
project generator's sample at scale 0.02 (``pytest -m slow``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from migstat.linkage import keys, model
from migstat.linkage.evaluate import pairwise_score
from migstat.linkage.graph import component_labels, components

LINKED_MODELS = [
    f"+{name}"
    for name in (
        "person_links",
        "int_person_crossings",
        "int_work_permit_validity",
        "linkage_quality_summary",
        "linkage_quality_link_rates",
        "linkage_quality_cluster_sizes",
        "linkage_quality_match_weights",
        "linkage_quality_review_sample",
    )
]


# ------------------------------------------------------------------ unit tests


def test_person_key_is_a_keyed_hash(monkeypatch):
    monkeypatch.delenv(keys.ENV_VAR, raising=False)
    dev = keys.person_key("border_crossings:BC00000000000001")
    assert len(dev) == 32 and "BC" not in dev
    assert dev == keys.person_key("border_crossings:BC00000000000001")
    monkeypatch.setenv(keys.ENV_VAR, "another key")
    assert keys.person_key("border_crossings:BC00000000000001") != dev
    # purposes separate the uses of one key
    assert keys.keyed_hash("A123456", purpose="national_id") != keys.keyed_hash(
        "A123456", purpose="passport_number"
    )


def test_components_are_transitive_and_keep_isolated_nodes():
    nodes = pd.Series(["a", "b", "c", "d", "e"])
    out = components(nodes, pd.Series(["a", "c"]), pd.Series(["b", "b"]))
    label = dict(zip(out["node"], out["component"], strict=True))
    assert label["a"] == label["b"] == label["c"]
    assert len({label["a"], label["d"], label["e"]}) == 3


def test_pairwise_score_counts_pairs_without_enumerating_them():
    con = duckdb.connect()
    con.execute(
        "create table links as select * from (values "
        "('s', '1', 'p'), ('s', '2', 'p'), ('s', '3', 'p'), ('s', '4', 'q')) "
        "as t(source_system, source_record_id, person_key)"
    )
    con.execute(
        "create table truth as select * from (values "
        "('s', '1', 1), ('s', '2', 1), ('s', '3', 2), ('s', '4', 2)) "
        "as t(source_system, source_record_id, true_person_id)"
    )
    score = pairwise_score(con, "links", "truth", ("s",))
    # predicted pairs 12 13 23; true pairs 12 34; both 12
    assert (score.predicted_pairs, score.true_pairs, score.true_positive_pairs) == (3, 2, 1)
    assert score.precision == pytest.approx(1 / 3) and score.recall == pytest.approx(1 / 2)


def test_committed_model_is_complete():
    saved = json.loads(model.model_path().read_text(encoding="utf-8"))
    assert saved["link_type"] == "dedupe_only"
    assert saved["blocking_rules_to_generate_predictions"]
    names = [c["output_column_name"] for c in saved["comparisons"]]
    assert names == [
        "name",
        "birth_date",
        "sex",
        "citizenship",
        "document_period",
        "visa_type",
        "national_id",
    ]
    for comparison in saved["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] > 0 and level["u_probability"] > 0
    assert saved[model.METADATA_KEY]["training_profiles"] > 1000


def test_renewal_inside_the_country_and_naturalisation_are_scored(tmp_path, monkeypatch):
    """A document changed inside the country (the old one's last crossing an
    arrival, the new one's first a departure) weighs for a link; a naturalised
    citizen's foreign documents are compared under the previous nationality;
    the same rare visa type weighs for a link, the common one hardly; two
    different national IDs weigh against it."""
    import pyarrow as pa

    day = pd.Timestamp
    rows = [
        # cluster, name, birth date, nationality, previous, first, last, first dir, last dir
        (1, "ANDREAS MEYER", "1978-02-06", "DEU", None, "2019-12-12", "2020-02-23", "DEP", "ARR"),
        (2, "ANDREAS MEYER", "1978-02-06", "DEU", None, "2021-07-01", "2023-02-17", "DEP", "DEP"),
        (3, "RAJESH PATEL", "1991-02-17", "IND", None, "2019-07-27", "2023-05-16", "DEP", "ARR"),
        (4, "RAJESH PATEL", "1991-02-17", "MDV", "IND", "2025-05-07", "2025-05-19", "DEP", "ARR"),
        (5, "LUCA ROSSI", "1987-01-14", "ITA", None, "2019-09-05", "2019-09-12", "ARR", "DEP"),
        (6, "LUCA ROSSI", "1987-01-14", "ITA", None, "2023-01-20", "2023-02-09", "ARR", "DEP"),
        (7, "JAN KOWALSKI", "1980-03-01", "POL", None, "2019-01-05", "2021-06-01", "ARR", "DEP"),
        (8, "JAN KOWALSKI", "1980-03-01", "POL", None, "2021-09-05", "2024-12-01", "ARR", "DEP"),
        (9, "AHMED ALI", "1990-05-05", "MDV", None, "2019-03-01", "2020-01-01", "DEP", "DEP"),
        (10, "AHMED ALI", "1990-05-05", "MDV", None, "2020-03-01", "2024-01-01", "ARR", "ARR"),
    ]
    # tourists, so that the visa types have their usual frequencies
    rows += [
        (
            n,
            f"PERSON {chr(54 + n)}",
            "1970-01-01",
            "FRA",
            None,
            "2020-01-01",
            "2020-01-09",
            "ARR",
            "DEP",
        )
        for n in range(11, 31)
    ]
    visa_types = {3: "WORK", 4: "CITIZEN", 7: "CREW", 8: "CREW", 9: "CITIZEN", 10: "CITIZEN"}
    national_ids = {4: "N|A100001", 9: "N|A200001", 10: "N|A200002"}
    profiles = pa.table(
        {
            "cluster_id": [r[0] for r in rows],
            "surname_std": [r[1].split()[1] for r in rows],
            "given_names_std": [r[1].split()[0] for r in rows],
            "full_name_std": [r[1] for r in rows],
            "birth_date": [day(r[2]).date() for r in rows],
            "birth_date_precision": ["D"] * len(rows),
            "sex": ["M"] * len(rows),
            "citizenship_iso3": [r[3] for r in rows],
            "first_crossing_date": [day(r[5]).date() for r in rows],
            "last_crossing_date": [day(r[6]).date() for r in rows],
            "first_crossing_direction": [r[7] for r in rows],
            "last_crossing_direction": [r[8] for r in rows],
            "previous_citizenship_iso3": [r[4] for r in rows],
            "visa_type": [visa_types.get(r[0], "TOURIST") for r in rows],
            "national_id_node": [national_ids.get(r[0]) for r in rows],
        }
    )
    assert model.with_previous_nationalities(profiles).num_rows == len(rows) + 1
    monkeypatch.setenv("MIGSTAT_LINKAGE_ON_DISK", "0")  # in memory, then on disk below
    pairs = model.predict(profiles).to_pandas().set_index(["cluster_id_l", "cluster_id_r"])
    assert {(1, 2), (3, 4), (5, 6), (7, 8)} <= set(pairs.index)
    continued, plain = pairs.loc[(1, 2)], pairs.loc[(5, 6)]
    assert continued["weight_document_period"] > 6
    assert abs(plain["weight_document_period"]) < 0.5
    # the citizen's earlier documents agree on the previous nationality
    assert pairs.loc[(3, 4), "weight_citizenship"] > 0
    # two crew members' documents: strong evidence; two tourists': hardly any
    assert pairs.loc[(7, 8), "weight_visa_type"] > 3
    assert abs(plain["weight_visa_type"]) < 0.5
    # two citizens with different national ids: far below the threshold
    citizens = pairs.loc[(9, 10)]
    assert citizens["weight_national_id"] < -11
    assert citizens["match_weight"] < model.DEFAULT_THRESHOLD
    assert citizens["match_weight"] - citizens["weight_national_id"] > model.DEFAULT_THRESHOLD

    # the same scores from a scratch database file (the default), removed after
    scratch = tmp_path / "spill"
    monkeypatch.setenv("MIGSTAT_LINKAGE_TEMP_DIR", str(scratch))
    monkeypatch.setenv("MIGSTAT_LINKAGE_ON_DISK", "1")
    on_disk = model.predict(profiles).to_pandas().set_index(["cluster_id_l", "cluster_id_r"])
    pd.testing.assert_frame_equal(on_disk.sort_index(), pairs.sort_index())
    assert scratch.is_dir() and not list(scratch.glob("*.duckdb*"))


def test_prior_keeps_the_expected_matches_per_cluster():
    saved = {"probability_two_random_records_match": 1e-6, model.METADATA_KEY: {}}
    saved[model.METADATA_KEY]["training_profiles"] = 100_001
    assert model.scaled_prior(saved, 100_001) == pytest.approx(1e-6)
    # four times fewer clusters: each is four times likelier to match a random other
    assert model.scaled_prior(saved, 25_001) == pytest.approx(4e-6)
    assert model.scaled_prior(saved, 3) == pytest.approx(0.05)
    saved["probability_two_random_records_match"] = 1e-4
    assert model.scaled_prior(saved, 3) == 0.5  # capped


def test_person_key_in_sql_equals_the_python_hmac(monkeypatch):
    monkeypatch.delenv(keys.ENV_VAR, raising=False)
    con = duckdb.connect()
    values = ["border_crossings:BC00000000000001", "citizens:A123456", "work_permits:é"]
    for key in (None, b"k", b"x" * 100):
        expression = keys.person_key_sql("v", key)
        got = [
            con.execute(f"select {expression} from (select $1 as v)", [v]).fetchone()[0]
            for v in values
        ]
        assert got == [keys.person_key(v, key) for v in values]


def test_component_labels_follow_the_smallest_node_id():
    labels = component_labels(5, [4, 0], [1, 3])
    assert labels.tolist() == [0, 1, 2, 0, 1]


# ------------------------------------------------------------ end to end


def _build(warehouse: Path) -> None:
    """dbt in a child process: an in-process dbt keeps the file open."""
    root = Path(__file__).resolve().parents[2]
    target = warehouse.parent / ".dbt"
    env = {**os.environ, "MIGSTAT_WAREHOUSE": str(warehouse)}
    for args in (
        ["seed"],
        ["run", "--select", *LINKED_MODELS],
        [
            "test",
            "--select",
            "person_links int_persons int_person_crossings int_record_person_keys "
            "assert_person_links_cover_every_record int_duplicate_crossings",
        ],
    ):
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"),
                *args,
                "--profiles-dir",
                str(root / "profiles"),
                "--target-path",
                str(target / "target"),
                "--log-path",
                str(target / "logs"),
            ],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def synthetic_warehouse(tmp_path_factory):
    from migstat.linkage.synthetic import make_sample

    folder = tmp_path_factory.mktemp("linkage")
    warehouse = folder / "warehouse.duckdb"
    truth = make_sample(warehouse, n_persons=2000, seed=7)
    truth_file = folder / "record_person.parquet"
    truth.to_parquet(truth_file)
    _build(warehouse)
    return warehouse, truth_file


def test_every_record_links_to_exactly_one_person(synthetic_warehouse):
    warehouse, truth_file = synthetic_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    truth = con.sql(f"select * from read_parquet('{truth_file}')")  # noqa: F841
    published = dict(
        con.sql("select source_system, count(*) from linked.person_links group by 1").fetchall()
    )
    expected = dict(con.sql("select source_system, count(*) from truth group by 1").fetchall())
    assert published == expected
    # NID and passport numbers only as keyed hashes
    clear = con.sql(
        "select count(*) from linked.person_links where source_system in ('citizens', "
        "'passports') and source_record_id in (select source_record_id from truth)"
    ).fetchone()[0]
    assert clear == 0
    assert con.sql("select count(*) from linked.linkage_quality_summary").fetchone()[0] > 5


def test_linkage_precision_and_recall_on_synthetic_truth(synthetic_warehouse):
    warehouse, truth_file = synthetic_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    score = pairwise_score(con, "linked.int_record_person_keys", f"read_parquet('{truth_file}')")
    assert score.precision >= 0.995, score
    assert score.recall >= 0.995, score


def test_duplicate_events_are_dropped_once(synthetic_warehouse):
    warehouse, _ = synthetic_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    staged = con.sql("select count(*) from staging.stg_immigration__border_crossings").fetchone()
    kept = con.sql("select count(*) from linked.int_person_crossings").fetchone()
    dropped = con.sql("select count(*) from linked.int_duplicate_crossings").fetchone()
    assert kept[0] + dropped[0] == staged[0]
    assert dropped[0] > 0


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("MIGSTAT_SLOW_TESTS"), reason="set MIGSTAT_SLOW_TESTS=1 (about 5 min)"
)
def test_linkage_on_generator_sample(tmp_path):
    from migstat.generate import generate
    from migstat.landing import land

    delivery = tmp_path / "d"
    generate(delivery, 0.02, 1)
    warehouse = tmp_path / "warehouse.duckdb"
    land(str(delivery), warehouse)
    _build(warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    truth = tmp_path / "d_truth" / "record_person.parquet"
    score = pairwise_score(con, "linked.int_record_person_keys", f"read_parquet('{truth}')")
    assert score.precision >= 0.995, score
    assert score.recall >= 0.995, score
