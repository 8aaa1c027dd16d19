"""The data dictionaries of the agency extracts (shared/specs/extracts.md), written once.

Everything the warehouse knows about a delivered layout lives here as data:
the bucket and key pattern of each dataset, its file format, delimiter,
encoding and byte-order-mark rule, the header exactly as delivered, the raw
column names, and per column its type, pattern, code set, nullability and
uniqueness within a snapshot, plus cross-column rules. From the same
definitions come

* the readers' layout checks (``migstat.landing``),
* the Great Expectations suites run at landing (``migstat.validation``),
* the dbt source YAML under ``models/staging/<bucket>/`` (``--write-dbt``).

Run ``python -m migstat.dictionary --write-dbt`` after editing this file;
``ingest/tests/test_validation.py`` fails while the committed YAML is stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# --------------------------------------------------------------------------- code lists

#: ISO 3166-1 alpha-3 (pycountry 26.2.16), the base of the ICAO Doc 9303 codes.
ISO_ALPHA3 = tuple(
    """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD
    BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR
    COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH
    ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL
    GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR
    JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR
    MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL
    NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY
    PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP
    SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA
    UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
    """.split()  # noqa: SIM905 - a code list kept compact
)
#: ICAO Doc 9303 codes that are not ISO 3166-1 alpha-3 (extracts.md: all of them occur).
ICAO_EXCEPTIONS = (
    "D",
    "D<<",
    "GBD",
    "GBN",
    "GBO",
    "GBP",
    "GBS",
    "UNO",
    "UNA",
    "UNK",
    "RKS",
    "EUE",
    "XXA",
    "XXB",
    "XXC",
    "XXX",
)
ICAO_CODES = tuple(sorted(set(ISO_ALPHA3) | set(ICAO_EXCEPTIONS)))

#: ISO 3166-1 alpha-2 (pycountry 26.2.16), for the registry's birth country.
ISO_ALPHA2 = tuple(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
    """.split()  # noqa: SIM905 - a code list kept compact
)

PORTS = {
    "MLE": "Velana International Airport",
    "GAN": "Gan International Airport",
    "HAQ": "Hanimaadhoo International Airport",
    "NMF": "Maafaru International Airport",
    "MLESP": "Malé commercial harbour",
    "ULGSP": "Uligan yacht port",
    "GANSP": "Gan yacht port",
}
VISA_TYPES = (
    "TOURIST",
    "WORK",
    "BUSINESS",
    "DEPENDENT",
    "STUDENT",
    "RESIDENT",
    "MARRIAGE",
    "DIPLOMATIC",
    "CREW",
    "TRANSIT",
    "CITIZEN",
    "OTHER",
)
PURPOSES = (
    "HOLIDAY",
    "BUSINESS",
    "EMPLOYMENT",
    "FAMILY",
    "EDUCATION",
    "MEDICAL",
    "TRANSIT",
    "RETURNING_RESIDENT",
    "OTHER",
)
SECTORS = (
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
)
CANCELLATION_REASONS = (
    "Contract ended",
    "Resigned",
    "Left the country",
    "Changed to marriage visa",
    "Deceased",
    "Did not arrive",
)

# --------------------------------------------------------------------------- structures

NAME_PATTERN = r"^[A-Z][A-Z '\-]*$"


def raw_name(header: str) -> str:
    """The raw column name of a delivered header (docs/architecture.md): lower case,
    each run of non-alphanumerics replaced by ``_``, leading/trailing ``_`` stripped."""
    return re.sub(r"[^0-9a-z]+", "_", header.lower()).strip("_")


