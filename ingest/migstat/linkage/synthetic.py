"""A small synthetic raw layer with a known truth, for linkage tests.

Until (and beside) the project's sample generator, this writes the raw
tables of docs/architecture.md straight into a DuckDB file, with the
flaws extracts.md describes that matter for linkage: passport renewals
(a new document number, names transliterated differently), national IDs
missing on some citizens' crossings, permit passport numbers typed with
lower case, spaces or dashes and never updated, permit numbers missing
or mistyped on WORK crossings, partial dates of birth, misspelt permit
nationalities, events recorded twice a few minutes apart, voided events,
and namesakes (different persons with the same name and birth year).

The truth is returned as ``record_person`` rows (source_system,
source_record_id, true_person_id), the layout of the generator's truth.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

GIVEN = {
    "M": [
        "MOHAMED",
        "AHMED",
        "IBRAHIM",
        "ALI",
        "HASSAN",
        "HUSSAIN",
        "ABDULLA",
        "RAHUL",
        "RAJESH",
        "KAMAL",
        "JOHN",
        "DAVID",
        "PETER",
        "WEI",
        "IVAN",
        "MARCO",
        "SURESH",
        "ANIL",
        "RAMESH",
        "KUMAR",
        "MD",
        "SHAHID",
        "RASHED",
        "LUCA",
        "THOMAS",
        "HANS",
        "SERGEI",
        "JOSE",
    ],
    "F": [
        "AISHATH",
        "FATHIMATH",
        "MARIYAM",
        "HAWWA",
        "AMINATH",
        "PRIYA",
        "ANITA",
        "SITA",
        "MARIA",
        "ANNA",
        "ELENA",
        "LI",
        "SARAH",
        "NADIA",
        "RUKHSANA",
        "SHIRIN",
        "GRACE",
        "LAKSHMI",
        "OLGA",
        "CHIARA",
        "EMMA",
        "ROSE",
    ],
}
SURNAMES = [
    "MANIKU",
    "DIDI",
    "SHAREEF",
    "WAHEED",
    "NASEER",
    "RASHEED",
    "HAMEED",
    "ZAHIR",
    "RAHMAN",
    "ISLAM",
    "HOSSAIN",
    "UDDIN",
    "MIAH",
    "SHARMA",
    "SINGH",
    "PATEL",
    "NAIR",
    "PERERA",
    "FERNANDO",
    "SILVA",
    "BAHADUR",
    "GURUNG",
    "SANTOS",
    "REYES",
    "CRUZ",
    "SMITH",
    "BROWN",
    "MUELLER",
    "SCHMIDT",
    "WANG",
    "ZHANG",
    "IVANOV",
    "ROSSI",
    "BIANCHI",
    "GARCIA",
]
VARIANTS = {
    "MOHAMED": ["MOHAMMED", "MUHAMMAD", "MOHAMMAD"],
    "AHMED": ["AHMAD", "AHAMED"],
    "HUSSAIN": ["HUSAIN", "HOSSAIN", "HUSSEIN"],
    "HOSSAIN": ["HOSSEN", "HUSSAIN"],
    "ABDULLA": ["ABDULLAH"],
    "AISHATH": ["AISHA", "AISHAT"],
    "FATHIMATH": ["FATHIMA", "FATIMA"],
    "MARIYAM": ["MARIAM", "MARYAM"],
    "RAHMAN": ["RAHAMAN", "REHMAN"],
    "UDDIN": ["UDDEEN"],
    "MIAH": ["MIA"],
    "SERGEI": ["SERGEY"],
    "IVANOV": ["IVANOFF"],
    "MUELLER": ["MULLER"],
    "RASHED": ["RASHID"],
}
# nationality (ICAO) -> (permit text, share of partial dates of birth)
NATIONALITIES = {
    "BGD": ("Bangladesh", 0.10),
    "IND": ("India", 0.02),
    "LKA": ("Sri Lanka", 0.0),
    "NPL": ("Nepal", 0.05),
    "PHL": ("Philippines", 0.0),
    "GBR": ("United Kingdom", 0.0),
    "D": ("Germany", 0.0),
    "CHN": ("China", 0.0),
    "ITA": ("Italy", 0.0),
    "RUS": ("Russian Federation", 0.0),
}
MISSPELT = {"Bangladesh": "Bangaldesh", "Sri Lanka": "Srilanka", "Philippines": "Phillipines"}
WORKER_NATIONALITIES = ["BGD", "BGD", "BGD", "IND", "IND", "LKA", "NPL", "PHL"]
TOURIST_NATIONALITIES = ["CHN", "IND", "RUS", "GBR", "D", "ITA", "GBR", "CHN", "RUS"]
START = date(2019, 1, 1)
END = date(2024, 6, 30)


@dataclass
class Document:
    number: str
    given: str
    surname: str
    dob_text: str
    valid_from: date


@dataclass
class Person:
    pid: str
    kind: str
    sex: str
    dob: date
    nationality: str
    given: str
    surname: str
    nid: str | None = None
    docs: list[Document] = field(default_factory=list)


def _variant(rng: random.Random, name: str) -> str:
    if name in VARIANTS and rng.random() < 0.7:
        return rng.choice(VARIANTS[name])
    if len(name) > 4 and rng.random() < 0.3:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1 :]  # a dropped letter
    return name


def _dob_text(rng: random.Random, dob: date, partial_share: float) -> str:
    if rng.random() < partial_share:
        return f"{dob.year:04d}-00-00" if rng.random() < 0.6 else f"{dob:%Y-%m}-00"
    return dob.isoformat()


class _Ids:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def new(self, make) -> str:
        while True:
            value = make(self.rng)
            if value not in self.used:
                self.used.add(value)
                return value


def _people(rng: random.Random, n_persons: int, ids: _Ids) -> list[Person]:
    people: list[Person] = []
    for i in range(n_persons):
        roll = rng.random()
        kind = "citizen" if roll < 0.3 else "worker" if roll < 0.55 else "tourist"
        sex = "M" if kind == "worker" and rng.random() < 0.85 else rng.choice("MF")
        if kind == "citizen":
            nat = "MDV"
        elif kind == "worker":
            nat = rng.choice(WORKER_NATIONALITIES)
        else:
            nat = rng.choice(TOURIST_NATIONALITIES)
        dob = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
        person = Person(
            pid=f"T{i:07d}",
            kind=kind,
            sex=sex,
            dob=dob,
            nationality=nat,
            given=rng.choice(GIVEN[sex])
            + ("" if rng.random() < 0.5 else " " + rng.choice(GIVEN[sex])),
            surname=rng.choice(SURNAMES),
        )
        if kind == "citizen":
            person.nid = ids.new(lambda r: f"A{r.randrange(0, 10**6):06d}")
        people.append(person)
    # namesakes: a few persons copy another's name, sex, nationality and birth year
    for person in rng.sample(people, k=max(1, n_persons // 100)):
        other = rng.choice(people)
        person.given, person.surname, person.sex = other.given, other.surname, other.sex
        person.nationality = other.nationality if person.kind == other.kind else person.nationality
        person.dob = person.dob.replace(year=other.dob.year)
    return people


def _documents(rng: random.Random, person: Person, ids: _Ids) -> None:
    partial = 0.0 if person.kind == "citizen" else NATIONALITIES[person.nationality][1]
    n_docs = 1 + (rng.random() < (0.35 if person.kind != "tourist" else 0.2))
    renewal = START + timedelta(days=rng.randrange(200, (END - START).days - 200))
    for k in range(n_docs):
        if person.nationality == "MDV":
            number = ids.new(lambda r: f"{r.choice('EGLOP')}{r.randrange(0, 10**7):07d}")
        else:
            number = ids.new(lambda r: f"{r.choice('ABEKNPZ')}{r.randrange(0, 10**8):08d}")
        renamed = k > 0 and rng.random() < 0.5
        person.docs.append(
            Document(
                number=number,
                given=" ".join(_variant(rng, g) for g in person.given.split())
                if renamed
                else person.given,
                surname=_variant(rng, person.surname) if renamed else person.surname,
                dob_text=_dob_text(rng, person.dob, partial),
                valid_from=START - timedelta(days=3000) if k == 0 else renewal,
            )
        )


def _doc_at(person: Person, day: date) -> Document:
    current = person.docs[0]
    for doc in person.docs:
        if doc.valid_from <= day:
            current = doc
    return current


def _trips(rng: random.Random, person: Person) -> list[tuple[date, date]]:
    """(out_date, back_date) for citizens; (arrival, departure) otherwise."""
    span = (END - START).days
    trips: list[tuple[date, date]] = []
    if person.kind == "citizen":
        day = START + timedelta(days=rng.randrange(0, 400))
        while day < END and len(trips) < 6:
            back = day + timedelta(days=rng.randrange(3, 60))
            trips.append((day, back))
            day = back + timedelta(days=rng.randrange(60, 500))
    elif person.kind == "worker":
        day = START + timedelta(days=rng.randrange(0, span - 400))
        while day < END and len(trips) < 4:
            leave = day + timedelta(days=rng.randrange(200, 800))
            trips.append((day, leave))
            day = leave + timedelta(days=rng.randrange(20, 60))
    else:
        day = START + timedelta(days=rng.randrange(0, span - 30))
        for _ in range(1 + (rng.random() < 0.4) + (rng.random() < 0.2)):
            trips.append((day, day + timedelta(days=rng.randrange(3, 20))))
            day = day + timedelta(days=rng.randrange(150, 900))
            if day > END:
                break
    return [(a, b) for a, b in trips if a < END]


def _at(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(minutes=rng.randrange(0, 1440))


def _object(dataset: str, bucket: str, key: str, extract: date) -> dict:
    object_id = hashlib.sha256(f"{bucket}/{key}".encode()).hexdigest()
    return {
        "object_id": object_id,
        "bucket": bucket,
        "object_key": key,
        "dataset": dataset,
        "extract_date": extract,
        "etag": object_id[:32],
        "content_sha256": object_id,
        "size_bytes": 0,
        "status": "loaded",
        "reason": None,
        "row_count": 0,
        "loaded_at": datetime(2024, 7, 1),
        "superseded_by": None,
        "source_uri": f"file:///synthetic/{bucket}/{key}",
    }


def make_sample(warehouse: Path, n_persons: int = 3000, seed: int = 1) -> pd.DataFrame:
    """Write raw.* tables for ``n_persons`` simulated persons; return the truth."""
    rng = random.Random(seed)  # noqa: S311 - simulation, not cryptography
    ids = _Ids(rng)
    people = _people(rng, n_persons, ids)
    truth: list[tuple[str, str, str]] = []
    crossings: list[dict] = []
    permits: list[dict] = []
    citizens: list[dict] = []
    passports: list[dict] = []
    objects = [
        _object(
            "border_crossings",
            "immigration",
            "border_crossings/2024/border_crossings_20240701.csv",
            date(2024, 7, 1),
        ),
        _object(
            "work_permits", "labour", "work_permits/work_permits_20240701.xlsx", date(2024, 7, 1)
        ),
        _object("citizens", "registry", "citizens/citizens_20240701.csv", date(2024, 7, 1)),
        _object("passports", "registry", "passports/passports_20240701.csv", date(2024, 7, 1)),
    ]
    crossing_object, permit_object, citizen_object, passport_object = (
        o["object_id"] for o in objects
    )
    crossing_seq = iter(range(1, 10**9))
    permit_numbers: list[str] = []

    for person in people:
        _documents(rng, person, ids)
        if person.kind == "citizen":
            citizens.append(
                {
                    "nid": person.nid,
                    "full_name": f"{person.given} {person.surname}".title(),
                    "sex": "1" if person.sex == "M" else "2",
                    "dob": f"{person.dob:%Y%m%d}",
                    "birth_country": "MV" if rng.random() < 0.95 else rng.choice(["IN", "LK"]),
                    "birth_island": "K.Male",
                    "reg_atoll": "K",
                    "reg_island": "Male",
                    "citizenship_basis": "BIRTH",
                    "citizenship_date": "",
                    "death_date": "20231005" if rng.random() < 0.02 else "",
                    "last_updated": "20240101120000",
                }
            )
            truth.append(("citizens", person.nid, person.pid))
            for doc in person.docs:
                passports.append(
                    {
                        "passport_no": doc.number,
                        "nid": person.nid,
                        "issue_date": f"{max(doc.valid_from, date(2010, 1, 1)):%Y%m%d}",
                        "expiry_date": "20300101",
                        "status": "VALID" if doc is person.docs[-1] else "EXPIRED",
                    }
                )
                truth.append(("passports", doc.number, person.pid))
        my_permits: list[tuple[str, date, date]] = []
        trips = _trips(rng, person)
        if person.kind == "worker":
            for arrival, leave in trips:
                number = ids.new(lambda r, y=arrival.year: f"WP{y}-{r.randrange(0, 10**6):06d}")
                permit_numbers.append(number)
                my_permits.append((number, arrival - timedelta(days=20), leave))
                doc = _doc_at(person, arrival - timedelta(days=20))
                typed = doc.number
                style = rng.random()
                if style < 0.15:
                    typed = typed.lower()
                elif style < 0.25:
                    typed = f"{typed[:1]} {typed[1:]}"
                elif style < 0.35:
                    typed = f"{typed[:3]}-{typed[3:]}"
                nat_text = NATIONALITIES[person.nationality][0]
                if rng.random() < 0.05:
                    nat_text = MISSPELT.get(nat_text, nat_text.upper())
                permits.append(
                    {
                        "work_permit_no": number,
                        "passport_no": typed,
                        "worker_name": f"{doc.given} {doc.surname}".title(),
                        "nationality": nat_text,
                        "gender": "Male" if person.sex == "M" else "Female",
                        "date_of_birth": person.dob.isoformat()
                        if rng.random() < 0.7
                        else f"{person.dob:%d/%m/%Y}",
                        "occupation": "Worker",
                        "isco_08": "9112",
                        "employer": "Resort Ltd",
                        "employer_sector": "Tourism",
                        "work_location": "K. Male",
                        "issue_date": (arrival - timedelta(days=20)).isoformat(),
                        "expiry_date": (arrival + timedelta(days=730)).isoformat(),
                        "status": "Active" if leave > END else "Cancelled",
                        "cancellation_reason": "" if leave > END else "Contract ended",
                        "report_date": "01/07/2024",
                    }
                )
                truth.append(("work_permits", number, person.pid))
        for first, second in trips:
            events = (
                [("DEP", first), ("ARR", second)]
                if person.kind == "citizen"
                else [
                    ("ARR", first),
                    ("DEP", second),
                ]
            )
            for direction, day in events:
                if day > END:
                    continue
                if direction == "DEP" and rng.random() < 0.01:
                    continue  # an unrecorded departure
                doc = _doc_at(person, day)
                when = _at(rng, day)
                visa = {"citizen": "CITIZEN", "worker": "WORK", "tourist": "TOURIST"}[person.kind]
                permit = ""
                if person.kind == "worker" and my_permits:
                    number = my_permits[min(len(my_permits) - 1, trips.index((first, second)))][0]
                    roll = rng.random()
                    if roll < 0.05:
                        permit = ""
                    elif roll < 0.08 and permit_numbers:
                        permit = rng.choice(permit_numbers)  # mistyped into someone else's
                    elif roll < 0.10:
                        permit = number.replace("-", "")
                    else:
                        permit = number
                row = {
                    "crossing_id": f"BC{next(crossing_seq):014d}",
                    "record_status": "NEW",
                    "extracted_at": f"{when + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}+05:00",
                    "crossing_time": f"{when:%Y-%m-%d %H:%M:%S}",
                    "direction": direction,
                    "port_code": "MLE",
                    "travel_doc_type": "P",
                    "travel_doc_number": doc.number,
                    "travel_doc_country": "D<<"
                    if person.nationality == "D"
                    else person.nationality,
                    "nationality": person.nationality,
                    "surname": doc.surname,
                    "given_names": doc.given,
                    "date_of_birth": doc.dob_text,
                    "sex": person.sex if rng.random() > 0.01 else "X",
                    "national_id": person.nid if person.nid and rng.random() < 0.85 else "",
                    "visa_type": visa,
                    "work_permit_number": permit,
                    "flight_vessel": "EK652",
                    "purpose_of_visit": "HOLIDAY"
                    if direction == "ARR" and visa == "TOURIST"
                    else "",
                    "intended_stay_days": "",
                    "declared_residence_country": "",
                }
                crossings.append(row)
                truth.append(("border_crossings", row["crossing_id"], person.pid))
                if rng.random() < 0.005:  # recorded twice, a few minutes apart
                    twin = dict(row)
                    twin["crossing_id"] = f"BC{next(crossing_seq):014d}"
                    twin["crossing_time"] = (
                        f"{when + timedelta(minutes=rng.randrange(1, 6)):%Y-%m-%d %H:%M:%S}"
                    )
                    crossings.append(twin)
                    truth.append(("border_crossings", twin["crossing_id"], person.pid))
                if rng.random() < 0.002:  # an event entered then voided
                    ghost = dict(row)
                    ghost["crossing_id"] = f"BC{next(crossing_seq):014d}"
                    crossings.append(ghost)
                    crossings.append({**ghost, "record_status": "VOID"})

    crossing_frame = pd.DataFrame(crossings)
    tables = {
        "border_crossings": (crossing_frame, crossing_object),
        "work_permits": (pd.DataFrame(permits), permit_object),
        "citizens": (pd.DataFrame(citizens), citizen_object),
        "passports": (pd.DataFrame(passports), passport_object),
    }
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema if not exists raw")
        for obj in objects:
            obj["row_count"] = len(tables[obj["dataset"]][0])
        object_frame = pd.DataFrame(objects)  # noqa: F841 - read by duckdb below
        con.execute("create or replace table raw.objects as select * from object_frame")
        for name, (frame, object_id) in tables.items():
            frame = frame.astype(str).fillna("")
            frame["_object_id"] = object_id
            frame["_row_number"] = range(1, len(frame) + 1)
            con.register("frame_view", frame)
            con.execute(f"create or replace table raw.{name} as select * from frame_view")
            con.unregister("frame_view")
        con.execute(
            "create or replace table raw.census_persons (person_id varchar, hh_id varchar, "
            "atoll varchar, locality_type varchar, sex varchar, age varchar, citizenship varchar, "
            "country_of_birth varchar, year_of_arrival varchar, prev_res_country varchar, "
            "reason_for_migration varchar, _object_id varchar, _row_number bigint)"
        )
    finally:
        con.close()
    return pd.DataFrame(truth, columns=["source_system", "source_record_id", "true_person_id"])
