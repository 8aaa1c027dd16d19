"""Exports of the public statistics: SDMX-CSV, Excel, write-audit-publish, personal data.

A small synthetic warehouse is built here (``build_public_warehouse``):
``marts.migration_statistics_public`` made by the lead's disclosure control
from synthetic counts, ``marts.census_coverage``, the ``reference`` label
tables loaded from the real seeds, and a decoy ``raw.border_crossings``
with names, document numbers, national IDs and dates of birth that no
export may contain.
"""

from __future__ import annotations

import json
import os
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from migstat.publication import sdmx
from migstat.publication.disclosure import suppress
from migstat.publication.exports import (
    load_public_tables,
    protect_coverage,
    publish,
    scan_for_personal_data,
    write_exports,
)

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
VINTAGE = date(2023, 12, 31)
CENSUS_DATE = "2022-09-17"
CITIZENSHIPS = ["MDV", "IND", "BGD", "LKA", "NPL", "CHN", "GBR", "DEU", "PHL"]
WEIGHTS = np.array([40, 25, 30, 8, 6, 3, 2, 1.5, 1.2, 0.3, 0.4])  # last two: XXA, _U
AGES = ["Y0T14", "Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65", "_U"]
AGE_WEIGHTS = np.array([5, 14, 30, 24, 14, 7, 3, 0.5])
SEXES = ["M", "F", "_U"]
SEX_WEIGHTS = np.array([0.66, 0.33, 0.01])
REASONS = ["WORK", "FAMILY", "STUDY", "TOURISM", "OTHER", "_U"]
BREAKDOWNS = [
    [],
    ["sex"],
    ["age_group"],
    ["citizenship"],
    ["citizenship", "sex"],
    ["citizenship_group"],
]
DIMS = ["sex", "age_group", "citizenship", "citizenship_group", "reason"]

PERSONS = [
    # name, document number, national id, date of birth
    ("AMINATH HASSAN", "P7654321", "A123457", "1987-03-21"),
    ("MOHAMMED RAHMAN", "EB9988776", "", "1979-11-02"),
    ("O'NEIL-SMITH JOHN", "X1234ZZ9", "", "1990-01-15"),
]


def _stock_dates(first_year: int) -> list[str]:
    ends = pd.date_range(f"{first_year}-03-31", "2023-12-31", freq="QE").strftime("%Y-%m-%d")
    return sorted({*ends, CENSUS_DATE})


def _facts(rng: np.random.Generator, first_year: int, n_citizenships: int) -> pd.DataFrame:
    """Finest-level synthetic counts (stocks and monthly flows), every dimension."""
    citizenships = CITIZENSHIPS[:n_citizenships] + ["XXA", "_U"]
    weights = np.concatenate([WEIGHTS[:n_citizenships], WEIGHTS[-2:]])
    grid = pd.MultiIndex.from_product(
        [citizenships, AGES, SEXES], names=["citizenship", "age_group", "sex"]
    ).to_frame(index=False)
    base = (
        weights[grid["citizenship"].map(citizenships.index)]
        * AGE_WEIGHTS[grid["age_group"].map(AGES.index)]
        * SEX_WEIGHTS[grid["sex"].map(SEXES.index)]
    )
    base = pd.Series(base / base.sum())
    frames = []
    for indicator, size, who in (
        ("RES_POP", 9000, "all"),
        ("MIG_STOCK", 3200, "foreign"),
        ("RET_STOCK", 300, "citizen"),
        ("CIT_ABROAD", 800, "citizen"),
    ):
        shares = base
        if who == "foreign":
            shares = base.where(grid["citizenship"] != "MDV", 0.0)
        elif who == "citizen":
            shares = base.where(grid["citizenship"] == "MDV", 0.0)
        for i, day in enumerate(_stock_dates(first_year)):
            counts = rng.poisson(shares / shares.sum() * size * (1 + 0.02 * i)).astype(float)
            frames.append(
                grid.assign(
                    indicator_code=indicator,
                    freq="D",
                    time_period=day,
                    reason="_T",
                    obs_value=counts,
                    obs_status="P" if day >= "2023-09-30" else "A",
                )
            )
    for indicator, size in (("IMM", 90), ("EMI", 70), ("TMP_ARR", 2500)):
        reasons = REASONS if indicator == "TMP_ARR" else [r for r in REASONS if r != "TOURISM"]
        cells = grid.merge(pd.DataFrame({"reason": reasons}), how="cross")
        shares = np.repeat(base.to_numpy(), len(reasons)) / len(reasons)
        for m, month in enumerate(pd.period_range(f"{first_year}-01", "2023-12", freq="M")):
            seasonal = 1 + 0.3 * np.sin(2 * np.pi * (month.month / 12))
            dip = 0.3 if indicator == "TMP_ARR" and "2021-04" <= str(month) <= "2021-09" else 1
            provisional = str(month) >= "2023-09"
            counts = rng.poisson(shares * size * seasonal * dip * (1 + m / 60)).astype(float)
            if provisional:
                counts = counts * rng.uniform(0.7, 1.0, len(counts))
            frames.append(
                cells.assign(
                    indicator_code=indicator,
                    freq="M",
                    time_period=str(month),
                    obs_value=counts,
                    obs_status="P" if provisional else "A",
                )
            )
    facts = pd.concat(frames, ignore_index=True)
    facts["citizenship_group"] = np.where(facts["citizenship"] == "MDV", "CIT", "FOR")
    return facts