@dataclass(frozen=True)
class Column:
    """One delivered column and its dictionary rule.

    ``pattern`` is a full-match regular expression on the delivered text;
    ``codes`` the closed code set; ``nullable`` whether the empty string is
    allowed; ``unique`` unique within one delivered object (a snapshot or a
    daily file); ``date_formats`` strptime formats the value must parse with
    (``zero_parts``: a ``00`` month or day means unknown and is allowed);
    ``mostly`` the share of non-empty values that must pass pattern and codes
    (below 1 only where extracts.md says the source is known to be noisy).
    """

    header: str
    description: str
    pattern: str | None = None
    codes: tuple[str, ...] | None = None
    nullable: bool = False
    unique: bool = False
    kind: str = "text"  # text, code, date, timestamp, integer, id
    date_formats: tuple[str, ...] = ()
    zero_parts: bool = False
    mostly: float = 1.0
    # dbt: light checks on raw (warn only) are generated for key columns and code sets.

    @property
    def name(self) -> str:
        return raw_name(self.header)


@dataclass(frozen=True)
class PairRule:
    """Cross-column rule: ``column_a`` is after ``column_b`` (dates, when both parse)."""

    column_a: str
    column_b: str
    description: str
    or_equal: bool = False
    mostly: float = 1.0


@dataclass(frozen=True)
class Dataset:
    name: str  # also the raw table name: raw.<name>
    bucket: str
    key_regex: str  # full match on the object key; group ``date`` is the extract date
    formats: tuple[str, ...]  # csv, csv.gz, xlsx
    cadence: str  # daily, monthly, quarterly, once
    description: str
    columns: tuple[Column, ...]
    delimiter: str = ","
    encoding: str = "utf-8"
    bom: bool = False  # True: a UTF-8 BOM is required; False: a BOM is refused
    fixed_extract_date: date | None = None
    sheet: str | None = None  # xlsx only
    title_row: int | None = None  # 1-based
    title_regex: str | None = None  # group ``date`` -> extra column report_date
    header_row: int | None = None  # 1-based
    rules: tuple[PairRule, ...] = ()
    extra_columns: tuple[tuple[str, str], ...] = ()  # (name, description) added by landing
    freshness: dict | None = field(default=None)
    loaded_at_field: str | None = None
    freshness_comment: str = ""

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def raw_columns(self) -> list[str]:
        """Raw table data columns in delivered order (without lineage columns)."""
        return [c.name for c in self.columns] + [n for n, _ in self.extra_columns]

    @property
    def table(self) -> str:
        return f"raw.{self.name}"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def match(self, key: str) -> re.Match | None:
        return re.fullmatch(self.key_regex, key)


# --------------------------------------------------------------------------- the datasets

_DATE_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_YYYYMMDD = r"^[0-9]{8}$"

