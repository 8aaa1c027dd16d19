"""The dictionary drives the GX suites and the dbt sources; the quality outputs."""

from __future__ import annotations

from pathlib import Path

import yaml

from migstat import dictionary
from migstat.dictionary import DATASETS, match_key, raw_name
from migstat.validation import expectation_specs, suite_for

ARCHITECTURE_COLUMNS = {
    "border_crossings": "crossing_id, record_status, extracted_at, crossing_time, direction, "
    "port_code, travel_doc_type, travel_doc_number, travel_doc_country, nationality, surname, "
    "given_names, date_of_birth, sex, national_id, visa_type, work_permit_number, "
    "flight_vessel, purpose_of_visit, intended_stay_days, declared_residence_country",
    "work_permits": "work_permit_no, passport_no, worker_name, nationality, gender, "
    "date_of_birth, occupation, isco_08, employer, employer_sector, work_location, issue_date, "
    "expiry_date, status, cancellation_reason, report_date",
    "citizens": "nid, full_name, sex, dob, birth_country, birth_island, reg_atoll, reg_island, "
    "citizenship_basis, citizenship_date, death_date, last_updated",
    "passports": "passport_no, nid, issue_date, expiry_date, status",
    "census_persons": "person_id, hh_id, atoll, locality_type, sex, age, citizenship, "
    "country_of_birth, year_of_arrival, prev_res_country, reason_for_migration",
}


def test_raw_columns_are_the_architecture_names():
    for name, columns in ARCHITECTURE_COLUMNS.items():
        assert DATASETS[name].raw_columns == columns.split(", ")
    assert raw_name("ISCO-08") == "isco_08" and raw_name("Work Permit No") == "work_permit_no"


def test_keys_match_datasets_and_dates():
    dataset, extract, fmt = match_key(
        "immigration", "border_crossings/2023/border_crossings_20230402.csv.gz"
    )
    assert (dataset.name, extract.isoformat(), fmt) == ("border_crossings", "2023-04-02", "csv.gz")
    dataset, extract, fmt = match_key("census", "population_census_2022/persons.csv.gz")
    assert extract.isoformat() == "2022-09-17"
    assert match_key("labour", "work_permits/work_permits_20230131.xls") is None
    assert match_key("registry", "border_crossings/2023/border_crossings_20230402.csv") is None


def test_every_dictionary_rule_becomes_an_expectation():
    import great_expectations as gx

    gx.get_context(mode="ephemeral")
    for dataset in DATASETS.values():
        specs = expectation_specs(dataset)
        suite = suite_for(dataset)
        assert len(suite.expectations) == len(specs)
        described = {kw.get("column") for _, kw in specs}
        for col in dataset.columns:
            if col.pattern or col.codes or not col.nullable:
                assert col.name in described, (dataset.name, col.name)
            if col.unique:
                unique = {"column_list": ["_object_id", col.name]}
                assert ("ExpectCompoundColumnsToBeUnique", unique) in specs
        assert len([s for s in specs if "Pair" in s[0]]) == len(dataset.rules)


def test_committed_dbt_sources_are_current():
    """Fails when dictionary.py changed without `python -m migstat.dictionary --write-dbt`."""
    root = Path(__file__).resolve().parents[2]
    stale = [
        str(path.relative_to(root))
        for path, text in dictionary.dbt_source_files(root).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"regenerate with python -m migstat.dictionary --write-dbt: {stale}"


def test_dbt_sources_are_valid_dbt_111_yaml():
    for bucket in (*dictionary.BUCKETS, "landing"):
        doc = yaml.safe_load(dictionary.dbt_sources_yaml(bucket))
        [source] = doc["sources"]
        assert source["schema"] == "raw"
        for table in source["tables"]:
            assert table["description"]
            assert "freshness" in table
            for column in table["columns"]:
                assert column["description"]
                for test in column.get("data_tests", []):
                    if isinstance(test, dict):
                        [(_, spec)] = test.items()
                        assert set(spec) <= {"arguments", "config"}
    census = yaml.safe_load(dictionary.dbt_sources_yaml("census"))["sources"][0]["tables"][0]
    assert census["freshness"] is None
    crossings = yaml.safe_load(dictionary.dbt_sources_yaml("immigration"))["sources"][0]
    assert crossings["tables"][0]["freshness"]["warn_after"] == {"count": 2, "period": "day"}
