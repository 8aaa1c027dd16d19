"""Build migstat's code lists and crosswalks (the dbt seeds in ``seeds/``).

Country codes and names come from ``pycountry`` (ISO 3166-1 / 3166-2) and
``country_converter`` (short names, UN regions); nothing there is typed by
hand. What *is* typed is kept as data at the top of this file, in two groups:

* the exception tables the specs themselves give (ICAO Doc 9303 codes that
  are not ISO alpha-3, the labour extract's misspellings, the statistical
  code lists of methodology section 4), and international classifications
  that no installed library carries (ISIC Rev.4 sections, ISCO-08 major
  groups);
* the **country profile** (``COUNTRY_PROFILES``): the reporting country's
  first-level subdivision prefixes, ports of entry and labour-sector texts.
  Deploying migstat for another country means adding a profile here and
  running ``python scripts/build_seeds.py --country XXX``; the seeds that
  come from the profile are ``atolls.csv``, ``port_codes.csv`` and
  ``employer_sectors.csv`` (each carries a ``country_iso3`` column).

Usage::

    python scripts/build_seeds.py               # (re)write seeds/*.csv
    python scripts/build_seeds.py --check       # exit 1 if seeds/ differs
    python scripts/build_seeds.py --out DIR     # write elsewhere

The output is deterministic: rows are sorted, CSVs are UTF-8 with ``\\n``
line ends and minimal quoting.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pycountry

# ---------------------------------------------------------------------------
# Exception tables given by the specs (extracts.md, methodology.md)
# ---------------------------------------------------------------------------

UNKNOWN = "_U"  # methodology section 4: unknown or unspecified
STATELESS = "XXA"  # methodology section 4: stateless
KOSOVO = "XKX"  # user-assigned ISO code in general use (EU, IMF, World Bank)

# ICAO Doc 9303 three-letter codes that are not ISO 3166-1 alpha-3
# (extracts.md, border_crossings): code -> (iso3, note).
ICAO_EXCEPTIONS: dict[str, tuple[str, str]] = {
    "D": ("DEU", "Germany (ICAO uses D, not DEU)"),
    "D<<": ("DEU", "Germany, D padded with the MRZ filler character"),
    "GBD": ("GBR", "British Overseas Territories citizen (methodology: GBR)"),
    "GBN": ("GBR", "British National (Overseas) (methodology: GBR)"),
    "GBO": ("GBR", "British Overseas citizen (methodology: GBR)"),
    "GBP": ("GBR", "British protected person (methodology: GBR)"),
    "GBS": ("GBR", "British subject (methodology: GBR)"),
    "RKS": (KOSOVO, "Kosovo (methodology: XKX)"),
    "UNK": (
        KOSOVO,
        "UNMIK travel document issued to a resident of Kosovo; the holder is "
        "counted as Kosovo, like RKS",
    ),
    "UNO": (UNKNOWN, "United Nations official; the document does not give the citizenship"),
    "UNA": (
        UNKNOWN,
        "official of a UN specialized agency; the document does not give the citizenship",
    ),
    "EUE": (
        UNKNOWN,
        "European Union laissez-passer; the document does not give the citizenship",
    ),
    "XXA": (STATELESS, "stateless person (1954 Convention)"),
    "XXB": (UNKNOWN, "refugee (1951 Convention); citizenship not recorded, not stateless"),
    "XXC": (UNKNOWN, "refugee, other convention; citizenship not recorded, not stateless"),
    "XXX": (UNKNOWN, "person of unspecified nationality"),
}

# ISO alpha-2 codes used in registers that ISO 3166-1 does not assign.
ISO2_EXCEPTIONS: dict[str, tuple[str, str]] = {
    "XK": (KOSOVO, "Kosovo, user-assigned alpha-2 code in general use"),
}

# Census M49 codes that are not countries (extracts.md, census).
M49_EXCEPTIONS: dict[str, tuple[str, str]] = {
    "999": (UNKNOWN, "not stated (census convention)"),
}

# Nationality texts of the labour extract that no library spells: the
# misspellings extracts.md lists, further misspellings of the same kind for
# the same countries, and nationality adjectives (demonyms) that agents type
# in a "Nationality" column, for the main origin countries of labour migrants
# in South Asia and the Gulf-Asia corridor. Matched lower-cased and trimmed.
NAME_EXCEPTIONS: dict[str, tuple[str, str]] = {
    "bangaldesh": ("BGD", "misspelling listed in extracts.md"),
    "srilanka": ("LKA", "misspelling listed in extracts.md"),
    "phillipines": ("PHL", "misspelling listed in extracts.md"),
    "phillippines": ("PHL", "misspelling of the kind listed in extracts.md"),
    "philipines": ("PHL", "misspelling of the kind listed in extracts.md"),
    "bangladeshi": ("BGD", "demonym typed as nationality"),
    "indian": ("IND", "demonym typed as nationality"),
    "sri lankan": ("LKA", "demonym typed as nationality"),
    "nepali": ("NPL", "demonym typed as nationality"),
    "nepalese": ("NPL", "demonym typed as nationality"),
    "filipino": ("PHL", "demonym typed as nationality"),
    "pakistani": ("PAK", "demonym typed as nationality"),
    "indonesian": ("IDN", "demonym typed as nationality"),
    "chinese": ("CHN", "demonym typed as nationality"),
    "thai": ("THA", "demonym typed as nationality"),
    "maldivian": ("MDV", "demonym typed as nationality"),
    "stateless": (STATELESS, "no nationality"),
    "korea": (
        "KOR",
        "short form used for the Republic of Korea in labour registers (the DPRK does not "
        "take part in the work-permit schemes of the countries served)",
    ),
}

# Former or colloquial English names that a person types for a country.
# Each is accepted only because country_converter's own name matcher resolves
# it to the same ISO alpha-3 (checked when the seeds are built).
NAME_ALIASES: dict[str, str] = {
    "burma": "MMR",
    "ivory coast": "CIV",
    "swaziland": "SWZ",
    "east timor": "TLS",
    "cape verde": "CPV",
    "macedonia": "MKD",
    "turkey": "TUR",
    "uk": "GBR",
    "great britain": "GBR",
    "usa": "USA",
    "u.s.a.": "USA",
    "vatican": "VAT",
    "persia": "IRN",
    "zaire": "COD",
}

# Methodology section 4: the statistics and their core numbers.
INDICATORS = [
    # code, core number, kind, label, description
    (
        "MIG_STOCK",
        "1.1",
        "stock",
        "International migrant stock",
        "Usual residents on the reference date who are foreign citizens or citizens born abroad.",
    ),
    (
        "RET_STOCK",
        "1.2",
        "stock",
        "Stock of return migrants",
        "Citizens born in the country, usual residents on the reference date, who became "
        "usual residents again by an immigration during the observation period.",
    ),
    (
        "IMM",
        "1.3",
        "flow",
        "Immigrants",
        "Immigrations in the period under the outcome-based residence rule; a citizen's "
        "immigration is a return.",
    ),
    (
        "EMI",
        "1.4",
        "flow",
        "Emigrants",
        "Emigrations in the period under the outcome-based residence rule.",
    ),
    ("NET_MIG", "", "flow", "Net migration", "Immigrants (IMM) minus emigrants (EMI)."),
    (
        "CIT_ABROAD",
        "",
        "stock",
        "Citizens abroad",
        "Citizens alive and not usual residents on the reference date, having emigrated "
        "during the observation period.",
    ),
    (
        "TMP_ARR",
        "",
        "flow",
        "Temporary mobility: visitor arrivals",
        "Arrivals of non-residents that are not immigrations.",
    ),
    (
        "RES_POP",
        "",
        "stock",
        "Usual resident population (admin-based)",
        "All usual residents on the reference date.",
    ),
]

# Methodology section 4: age groups (completed years).
AGE_GROUPS = [
    # code, min, max (inclusive; empty = open), label
    ("Y0T14", 0, 14, "0 to 14 years"),
    ("Y15T24", 15, 24, "15 to 24 years"),
    ("Y25T34", 25, 34, "25 to 34 years"),
    ("Y35T44", 35, 44, "35 to 44 years"),
    ("Y45T54", 45, 54, "45 to 54 years"),
    ("Y55T64", 55, 64, "55 to 64 years"),
    ("Y_GE65", 65, None, "65 years or over"),
    ("_U", None, None, "Unknown age"),
    ("_T", None, None, "Total"),
]

# Methodology section 4: reasons for migration or mobility.
REASONS = [
    ("WORK", "Work", "Work visa or work permit, or declared employment."),
    ("FAMILY", "Family", "Dependent or marriage visa, or declared family purpose."),
    ("STUDY", "Study", "Student visa or declared education."),
    ("TOURISM", "Tourism", "Holiday or tourist visit (visitors only)."),
    ("OTHER", "Other", "Any other known reason (business, medical, transit, crew, ...)."),
    (UNKNOWN, "Unknown", "No source gives a reason."),
    ("_T", "Total", "All reasons."),
]

# border_crossings.visa_type -> reason; None = the visa says nothing about the
# reason: look at the linked work permit, then the declared purpose.
# TOURISM is for visitors only (methodology 4): for a migration (IMM, EMI)
# the column reason_migration applies, where a tourist visa says nothing.
# implies_residence: the visas under which a first observed departure makes
# the person a usual resident at the start of observation (methodology 1).
VISA_TYPE_REASONS = [
    # visa_type, reason, reason_migration, implies_residence, note
    ("WORK", "WORK", "WORK", True, ""),
    ("DEPENDENT", "FAMILY", "FAMILY", True, ""),
    ("MARRIAGE", "FAMILY", "FAMILY", True, ""),
    ("STUDENT", "STUDY", "STUDY", True, ""),
    ("TOURIST", "TOURISM", None, False, "TOURISM for visitors only; a migrant: look further"),
    ("BUSINESS", "OTHER", "OTHER", False, ""),
    ("DIPLOMATIC", "OTHER", "OTHER", False, ""),
    ("CREW", "OTHER", "OTHER", False, ""),
    ("TRANSIT", "OTHER", "OTHER", False, ""),
    ("OTHER", "OTHER", "OTHER", False, ""),
    ("RESIDENT", None, None, True, "residence visa: look at the work permit, then the purpose"),
    ("CITIZEN", None, None, False, "citizen: look at the work permit, then the purpose"),
]

# border_crossings.purpose_of_visit -> reason; None = look further.
# The declared purpose is the last source: None here means _U.
PURPOSE_REASONS = [
    # purpose_of_visit, reason, reason_migration, note
    ("EMPLOYMENT", "WORK", "WORK", ""),
    ("FAMILY", "FAMILY", "FAMILY", ""),
    ("EDUCATION", "STUDY", "STUDY", ""),
    ("HOLIDAY", "TOURISM", "OTHER", "TOURISM for visitors only; a migrant: OTHER"),
    ("BUSINESS", "OTHER", "OTHER", ""),
    ("MEDICAL", "OTHER", "OTHER", ""),
    ("TRANSIT", "OTHER", "OTHER", ""),
    ("OTHER", "OTHER", "OTHER", ""),
    ("RETURNING_RESIDENT", None, None, "a return says nothing of the reason"),
]

# census_persons.reason_for_migration -> reason (for census comparisons).
CENSUS_REASONS = [
    ("1", "employment", "WORK"),
    ("2", "family", "FAMILY"),
    ("3", "education", "STUDY"),
    ("4", "marriage", "FAMILY"),
    ("5", "other", "OTHER"),
    ("9", "not stated", UNKNOWN),
]

# Sex codes of each source; source_code is compared with upper(trim(value)).
SEX_CODES = [
    # source_system (dataset), source_column, source_code, sex, note
    ("border_crossings", "sex", "M", "M", ""),
    ("border_crossings", "sex", "F", "F", ""),
    ("border_crossings", "sex", "X", UNKNOWN, "unspecified (ICAO Doc 9303)"),
    ("work_permits", "gender", "MALE", "M", "delivered as Male"),
    ("work_permits", "gender", "FEMALE", "F", "delivered as Female"),
    ("citizens", "sex", "1", "M", ""),
    ("citizens", "sex", "2", "F", ""),
    ("census_persons", "sex", "1", "M", ""),
    ("census_persons", "sex", "2", "F", ""),
]
SEX_LABELS = [
    ("M", "Male"),
    ("F", "Female"),
    (UNKNOWN, "Unknown or unspecified"),
    ("_T", "Total"),
]

# ISIC Rev.4 sections (UN Statistics Division, ST/ESA/STAT/SER.M/4/Rev.4).
ISIC4_SECTIONS = {
    "A": "Agriculture, forestry and fishing",
    "C": "Manufacturing",
    "F": "Construction",
    "G": "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    "H": "Transportation and storage",
    "I": "Accommodation and food service activities",
    "P": "Education",
    "Q": "Human health and social work activities",
    "T": (
        "Activities of households as employers; undifferentiated goods- and "
        "services-producing activities of households for own use"
    ),
}

# ISCO-08 major groups (ILO, International Standard Classification of
# Occupations 2008, volume 1).
ISCO08_MAJOR_GROUPS = [
    ("0", "Armed forces occupations"),
    ("1", "Managers"),
    ("2", "Professionals"),
    ("3", "Technicians and associate professionals"),
    ("4", "Clerical support workers"),
    ("5", "Service and sales workers"),
    ("6", "Skilled agricultural, forestry and fishery workers"),
    ("7", "Craft and related trades workers"),
    ("8", "Plant and machine operators, and assemblers"),
    ("9", "Elementary occupations"),
]

# ---------------------------------------------------------------------------
# Country profiles: everything specific to the reporting country
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryProfile:
    iso3: str
    # (prefix as written in the sources, its name, ISO 3166-2 code). The
    # prefix is matched upper-cased; the ISO code is checked against pycountry
    # and the subdivision name is taken from there.
    subdivisions: list[tuple[str, str, str, str]]
    # (port_code, name, kind air/sea)
    ports: list[tuple[str, str, str]]
    # (sector text as delivered, code, ISIC Rev.4 section or None)
    employer_sectors: list[tuple[str, str, str | None]]


COUNTRY_PROFILES: dict[str, CountryProfile] = {
    # Maldives: the registry, census and work-permit prefixes are the Thaana
    # letter designations of the administrative atolls (Haa Alif = North
    # Thiladhunmathi, ...). ISO 3166-2:MV codes them by number, so the pairing
    # below is the official letter <-> atoll correspondence. MLE is the Malé
    # City area of the census (ISO MV-MLE). Addu (S) is a city in ISO.
    "MDV": CountryProfile(
        iso3="MDV",
        subdivisions=[
            ("HA", "Haa Alif", "MV-07", ""),
            ("HDh", "Haa Dhaalu", "MV-23", ""),
            ("Sh", "Shaviyani", "MV-24", ""),
            ("N", "Noonu", "MV-25", ""),
            ("R", "Raa", "MV-13", ""),
            ("B", "Baa", "MV-20", ""),
            ("Lh", "Lhaviyani", "MV-03", ""),
            (
                "K",
                "Kaafu",
                "MV-26",
                "Kaafu atoll; the islands of Malé City written with K (K. Male) "
                "are Malé City, MV-MLE",
            ),
            ("AA", "Alif Alif", "MV-02", ""),
            ("ADh", "Alif Dhaal", "MV-00", ""),
            ("V", "Vaavu", "MV-04", ""),
            ("M", "Meemu", "MV-12", ""),
            ("F", "Faafu", "MV-14", ""),
            ("Dh", "Dhaalu", "MV-17", ""),
            ("Th", "Thaa", "MV-08", ""),
            ("L", "Laamu", "MV-05", ""),
            ("GA", "Gaafu Alif", "MV-27", ""),
            ("GDh", "Gaafu Dhaalu", "MV-28", ""),
            ("Gn", "Gnaviyani", "MV-29", ""),
            ("S", "Seenu", "MV-01", "Addu City"),
            ("MLE", "Malé", "MV-MLE", "Malé City area (census ATOLL code)"),
        ],
        ports=[
            ("MLE", "Velana International Airport", "air"),
            ("GAN", "Gan International Airport", "air"),
            ("HAQ", "Hanimaadhoo International Airport", "air"),
            ("NMF", "Maafaru International Airport", "air"),
            ("MLESP", "Malé commercial harbour", "sea"),
            ("ULGSP", "Uligan yacht port", "sea"),
            ("GANSP", "Gan yacht port", "sea"),
        ],
        employer_sectors=[
            ("Tourism", "TOURISM", "I"),
            ("Construction", "CONSTRUCTION", "F"),
            ("Fisheries", "FISHERIES", "A"),
            ("Wholesale and Retail", "TRADE", "G"),
            ("Health", "HEALTH", "Q"),
            ("Education", "EDUCATION", "P"),
            ("Manufacturing", "MANUFACTURING", "C"),
            ("Transport", "TRANSPORT", "H"),
            ("Domestic Services", "DOMESTIC", "T"),
            ("Other", "OTHER", None),
        ],
    ),
}

# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------


def load_coco() -> pd.DataFrame:
    """country_converter's country table, read without NA guessing.

    ``country_converter.CountryConverter()`` cannot be built under pandas 3
    (Namibia's ``NA`` becomes a missing value), so its packaged table is read
    directly, every cell as text, obsolete entries dropped.
    """
    import country_converter

    path = Path(country_converter.__file__).with_name("country_data.tsv")
    df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    return df[df["obsolete"] == ""].reset_index(drop=True)


def coco_converter():
    """A working ``CountryConverter`` (for its name matcher)."""
    import country_converter

    return country_converter.CountryConverter(country_data=load_coco().replace("", None))


def coco_iso3(names: list[str]) -> list[str | None]:
    import logging

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    cc = coco_converter()
    out = cc.convert(names, src="regex", to="ISO3", not_found=None)
    out = out if isinstance(out, list) else [out]
    return [o if isinstance(o, str) else None for o in out]


# ---------------------------------------------------------------------------
# Countries and the country-code crosswalk
# ---------------------------------------------------------------------------


def build_countries(coco: pd.DataFrame) -> list[dict]:
    by_iso3 = {r.ISO3: r for r in coco.itertuples()}
    rows = []
    for c in pycountry.countries:
        r = by_iso3.get(c.alpha_3)
        rows.append(
            {
                "iso3": c.alpha_3,
                "iso2": c.alpha_2,
                "m49": c.numeric,
                "name": c.name,
                "common_name": r.name_short if r is not None else c.name,
                "official_name": getattr(c, "official_name", c.name),
                "continent": (r.continent or None) if r is not None else None,
                "un_subregion": (r.UNregion or None) if r is not None else None,
                "kind": "country",
            }
        )
    k = by_iso3[KOSOVO]
    rows.append(
        {
            "iso3": KOSOVO,
            "iso2": "XK",
            "m49": None,
            "name": k.name_short,
            "common_name": k.name_short,
            "official_name": k.name_official,
            "continent": k.continent,
            "un_subregion": k.UNregion,
            "kind": "user_assigned",
        }
    )
    rows.append(
        {
            "iso3": STATELESS,
            "iso2": None,
            "m49": None,
            "name": "Stateless",
            "common_name": "Stateless",
            "official_name": "Stateless person",
            "continent": None,
            "un_subregion": None,
            "kind": "stateless",
        }
    )
    rows.append(
        {
            "iso3": UNKNOWN,
            "iso2": None,
            "m49": None,
            "name": "Unknown",
            "common_name": "Unknown",
            "official_name": "Unknown or unspecified citizenship",
            "continent": None,
            "un_subregion": None,
            "kind": "unknown",
        }
    )
    for row in rows:
        assert row["m49"] is None or re.fullmatch(r"[0-9]{3}", row["m49"]), row
    return sorted(rows, key=lambda r: r["iso3"])


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower())


def _ascii(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def _structural_variants(name: str) -> dict[str, str]:
    """Word-order variants of an ISO-style name: variant -> rule."""
    out: dict[str, str] = {}
    m = re.fullmatch(r"([^,()]+), ([^,()]+)", name)
    if m:
        a, b = m.groups()
        if re.search(r"\bof( the)?$", b):  # "korea, republic of"
            out[f"{b} {a}"] = "inverted"
            out[f"{a} ({b})"] = "UN style"
        elif " " not in b:  # "virgin islands, british"
            out[f"{b} {a}"] = "inverted"
    m = re.fullmatch(r"(.+?) \(([^()]+)\)(.*)", name)
    if m:  # "falkland islands (malvinas)" -> "falkland islands"
        out[_norm(m.group(1) + m.group(3))] = "parenthesis dropped"
    return out


def _spelling_variants(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if name.startswith("the "):
        out[name[4:]] = "leading 'the' dropped"
    folded = _ascii(name)
    if folded != name:
        out[folded] = "accents dropped"
    if re.search(r"\bsaint\b", name):
        out[re.sub(r"\bsaint\b", "st.", name)] = "saint as st."
        out[re.sub(r"\bsaint\b", "st", name)] = "saint as st"
    if re.search(r"\bst\.", name):
        out[re.sub(r"\bst\.", "saint", name)] = "st. as saint"
    if " and " in name:
        out[name.replace(" and ", " & ")] = "and as &"
    nopunct = _norm(re.sub(r"[.'’]", "", name))
    if nopunct != name:
        out[nopunct] = "punctuation dropped"
    return out


def _closure(seeds: dict[str, str], fn) -> dict[str, str]:
    out = dict(seeds)
    todo = list(seeds)
    while todo:
        cur = todo.pop()
        for v, rule in fn(cur).items():
            v = _norm(v)
            if v and v not in out:
                out[v] = f"{out[cur]}, {rule}"
                todo.append(v)
    return out


def country_names(c, coco_row) -> dict[str, str]:
    """Every English spelling of one country: lower-cased name -> derivation."""
    base: dict[str, str] = {}
    short: set[str] = set()

    def add(value: str | None, origin: str, is_short: bool) -> None:
        if value:
            n = _norm(value)
            base.setdefault(n, origin)
            if is_short:
                short.add(n)

    if c is not None:
        add(c.name, "pycountry name", True)
        add(getattr(c, "common_name", None), "pycountry common_name", True)
        add(getattr(c, "official_name", None), "pycountry official_name", False)
    if coco_row is not None:
        add(coco_row.name_short, "country_converter name_short", True)
        add(coco_row.name_official, "country_converter name_official", False)
    names = _closure(base, _structural_variants)
    short_forms = _closure({n: base[n] for n in short}, _structural_variants)
    names = _closure(names, _spelling_variants)
    for n in sorted(short_forms):  # "sri lanka" -> "srilanka" (extracts.md)
        for form in {n, _ascii(n)}:
            joined = form.replace(" ", "")
            if (
                " " in form
                and len(form.split()) <= 3
                and re.fullmatch(r"[^\W\d_ ]+( [^\W\d_]+)+", form)
            ):
                names.setdefault(joined, f"{names[n]}, spaces dropped")
    return names


AMBIGUOUS_NAMES: dict[str, list[str]] = {}  # filled by build_crosswalk


def build_crosswalk(countries: list[dict], coco: pd.DataFrame) -> list[dict]:
    m49_of = {r["iso3"]: r["m49"] for r in countries}
    rows: dict[tuple[str, str], dict] = {}

    def put(system: str, code: str, iso3: str, exception: bool, note: str) -> None:
        key = (system, code)
        if key in rows:
            if rows[key]["iso3"] != iso3:
                raise ValueError(
                    f"{system} code {code!r} maps to both {rows[key]['iso3']} and {iso3}"
                )
            return
        if iso3 not in m49_of:
            raise ValueError(f"{system} code {code!r} maps to unknown iso3 {iso3}")
        rows[key] = {
            "code_system": system,
            "source_code": code,
            "iso3": iso3,
            "m49": m49_of[iso3],
            "is_exception": exception,
            "note": note,
        }

    # Exceptions first: they take precedence over anything derived.
    for code, (iso3, note) in ICAO_EXCEPTIONS.items():
        put("icao", code, iso3, True, note)
    for code, (iso3, note) in ISO2_EXCEPTIONS.items():
        put("iso2", code, iso3, True, note)
    for code, (iso3, note) in M49_EXCEPTIONS.items():
        put("m49", code, iso3, True, note)
    for code, (iso3, note) in NAME_EXCEPTIONS.items():
        put("name", code, iso3, True, note)

    for c in pycountry.countries:
        put("icao", c.alpha_3, c.alpha_3, False, "ISO 3166-1 alpha-3")
        put("iso2", c.alpha_2, c.alpha_3, False, "ISO 3166-1 alpha-2")
        put("m49", c.numeric, c.alpha_3, False, "ISO 3166-1 numeric = UN M49")

    # Alternative alpha-2 codes country_converter accepts (EL Greece, UK).
    for r in coco.itertuples():
        for alt in re.findall(r"\^([A-Z]{2})\$", r.ISO2):
            if pycountry.countries.get(alpha_2=alt) is None and r.ISO3 != KOSOVO:
                put("iso2", alt, r.ISO3, True, "alternative alpha-2 (country_converter)")

    # English names.
    coco_by_iso3 = {r.ISO3: r for r in coco.itertuples()}
    # A name two countries share is kept only if it is the library name of
    # one of them and merely a derived variant for the other ("congo" is
    # ISO's short name of COG; "congo" from COD's "Congo, The Democratic
    # Republic of the" loses); otherwise it is left out ("korea").
    candidates: dict[str, dict[str, tuple[int, str]]] = {}
    for iso3 in sorted(set(coco_by_iso3) | {c.alpha_3 for c in pycountry.countries}):
        c = pycountry.countries.get(alpha_3=iso3)
        for name, how in country_names(c, coco_by_iso3.get(iso3)).items():
            rank = 1 if "," in how else 0
            candidates.setdefault(name, {})[iso3] = (rank, how)
    for name in sorted(candidates):
        if ("name", name) in rows:
            continue
        by_iso3 = candidates[name]
        best = min(rank for rank, _ in by_iso3.values())
        winners = sorted(i for i, (rank, _) in by_iso3.items() if rank == best)
        if len(winners) == 1:
            put("name", name, winners[0], False, by_iso3[winners[0]][1])
        else:
            AMBIGUOUS_NAMES[name] = winners

    aliases = sorted(NAME_ALIASES.items())
    for (name, iso3), found in zip(aliases, coco_iso3([n for n, _ in aliases]), strict=True):
        if found != iso3:
            raise ValueError(f"country_converter resolves alias {name!r} to {found}, not {iso3}")
        put("name", name, iso3, True, "former or colloquial name (country_converter agrees)")

    order = {"icao": 0, "iso2": 1, "m49": 2, "name": 3}
    return sorted(rows.values(), key=lambda r: (order[r["code_system"]], r["source_code"]))


# ---------------------------------------------------------------------------
# Country-specific seeds
# ---------------------------------------------------------------------------


def build_atolls(profile: CountryProfile) -> list[dict]:
    iso2 = pycountry.countries.get(alpha_3=profile.iso3).alpha_2
    subdivisions = {s.code: s for s in pycountry.subdivisions.get(country_code=iso2)}
    rows = []
    for prefix, prefix_name, code, note in profile.subdivisions:
        sub = subdivisions.get(code)
        if sub is None:
            raise ValueError(f"{code} is not an ISO 3166-2 subdivision of {iso2}")
        rows.append(
            {
                "country_iso3": profile.iso3,
                "atoll_prefix": prefix.upper(),
                "prefix_as_written": prefix,
                "prefix_name": prefix_name,
                "subdivision_code": code,
                "subdivision_name": sub.name,
                "subdivision_type": sub.type,
                "note": note,
            }
        )
    keys = [r["atoll_prefix"] for r in rows]
    assert len(set(keys)) == len(keys), "prefixes must stay unique once upper-cased"
    return sorted(rows, key=lambda r: r["atoll_prefix"])


def build_ports(profile: CountryProfile) -> list[dict]:
    return sorted(
        (
            {"port_code": code, "name": name, "kind": kind, "country_iso3": profile.iso3}
            for code, name, kind in profile.ports
        ),
        key=lambda r: r["port_code"],
    )


def build_employer_sectors(profile: CountryProfile) -> list[dict]:
    return sorted(
        (
            {
                "country_iso3": profile.iso3,
                "source_text": text,
                "match_key": _norm(text),
                "sector_code": code,
                "isic4_section": section,
                "isic4_section_title": ISIC4_SECTIONS[section] if section else None,
            }
            for text, code, section in profile.employer_sectors
        ),
        key=lambda r: r["match_key"],
    )


# ---------------------------------------------------------------------------
# Statistical code lists
# ---------------------------------------------------------------------------


def build_tables(country: str) -> dict[str, list[dict]]:
    profile = COUNTRY_PROFILES[country]
    coco = load_coco()
    countries = build_countries(coco)
    reason_codes = {code for code, _, _ in REASONS}
    for _, *reasons, _ in VISA_TYPE_REASONS + PURPOSE_REASONS:
        assert all(r is None or r in reason_codes for r in reasons if not isinstance(r, bool))
    return {
        "countries": countries,
        "country_code_crosswalk": build_crosswalk(countries, coco),
        "atolls": build_atolls(profile),
        "port_codes": build_ports(profile),
        "employer_sectors": build_employer_sectors(profile),
        "indicators": [
            {
                "indicator_code": code,
                "core_number": core or None,
                "label": label,
                "kind": kind,
                "description": desc,
                "sort_order": i,
            }
            for i, (code, core, kind, label, desc) in enumerate(INDICATORS, 1)
        ],
        "age_groups": [
            {"age_group": code, "min_age": lo, "max_age": hi, "label": label, "sort_order": i}
            for i, (code, lo, hi, label) in enumerate(AGE_GROUPS, 1)
        ],
        "reason_codes": [
            {"reason": code, "label": label, "description": desc, "sort_order": i}
            for i, (code, label, desc) in enumerate(REASONS, 1)
        ],
        "visa_type_reasons": [
            {
                "visa_type": v,
                "reason": r,
                "reason_migration": rm,
                "implies_residence": res,
                "note": note,
            }
            for v, r, rm, res, note in VISA_TYPE_REASONS
        ],
        "purpose_reasons": [
            {"purpose_of_visit": p, "reason": r, "reason_migration": rm, "note": note}
            for p, r, rm, note in PURPOSE_REASONS
        ],
        "census_reasons": [
            {"source_code": code, "source_label": label, "reason": r}
            for code, label, r in CENSUS_REASONS
        ],
        "sex_codes": [
            {
                "source_system": system,
                "source_column": column,
                "source_code": code,
                "sex": sex,
                "note": note,
            }
            for system, column, code, sex, note in SEX_CODES
        ],
        "sex_labels": [
            {"sex": code, "label": label, "sort_order": i}
            for i, (code, label) in enumerate(SEX_LABELS, 1)
        ],
        "isco08_major_groups": [
            {"major_group": code, "title": title} for code, title in ISCO08_MAJOR_GROUPS
        ],
    }


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow([_cell(v) for v in row.values()])
    return buf.getvalue()


def render_all(country: str = "MDV") -> dict[str, str]:
    """File name -> CSV text for every seed."""
    return {f"{name}.csv": render_csv(rows) for name, rows in build_tables(country).items()}


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=repo / "seeds", help="output folder")
    parser.add_argument("--country", default="MDV", choices=sorted(COUNTRY_PROFILES))
    parser.add_argument("--check", action="store_true", help="fail if --out differs")
    args = parser.parse_args(argv)

    files = render_all(args.country)
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (args.out / name).exists()
            or (args.out / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"out of date: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8", newline="")
        print(f"{name}: {text.count(chr(10)) - 1} rows")
    for name, iso3s in sorted(AMBIGUOUS_NAMES.items()):
        print(f"name left out as ambiguous: {name!r} ({', '.join(iso3s)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