BORDER_CROSSINGS = Dataset(
    name="border_crossings",
    bucket="immigration",
    key_regex=r"border_crossings/(?P<year>[0-9]{4})/border_crossings_(?P<date>[0-9]{8})\.csv(\.gz)?",
    formats=("csv", "csv.gz"),
    cadence="daily",
    description=(
        "Border crossings from the border control system (Maldives Immigration): one row "
        "per crossing event version, a daily increment of every row whose `extracted_at` "
        "falls on the file's date. Landed as delivered (text)."
    ),
    freshness={
        "warn_after": {"count": 2, "period": "day"},
        "error_after": {"count": 7, "period": "day"},
    },
    loaded_at_field="try_cast(extracted_at as timestamptz)",
    freshness_comment="daily increments: warn after 2 days without a new extract, error after 7",
    columns=(
        Column(
            "crossing_id",
            "Identifies the crossing event; stable across corrections.",
            r"^BC[0-9]{14}$",
            unique=True,
            kind="id",
        ),
        Column(
            "record_status",
            "NEW, CORRECTED (full replacement of the earlier row with that crossing_id) or "
            "VOID (the event never happened).",
            codes=("NEW", "CORRECTED", "VOID"),
            kind="code",
        ),
        Column(
            "extracted_at",
            "When the row was extracted, ISO 8601 with offset; the latest version of a "
            "crossing_id wins.",
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$",
            kind="timestamp",
            date_formats=("%Y-%m-%dT%H:%M:%S%z",),
        ),
        Column(
            "crossing_time",
            "Local time of the crossing (YYYY-MM-DD HH:MM:SS, no offset; local zone "
            "Indian/Maldives).",
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
            kind="timestamp",
            date_formats=("%Y-%m-%d %H:%M:%S",),
        ),
        Column("direction", "ARR or DEP.", codes=("ARR", "DEP"), kind="code"),
        Column(
            "port_code",
            "Port of entry or exit: "
            + ", ".join(f"{code} {name}" for code, name in PORTS.items())
            + ".",
            codes=tuple(PORTS),
            kind="code",
        ),
        Column(
            "travel_doc_type",
            "P passport, TD other travel document.",
            codes=("P", "TD"),
            kind="code",
        ),
        Column(
            "travel_doc_number",
            "Travel document number: upper-case letters and digits, 5 to 12 characters.",
            r"^[A-Z0-9]{5,12}$",
        ),
        Column(
            "travel_doc_country",
            "Issuing state, ICAO Doc 9303 three-letter code.",
            codes=ICAO_CODES,
            kind="code",
        ),
        Column("nationality", "ICAO Doc 9303 three-letter code.", codes=ICAO_CODES, kind="code"),
        Column(
            "surname",
            "Upper-case Latin letters, space, hyphen, apostrophe; may be empty.",
            NAME_PATTERN,
            nullable=True,
        ),
        Column("given_names", "As surname; may be empty.", NAME_PATTERN, nullable=True),
        Column(
            "date_of_birth",
            "YYYY-MM-DD; an unknown month or day is 00.",
            _DATE_ISO,
            kind="date",
            date_formats=("%Y-%m-%d",),
            zero_parts=True,
        ),
        Column("sex", "M, F, X (unspecified).", codes=("M", "F", "X"), kind="code"),
        Column(
            "national_id",
            "Maldivian national ID card number on most crossings of citizens; empty otherwise.",
            r"^A[0-9]{6}$",
            nullable=True,
            kind="id",
        ),
        Column("visa_type", "Visa type.", codes=VISA_TYPES, kind="code"),
        Column(
            "work_permit_number",
            "On crossings under a WORK visa; sometimes empty or mistyped.",
            r"^WP[0-9]{4}-[0-9]{6}$",
            nullable=True,
            mostly=0.9,
            kind="id",
        ),
        Column(
            "flight_vessel",
            "Carrier and number, e.g. EK652; may be empty.",
            r"^[A-Z0-9 \-]{2,12}$",
            nullable=True,
        ),
        Column(
            "purpose_of_visit",
            "Traveller declaration, arrivals only; empty on departures and where not declared.",
            codes=PURPOSES,
            nullable=True,
            kind="code",
        ),
        Column(
            "intended_stay_days",
            "Traveller declaration, arrivals only (integer days); empty where not declared.",
            r"^[0-9]{1,5}$",
            nullable=True,
            kind="integer",
        ),
        Column(
            "declared_residence_country",
            "Traveller declaration, arrivals only, ICAO three-letter code; may be empty.",
            codes=ICAO_CODES,
            nullable=True,
            kind="code",
        ),
    ),
)

_PERMIT_DATE = r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})$"
_PERMIT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

