"""The export files of a warehouse, and their write-audit-publish.

``write_exports`` reads only the public relations of the warehouse
(``marts.migration_statistics_public``, ``marts.census_coverage``) and the
label seeds (``reference.*``), and writes::

    sdmx/<INDICATOR>.csv          SDMX-CSV 2.0, dataflow MIGSTAT:DF_MIGRATION(1.0)
    migration_statistics.xlsx     a sheet per indicator, Definitions, Census coverage
    report/index.html             the statistical report (self-contained, offline)
    manifest.json                 vintage, files and their sha256

``publish`` writes them into a staging folder, and only when the audit
passed swaps them into place with one atomic rename of the ``current``
symlink::

    <out_dir>/releases/<vintage>[_rN]/   every release kept (newest ``keep`` of them)
    <out_dir>/current -> releases/<...>  swapped atomically (os.replace)
    <out_dir>/sdmx, migration_statistics.xlsx, report, manifest.json -> current/...
    <out_dir>/rejected/                  the last build whose audit failed (not published)
    <out_dir>/releases/_unreleased/      what stood where a link belongs: files written
                                         before releases existed, or the folders a copy
                                         that followed the links left (moved, not deleted)

The census coverage table is not disclosure-controlled in the warehouse; its
export is: the census counts get the rule of methodology section 5 (primary
and secondary suppression, with the lead's ``disclosure.suppress``), and the
admin-based counts are hidden wherever the public statistics hide the same
cell (and where they are small themselves), so the coverage table cannot
undo the suppression of ``migration_statistics_public``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from migstat.publication import sdmx
from migstat.publication.disclosure import suppress

Progress = Callable[[str], None]

STATISTICS = "marts.migration_statistics_public"
COVERAGE = "marts.census_coverage"
DIMENSIONS = ["sex", "age_group", "citizenship", "citizenship_group", "reason"]
STATISTICS_COLUMNS = [
    "indicator_code",
    "ref_area",
    "freq",
    "time_period",
    *DIMENSIONS,
    "obs_value",
    "obs_status",
    "conf_status",
    "vintage",
]
COVERAGE_COLUMNS = [
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
DIMENSION_NAMES = {
    "sex": "Sex",
    "age_group": "Age group",
    "citizenship": "Citizenship",
    "citizenship_group": "Citizenship group",
    "reason": "Reason",
}
FREQ_ORDER = {"A": 1, "Q": 2, "M": 3, "D": 4}
FREQ_NAMES = {"A": "Annual", "Q": "Quarterly", "M": "Monthly", "D": "Reference date"}
# breakdowns in the order they are shown (totals first); others follow
BREAKDOWN_ORDER = [
    (),
    ("sex",),
    ("age_group",),
    ("citizenship_group",),
    ("citizenship",),
    ("sex", "citizenship"),
    ("reason",),
]
RELEASE_FILES = ("sdmx", "migration_statistics.xlsx", "report", "manifest.json")
TOTAL = "_T"


# --------------------------------------------------------------------------- tables


@dataclass
class PublicTables:
    """What the exports are made of: the public relations and their labels."""

    statistics: pd.DataFrame
    coverage: pd.DataFrame
    indicators: pd.DataFrame
    labels: dict[str, dict[str, str]]
    sort_orders: dict[str, dict[str, int]]
    vintage: date
    ref_area: str
    min_cell_size: int = 5
    structure: sdmx.Structure | None = field(default=None, repr=False)

    def label(self, column: str, code: str) -> str:
        return self.labels.get(column, {}).get(code, code)

    def indicator_label(self, code: str) -> str:
        row = self.indicators.loc[self.indicators["indicator_code"] == code]
        if row.empty:
            return code
        number = row["core_number"].iloc[0]
        label = row["label"].iloc[0]
        return f"{number} {label}" if number else label

    def indicator_order(self) -> list[str]:
        present = set(self.statistics["indicator_code"])
        ordered = [c for c in self.indicators["indicator_code"] if c in present]
        return ordered + sorted(present - set(ordered))

    def code_order(self, column: str, codes: pd.Series) -> pd.Series:
        """Sort key of codes: the total first, then the seed's order (or the label)."""
        orders = self.sort_orders.get(column)
        if orders:
            key = codes.map(orders).fillna(len(orders) + 1)
            key = key.where(codes != TOTAL, -1)
            return key.astype(float)
        labels = codes.map(lambda c: self.label(column, c))
        rank = codes.map({TOTAL: "0", "XXA": "2", "_U": "3"}).fillna("1")
        return rank + labels.str.lower()


