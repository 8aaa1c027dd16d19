"""The seeds in seeds/ are what scripts/build_seeds.py writes, and they hold
every code the specs list (extracts.md, methodology.md section 4)."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


def _load_script():
    spec = importlib.util.spec_from_file_location("build_seeds", REPO / "scripts/build_seeds.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_seeds"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build_seeds = _load_script()


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return build_seeds.render_all("MDV")


def rows(name: str) -> list[dict[str, str]]:
    text = (SEEDS / f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def crosswalk() -> dict[tuple[str, str], dict[str, str]]:
    return {(r["code_system"], r["source_code"]): r for r in rows("country_code_crosswalk")}


def test_script_is_deterministic(rendered):
    assert build_seeds.render_all("MDV") == rendered


def test_committed_seeds_equal_script_output(rendered):
    # Other seeds may live in seeds/ (written by hand elsewhere); the script's must all be there.
    missing = {n for n in rendered if not (SEEDS / n).exists()}
    assert not missing, f"run `python scripts/build_seeds.py`: {missing} missing"
    stale = [n for n, text in rendered.items() if (SEEDS / n).read_text(encoding="utf-8") != text]
    assert not stale, f"run `python scripts/build_seeds.py`: {stale} are out of date"


def test_check_mode(tmp_path):
    assert build_seeds.main(["--out", str(tmp_path)]) == 0
    assert build_seeds.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "countries.csv").write_text("iso3\n", encoding="utf-8")
    assert build_seeds.main(["--out", str(tmp_path), "--check"]) == 1


def test_every_seed_is_declared_in_yml():
    yml = (SEEDS / "_seeds__models.yml").read_text(encoding="utf-8")
    declared = set(re.findall(r"^  - name: (\w+)$", yml, flags=re.M))
    every_seed = sorted(SEEDS.glob("*.csv"))
    assert declared == {p.stem for p in every_seed}
    for p in every_seed:
        header = p.read_text(encoding="utf-8").splitlines()[0].split(",")
        block = yml.split(f"  - name: {p.stem}\n", 1)[1].split("\n  - name: ", 1)[0]
        for column in header:
            assert f"        {column}: " in block, f"{p.stem}.{column}: no column_types"
            assert f"      - name: {column}\n" in block, f"{p.stem}.{column}: not described"


ICAO_EXCEPTIONS = {
    "D": "DEU",
    "D<<": "DEU",
    "GBD": "GBR",
    "GBN": "GBR",
    "GBO": "GBR",
    "GBP": "GBR",
    "GBS": "GBR",
    "RKS": "XKX",
    "UNK": "XKX",
    "UNO": "_U",
    "UNA": "_U",
    "EUE": "_U",
    "XXA": "XXA",
    "XXB": "_U",
    "XXC": "_U",
    "XXX": "_U",
}


@pytest.mark.parametrize(("code", "iso3"), sorted(ICAO_EXCEPTIONS.items()))
def test_icao_exception_maps(crosswalk, code, iso3):
    row = crosswalk[("icao", code)]
    assert row["iso3"] == iso3
    assert row["is_exception"] == "true"


def test_every_iso_country_is_in_every_code_system(crosswalk):
    import pycountry

    for c in pycountry.countries:
        assert crosswalk[("icao", c.alpha_3)]["iso3"] == c.alpha_3
        assert crosswalk[("iso2", c.alpha_2)]["iso3"] == c.alpha_3
        assert crosswalk[("m49", c.numeric)]["iso3"] == c.alpha_3
        assert crosswalk[("name", c.name.lower())]["iso3"] == c.alpha_3


@pytest.mark.parametrize(
    ("system", "code", "iso3"),
    [
        ("iso2", "MV", "MDV"),
        ("iso2", "NA", "NAM"),  # Namibia, not a missing value
        ("iso2", "XK", "XKX"),
        ("m49", "462", "MDV"),
        ("m49", "050", "BGD"),
        ("m49", "356", "IND"),
        ("m49", "999", "_U"),
        ("name", "bangladesh", "BGD"),
        ("name", "bangaldesh", "BGD"),
        ("name", "india", "IND"),
        ("name", "sri lanka", "LKA"),
        ("name", "srilanka", "LKA"),
        ("name", "nepal", "NPL"),
        ("name", "philippines", "PHL"),
        ("name", "phillipines", "PHL"),
        ("name", "pakistan", "PAK"),
        ("name", "maldives", "MDV"),
        ("name", "united kingdom", "GBR"),
        ("name", "south korea", "KOR"),
        ("name", "congo", "COG"),
        ("name", "cote d'ivoire", "CIV"),
    ],
)
def test_spec_codes_present(crosswalk, system, code, iso3):
    assert crosswalk[(system, code)]["iso3"] == iso3


def test_ambiguous_names_resolved_only_by_a_stated_exception(crosswalk):
    # "korea" is shared by two countries in the libraries; the labour registers
    # mean the Republic of Korea, a documented exception of the script
    entry = crosswalk[("name", "korea")]
    assert entry["iso3"] == "KOR"
    assert entry["is_exception"] in (True, "true")


def test_names_are_lower_case_and_trimmed(crosswalk):
    for system, code in crosswalk:
        if system == "name":
            assert code == code.strip().lower() and "  " not in code


def test_derived_names_agree_with_country_converter(crosswalk):
    derived = [(c, r["iso3"]) for (s, c), r in crosswalk.items() if s == "name"]
    found = build_seeds.coco_iso3([c for c, _ in derived])
    agree = sum(f == iso3 for f, (_, iso3) in zip(found, derived, strict=True))
    assert agree / len(derived) > 0.97


def test_m49_codes_are_three_digit_text():
    for r in rows("countries"):
        assert r["m49"] == "" or re.fullmatch(r"[0-9]{3}", r["m49"]), r
    for r in rows("country_code_crosswalk"):
        assert r["m49"] == "" or re.fullmatch(r"[0-9]{3}", r["m49"]), r
        if r["code_system"] == "m49":
            assert re.fullmatch(r"[0-9]{3}", r["source_code"]), r


def test_crosswalk_targets_are_countries():
    iso3 = {r["iso3"] for r in rows("countries")}
    assert {"XKX", "XXA", "_U"} <= iso3
    assert {r["iso3"] for r in rows("country_code_crosswalk")} <= iso3


def test_atolls_cover_the_spec_prefixes():
    prefixes = [
        "HA",
        "HDh",
        "Sh",
        "N",
        "R",
        "B",
        "Lh",
        "K",
        "AA",
        "ADh",
        "V",
        "M",
        "F",
        "Dh",
        "Th",
        "L",
        "GA",
        "GDh",
        "Gn",
        "S",
        "MLE",
    ]
    by_prefix = {r["atoll_prefix"]: r for r in rows("atolls")}
    assert set(by_prefix) == {p.upper() for p in prefixes}
    assert by_prefix["MLE"]["subdivision_code"] == "MV-MLE"
    assert by_prefix["K"]["subdivision_code"] == "MV-26"
    assert by_prefix["S"]["subdivision_code"] == "MV-01"
    assert len({r["subdivision_code"] for r in by_prefix.values()}) == len(by_prefix)


def test_code_lists_of_the_specs():
    assert {r["port_code"] for r in rows("port_codes")} == {
        "MLE",
        "GAN",
        "HAQ",
        "NMF",
        "MLESP",
        "ULGSP",
        "GANSP",
    }
    assert [r["indicator_code"] for r in rows("indicators")] == [
        "MIG_STOCK",
        "RET_STOCK",
        "IMM",
        "EMI",
        "NET_MIG",
        "CIT_ABROAD",
        "TMP_ARR",
        "RES_POP",
    ]
    assert [r["age_group"] for r in rows("age_groups")] == [
        "Y0T14",
        "Y15T24",
        "Y25T34",
        "Y35T44",
        "Y45T54",
        "Y55T64",
        "Y_GE65",
        "_U",
        "_T",
    ]
    visa = {r["visa_type"]: r["reason"] for r in rows("visa_type_reasons")}
    assert visa == {
        "WORK": "WORK",
        "DEPENDENT": "FAMILY",
        "MARRIAGE": "FAMILY",
        "STUDENT": "STUDY",
        "TOURIST": "TOURISM",
        "BUSINESS": "OTHER",
        "DIPLOMATIC": "OTHER",
        "CREW": "OTHER",
        "TRANSIT": "OTHER",
        "OTHER": "OTHER",
        "RESIDENT": "",
        "CITIZEN": "",
    }
    purpose = {r["purpose_of_visit"]: r["reason"] for r in rows("purpose_reasons")}
    assert purpose == {
        "EMPLOYMENT": "WORK",
        "FAMILY": "FAMILY",
        "EDUCATION": "STUDY",
        "HOLIDAY": "TOURISM",
        "BUSINESS": "OTHER",
        "MEDICAL": "OTHER",
        "TRANSIT": "OTHER",
        "OTHER": "OTHER",
        "RETURNING_RESIDENT": "",
    }
    sectors = {r["source_text"] for r in rows("employer_sectors")}
    assert sectors == {
        "Tourism",
        "Construction",
        "Fisheries",
        "Wholesale and Retail",
        "Health",
        "Education",
        "Manufacturing",
        "Transport",
        "Domestic Services",
        "Other",
    }
    assert [r["major_group"] for r in rows("isco08_major_groups")] == list("0123456789")
    sex = {(r["source_system"], r["source_code"]): r["sex"] for r in rows("sex_codes")}
    assert sex[("border_crossings", "X")] == "_U"
    assert sex[("work_permits", "FEMALE")] == "F"
    assert sex[("citizens", "1")] == sex[("census_persons", "1")] == "M"