WORK_PERMITS = Dataset(
    name="work_permits",
    bucket="labour",
    key_regex=r"work_permits/work_permits_(?P<date>[0-9]{8})\.xlsx",
    formats=("xlsx",),
    cadence="monthly",
    description=(
        "Monthly full snapshot of the expatriate work-permit register (labour ministry): "
        "every permit ever issued with its status on the snapshot date. Excel date cells "
        "landed as ISO YYYY-MM-DD text, text cells as delivered."
    ),
    sheet="Permits",
    title_row=1,
    title_regex=r"Work Permit Report as at (?P<date>[0-9]{2}/[0-9]{2}/[0-9]{4})",
    header_row=3,
    extra_columns=(
        (
            "report_date",
            "Snapshot date from the title row 'Work Permit Report as at DD/MM/YYYY', as text "
            "(DD/MM/YYYY).",
        ),
    ),
    freshness={
        "warn_after": {"count": 35, "period": "day"},
        "error_after": {"count": 62, "period": "day"},
    },
    loaded_at_field="try_strptime(report_date, '%d/%m/%Y')",
    freshness_comment="monthly snapshots: warn after 35 days, error after two months",
    columns=(
        Column(
            "Work Permit No",
            "Unique per permit; the four digits are the issue year.",
            r"^WP[0-9]{4}-[0-9]{6}$",
            unique=True,
            kind="id",
        ),
        Column(
            "Passport No",
            "As typed by the employer's agent: may carry lower case, spaces or a dash.",
        ),
        Column("Worker Name", "Free text, mixed case, given names first."),
        Column(
            "Nationality",
            "English short country name as typed; about 2% other casing or misspelt.",
        ),
        Column("Gender", "Male or Female.", codes=("Male", "Female"), kind="code"),
        Column(
            "Date of Birth",
            "An Excel date cell (landed as YYYY-MM-DD) or text DD/MM/YYYY.",
            _PERMIT_DATE,
            kind="date",
            date_formats=_PERMIT_DATE_FORMATS,
        ),
        Column("Occupation", "Free-text job title."),
        Column(
            "ISCO-08",
            "Four-digit ISCO-08 unit group as text; may be empty.",
            r"^[0-9]{4}$",
            nullable=True,
            kind="code",
        ),
        Column("Employer", "Employer name."),
        Column("Employer Sector", "Employer's sector.", codes=SECTORS, kind="code"),
        Column(
            "Work Location",
            "Atoll prefix and island, e.g. K. Male, S. Hithadhoo, AA. Rasdhoo.",
            r"^[A-Za-z]{1,3}\. ?.+$",
        ),
        Column(
            "Issue Date",
            "Excel date cell (landed as YYYY-MM-DD) or text DD/MM/YYYY.",
            _PERMIT_DATE,
            kind="date",
            date_formats=_PERMIT_DATE_FORMATS,
        ),
        Column(
            "Expiry Date",
            "Excel date cell (landed as YYYY-MM-DD) or text DD/MM/YYYY.",
            _PERMIT_DATE,
            kind="date",
            date_formats=_PERMIT_DATE_FORMATS,
        ),
        Column(
            "Status",
            "Active, Expired, Cancelled, Transferred.",
            codes=("Active", "Expired", "Cancelled", "Transferred"),
            kind="code",
        ),
        Column(
            "Cancellation Reason",
            "Empty, or one of the agreed reasons.",
            codes=CANCELLATION_REASONS,
            nullable=True,
            kind="code",
        ),
    ),
    rules=(
        PairRule(
            "expiry_date", "issue_date", "A permit expires after it is issued.", or_equal=False
        ),
    ),
)

_REGISTRY_FRESHNESS = {
    "warn_after": {"count": 100, "period": "day"},
    "error_after": {"count": 190, "period": "day"},
}