def breakdown_of(frame: pd.DataFrame) -> pd.Series:
    """The breakdown of each row: a tuple of the dimensions that are not totals."""
    not_total = frame[DIMENSIONS].ne(TOTAL).to_numpy()
    masks = not_total @ (1 << np.arange(len(DIMENSIONS)))
    by_mask = {
        int(m): tuple(d for i, d in enumerate(DIMENSIONS) if int(m) >> i & 1)
        for m in np.unique(masks)
    }
    return pd.Series([by_mask[int(m)] for m in masks], index=frame.index, dtype=object)


def breakdown_name(breakdown: tuple[str, ...]) -> str:
    """``()`` -> ``Total``; ``("sex", "citizenship")`` -> ``Citizenship and sex``."""
    if not breakdown:
        return "Total"
    names = [DIMENSION_NAMES[d] for d in breakdown]
    if set(breakdown) == {"sex", "citizenship"}:
        names = ["Citizenship", "Sex"]
    if len(names) == 1:
        return names[0]
    return ", ".join([names[0], *(n.lower() for n in names[1:-1])]) + " and " + names[-1].lower()


def order_statistics(tables: PublicTables, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in reading order, with a ``breakdown`` name column.

    By frequency (A, Q, M, then stocks), period, then the total first and
    each breakdown (sex, age group, citizenship group, citizenship,
    citizenship and sex, reason, any other), codes in the seeds' order with
    the total first.
    """
    frame = frame.copy()
    breakdowns = breakdown_of(frame)
    known = {tuple(sorted(b, key=DIMENSIONS.index)): i for i, b in enumerate(BREAKDOWN_ORDER)}
    frame["breakdown"] = breakdowns.map(breakdown_name)
    frame["_b"] = breakdowns.map(lambda b: known.get(b, len(known) + len(b)))
    frame["_f"] = frame["freq"].map(FREQ_ORDER).fillna(9)
    keys = ["_f", "time_period", "_b", "breakdown"]
    for column in ["citizenship_group", "citizenship", "sex", "age_group", "reason"]:
        frame[f"_o_{column}"] = tables.code_order(column, frame[column])
        keys.append(f"_o_{column}")
    frame = frame.sort_values(keys, kind="stable")
    helpers = [c for c in frame.columns if c.startswith("_")]
    return frame.drop(columns=helpers).reset_index(drop=True)


def _reference(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> pd.DataFrame:
    select = ", ".join(f"cast({c} as varchar) as {c}" for c in columns)
    try:
        return con.sql(f"select {select} from reference.{table}").df()
    except duckdb.Error as error:
        raise RuntimeError(
            f"reference.{table} ({', '.join(columns)}) is needed for the export labels: {error}"
        ) from error


def load_public_tables(
    warehouse: Path, min_cell_size: int = 5, structure: sdmx.Structure | None = None
) -> PublicTables:
    """Read the public relations and the label seeds (read-only connection)."""
    structure = structure or sdmx.load_structure()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            statistics = con.sql(f"select {', '.join(STATISTICS_COLUMNS)} from {STATISTICS}").df()
            coverage = con.sql(f"select {', '.join(COVERAGE_COLUMNS)} from {COVERAGE}").df()
        except duckdb.Error as error:
            raise RuntimeError(f"the public marts cannot be read: {error}") from error
        indicators = _reference(
            con,
            "indicators",
            ["indicator_code", "core_number", "label", "kind", "description", "sort_order"],
        )
        countries = _reference(con, "countries", ["iso3", "name"])
        ages = _reference(con, "age_groups", ["age_group", "label", "sort_order"])
        sexes = _reference(con, "sex_labels", ["sex", "label", "sort_order"])
        reasons = _reference(con, "reason_codes", ["reason", "label", "description", "sort_order"])
    if statistics.empty:
        raise RuntimeError(f"{STATISTICS} is empty: nothing to export")
    indicators = indicators.fillna("")
    indicators["sort_order"] = pd.to_numeric(indicators["sort_order"], errors="coerce")
    indicators = indicators.sort_values("sort_order").reset_index(drop=True)

    def orders(frame: pd.DataFrame, code: str) -> dict[str, int]:
        return dict(zip(frame[code], pd.to_numeric(frame["sort_order"]).astype(int), strict=True))

    labels = {
        "indicator_code": dict(zip(indicators["indicator_code"], indicators["label"], strict=True)),
        "citizenship": {
            **dict(zip(countries["iso3"], countries["name"], strict=True)),
            TOTAL: "Total",
        },
        "ref_area": dict(zip(countries["iso3"], countries["name"], strict=True)),
        "age_group": dict(zip(ages["age_group"], ages["label"], strict=True)),
        "sex": dict(zip(sexes["sex"], sexes["label"], strict=True)),
        "reason": dict(zip(reasons["reason"], reasons["label"], strict=True)),
        "citizenship_group": structure.labels("CITIZENSHIP_GROUP"),
        "freq": FREQ_NAMES,
        "obs_status": {"A": "Final", "P": "Provisional"},
        "conf_status": {
            "F": "Free",
            "C": f"Suppressed (fewer than {min_cell_size} persons)",
            "D": "Suppressed (secondary)",
        },
    }
    sort_orders = {
        "age_group": orders(ages, "age_group"),
        "sex": orders(sexes, "sex"),
        "reason": orders(reasons, "reason"),
        "citizenship_group": {"CIT": 1, "FOR": 2},
    }
    statistics["obs_value"] = pd.to_numeric(statistics["obs_value"]).astype("float64")
    vintages = pd.to_datetime(statistics["vintage"]).dt.date.unique()
    if len(vintages) != 1:
        raise RuntimeError(f"{STATISTICS} mixes vintages {sorted(vintages)}")
    areas = statistics["ref_area"].unique()
    coverage = protect_coverage(coverage, statistics, min_cell_size)
    return PublicTables(
        statistics=statistics,
        coverage=coverage,
        indicators=indicators,
        labels=labels,
        sort_orders=sort_orders,
        vintage=vintages[0],
        ref_area=str(areas[0]) if len(areas) else "",
        min_cell_size=min_cell_size,
        structure=structure,
    )


def _as_statistics(coverage: pd.DataFrame, value: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "indicator_code": coverage["indicator_code"],
            "freq": "D",
            "time_period": pd.to_datetime(coverage["reference_date"]).dt.strftime("%Y-%m-%d"),
            "sex": coverage["sex"],
            "age_group": TOTAL,
            "citizenship": coverage["citizenship"],
            "citizenship_group": TOTAL,
            "reason": TOTAL,
            "obs_value": pd.to_numeric(coverage[value]).fillna(0).astype(float),
        }
    )
    return frame.reset_index(drop=True)


def protect_coverage(
    coverage: pd.DataFrame, statistics: pd.DataFrame, min_cell_size: int = 5
) -> pd.DataFrame:
    """Disclosure control of the census coverage table for export.

    Adds ``census_conf_status``, ``admin_conf_status`` and ``conf_status``
    (``F``, ``C`` where either count is a primary suppression, else ``D``)
    and empties the counts, difference, ratio and share that would give a
    suppressed count away.
    """
    coverage = coverage.reset_index(drop=True).copy()
    if coverage.empty:
        for column in ("census_conf_status", "admin_conf_status", "conf_status"):
            coverage[column] = pd.Series(dtype=str)
        return coverage
    census = suppress(_as_statistics(coverage, "census_count"), min_cell_size)["conf_status"]
    admin = suppress(_as_statistics(coverage, "admin_count"), min_cell_size)["conf_status"]
    # the same cells of the public statistics
    public = statistics[
        (statistics["freq"] == "D")
        & statistics["age_group"].eq(TOTAL)
        & statistics["citizenship_group"].eq(TOTAL)
        & statistics["reason"].eq(TOTAL)
    ][["indicator_code", "time_period", "citizenship", "sex", "conf_status"]]
    keyed = _as_statistics(coverage, "admin_count")[
        ["indicator_code", "time_period", "citizenship", "sex"]
    ].merge(public, how="left", on=["indicator_code", "time_period", "citizenship", "sex"])
    public_status = keyed["conf_status"].fillna("F").to_numpy()
    admin = np.where(
        admin.to_numpy() == "C", "C", np.where(public_status != "F", public_status, admin)
    )
    coverage["census_conf_status"] = census.to_numpy()
    coverage["admin_conf_status"] = admin
    both = coverage[["census_conf_status", "admin_conf_status"]]
    coverage["conf_status"] = np.where(
        both.eq("C").any(axis=1), "C", np.where(both.ne("F").any(axis=1), "D", "F")
    )
    census_hidden = coverage["census_conf_status"] != "F"
    admin_hidden = coverage["admin_conf_status"] != "F"
    coverage["census_count"] = coverage["census_count"].astype("float64")
    coverage.loc[census_hidden, "census_count"] = np.nan
    coverage.loc[admin_hidden, "admin_count"] = np.nan
    coverage.loc[census_hidden | admin_hidden, ["difference", "ratio", "share_explained"]] = np.nan
    return coverage


# --------------------------------------------------------------------------- personal data


@dataclass(frozen=True)
class PersonalDataHit:
    """A forbidden value found in an export (the value itself is masked)."""

    path: Path
    part: str
    masked_value: str

    def __str__(self) -> str:
        where = f"{self.path}" + (f" [{self.part}]" if self.part else "")
        return f"{where}: {self.masked_value}"


_TOKEN = re.compile(r"[0-9a-z]+(?:['\-/.][0-9a-z]+)*")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _mask(value: str) -> str:
    return value[:1] + "*" * max(len(value) - 1, 2)


def _texts(path: Path) -> Iterable[tuple[str, str]]:
    """(part, text) of a file: an xlsx by its XML parts, gzip decompressed."""
    data = path.read_bytes()
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield name, unescape(archive.read(name).decode("utf-8", "replace"))
            return
        except zipfile.BadZipFile:
            pass
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    yield "", unescape(data.decode("utf-8", "replace"))


def scan_for_personal_data(
    paths: Iterable[Path | str],
    forbidden_values: Iterable[str] | Mapping[str, Iterable[str]],
    *,
    min_length: int = 3,
) -> list[PersonalDataHit]:
    """Find any of ``forbidden_values`` in the files under ``paths``.

    ``paths`` are files or folders (searched recursively). A value matches
    as a whole sequence of words, case-insensitively, wherever it appears in
    a file's text (CSV, HTML, JSON, and every XML part of an xlsx, XML
    entities decoded): ``"Aminath Hassan"`` matches ``AMINATH  HASSAN`` but
    not ``HASSANI``; ``A100023`` matches itself, not ``XA1000234``. Give
    dates of birth in the forms an export could use (``1990-01-15``,
    ``15/01/1990``, ``19900115``). Values shorter than ``min_length``
    characters are skipped (single letters and codes would match
    everywhere). ``forbidden_values`` may be a mapping of kind to values;
    the kind then prefixes the masked value of a hit. Returns the hits, the
    values masked so that the report itself leaks nothing.
    """
    if isinstance(forbidden_values, Mapping):
        kinds = {kind: list(values) for kind, values in forbidden_values.items()}
    else:
        kinds = {"": list(forbidden_values)}
    wanted: dict[tuple[str, ...], str] = {}
    for kind, values in kinds.items():
        for value in values:
            if value is None:
                continue
            words = tuple(_tokens(str(value)))
            if not words or len(" ".join(words)) < min_length:
                continue
            wanted[words] = (f"{kind}: " if kind else "") + _mask(" ".join(words))
    if not wanted:
        return []
    lengths = sorted({len(w) for w in wanted})
    firsts = {w[0] for w in wanted}
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files.append(path)
    hits: list[PersonalDataHit] = []
    for path in files:
        for part, text in _texts(path):
            tokens = _tokens(text)
            found: set[str] = set()
            for i, token in enumerate(tokens):
                if token not in firsts:
                    continue
                for n in lengths:
                    masked = wanted.get(tuple(tokens[i : i + n]))
                    if masked and masked not in found:
                        found.add(masked)
                        hits.append(PersonalDataHit(path, part, masked))
    return hits


# --------------------------------------------------------------------------- writing


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_exports(
    warehouse: Path,
    out_dir: Path,
    progress: Progress = print,
    *,
    min_cell_size: int = 5,
) -> dict[str, Path]:
    """Write every export of ``warehouse`` into ``out_dir``; return them by name.

    Names: ``sdmx/<INDICATOR>`` for each SDMX-CSV file, ``excel``,
    ``report`` and ``manifest``. Raises (writing nothing into a published
    release) when the statistics do not fit the DSD.
    """
    from migstat.publication.excel import write_workbook
    from migstat.publication.report import write_report

    warehouse, out_dir = Path(warehouse), Path(out_dir)
    if (out_dir / "current").is_symlink():
        raise RuntimeError(
            f"{out_dir} holds published releases: write them with publish(), "
            "not over the current release"
        )
    tables = load_public_tables(warehouse, min_cell_size)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress(f"exports: {len(tables.statistics)} public rows, vintage {tables.vintage}")

    sdmx_dir = out_dir / "sdmx"
    if sdmx_dir.exists():
        for stale in sdmx_dir.glob("*.csv"):
            stale.unlink()
    files = {
        f"sdmx/{code}": path
        for code, path in sdmx.write_indicator_files(
            tables.statistics, sdmx_dir, tables.structure
        ).items()
    }
    progress(f"exports: {len(files)} SDMX-CSV files in {sdmx_dir}")
    files["excel"] = write_workbook(tables, out_dir / "migration_statistics.xlsx")
    progress(f"exports: workbook {files['excel']}")
    files["report"] = write_report(tables, out_dir / "report")
    progress(f"exports: report {files['report']}")

    manifest = {
        "dataflow": sdmx.DATAFLOW,
        "vintage": tables.vintage.isoformat(),
        "ref_area": tables.ref_area,
        "min_cell_size": min_cell_size,
        "rows": {
            code: int(n) for code, n in tables.statistics.groupby("indicator_code").size().items()
        },
        "suppressed": {
            status: int(n)
            for status, n in tables.statistics["conf_status"].value_counts().sort_index().items()
        },
        "files": {
            str(path.relative_to(out_dir)): {"sha256": _sha256(path), "bytes": path.stat().st_size}
            for path in sorted(out_dir.rglob("*"))
            if path.is_file() and path.name != "manifest.json"
        },
    }
    files["manifest"] = out_dir / "manifest.json"
    files["manifest"].write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return files


# --------------------------------------------------------------------------- publishing


@dataclass
class PublishResult:
    """What ``publish`` did."""

    published: bool
    message: str
    release: Path | None = None
    rejected: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)


def _release_name(releases: Path, vintage: str) -> str:
    name, n = vintage, 1
    while (releases / name).exists():
        n += 1
        name = f"{vintage}_r{n}"
    return name


def _current(out_dir: Path) -> Path | None:
    link = out_dir / "current"
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def _manifest_files(release: Path) -> dict | None:
    try:
        return json.loads((release / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return None


def _link_stable_names(out_dir: Path, releases: Path, progress: Progress) -> None:
    """``out_dir/<name>`` -> ``current/<name>`` for each release file (made once)."""
    for name in RELEASE_FILES:
        path = out_dir / name
        target = Path("current") / name
        if path.is_symlink():
            if Path(os.readlink(path)) == target:
                continue
            path.unlink()
        elif path.exists():
            # files written by write_exports straight into out_dir before releases
            _move_aside(path, releases, progress)
        path.symlink_to(target)


def _move_aside(path: Path, releases: Path, progress: Progress) -> None:
    """Move a file or folder that stands where a link belongs into
    ``releases/_unreleased`` (replacing what an earlier move left there)."""
    legacy = releases / "_unreleased"
    legacy.mkdir(parents=True, exist_ok=True)
    stale = legacy / path.name
    if stale.is_dir():
        shutil.rmtree(stale)
    elif stale.exists():
        stale.unlink()
    path.rename(stale)
    progress(f"publish: moved the unreleased {path.name} to {legacy}")


def _prune(releases: Path, keep: int | None, current: Path, progress: Progress) -> None:
    if keep is None:
        return
    olds = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))),
        key=lambda p: p.stat().st_mtime,
    )
    for old in olds[: max(len(olds) - keep, 0)]:
        if old.resolve() != current.resolve():
            shutil.rmtree(old)
            progress(f"publish: removed the old release {old.name}")


def publish(
    warehouse: Path,
    out_dir: Path,
    audit_passed: bool,
    progress: Progress = print,
    *,
    min_cell_size: int = 5,
    keep: int | None = 10,
) -> PublishResult:
    """Write-audit-publish the exports of ``warehouse`` into ``out_dir``.

    The exports are written into ``out_dir/releases/.staging-*`` (they are
    checked against the DSD while written). ``audit_passed`` says whether
    every test guarding publication passed: if it did not, the build is
    moved to ``out_dir/rejected`` and the current release stays as it was.
    Otherwise the build becomes ``releases/<vintage>`` (``<vintage>_rN`` when
    that vintage was released before) and the ``current`` symlink is swapped
    to it with one ``os.replace`` (atomic); a build identical to the current
    release is dropped. Only the newest ``keep`` releases are kept (``None``:
    all).
    """
    out_dir = Path(out_dir)
    releases = out_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    staging = releases / f".staging-{uuid.uuid4().hex}"
    try:
        files = write_exports(warehouse, staging, progress, min_cell_size=min_cell_size)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    vintage = json.loads(files["manifest"].read_text(encoding="utf-8"))["vintage"]

    if not audit_passed:
        rejected = out_dir / "rejected"
        if rejected.exists():
            shutil.rmtree(rejected)
        staging.rename(rejected)
        message = (
            f"publish: the audit failed; vintage {vintage} not published "
            f"(kept for inspection in {rejected}); the current release is unchanged"
        )
        progress(message)
        return PublishResult(False, message, release=_current(out_dir), rejected=rejected)

    current = _current(out_dir)
    if current is not None and _manifest_files(current) == _manifest_files(staging):
        shutil.rmtree(staging)
        _link_stable_names(out_dir, releases, progress)
        message = f"publish: vintage {vintage} unchanged, release {current.name} stays current"
        progress(message)
        return PublishResult(True, message, current, files=_stable_files(out_dir, files, staging))

    release = releases / _release_name(releases, vintage)
    staging.rename(release)
    link_tmp = out_dir / f".current-{uuid.uuid4().hex}"
    link_tmp.symlink_to(Path("releases") / release.name)
    current_link = out_dir / "current"
    if current_link.exists() and not current_link.is_symlink():
        # a copy of the exports that followed the links (shutil.copytree's
        # default, cp -L) leaves a folder here, which os.replace cannot
        # replace with a link
        _move_aside(current_link, releases, progress)
    os.replace(link_tmp, current_link)
    _link_stable_names(out_dir, releases, progress)
    _prune(releases, keep, release, progress)
    message = f"publish: released vintage {vintage} as {release.relative_to(out_dir)}"
    progress(message)
    return PublishResult(True, message, release, files=_stable_files(out_dir, files, staging))


def _stable_files(out_dir: Path, files: dict[str, Path], staging: Path) -> dict[str, Path]:
    """The paths of the files under their stable names in ``out_dir``."""
    return {name: out_dir / path.relative_to(staging) for name, path in files.items()}