def _aggregate(facts: pd.DataFrame) -> pd.DataFrame:
    """The breakdowns of the marts (and age by sex of each citizenship group), Q and A
    rolled up from M, net migration."""
    head = ["indicator_code", "freq", "time_period"]
    frames = []
    is_stock = facts["freq"] == "D"
    for breakdown in [*BREAKDOWNS, ["reason"], ["citizenship_group", "age_group", "sex"]]:
        subset = facts[~is_stock] if breakdown == ["reason"] else facts
        grouped = subset.groupby(head + breakdown, as_index=False).agg(
            obs_value=("obs_value", "sum"),
            obs_status=("obs_status", "max"),  # P > A
        )
        for dim in DIMS:
            if dim not in breakdown:
                grouped[dim] = "_T"
        frames.append(grouped)
    stats = pd.concat(frames, ignore_index=True)
    monthly = stats[stats["freq"] == "M"]
    periods = monthly["time_period"]
    quarter = periods.str[:4] + "-Q" + ((periods.str[5:7].astype(int) + 2) // 3).astype(str)
    for freq, period in (("Q", quarter), ("A", periods.str[:4])):
        rolled = (
            monthly.assign(freq=freq, time_period=period)
            .groupby(head + DIMS, as_index=False)
            .agg(obs_value=("obs_value", "sum"), obs_status=("obs_status", "max"))
        )
        stats = pd.concat([stats, rolled], ignore_index=True)
    key = head[1:] + DIMS
    imm = stats[stats["indicator_code"] == "IMM"].set_index(key)
    emi = stats[stats["indicator_code"] == "EMI"].set_index(key)
    net = imm[["obs_value"]].sub(emi[["obs_value"]], fill_value=0)
    either = pd.concat(
        [imm["obs_status"].reindex(net.index), emi["obs_status"].reindex(net.index)], axis=1
    )
    net["obs_status"] = np.where(either.eq("P").any(axis=1), "P", "A")
    net = net.reset_index().assign(indicator_code="NET_MIG")
    return pd.concat([stats, net], ignore_index=True)


def _coverage(statistics: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = statistics[
        statistics["indicator_code"].isin(["RES_POP", "MIG_STOCK"])
        & (statistics["freq"] == "D")
        & (statistics["time_period"] == CENSUS_DATE)
        & (statistics["age_group"] == "_T")
        & (statistics["citizenship_group"] == "_T")
        & (statistics["reason"] == "_T")
    ].copy()
    factor = rng.uniform(0.9, 1.3, len(rows))
    rows["census_count"] = np.round(rows["obs_value"] * factor).astype("int64")
    rows["admin_count"] = rows["obs_value"]
    rows["difference"] = rows["admin_count"] - rows["census_count"]
    rows["ratio"] = (rows["admin_count"] / rows["census_count"].replace(0, np.nan)).round(4)
    rows["share_explained"] = (
        np.minimum(rows["admin_count"], rows["census_count"])
        / rows["census_count"].replace(0, np.nan)
    ).round(4)
    rows["reference_date"] = pd.Timestamp(CENSUS_DATE).date()
    return rows[
        [
            "indicator_code",
            "reference_date",
            "citizenship",
            "sex",
            "census_count",
            "admin_count",
            "difference",
            "ratio",
            "share_explained",
            "obs_status",
        ]
    ]


def build_public_warehouse(
    path: Path,
    seed: int = 7,
    pyramid: bool = True,
    first_year: int = 2021,
    n_citizenships: int = 9,
) -> Path:
    """A DuckDB file with the public marts, the reference seeds and decoy personal data."""
    rng = np.random.default_rng(seed)
    statistics = _aggregate(_facts(rng, first_year, n_citizenships))
    if not pyramid:
        statistics = statistics[
            ~(
                statistics["age_group"].ne("_T")
                & statistics["sex"].ne("_T")
                & statistics["citizenship_group"].ne("_T")
            )
        ]
    coverage = _coverage(statistics, rng)
    public = suppress(statistics, 5)
    public["ref_area"] = "MDV"
    public["vintage"] = VINTAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.sql("create schema marts; create schema reference; create schema raw")
        con.register("public_df", public)
        con.sql(
            "create table marts.migration_statistics_public as select indicator_code, "
            "ref_area, freq, time_period, sex, age_group, citizenship, citizenship_group, "
            "reason, obs_value::double as obs_value, obs_status, conf_status, "
            "vintage::date as vintage from public_df"
        )
        con.register("coverage_df", coverage)
        con.sql("create table marts.census_coverage as select * from coverage_df")
        for seed_name in ("indicators", "countries", "age_groups", "sex_labels", "reason_codes"):
            con.sql(
                f"create table reference.{seed_name} as select * from "
                f"read_csv('{SEEDS / (seed_name + '.csv')}', header=true)"
            )
        con.sql(
            "create table raw.border_crossings (surname varchar, travel_doc_number varchar, "
            "national_id varchar, date_of_birth varchar)"
        )
        for name, doc, nid, dob in PERSONS:
            con.execute(
                "insert into raw.border_crossings values (?, ?, ?, ?)", [name, doc, nid, dob]
            )
    return path


def forbidden_values() -> dict[str, list[str]]:
    return {
        "name": [p[0] for p in PERSONS],
        "document": [p[1] for p in PERSONS],
        "national_id": [p[2] for p in PERSONS if p[2]],
        "date_of_birth": [p[3] for p in PERSONS],
    }


_BUILT: dict[str, tuple[Path, Path, dict[str, Path]]] = {}


def built_exports(tmp_path_factory) -> tuple[Path, Path, dict[str, Path]]:
    """The synthetic warehouse and its exports, built once per test session."""
    if "exports" not in _BUILT:
        root = tmp_path_factory.mktemp("publication")
        warehouse = build_public_warehouse(
            root / "wh" / "warehouse.duckdb", first_year=2022, n_citizenships=7
        )
        files = write_exports(warehouse, root / "wh" / "exports", progress=lambda _: None)
        _BUILT["exports"] = (warehouse, root / "wh" / "exports", files)
    return _BUILT["exports"]


@pytest.fixture
def built(tmp_path_factory) -> tuple[Path, Path, dict[str, Path]]:
    return built_exports(tmp_path_factory)


# --------------------------------------------------------------------------- DSD


def test_committed_dsd_matches_the_seeds(tmp_path):
    fresh = sdmx.write_dsd(SEEDS, tmp_path / "dsd.json")
    assert fresh.read_text() == sdmx.DSD_PATH.read_text(), (
        "the DSD is out of date: python -m migstat.publication.sdmx --seeds seeds"
    )
    structure = sdmx.load_structure()
    assert structure.dataflow.id == "DF_MIGRATION"
    assert structure.component_ids == [
        "INDICATOR",
        "REF_AREA",
        "FREQ",
        "SEX",
        "AGE",
        "CITIZENSHIP",
        "CITIZENSHIP_GROUP",
        "REASON",
        "TIME_PERIOD",
        "OBS_VALUE",
        "OBS_STATUS",
        "CONF_STATUS",
        "VINTAGE",
    ]
    assert {"MIG_STOCK", "IMM", "NET_MIG"} <= structure.codes("INDICATOR")
    assert {"XXA", "_U", "_T", "XKX", "IND"} <= structure.codes("CITIZENSHIP")
    assert structure.codes("CONF_STATUS") == {"F", "C", "D"}


# --------------------------------------------------------------------------- SDMX


def test_sdmx_files_read_back_and_fit_the_dsd(built):
    warehouse, out, files = built
    structure = sdmx.load_structure()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        public = con.sql("select * from marts.migration_statistics_public").df()
    assert sorted(p.name for p in (out / "sdmx").iterdir()) == sorted(
        f"{c}.csv" for c in public["indicator_code"].unique()
    )
    for indicator in ["IMM", "MIG_STOCK", "NET_MIG"]:
        path = files[f"sdmx/{indicator}"]
        assert path == out / "sdmx" / f"{indicator}.csv"
        header = path.read_text().splitlines()[0].split(",")
        assert header == sdmx.CSV_PREFIX + structure.component_ids
        frame = sdmx.read_sdmx_csv(path)
        assert sdmx.validate_frame(frame, structure) == []
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert set(raw["STRUCTURE"]) == {"dataflow"}
        assert set(raw["STRUCTURE_ID"]) == {sdmx.DATAFLOW}
        rows = public[public["indicator_code"] == indicator]
        assert len(frame) == len(rows)
        assert set(frame["INDICATOR"]) == {indicator}
        # suppressed cells are empty, free ones carry the value
        suppressed = raw["CONF_STATUS"].isin(["C", "D"])
        assert (raw.loc[suppressed, "OBS_VALUE"] == "").all()
        assert suppressed.sum() == rows["conf_status"].isin(["C", "D"]).sum()
        total = raw[
            (raw["FREQ"] == raw["FREQ"].iloc[0])
            & raw[["SEX", "AGE", "CITIZENSHIP", "CITIZENSHIP_GROUP", "REASON"]].eq("_T").all(axis=1)
        ].iloc[0]
        expected = rows[
            (rows["freq"] == total["FREQ"])
            & (rows["time_period"] == total["TIME_PERIOD"])
            & rows[["sex", "age_group", "citizenship", "citizenship_group", "reason"]]
            .eq("_T")
            .all(axis=1)
        ]["obs_value"].iloc[0]
        assert float(total["OBS_VALUE"]) == pytest.approx(expected)
        assert set(raw["VINTAGE"]) == {VINTAGE.isoformat()}


def test_sdmx_validation_rejects_codes_outside_the_dsd(tmp_path):
    structure = sdmx.load_structure()
    row = {
        "indicator_code": "IMM",
        "ref_area": "MDV",
        "freq": "M",
        "time_period": "2023-13",
        "sex": "X",
        "age_group": "_T",
        "citizenship": "ZZZ",
        "citizenship_group": "_T",
        "reason": "_T",
        "obs_value": 3.0,
        "obs_status": "A",
        "conf_status": "C",
        "vintage": VINTAGE,
    }
    problems = sdmx.validate_frame(sdmx.to_sdmx_frame(pd.DataFrame([row])), structure)
    text = " | ".join(problems)
    assert "SEX" in text and "CITIZENSHIP" in text and "TIME_PERIOD" in text
    assert "suppressed cells carry a value" in text
    with pytest.raises(ValueError, match="does not fit"):
        sdmx.write_indicator_files(pd.DataFrame([row]), tmp_path, structure)


# --------------------------------------------------------------------------- Excel


def test_workbook_sheets_headers_totals_first_and_suppression(built):
    from openpyxl import load_workbook

    warehouse, out, files = built
    path = files["excel"]
    assert path == out / "migration_statistics.xlsx"
    book = CalamineWorkbook.from_path(str(path))
    names = book.sheet_names
    assert names[0] == "Definitions" and names[-1] == "Census coverage"
    assert names[1:-1] == [
        "MIG_STOCK",
        "RET_STOCK",
        "IMM",
        "EMI",
        "NET_MIG",
        "CIT_ABROAD",
        "TMP_ARR",
        "RES_POP",
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        public = con.sql("select * from marts.migration_statistics_public").df()

    imm = book.get_sheet_by_name("IMM").to_python()
    assert imm[0][0] == "1.3 Immigrants"
    header = imm[5]
    assert header[:3] == ["Frequency", "Period", "Breakdown"]
    assert "Citizenship" in header and "Reason" in header and "Value" in header
    body = [dict(zip(header, r, strict=True)) for r in imm[6:]]
    assert len(body) == (public["indicator_code"] == "IMM").sum()
    first = body[0]
    assert first["Breakdown"] == "Total"
    assert first["Sex"] == first["Citizenship"] == first["Age group"] == "Total"
    assert first["Frequency"] == "Annual" and first["Period"] == "2022"
    # every period starts with its total
    seen = set()
    for row in body:
        key = (row["Frequency"], row["Period"])
        if key not in seen:
            seen.add(key)
            assert row["Breakdown"] == "Total", key
    # suppressed cells show C or D, with their reason
    suppressed = [r for r in body if r["Value"] in ("C", "D")]
    assert (
        len(suppressed)
        == public[
            (public["indicator_code"] == "IMM") & public["conf_status"].isin(["C", "D"])
        ].shape[0]
    )
    assert all(r["Confidentiality"].startswith("Suppressed") for r in suppressed)
    assert all(isinstance(r["Value"], float) for r in body if r["Value"] not in ("C", "D"))
    # provisional rows are marked
    provisional = [r for r in body if r["Status"] == "Provisional"]
    assert provisional and all(r["Period"] >= "2023" for r in provisional)
    labels = {r["Citizenship"] for r in body}
    assert {"India", "Bangladesh", "Stateless", "Total"} <= labels
    assert "Reason" not in book.get_sheet_by_name("MIG_STOCK").to_python()[5]

    definitions = book.get_sheet_by_name("Definitions").to_python()
    text = " ".join(str(c) for row in definitions for c in row)
    assert VINTAGE.isoformat() in text
    assert "Counts of 1 to 4 persons are not published" in text
    assert "International migrant stock" in text and "Code list: Citizenship" in text
    assert sdmx.DATAFLOW in text

    coverage = book.get_sheet_by_name("Census coverage").to_python()
    header = coverage[5]
    assert header[:6] == [
        "Indicator",
        "Reference date",
        "Citizenship",
        "Sex",
        "Census count",
        "Admin-based count",
    ]
    assert coverage[6][2] == "Total" and coverage[6][3] == "Total"

    # styling: provisional rows italic, header frozen
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read(f"xl/worksheets/sheet{names.index('IMM') + 1}.xml").decode()
    assert 'topLeftCell="A7"' in sheet_xml and 'state="frozen"' in sheet_xml
    assert "<autoFilter" in sheet_xml
    ws = load_workbook(path, read_only=True)["IMM"]
    status_col = imm[5].index("Status")
    for row in ws.iter_rows(min_row=7):
        if row[status_col].value == "Provisional":
            assert row[0].font.italic
            break
    else:
        pytest.fail("no provisional row")


def test_census_coverage_export_cannot_undo_suppression():
    statistics = pd.DataFrame(
        [
            # MIG_STOCK on the census date: a public cell hidden by the statistics
            ("MIG_STOCK", "D", CENSUS_DATE, "_T", "_T", "_T", "_T", "_T", 100.0, "F"),
            ("MIG_STOCK", "D", CENSUS_DATE, "_T", "_T", "IND", "_T", "_T", None, "D"),
        ],
        columns=[
            "indicator_code",
            "freq",
            "time_period",
            "sex",
            "age_group",
            "citizenship",
            "citizenship_group",
            "reason",
            "obs_value",
            "conf_status",
        ],
    )
    coverage = pd.DataFrame(
        {
            "indicator_code": "MIG_STOCK",
            "reference_date": pd.Timestamp(CENSUS_DATE).date(),
            "citizenship": ["_T", "IND", "BGD", "NPL"],
            "sex": "_T",
            "census_count": [100, 60, 37, 3],
            "admin_count": [100.0, 50.0, 40.0, 10.0],
            "difference": [0.0, -10.0, 3.0, 7.0],
            "ratio": [1.0, 0.83, 1.08, 3.33],
            "share_explained": [1.0, 0.83, 1.0, 1.0],
            "obs_status": "A",
        }
    )
    protected = protect_coverage(coverage, statistics).set_index("citizenship")
    assert protected.loc["NPL", "census_conf_status"] == "C"
    assert pd.isna(protected.loc["NPL", "census_count"])
    # secondary: a second census cell hidden so NPL cannot be derived from the total
    assert (protected["census_conf_status"] == "D").sum() >= 1
    # the admin count hidden where the public statistics hide it
    assert protected.loc["IND", "admin_conf_status"] == "D"
    assert pd.isna(protected.loc["IND", "admin_count"])
    assert pd.isna(protected.loc["NPL", "ratio"])
    assert protected.loc["_T", "conf_status"] == "F"


# --------------------------------------------------------------------------- personal data


def test_no_personal_data_in_any_export(built):
    warehouse, out, _ = built
    # the scanner finds the decoy values where they are
    decoy = warehouse.parent / "decoy.csv"
    decoy.write_text("name,dob\nAminath  Hassan,1987-03-21\n")
    hits = scan_for_personal_data([decoy], forbidden_values())
    assert {h.masked_value.split(":")[0] for h in hits} == {"name", "date_of_birth"}
    assert all("Hassan" not in str(h) for h in hits)
    decoy.unlink()
    assert scan_for_personal_data([out], forbidden_values()) == []
    # column headers: nothing that names a personal field
    for path in (out / "sdmx").glob("*.csv"):
        header = path.read_text().splitlines()[0].lower()
        for word in ("name", "birth", "passport", "document", "nid", "national_id"):
            assert word not in header.replace("structure_name", "")


def test_scanner_matches_whole_words_inside_xlsx(tmp_path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"))
    ws = book.add_worksheet()
    ws.write(0, 0, "O'Neil-Smith John & co")
    ws.write(1, 0, "XA1234570")
    book.close()
    hits = scan_for_personal_data(
        [tmp_path], {"name": ["O'NEIL-SMITH JOHN"], "national_id": ["A123457"]}
    )
    assert [h.masked_value for h in hits] == ["name: o****************"]


# --------------------------------------------------------------------------- publish


def _release_state(out: Path) -> tuple[str, str]:
    current = os.readlink(out / "current")
    manifest = json.loads((out / "manifest.json").read_text())
    return current, manifest["vintage"]


def test_write_audit_publish_keeps_the_old_release_when_the_audit_fails(tmp_path):
    warehouse = build_public_warehouse(
        tmp_path / "wh" / "warehouse.duckdb", first_year=2023, n_citizenships=2
    )
    out = tmp_path / "wh" / "exports"
    quiet = []

    first = publish(warehouse, out, audit_passed=True, progress=quiet.append)
    assert first.published and first.release == out / "releases" / VINTAGE.isoformat()
    assert (out / "sdmx" / "IMM.csv").is_file()
    assert (out / "migration_statistics.xlsx").is_file()
    assert (out / "report" / "index.html").is_file()
    assert first.files["excel"] == out / "migration_statistics.xlsx"
    before = _release_state(out)
    imm_before = (out / "sdmx" / "IMM.csv").read_bytes()

    # same warehouse again: nothing changes (deterministic files)
    again = publish(warehouse, out, audit_passed=True, progress=quiet.append)
    assert again.published and "unchanged" in again.message
    assert _release_state(out) == before

    # a new vintage whose audit failed: not published, old release intact
    with duckdb.connect(str(warehouse)) as con:
        con.sql(
            "update marts.migration_statistics_public set vintage = date '2024-01-31', "
            "obs_value = case when conf_status = 'F' then obs_value + 1 end"
        )
    failed = publish(warehouse, out, audit_passed=False, progress=quiet.append)
    assert not failed.published and "audit failed" in failed.message
    assert _release_state(out) == before
    assert (out / "sdmx" / "IMM.csv").read_bytes() == imm_before
    assert json.loads((out / "rejected" / "manifest.json").read_text())["vintage"] == "2024-01-31"
    assert not list((out / "releases").glob(".staging-*"))

    # the audit passes: swapped in, the previous release kept
    passed = publish(warehouse, out, audit_passed=True, progress=quiet.append)
    assert passed.published
    assert _release_state(out) == ("releases/2024-01-31", "2024-01-31")
    assert (out / "sdmx" / "IMM.csv").read_bytes() != imm_before
    assert (out / "releases" / VINTAGE.isoformat() / "sdmx" / "IMM.csv").read_bytes() == (
        imm_before
    )

    # exports that do not fit the DSD: an error, nothing swapped
    with duckdb.connect(str(warehouse)) as con:
        con.sql("update marts.migration_statistics_public set sex = 'X' where sex = 'M'")
    with pytest.raises(ValueError, match="does not fit"):
        publish(warehouse, out, audit_passed=True, progress=quiet.append)
    assert _release_state(out) == ("releases/2024-01-31", "2024-01-31")
    assert not list((out / "releases").glob(".staging-*"))


def test_publish_mends_exports_copied_through_their_links(tmp_path):
    """A copy that followed the links turns ``current`` and the stable names
    into folders and files; the next release moves them aside and links
    them again instead of failing."""
    import shutil

    warehouse = build_public_warehouse(
        tmp_path / "wh" / "warehouse.duckdb", first_year=2023, n_citizenships=2
    )
    published = tmp_path / "wh" / "exports"
    assert publish(warehouse, published, audit_passed=True, progress=lambda _: None).published
    out = tmp_path / "copy" / "exports"
    shutil.copytree(published, out)  # follows the links
    assert not (out / "current").is_symlink() and (out / "current").is_dir()

    with duckdb.connect(str(warehouse)) as con:
        con.sql("update marts.migration_statistics_public set vintage = date '2024-01-31'")
    messages: list[str] = []
    assert publish(warehouse, out, audit_passed=True, progress=messages.append).published
    assert _release_state(out) == ("releases/2024-01-31", "2024-01-31")
    assert (out / "sdmx").is_symlink() and (out / "sdmx" / "IMM.csv").is_file()
    moved = json.loads((out / "releases" / "_unreleased" / "current" / "manifest.json").read_text())
    assert moved["vintage"] == VINTAGE.isoformat()
    assert any("moved the unreleased current" in message for message in messages), messages


def test_exports_read_only_the_public_relations(tmp_path):
    warehouse = build_public_warehouse(
        tmp_path / "warehouse.duckdb", pyramid=False, first_year=2023, n_citizenships=4
    )
    with duckdb.connect(str(warehouse)) as con:
        con.sql("drop table raw.border_crossings; drop schema raw")
    tables = load_public_tables(warehouse)
    assert tables.vintage == VINTAGE and tables.ref_area == "MDV"
    with duckdb.connect(str(warehouse)) as con:
        con.sql("drop table reference.sex_labels")
    with pytest.raises(RuntimeError, match="reference.sex_labels"):
        load_public_tables(warehouse)