CITIZENS = Dataset(
    name="citizens",
    bucket="registry",
    key_regex=r"citizens/citizens_(?P<date>[0-9]{8})\.csv",
    formats=("csv",),
    cadence="quarterly",
    delimiter=";",
    bom=True,
    description=(
        "Quarterly full snapshot of the national register of citizens (Department of "
        "National Registration); semicolon-separated UTF-8 with a byte-order mark."
    ),
    freshness=_REGISTRY_FRESHNESS,
    loaded_at_field="try_strptime(last_updated, '%Y%m%d%H%M%S')",
    freshness_comment="quarterly snapshots: warn after 100 days, error after two quarters",
    columns=(
        Column("NID", "National ID, unique.", r"^A[0-9]{6}$", unique=True, kind="id"),
        Column("FULL_NAME", "Upper and lower case, given names first."),
        Column("SEX", "1 male, 2 female.", codes=("1", "2"), kind="code"),
        Column("DOB", "Date of birth YYYYMMDD.", _YYYYMMDD, kind="date", date_formats=("%Y%m%d",)),
        Column("BIRTH_COUNTRY", "ISO 3166-1 alpha-2 (MV for most).", codes=ISO_ALPHA2, kind="code"),
        Column(
            "BIRTH_ISLAND",
            "Island code such as K.Male; empty when born abroad.",
            r"^[A-Za-z]{1,3}\. ?.+$",
            nullable=True,
        ),
        Column(
            "REG_ATOLL",
            "Atoll prefix of the registered (permanent) address, e.g. K, S, AA, HDh.",
            # the official letter prefixes mix case: HA, HDh, Sh, Lh, ADh, Dh, Th, GDh, Gn
            r"^[A-Z][A-Za-z]{0,2}$",
            kind="code",
        ),
        Column("REG_ISLAND", "Island name of the registered address."),
        Column(
            "CITIZENSHIP_BASIS",
            "BIRTH, DESCENT, NATURALISATION.",
            codes=("BIRTH", "DESCENT", "NATURALISATION"),
            kind="code",
        ),
        Column(
            "CITIZENSHIP_DATE",
            "YYYYMMDD for naturalisation; empty otherwise.",
            _YYYYMMDD,
            nullable=True,
            kind="date",
            date_formats=("%Y%m%d",),
        ),
        Column(
            "DEATH_DATE",
            "YYYYMMDD; empty when alive.",
            _YYYYMMDD,
            nullable=True,
            kind="date",
            date_formats=("%Y%m%d",),
        ),
        Column(
            "LAST_UPDATED",
            "YYYYMMDDHHMMSS.",
            r"^[0-9]{14}$",
            kind="timestamp",
            date_formats=("%Y%m%d%H%M%S",),
        ),
    ),
    rules=(
        PairRule(
            "death_date", "dob", "A citizen dies on or after the date of birth.", or_equal=True
        ),
    ),
)

PASSPORTS = Dataset(
    name="passports",
    bucket="registry",
    key_regex=r"passports/passports_(?P<date>[0-9]{8})\.csv",
    formats=("csv",),
    cadence="quarterly",
    delimiter=";",
    bom=True,
    description="Every Maldivian passport issued (Department of National Registration).",
    freshness=_REGISTRY_FRESHNESS,
    loaded_at_field="try_strptime(issue_date, '%Y%m%d')",
    freshness_comment="quarterly snapshots; the newest issue date stands for the extract",
    columns=(
        Column(
            "PASSPORT_NO", "Passport number, unique.", r"^[A-Z][0-9]{7}$", unique=True, kind="id"
        ),
        Column("NID", "Holder's national ID.", r"^A[0-9]{6}$", kind="id"),
        Column("ISSUE_DATE", "YYYYMMDD.", _YYYYMMDD, kind="date", date_formats=("%Y%m%d",)),
        Column("EXPIRY_DATE", "YYYYMMDD.", _YYYYMMDD, kind="date", date_formats=("%Y%m%d",)),
        Column(
            "STATUS",
            "VALID, EXPIRED, LOST, CANCELLED.",
            codes=("VALID", "EXPIRED", "LOST", "CANCELLED"),
            kind="code",
        ),
    ),
    rules=(PairRule("expiry_date", "issue_date", "A passport expires after it is issued."),),
)

_M49 = r"^[0-9]{3}$"

