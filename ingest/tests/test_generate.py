"""Tests of ``migstat generate``: layout, formats, flaws, truth, and the residence rule."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from migstat.generate import generate
from migstat.generate.residence import classify, classify_arrays, classify_loop

SCALE = 0.005
SEED = 11

KEY_PATTERNS = {
    "immigration": re.compile(r"^border_crossings/(\d{4})/border_crossings_(\d{8})\.csv(\.gz)?$"),
    "labour": re.compile(r"^work_permits/work_permits_\d{8}\.xlsx$"),
    "registry": re.compile(r"^(citizens/citizens|passports/passports)_\d{8}\.csv$"),
    "census": re.compile(r"^population_census_2022/persons\.csv\.gz$"),
}
CROSSING_HEADER = (
    "crossing_id,record_status,extracted_at,crossing_time,direction,port_code,"
    "travel_doc_type,travel_doc_number,travel_doc_country,nationality,surname,given_names,"
    "date_of_birth,sex,national_id,visa_type,work_permit_number,flight_vessel,"
    "purpose_of_visit,intended_stay_days,declared_residence_country"
)
PERMIT_HEADER = [
    "Work Permit No",
    "Passport No",
    "Worker Name",
    "Nationality",
    "Gender",
    "Date of Birth",
    "Occupation",
    "ISCO-08",
    "Employer",
    "Employer Sector",
    "Work Location",
    "Issue Date",
    "Expiry Date",
    "Status",
    "Cancellation Reason",
]
CITIZEN_HEADER = (
    "NID;FULL_NAME;SEX;DOB;BIRTH_COUNTRY;BIRTH_ISLAND;REG_ATOLL;REG_ISLAND;"
    "CITIZENSHIP_BASIS;CITIZENSHIP_DATE;DEATH_DATE;LAST_UPDATED"
)
PASSPORT_HEADER = "PASSPORT_NO;NID;ISSUE_DATE;EXPIRY_DATE;STATUS"
CENSUS_HEADER = (
    "PERSON_ID,HH_ID,ATOLL,LOCALITY_TYPE,SEX,AGE,CITIZENSHIP,COUNTRY_OF_BIRTH,"
    "YEAR_OF_ARRIVAL,PREV_RES_COUNTRY,REASON_FOR_MIGRATION"
)


@pytest.fixture(scope="module")
def delivery(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("gen")
    out = root / "delivery"
    summary = generate(out, SCALE, SEED)
    return out, root / "delivery_truth", summary


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8")


@pytest.fixture(scope="module")
def crossings(delivery) -> pd.DataFrame:
    out, _, _ = delivery
    frames = []
    for f in sorted((out / "immigration").rglob("*.csv*")):
        df = pd.read_csv(io.StringIO(_read_text(f)), dtype=str, keep_default_na=False, na_values=[])
        df["_file"] = f.name
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- layout
def test_layout_and_keys(delivery):
    out, truth, summary = delivery
    assert truth == out.parent / "delivery_truth"
    assert sorted(p.name for p in out.iterdir()) == ["census", "immigration", "labour", "registry"]
    for f in out.rglob("*"):
        if f.is_file():
            bucket, key = f.relative_to(out).parts[0], "/".join(f.relative_to(out).parts[1:])
            m = KEY_PATTERNS[bucket].match(key)
            assert m, f"{bucket}/{key} matches no key pattern"
            if bucket == "immigration":
                assert m.group(2).startswith(m.group(1))
    daily = list((out / "immigration").rglob("border_crossings_*"))
    assert len(daily) == summary["crossing_files"] == 2373  # every day 2019-01-01..2025-06-30
    assert any(f.suffix == ".gz" for f in daily) and any(f.suffix == ".csv" for f in daily)
    assert len(list((out / "labour").rglob("*.xlsx"))) == 78
    assert len(list((out / "registry" / "citizens").glob("*.csv"))) == 27
    assert len(list((out / "registry" / "passports").glob("*.csv"))) == 27
    assert not any(truth.resolve().is_relative_to(p.resolve()) for p in [out])


def test_headers_and_encodings(delivery):
    out, _, _ = delivery
    for f in list((out / "immigration").rglob("*.csv*"))[:50]:
        text = _read_text(f)
        assert not text.startswith("\ufeff")
        assert text.split("\n", 1)[0] == CROSSING_HEADER
        assert "\r" not in text
    for sub, header in (("citizens", CITIZEN_HEADER), ("passports", PASSPORT_HEADER)):
        for f in (out / "registry" / sub).glob("*.csv"):
            raw = f.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), f
            first = raw[3:].split(b"\n", 1)[0].decode()
            assert first == header
    census = gzip.decompress((out / "census/population_census_2022/persons.csv.gz").read_bytes())
    assert census.decode().split("\n", 1)[0] == CENSUS_HEADER


def test_crossing_values(crossings):
    c = crossings
    assert c["crossing_id"].str.fullmatch(r"BC[0-9]{14}").all()
    assert set(c["record_status"]) == {"NEW", "CORRECTED", "VOID"}
    assert c["extracted_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00").all()
    assert c["crossing_time"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert set(c["direction"]) == {"ARR", "DEP"}
    assert set(c["port_code"]) <= {"MLE", "GAN", "HAQ", "NMF", "MLESP", "ULGSP", "GANSP"}
    assert c["travel_doc_number"].str.fullmatch(r"[A-Z0-9]{5,12}").all()
    assert c["date_of_birth"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert set(c["sex"]) <= {"M", "F", "X"}
    assert c["national_id"].str.fullmatch(r"(A[0-9]{6})?").all()
    assert c["surname"].str.fullmatch(r"[A-Z '\-]*").all()
    assert c["given_names"].str.fullmatch(r"[A-Z '\-]*").all()
    dep = c["direction"] == "DEP"
    assert (c.loc[dep, "purpose_of_visit"] == "").all()
    assert (c.loc[dep, "intended_stay_days"] == "").all()
    # the file holds the rows extracted on its date
    assert (c["_file"].str[17:25] == c["extracted_at"].str[:10].str.replace("-", "")).all()


def test_crossing_flaws(crossings):
    c = crossings
    new = c[c["record_status"] == "NEW"]
    n = len(new)
    assert 0.001 < (c["record_status"] == "CORRECTED").sum() / n < 0.02
    assert (c["record_status"] == "VOID").sum() > 0
    voided = set(c.loc[c["record_status"] == "VOID", "crossing_id"])
    assert voided <= set(new["crossing_id"])  # a VOID follows its NEW
    corrected = c[c["record_status"] == "CORRECTED"]
    assert set(corrected["crossing_id"]) <= set(new["crossing_id"])
    # late rows: crossing date before the extraction date
    late = new["crossing_time"].str[:10] < new["extracted_at"].str[:10]
    assert late.mean() > 0.005
    # partial birth dates, national id missing on some citizen crossings
    assert new["date_of_birth"].str.endswith("-00").any()
    cit = new[new["nationality"] == "MDV"]
    assert 0.05 < (cit["national_id"] == "").mean() < 0.25
    # ICAO exception codes
    codes = set(new["nationality"]) | set(new["travel_doc_country"])
    assert "D" in codes and "MDV" in codes
    # work permit numbers: mostly well formed, some empty or mistyped
    wp = new.loc[new["visa_type"] == "WORK", "work_permit_number"]
    ok = wp.str.fullmatch(r"WP[0-9]{4}-[0-9]{6}")
    assert ok.mean() > 0.9 and (~ok).sum() > 0
    assert (new.loc[new["visa_type"] != "WORK", "work_permit_number"] == "").all()


def test_xlsx_snapshot(delivery):
    out, _, _ = delivery
    openpyxl = pytest.importorskip("openpyxl")
    from python_calamine import CalamineWorkbook

    path = out / "labour/work_permits/work_permits_20230331.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Permits"]
    rows = list(wb["Permits"].iter_rows(values_only=True))
    assert rows[0][0] == "Work Permit Report as at 31/03/2023"
    assert all(v is None for v in rows[1])
    assert list(rows[2]) == PERMIT_HEADER
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Permits").to_python()[3:]
    df = pd.DataFrame(data, columns=PERMIT_HEADER)
    assert df["Work Permit No"].str.fullmatch(r"WP[0-9]{4}-[0-9]{6}").all()
    assert df["Work Permit No"].is_unique
    assert (df["Work Permit No"].str[2:6].astype(int) == df["Issue Date"].map(_year)).all()
    assert set(df["Status"]) == {"Active", "Expired", "Cancelled", "Transferred"}
    assert set(df["Cancellation Reason"]) <= {
        "",
        "Contract ended",
        "Resigned",
        "Left the country",
        "Changed to marriage visa",
        "Deceased",
        "Did not arrive",
    }
    assert (df.loc[df["Status"] != "Cancelled", "Cancellation Reason"] == "").all()
    kinds = df["Date of Birth"].map(type).value_counts()
    assert kinds.index[0].__name__ == "date" and str in kinds.index
    assert df["Issue Date"].map(lambda v: isinstance(v, str)).any()
    assert df["Passport No"].str.contains(r"[a-z]| |-").any()
    assert (~df["Nationality"].isin(["Bangladesh", "India", "Sri Lanka", "Nepal"])).any()
    assert set(df["Gender"]) == {"Male", "Female"}


def _year(v) -> int:
    if isinstance(v, str):
        return int(v[-4:])
    return v.year


def test_registry_values(delivery):
    out, _, _ = delivery
    path = out / "registry/citizens/citizens_20250630.csv"
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert df["NID"].str.fullmatch(r"A[0-9]{6}").all() and df["NID"].is_unique
    assert set(df["CITIZENSHIP_BASIS"]) == {"BIRTH", "DESCENT", "NATURALISATION"} or set(
        df["CITIZENSHIP_BASIS"]
    ) >= {"BIRTH", "DESCENT"}
    assert (df["DEATH_DATE"] != "").any()
    assert df["LAST_UPDATED"].str.fullmatch(r"\d{14}").all()
    pp = pd.read_csv(
        out / "registry/passports/passports_20250630.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    assert pp["PASSPORT_NO"].str.fullmatch(r"[A-Z][0-9]{7}").all() and pp["PASSPORT_NO"].is_unique
    assert pp["NID"].isin(df["NID"]).all()
    assert {"VALID", "EXPIRED"} <= set(pp["STATUS"])
    census = pd.read_csv(
        out / "census/population_census_2022/persons.csv.gz", dtype=str, keep_default_na=False
    )
    assert census["PERSON_ID"].is_unique
    assert census["CITIZENSHIP"].str.fullmatch(r"\d{3}").all()
    assert "462" in set(census["CITIZENSHIP"]) and "050" in set(census["CITIZENSHIP"])


def test_determinism(delivery, tmp_path):
    out, _, _ = delivery
    again = tmp_path / "again"
    generate(again, SCALE, SEED, truth=tmp_path / "t")
    a = {p.relative_to(out): _digest(p) for p in out.rglob("*") if p.is_file()}
    b = {p.relative_to(again): _digest(p) for p in again.rglob("*") if p.is_file()}
    assert a == b
    with pytest.raises(FileExistsError):
        generate(again, SCALE, SEED, truth=tmp_path / "t2")


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- truth
def test_truth_consistency(delivery, crossings):
    out, truth, summary = delivery
    for name in ("record_person", "crossings_true", "persons", "statistics", "statistics_method"):
        assert (truth / f"{name}.parquet").exists()
    rp = pd.read_parquet(truth / "record_person.parquet")
    bc = rp[rp["source_system"] == "border_crossings"]
    assert bc["source_record_id"].is_unique
    delivered = set(crossings["crossing_id"])
    assert delivered == set(bc["source_record_id"])
    assert set(bc.loc[bc["is_void"], "source_record_id"]) == set(
        crossings.loc[crossings["record_status"] == "VOID", "crossing_id"]
    )
    dups = bc[bc["record_kind"] == "duplicate"]
    assert len(dups) > 0 and dups["duplicate_of"].isin(bc["source_record_id"]).all()
    # every delivered permit, NID and passport number has a true person
    permits = set(rp.loc[rp["source_system"] == "work_permits", "source_record_id"])
    from python_calamine import CalamineWorkbook

    last = out / "labour/work_permits/work_permits_20250630.xlsx"
    rows = CalamineWorkbook.from_path(str(last)).get_sheet_by_name("Permits").to_python()[3:]
    assert {r[0] for r in rows} <= permits
    nids = set(rp.loc[rp["source_system"] == "citizens", "source_record_id"])
    cz = pd.read_csv(
        out / "registry/citizens/citizens_20250630.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    assert set(cz["NID"]) <= nids
    pps = set(rp.loc[rp["source_system"] == "passports", "source_record_id"])
    pp = pd.read_csv(
        out / "registry/passports/passports_20250630.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    assert set(pp["PASSPORT_NO"]) <= pps
    # crossings_true: every delivered event appears once, with a consistent person
    ct = pd.read_parquet(truth / "crossings_true.parquet")
    ev = bc[bc["record_kind"] == "event"]
    assert set(ev["source_record_id"]) == set(ct["crossing_id"].dropna())
    m = ct.dropna(subset=["crossing_id"]).merge(
        ev, left_on="crossing_id", right_on="source_record_id", suffixes=("", "_rp")
    )
    assert (m["true_person_id"] == m["true_person_id_rp"]).all()
    # true histories alternate and the verdicts are coherent
    ct = ct.sort_values(["true_person_id", "crossing_time"])
    same = ct["true_person_id"].eq(ct["true_person_id"].shift())
    assert not (same & ct["direction"].eq(ct["direction"].shift())).any()
    mig = ct["is_migration"]
    assert (ct.loc[mig, "is_resident_after"] == (ct.loc[mig, "direction"] == "ARR")).all()
    assert (ct.loc[~mig, "is_resident_after"] == ct.loc[~mig, "is_resident_before"]).all()
    assert summary["flaws"]["unrecorded_departure_rate"] > 0.003


def test_truth_statistics(delivery):
    _, truth, _ = delivery
    st = pd.read_parquet(truth / "statistics.parquet")
    sm = pd.read_parquet(truth / "statistics_method.parquet")
    assert list(sm.columns) == list(st.columns)
    assert set(sm["indicator_code"]) == set(st["indicator_code"])
    cols = [
        "indicator_code",
        "ref_area",
        "freq",
        "time_period",
        "sex",
        "age_group",
        "citizenship",
        "citizenship_group",
        "reason",
        "obs_value",
    ]
    assert list(st.columns) == cols
    key = cols[:-1]
    assert not st.duplicated(key).any()
    assert set(st["indicator_code"]) == {
        "MIG_STOCK",
        "RET_STOCK",
        "IMM",
        "EMI",
        "NET_MIG",
        "CIT_ABROAD",
        "TMP_ARR",
        "RES_POP",
    }
    tot = st[
        (st[["sex", "age_group", "citizenship", "citizenship_group", "reason"]] == "_T").all(axis=1)
    ]
    stocks = tot[tot["freq"] == "D"]
    assert "2022-09-17" in set(stocks["time_period"])
    assert len(set(stocks["time_period"])) == 27
    flows = tot[tot["indicator_code"] == "IMM"]
    assert flows.groupby("freq").size().to_dict() == {"A": 7, "M": 78, "Q": 26}
    # breakdowns add up to the total
    imm = st[(st["indicator_code"] == "IMM") & (st["freq"] == "A")]
    t = imm[
        (imm[["sex", "age_group", "citizenship", "citizenship_group", "reason"]] == "_T").all(
            axis=1
        )
    ]
    by_sex = imm[(imm["sex"] != "_T") & (imm["citizenship"] == "_T")]
    by_reason = imm[imm["reason"] != "_T"]
    tv = t.set_index("time_period")["obs_value"]
    assert (by_sex.groupby("time_period")["obs_value"].sum() == tv).all()
    assert (by_reason.groupby("time_period")["obs_value"].sum() == tv).all()
    net = st[(st["indicator_code"] == "NET_MIG") & (st["freq"] == "A")]
    emi = st[(st["indicator_code"] == "EMI") & (st["freq"] == "A")]
    k = ["time_period", "sex", "age_group", "citizenship", "citizenship_group"]
    i_t, e_t = imm[imm["reason"] == "_T"], emi[emi["reason"] == "_T"]
    chk = net.merge(i_t, on=k, how="left", suffixes=("", "_i"))
    chk = chk.merge(e_t, on=k, how="left", suffixes=("", "_e"))
    assert len(chk) == len(net)
    diff = chk["obs_value_i"].fillna(0) - chk["obs_value_e"].fillna(0)
    assert (chk["obs_value"] == diff).all()
    res = stocks[stocks["indicator_code"] == "RES_POP"]["obs_value"]
    mig = stocks[stocks["indicator_code"] == "MIG_STOCK"]["obs_value"]
    assert (res.to_numpy() > mig.to_numpy()).all() and (mig > 0).all()


# --------------------------------------------------------------------------- residence rule
def _one(days: list[int], dirs: list[str], initial: bool | None = None) -> pd.DataFrame:
    base = np.datetime64("2020-01-01")
    df = pd.DataFrame(
        {"person": 1, "date": [base + np.timedelta64(d, "D") for d in days], "direction": dirs}
    )
    init = None if initial is None else {1: initial}
    return classify(df, init)


def test_rule_325_in_20_out_142_in_is_immigration():
    r = _one([0, 325, 345], ["ARR", "DEP", "ARR"], initial=False)
    assert r["is_migration"].tolist() == [True, False, False]
    assert bool(r["is_resident_after"].iloc[0])
    assert r["resolved_date"].iloc[0] == pd.Timestamp("2020-01-01") + pd.Timedelta(days=365 + 20)


def test_rule_leaving_for_good_after_immigrating_is_emigration():
    r = _one([0, 325, 345, 487], ["ARR", "DEP", "ARR", "DEP"], initial=False)
    assert r["is_migration"].tolist() == [True, False, False, True]
    assert r["is_resident_after"].tolist() == [True, True, True, False]


def test_rule_eight_day_visit_is_not_migration():
    r = _one([0, 8], ["ARR", "DEP"], initial=False)
    assert not r["is_migration"].any()
    assert not r["is_resident_after"].any()
    assert r["resolved_date"].iloc[0] == pd.Timestamp("2020-01-01") + pd.Timedelta(days=122 + 8)


def test_rule_resident_away_275_days_has_not_emigrated():
    r = _one([0, 275], ["DEP", "ARR"], initial=True)
    assert not r["is_migration"].any()
    assert r["is_resident_after"].all()


def test_rule_359_in_122_out_back_for_good_is_immigration():
    r = _one([0, 359, 481], ["ARR", "DEP", "ARR"], initial=False)
    assert r["is_migration"].tolist() == [True, False, False]
    assert r["is_resident_after"].all()
    # one day more abroad (123) and it is not
    r = _one([0, 359, 482], ["ARR", "DEP", "ARR"], initial=False)
    assert r["is_migration"].tolist() == [False, False, True]


def test_rule_vectorised_equals_cpp_port():
    rng = np.random.default_rng(3)
    persons, days, arrs, inits, expected = [], [], [], [], []
    for p in range(3000):
        n = int(rng.integers(1, 10))
        gaps = rng.choice([0, 1, 8, 121, 122, 123, 243, 244, 245, 364, 365, 366, 487], n)
        gaps = np.where(rng.random(n) < 0.5, rng.integers(0, 600, n), gaps)
        d = (18000 + np.cumsum(gaps)).tolist()
        a0 = bool(rng.random() < 0.5)
        a = [a0 if k % 2 == 0 else not a0 for k in range(n)]
        init = None if rng.random() < 0.3 else bool(rng.random() < 0.5)
        expected.append(classify_loop(d, a, init))
        persons += [p] * n
        days += d
        arrs += a
        inits += [(not a[0]) if init is None else init] * n
    got = classify_arrays(np.array(persons), np.array(days), np.array(arrs), np.array(inits))
    k = 0
    for exp in expected:
        n = len(exp["is_migration"])
        for key in ("is_resident_before", "is_resident_after", "is_migration"):
            assert got[key][k : k + n].tolist() == [bool(v) for v in exp[key]]
        for key in ("resolved_before", "resolved_after", "resolved_date", "days_to_next"):
            assert got[key][k : k + n].tolist() == list(exp[key])
        k += n


def test_rule_single_crossing_against_current_date():
    df = pd.DataFrame({"person": [1], "date": [pd.Timestamp("2024-01-01")], "direction": ["ARR"]})
    assert classify(df)["is_migration"].iloc[0]
    assert not classify(df, current_date=pd.Timestamp("2024-06-01").date())["is_migration"].iloc[0]
    with pytest.raises(ValueError):
        _one([0, 5], ["ARR", "ARR"])


def test_rule_last_spell_ends_a_walk_within_the_person():
    # person 0 arrives and dies 100 days later: not an immigration, and the
    # walk must not run on into person 1's spells (in the country for years)
    pid = np.array([0, 1, 1])
    day = np.array([18000, 18000, 19000])
    arr = np.array([True, True, False])
    init = np.array([False, False, False])
    default = classify_arrays(pid, day, arr, init)
    assert default["is_migration"].tolist() == [True, True, True]
    spell = np.array([100, 487, 487])
    got = classify_arrays(pid, day, arr, init, last_spell=spell)
    assert got["is_migration"].tolist() == [False, True, True]
    assert not got["is_resident_after"][0]
    assert got["resolved_date"][0] == 18000 + 100
    same = classify_arrays(pid, day, arr, init, last_spell=np.full(3, 487))
    for key in default:
        assert same[key].tolist() == default[key].tolist()


def _tiny_world():
    """Persons, crossings and permits for the start-of-observation rules."""
    from migstat.generate import population as pop

    start = pop.OBS_START
    big = pop.BIG
    v = pop.V
    # person: (citizen from, death) ; crossings (day offset from start, arrival, visa)
    persons = [
        (-big, big, [(-30, False, "CITIZEN"), (100, False, "CITIZEN")]),  # 0 citizen, first DEP
        (big, big, [(400, False, "TOURIST")]),  # 1 present >= 365 days before the DEP
        (big, big, [(100, False, "TOURIST")]),  # 2 visitor leaving: not resident
        (big, big, [(100, False, "WORK")]),  # 3 residence-type visa
        (big, big, [(100, False, "TOURIST")]),  # 4 valid work permit that day
        (-big, big, [(100, True, "CITIZEN")]),  # 5 citizen away < 365 days
        (-big, big, [(400, True, "CITIZEN")]),  # 6 citizen away >= 365 days
        (big, big, []),  # 7 foreigner, permit, no crossing
        (-big, start + 200, []),  # 8 citizen without crossings, dies
        (big, big, [(10, True, "TOURIST")]),  # 9 visitor arriving: not resident
        (start + 300, big, []),  # 10 naturalised later, no crossing
    ]
    pid, day, arr, visa = [], [], [], []
    for i, (_cf, _d, xs) in enumerate(persons):
        for off, a, vt in xs:
            pid.append(i)
            day.append(start + off)
            arr.append(a)
            visa.append(v[vt])
    n = len(persons)
    world = pop.World(scale=0.0)
    world.persons = {
        "cit_from": np.array([p[0] for p in persons], np.int64),
        "death": np.array([p[1] for p in persons], np.int64),
        "dob": np.full(n, start - 30 * 365, np.int64),
        "init_res": np.zeros(n, bool),
    }
    world.crossings = {
        "pid": np.array(pid, np.int32),
        "day": np.array(day, np.int32),
        "arr": np.array(arr, bool),
        "visa": np.array(visa, np.int8),
    }
    # permits: person 4 (valid on its departure), person 7 (days 50..149)
    world.permits = {
        "pid": np.array([4, 7], np.int64),
        "issue": np.array([start + 50, start + 50], np.int32),
        "valid_days": np.array([365, 100], np.int32),
        "spell_end": np.array([start + 50, start + 50], np.int32),
        "transferred": np.array([False, False]),
        "cancel_day": np.array([big, big], np.int32),
        "cancel_reason": np.array([-1, -1], np.int8),
    }
    return world


def test_methodology_truth_start_of_observation():
    from migstat.generate import population as pop
    from migstat.generate import truth as T

    world = _tiny_world()
    mw = T.methodology_world(world)
    # the crossing before the start of observation is not seen
    assert int((mw.crossings["pid"] == 0).sum()) == 1
    init = mw.persons["init_res"]
    expected = {0: True, 1: True, 2: False, 3: True, 4: True, 5: True, 6: False, 9: False}
    assert {k: bool(init[k]) for k in expected} == expected
    assert mw.persons["no_crossings"].tolist() == [
        False, False, False, False, False, False, False, True, True, False, True
    ]  # fmt: skip
    mc = T.classify_methodology(mw)
    pids = np.arange(11)
    at = {d: T.resident_on(mw, mc, pids, pop.OBS_START + d) for d in (20, 60, 250, 350)}
    # no crossing: the foreigner on the permit's days, the citizen while alive,
    # the naturalised citizen from naturalisation
    assert [bool(at[d][7]) for d in (20, 60, 250)] == [False, True, False]
    assert [bool(at[d][8]) for d in (20, 250)] == [True, False]
    assert [bool(at[d][10]) for d in (250, 350)] == [False, True]
    # before the first crossing: the state at the start
    assert bool(at[60][1]) and not bool(at[60][2]) and bool(at[20][5]) and not bool(at[20][6])


def test_csv_is_plain(delivery):
    out, _, _ = delivery
    f = next((out / "immigration").rglob("*.csv"))
    rows = list(csv.reader(io.StringIO(f.read_text())))
    assert all(len(r) == 21 for r in rows)