CENSUS_PERSONS = Dataset(
    name="census_persons",
    bucket="census",
    key_regex=r"population_census_2022/persons\.csv\.gz",
    formats=("csv.gz",),
    cadence="once",
    fixed_extract_date=date(2022, 9, 17),
    description=(
        "2022 Population and Housing Census, one row per person enumerated (usual residents "
        "on the reference date 2022-09-17). No identifier links it to administrative records."
    ),
    freshness=None,
    freshness_comment="the census is delivered once and never refreshed: no freshness check",
    columns=(
        Column("PERSON_ID", "Unique person identifier.", r"^\S+$", unique=True, kind="id"),
        Column("HH_ID", "Household or collective-living-quarters id.", r"^\S+$", kind="id"),
        Column(
            "ATOLL",
            "Atoll prefix (K, S, AA, HDh, ...), MLE for the Malé city area.",
            r"^[A-Z][A-Za-z]{0,2}$",
            kind="code",
        ),
        Column(
            "LOCALITY_TYPE",
            "1 Malé area, 2 administrative island, 3 resort, 4 industrial island.",
            codes=("1", "2", "3", "4"),
            kind="code",
        ),
        Column("SEX", "1 male, 2 female.", codes=("1", "2"), kind="code"),
        Column(
            "AGE",
            "Completed years 0 to 110; 999 not stated.",
            r"^(?:[0-9]|[1-9][0-9]|10[0-9]|110|999)$",
            kind="integer",
        ),
        Column("CITIZENSHIP", "UN M49 numeric code, three digits zero-padded.", _M49, kind="code"),
        Column("COUNTRY_OF_BIRTH", "UN M49; 999 not stated.", _M49, kind="code"),
        Column(
            "YEAR_OF_ARRIVAL",
            "Four digits for persons who ever lived abroad; 9999 not stated; empty otherwise.",
            r"^(?:19[0-9]{2}|20[0-9]{2}|9999)$",
            nullable=True,
            kind="integer",
        ),
        Column(
            "PREV_RES_COUNTRY",
            "Country of usual residence one year before the census, UN M49.",
            _M49,
            kind="code",
        ),
        Column(
            "REASON_FOR_MIGRATION",
            "1 employment, 2 family, 3 education, 4 marriage, 5 other, 9 not stated; empty "
            "for persons who never lived abroad.",
            codes=("1", "2", "3", "4", "5", "9"),
            nullable=True,
            kind="code",
        ),
    ),
)

DATASETS: dict[str, Dataset] = {
    d.name: d for d in (BORDER_CROSSINGS, WORK_PERMITS, CITIZENS, PASSPORTS, CENSUS_PERSONS)
}
BUCKETS: tuple[str, ...] = ("immigration", "labour", "registry", "census")

LINEAGE_COLUMNS = (
    ("_object_id", "The raw.objects manifest row (object version) the record came from."),
    ("_row_number", "1-based data row within the object."),
)


def match_key(bucket: str, key: str) -> tuple[Dataset, date, str] | None:
    """The dataset, extract date and format of ``bucket/key``; None when no pattern matches.

    Raises ValueError when the key matches but its ``YYYYMMDD`` is not a calendar date.
    """
    for dataset in DATASETS.values():
        if dataset.bucket != bucket:
            continue
        found = dataset.match(key)
        if not found:
            continue
        if dataset.fixed_extract_date:
            extract = dataset.fixed_extract_date
        else:
            text = found.group("date")
            try:
                extract = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError as error:
                raise ValueError(f"extract date {text!r} in the key is not a date") from error
            year = found.groupdict().get("year")
            if year and year != text[:4]:
                raise ValueError(f"year folder {year} does not match extract date {text}")
        fmt = "csv.gz" if key.endswith(".csv.gz") else key.rsplit(".", 1)[-1]
        return dataset, extract, fmt
    return None


# --------------------------------------------------------------------------- dbt sources


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sql_pattern(pattern: str) -> str:
    return pattern


def _column_yaml(col: Column, out: list[str]) -> None:
    out.append(f"          - name: {col.name}")
    desc = col.description
    if col.header != col.name:
        desc = f"Delivered as `{col.header}`. {desc}"
    out.append(f"            description: {_q(desc)}")
    meta = [f"header: {_q(col.header)}", f"kind: {col.kind}"]
    if col.pattern:
        meta.append(f"pattern: {_q(col.pattern)}")
    meta.append(f"nullable: {str(col.nullable).lower()}")
    meta.append(f"unique_within_object: {str(col.unique).lower()}")
    out.append("            config:")
    out.append("              meta:")
    out.extend(f"                {m}" for m in meta)
    tests: list[str] = []
    if col.unique:
        tests.append("              - unique_within_object:")
        tests.append("                  config:")
        tests.append("                    severity: warn")
    if col.codes and len(col.codes) <= 20:
        values = list(col.codes) + ([""] if col.nullable else [])
        tests.append("              - accepted_values:")
        tests.append("                  arguments:")
        tests.append("                    values: [" + ", ".join(_q(v) for v in values) + "]")
        tests.append("                  config:")
        tests.append("                    severity: warn")
    elif col.pattern and col.kind in ("id", "date", "timestamp"):
        tests.append("              - matches_pattern:")
        tests.append("                  arguments:")
        tests.append(f"                    pattern: {_q(col.pattern)}")
        tests.append(f"                    allow_empty: {str(col.nullable).lower()}")
        tests.append("                  config:")
        tests.append("                    severity: warn")
    if tests:
        out.append("            data_tests:")
        out.extend(tests)


def _freshness_yaml(dataset: Dataset, out: list[str], indent: str) -> None:
    out.append(f"{indent}# {dataset.freshness_comment}")
    if dataset.freshness is None:
        out.append(f"{indent}freshness: null")
        return
    out.append(f"{indent}loaded_at_field: {_q(dataset.loaded_at_field or '')}")
    out.append(f"{indent}freshness:")
    for level in ("warn_after", "error_after"):
        spec = dataset.freshness[level]
        out.append(f"{indent}  {level}: {{count: {spec['count']}, period: {spec['period']}}}")


HEADER = (
    "# GENERATED by `python -m migstat.dictionary --write-dbt` from ingest/migstat/dictionary.py.\n"
    "# Do not edit by hand: edit the dictionary and regenerate (a test fails when stale).\n"
    "# Raw values are text exactly as delivered, so these source tests are light and warn\n"
    "# only; the full dictionary checks run as Great Expectations suites at landing\n"
    "# (raw.validation_results).\n"
)


def dbt_sources_yaml(bucket: str) -> str:
    """The dbt source YAML of one bucket (or ``landing``) as text."""
    out = [HEADER.rstrip("\n"), "version: 2", "", "sources:"]
    if bucket == "landing":
        return "\n".join(out + _landing_yaml()) + "\n"
    datasets = [d for d in DATASETS.values() if d.bucket == bucket]
    out.append(f"  - name: {bucket}")
    out.append(
        "    description: "
        + _q(
            f"Raw extracts landed from the `{bucket}` bucket of the object store "
            "(schema raw, one table per dataset, every column text as delivered)."
        )
    )
    out.append("    schema: raw")
    out.append("    tables:")
    for dataset in datasets:
        out.append(f"      - name: {dataset.name}")
        fmt = " or ".join(dataset.formats)
        delim = {",": "comma", ";": "semicolon"}[dataset.delimiter]
        layout = (
            f"Key pattern `{dataset.key_regex}`; {dataset.cadence}; {fmt}"
            + ("" if dataset.sheet else f", {delim}-separated, UTF-8")
            + (", with BOM" if dataset.bom else "")
            + (
                f", sheet `{dataset.sheet}`, headers on row {dataset.header_row}"
                if dataset.sheet
                else ""
            )
            + "."
        )
        out.append(f"        description: {_q(dataset.description + ' ' + layout)}")
        _freshness_yaml(dataset, out, "        ")
        out.append("        config:")
        out.append("          meta:")
        out.append(f"            cadence: {dataset.cadence}")
        out.append(f"            key_regex: {_q(dataset.key_regex)}")
        out.append("        columns:")
        for col in dataset.columns:
            _column_yaml(col, out)
        for name, description in dataset.extra_columns:
            out.append(f"          - name: {name}")
            out.append(f"            description: {_q(description)}")
        for name, description in LINEAGE_COLUMNS:
            out.append(f"          - name: {name}")
            out.append(f"            description: {_q(description)}")
            out.append("            data_tests:")
            out.append("              - not_null")
    return "\n".join(out) + "\n"


def _landing_yaml() -> list[str]:
    statuses = ["loaded", "quarantined", "ignored", "superseded", "refused"]
    manifest = [
        ("object_id", "sha256 hex of `bucket/key` + NUL + content sha256: one object version."),
        ("bucket", "Bucket (producer)."),
        ("object_key", "Object key as listed by the store."),
        ("dataset", "Dataset the key matched; null when ignored or refused."),
        ("extract_date", "Extract date from the key (census: the reference date)."),
        ("etag", "The store's ETag (folder source: md5 hex of the content)."),
        ("content_sha256", "sha256 hex of the content (null when the object was not read)."),
        ("size_bytes", "Object size in bytes."),
        ("status", "loaded, quarantined, ignored, superseded or refused."),
        ("reason", "Why quarantined, ignored, superseded or refused."),
        ("row_count", "Rows landed (0 unless loaded or superseded)."),
        ("loaded_at", "When this version was recorded."),
        ("superseded_by", "object_id of the newer version of the same key."),
        ("source_uri", "file:///... or s3://bucket/key."),
    ]
    results = [
        ("object_id", "The object version validated (raw.objects)."),
        ("dataset", "Dataset of the object."),
        ("expectation_type", "Great Expectations expectation type."),
        ("column_name", "Column checked (pairs and compounds: comma-separated)."),
        ("kwargs", "The expectation's arguments as JSON."),
        ("success", "Whether the object passed the expectation (with its `mostly`)."),
        ("unexpected_count", "Rows of the object breaking the rule."),
        ("element_count", "Rows of the object examined."),
        ("unexpected_sample", "A few unexpected values, as JSON."),
        ("run_time", "When the validation ran."),
    ]
    out = [
        "  - name: landing",
        "    description: "
        + _q(
            "The landing manifest and the dictionary-check results written by "
            "migstat.landing (schema raw)."
        ),
        "    schema: raw",
        "    tables:",
        "      - name: objects",
        "        description: "
        + _q(
            "The manifest: one row per object version seen. A new content under a key adds "
            "a row and marks the older one superseded; re-deliveries are no-ops."
        ),
        "        # landing runs at least daily (crossings): warn after 2 days, error after 7",
        "        loaded_at_field: loaded_at",
        "        freshness:",
        "          warn_after: {count: 2, period: day}",
        "          error_after: {count: 7, period: day}",
        "        columns:",
    ]
    for name, description in manifest:
        out.append(f"          - name: {name}")
        out.append(f"            description: {_q(description)}")
        if name == "object_id":
            out += ["            data_tests:", "              - unique", "              - not_null"]
        if name == "status":
            out += [
                "            data_tests:",
                "              - not_null",
                "              - accepted_values:",
                "                  arguments:",
                "                    values: [" + ", ".join(statuses) + "]",
            ]
    out += [
        "      - name: validation_results",
        "        description: "
        + _q(
            "One row per landed object version and dictionary expectation: the Great "
            "Expectations results (see migstat.validation for how big objects are batched)."
        ),
        "        # written together with the objects it describes: freshness is the manifest's",
        "        freshness: null",
        "        columns:",
    ]
    for name, description in results:
        out.append(f"          - name: {name}")
        out.append(f"            description: {_q(description)}")
        if name in ("object_id", "expectation_type", "success"):
            out += ["            data_tests:", "              - not_null"]
        if name == "object_id":
            out += [
                "              - relationships:",
                "                  arguments:",
                "                    to: source('landing', 'objects')",
                "                    field: object_id",
            ]
    return out


def dbt_source_files(project: Path) -> dict[Path, str]:
    """Every generated dbt source file: path -> text."""
    files = {}
    for bucket in (*BUCKETS, "landing"):
        files[project / "models" / "staging" / bucket / f"_{bucket}__sources.yml"] = (
            dbt_sources_yaml(bucket)
        )
    return files


def project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m migstat.dictionary")
    parser.add_argument("--write-dbt", action="store_true", help="write the dbt source YAML")
    parser.add_argument("--check", action="store_true", help="exit 1 if the YAML is stale")
    parser.add_argument("--project", type=Path, default=None, help="dbt project root")
    args = parser.parse_args(argv)
    project = args.project or project_root()
    stale = []
    for path, text in dbt_source_files(project).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if args.write_dbt:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path}")
    if args.check and stale:
        print("stale: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    if not args.write_dbt and not args.check:
        for dataset in DATASETS.values():
            print(f"{dataset.bucket}/{dataset.key_regex}: {', '.join(dataset.raw_columns)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
