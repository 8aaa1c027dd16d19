"""Dictionary checks at landing: Great Expectations suites built from ``migstat.dictionary``.

One suite per dataset (``suite_for``), generated from the dictionary: per column
``not_null`` (not nullable), ``match_regex`` (pattern), ``be_in_set`` (code
set), a parse check for dates and timestamps, uniqueness within an object
(``compound_columns_to_be_unique`` on ``_object_id`` + the key column) and
the cross-column rules (``column_pair_values_a_to_be_greater_than_b`` on the
parsed dates). Expectations run on a pandas batch (pandas datasource ->
dataframe asset -> whole-dataframe batch definition) because the SQL
datasource on DuckDB is broken in GX 1.24.

What GX sees, so the numbers can be trusted:

* Values as landed, except that the empty string is turned into a missing
  value (``''`` is how an empty field is delivered) so that GX's null
  semantics apply; for every date column a derived ``<column>__parsed``
  timestamp is added (vectorized ``pandas.to_datetime`` with the
  dictionary's formats, ``00`` month/day read as ``01`` where the
  dictionary allows unknown parts).
* Objects of one dataset are validated together, up to ``BATCH_ROWS`` rows
  per batch (env ``MIGSTAT_GX_BATCH_ROWS``). Every value of every row is
  checked (no sampling), but a value rule (not null, pattern, code set,
  date parse, and the cross-column rules on their value pairs) gives the
  same verdict wherever a value occurs, so GX checks each *distinct* value
  (tuple) of a batch once (``Validator``): a monthly snapshot repeats most
  of last month's values, a code column has a handful. Columns whose values
  hardly repeat (ids, timestamps) are handed over row by row. Uniqueness
  within an object (``compound_columns_to_be_unique`` on ``_object_id`` +
  key) runs on the rows themselves.
* Results are attributed back to each object exactly: GX's ``COMPLETE``
  result lists the rejected values, DuckDB counts the rows of each object
  that hold them (and takes the first five, in delivered order, as the
  sample). For each object ``element_count`` is its rows,
  ``unexpected_count`` its rows that break the rule, and ``success`` is
  computed with the expectation's ``mostly`` over the object's non-missing
  values (what GX does on a single-object batch).

Results are written to ``raw.validation_results`` by the landing, in the
same transaction as the object's rows (one per batch). Data Docs (GX HTML)
of the suites and of the latest run of each are built under
``<warehouse dir>/quality/gx/`` and a self-contained report (no CDN) at
``<warehouse dir>/quality/index.html`` (``write_quality_report``).
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from migstat.dictionary import DATASETS, Dataset

BATCH_ROWS = int(os.environ.get("MIGSTAT_GX_BATCH_ROWS", "1000000"))
_SAMPLE = 5
_WIDE_RATIO = 8  # a group joins the frame of the most diverse one within this factor
_DIVERSE = 0.5  # share of distinct values per object above which values are not de-duplicated

RESULT_COLUMNS = (
    "object_id",
    "dataset",
    "expectation_type",
    "column_name",
    "kwargs",
    "success",
    "unexpected_count",
    "element_count",
    "unexpected_sample",
    "run_time",
)


@dataclass
class CheckResult:
    object_id: str
    dataset: str
    expectation_type: str
    column_name: str | None
    kwargs: str
    success: bool
    unexpected_count: int
    element_count: int
    unexpected_sample: str
    run_time: datetime

    def row(self) -> tuple:
        return tuple(getattr(self, name) for name in RESULT_COLUMNS)


def parsed_name(column: str) -> str:
    return f"{column}__parsed"


def expectation_specs(dataset: Dataset) -> list[tuple[str, dict]]:
    """The dictionary rules of ``dataset`` as (GX expectation class name, kwargs)."""
    specs: list[tuple[str, dict]] = []
    for col in dataset.columns:
        name = col.name
        if not col.nullable:
            specs.append(("ExpectColumnValuesToNotBeNull", {"column": name}))
        if col.pattern:
            kw = {"column": name, "regex": col.pattern}
            if col.mostly < 1:
                kw["mostly"] = col.mostly
            specs.append(("ExpectColumnValuesToMatchRegex", kw))
        if col.codes:
            kw = {"column": name, "value_set": list(col.codes)}
            if col.mostly < 1:
                kw["mostly"] = col.mostly
            specs.append(("ExpectColumnValuesToBeInSet", kw))
        if col.date_formats:
            specs.append(
                (
                    "ExpectColumnValuesToNotBeNull",
                    {
                        "column": parsed_name(name),
                        "row_condition": f"{name}.notna()",
                        "condition_parser": "pandas",
                    },
                )
            )
        if col.unique:
            specs.append(("ExpectCompoundColumnsToBeUnique", {"column_list": ["_object_id", name]}))
    for rule in dataset.rules:
        kw = {
            "column_A": parsed_name(rule.column_a),
            "column_B": parsed_name(rule.column_b),
            "or_equal": rule.or_equal,
            "ignore_row_if": "either_value_is_missing",
        }
        specs.append(("ExpectColumnPairValuesAToBeGreaterThanB", kw))
    return specs


def _quiet_gx() -> None:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    # string row conditions are deprecated for GX 2.0 but are the 1.24 way for pandas
    warnings.filterwarnings("ignore", message=".*(row_condition|condition_parser).*")


def suite_for(dataset: Dataset, specs=None, name: str | None = None):
    """A GX ExpectationSuite named ``migstat_<dataset>`` built from the dictionary
    (``specs``: only these of ``expectation_specs(dataset)``, in a suite called ``name``)."""
    import great_expectations as gx

    _quiet_gx()
    suite = gx.ExpectationSuite(name=name or f"migstat_{dataset.name}")
    for class_name, kwargs in expectation_specs(dataset) if specs is None else specs:
        suite.add_expectation(getattr(gx.expectations, class_name)(**kwargs))
    return suite


def _parse_dates(series: pd.Series, formats: tuple[str, ...], zero_parts: bool) -> pd.Series:
    text = series
    if zero_parts:
        text = text.str.replace(r"-00(?=-|$)", "-01", regex=True)
    out = None
    for fmt in formats:
        utc = "%z" in fmt
        parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)
        if utc:
            parsed = parsed.dt.tz_convert(None)
        out = parsed if out is None else out.fillna(parsed)
    return out


def column_groups(dataset: Dataset) -> list[tuple[str, ...]]:
    """The columns whose values a rule reads together: one group per column, except that
    the two columns of a cross-column rule form one group (their value pairs)."""
    group_of = {col.name: (col.name,) for col in dataset.columns}
    for rule in dataset.rules:
        merged = tuple(dict.fromkeys((*group_of[rule.column_a], *group_of[rule.column_b])).keys())
        for name in merged:
            group_of[name] = merged
    return list(dict.fromkeys(group_of.values()))


def _spec_columns(kwargs: dict) -> list[str]:
    names = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    names += list(kwargs.get("column_list") or [])
    return [n.removesuffix("__parsed") for n in names if n != "_object_id"]


def _part_frame(dataset: Dataset, groups, distinct: dict) -> pd.DataFrame:
    """One GX frame holding the distinct value tuples of ``groups``, each group's list
    repeated cyclically up to the longest one (every row is a delivered value tuple)."""
    length = max(distinct[g].num_rows for g in groups)
    columns: dict[str, object] = {"__pos": np.arange(length, dtype=np.int64)}
    for group in groups:
        table = distinct[group]
        count = table.num_rows
        index = None if count == length else np.arange(length, dtype=np.int64) % count
        for name in group:
            values = table.column(name).to_pandas().replace("", None)
            series = {name: values}
            col = dataset.column(name)
            if col.date_formats:
                series[parsed_name(name)] = _parse_dates(values, col.date_formats, col.zero_parts)
            for key, value in series.items():
                if index is not None:
                    value = value.iloc[index]
                columns[key] = value.reset_index(drop=True)
    return pd.DataFrame(columns)


def _json_default(value):
    return str(value)


@dataclass
class _Part:
    """One GX validation of a batch: a frame and the expectations that run on it."""

    name: str
    specs: list[tuple[str, dict]]
    groups: list[tuple[str, ...]] = field(default_factory=list)  # empty: the keys frame


class Validator:
    """Runs the dictionary suites for a landing run; one GX context, created on first use.

    A batch of objects of one dataset is validated in (at most) three GX runs:

    * value rules (not null, pattern, code set, date parse, cross-column rules) run on
      the *distinct* values of each column group in the batch: a value rule's verdict
      depends on the value only, so GX sees every delivered value once instead of once
      per row and snapshot (a monthly permit snapshot repeats last month's values).
      Groups of similar cardinality share a frame; a frame of the few very diverse
      columns (ids, timestamps) and one of the rest keep GX's per-column work small;
    * uniqueness within an object runs on the (``_object_id``, key) rows themselves.

    GX's unexpected values are then counted back per object in DuckDB (rows whose
    value tuple GX rejected), which gives exact per-object ``unexpected_count`` and
    samples in delivered row order.
    """

    def __init__(self, quality_dir: Path):
        self.quality_dir = quality_dir
        self._context = None
        self._definitions: dict[str, tuple[tuple, object]] = {}
        self._batches: dict[str, object] = {}
        self._duck = None
        self.runs = 0

    def _ctx(self):
        if self._context is None:
            _quiet_gx()
            import great_expectations as gx
            import great_expectations.execution_engine.pandas_execution_engine as engine

            # GX fingerprints every pandas batch below 1 GB by hashing all of it (about a
            # third of a run here); the fingerprint is a batch marker nobody reads
            engine.HASH_THRESHOLD = 0
            from great_expectations.data_context.types.base import ProgressBarsConfig

            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            site_dir = self.quality_dir / "gx"
            site_dir.mkdir(parents=True, exist_ok=True)
            context.add_data_docs_site(
                site_name="migstat_quality",
                site_config={
                    "class_name": "SiteBuilder",
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(site_dir),
                    },
                },
            )
            self._source = context.data_sources.add_or_update_pandas("landing")
            self._context = context
        return self._context

    def _con(self):
        if self._duck is None:
            import duckdb

            self._duck = duckdb.connect(
                config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
            )
            self._duck.execute("set enable_progress_bar = false")
        return self._duck

    def _definition(self, dataset: Dataset, part: _Part):
        """The GX validation definition of one part (re-made when its expectations change)."""
        import great_expectations as gx

        name = f"{dataset.name}__{part.name}"
        signature = tuple((cls, json.dumps(kw, sort_keys=True)) for cls, kw in part.specs)
        cached = self._definitions.get(name)
        if cached and cached[0] == signature:
            return cached[1]
        context = self._ctx()
        if name not in self._batches:
            asset = self._source.add_dataframe_asset(name)
            self._batches[name] = asset.add_batch_definition_whole_dataframe(f"{name}_objects")
        batch = self._batches[name]
        suite = context.suites.add_or_update(
            suite_for(dataset, part.specs, name=f"migstat_{dataset.name}__{part.name}")
        )
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"landing_{name}", data=batch, suite=suite)
        )
        self._definitions[name] = (signature, definition)
        return definition

    def _run(self, dataset: Dataset, part: _Part, frame: pd.DataFrame, index_column: str):
        result = self._definition(dataset, part).run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [index_column],
                "return_unexpected_index_query": False,
                "partial_unexpected_count": _SAMPLE,
            },
        )
        self.runs += 1
        return result

    def validate(self, dataset: Dataset, table: pa.Table) -> dict[str, list[CheckResult]]:
        """Validate the rows of one or more objects of ``dataset`` (columns ``_object_id``
        and ``_row_number``). Returns the results per object id."""
        run_time = datetime.now(UTC)
        con = self._con()
        table = table.combine_chunks()
        con.register("_batch", table)
        try:
            return self._validate(dataset, table, con, run_time)
        finally:
            con.unregister("_batch")
            for name in ("_unexpected",):
                with contextlib.suppress(Exception):
                    con.unregister(name)

    def _validate(
        self, dataset: Dataset, table: pa.Table, con, run_time
    ) -> dict[str, list[CheckResult]]:
        names = [c.name for c in dataset.columns]
        groups = column_groups(dataset)

        def cols(group) -> str:
            return ", ".join(f'"{n}"' for n in group)

        counted = con.execute(
            "select _object_id, count(*) as n, "
            + ", ".join(f"count(*) filter (where \"{n}\" <> '')" for n in names)
            + " from _batch group by _object_id order by _object_id"
        ).fetchall()
        object_ids = [row[0] for row in counted]
        rows_per_object = {row[0]: int(row[1]) for row in counted}
        present = {
            name: {row[0]: int(row[2 + i]) for row in counted} for i, name in enumerate(names)
        }
        total = sum(rows_per_object.values())
        diversity = con.execute(
            "select "
            + ", ".join(f"approx_count_distinct(hash({cols(g)}))" for g in groups)
            + " from _batch"
        ).fetchone()
        specs = expectation_specs(dataset)
        value_specs = [s for s in specs if s[0] != "ExpectCompoundColumnsToBeUnique"]
        key_specs = [s for s in specs if s[0] == "ExpectCompoundColumnsToBeUnique"]
        distinct = {}
        for group, estimate in zip(groups, diversity, strict=True):
            if estimate >= total * _DIVERSE:
                # values that hardly repeat are not worth de-duplicating (the hash table
                # costs more than GX saves): GX sees them row by row
                distinct[group] = table.select(list(group))
            else:
                distinct[group] = con.execute(
                    f"select distinct {cols(group)} from _batch"
                ).to_arrow_table()
        parts = self._value_parts(value_specs, groups, distinct)
        if key_specs:
            parts.append(_Part("keys", key_specs))
        out: dict[str, list[CheckResult]] = {oid: [] for oid in object_ids}
        for part in parts:
            if part.groups:
                frame = _part_frame(dataset, part.groups, distinct)
                result = self._run(dataset, part, frame, "__pos")
                del frame
            else:
                key_columns = sorted({n for _, kw in part.specs for n in kw["column_list"]})
                frame = (
                    con.execute(
                        "select " + ", ".join(f'"{n}"' for n in key_columns) + " from _batch"
                    )
                    .to_arrow_table()
                    .to_pandas()
                )
                for n in key_columns:
                    if n != "_object_id":
                        frame[n] = frame[n].replace("", None)
                result = self._run(dataset, part, frame, "_object_id")
                del frame
            for res in result.results:
                self._attribute(
                    dataset,
                    con,
                    part,
                    distinct,
                    res,
                    object_ids,
                    rows_per_object,
                    present,
                    run_time,
                    out,
                )
        return out

    @staticmethod
    def _value_parts(value_specs, groups, distinct) -> list[_Part]:
        """Split the groups in a frame of the most diverse ones and a frame of the rest."""
        sizes = {g: distinct[g].num_rows for g in groups}
        ordered = sorted(groups, key=lambda g: -sizes[g])
        widest = sizes[ordered[0]] if ordered else 0
        wide = [g for g in ordered if sizes[g] * _WIDE_RATIO >= widest]
        narrow = [g for g in ordered if g not in wide]
        parts = []
        for name, members in (("values", wide), ("values_small", narrow)):
            if not members:
                continue
            columns = {n for g in members for n in g}
            specs = [s for s in value_specs if set(_spec_columns(s[1])) <= columns]
            if specs:
                parts.append(_Part(name, specs, members))
        return parts

    def _attribute(
        self,
        dataset,
        con,
        part,
        distinct,
        res,
        object_ids,
        rows_per_object,
        present,
        run_time,
        out,
    ) -> None:
        """Turn one GX expectation result on a part into one CheckResult per object."""
        config = res.expectation_config
        kwargs = {
            k: v
            for k, v in config.kwargs.items()
            if k not in ("batch_id", "result_format") and v is not None
        }
        columns = kwargs.get("column") or ",".join(
            kwargs.get("column_list") or [kwargs.get("column_A", ""), kwargs.get("column_B", "")]
        )
        mostly = float(kwargs.get("mostly", 1.0))
        info = res.result or {}
        error = None
        if res.exception_info and res.exception_info.get("raised_exception"):
            error = str(res.exception_info.get("exception_message"))[:300]
        index_list = info.get("unexpected_index_list") or []
        if not error and not index_list and int(info.get("unexpected_count") or 0):
            error = "GX reported unexpected values without their index"
        per_object: Counter = Counter()
        samples: dict[str, list] = {}
        if index_list and not error:
            if part.groups:
                per_object, samples = self._count_back(con, part, distinct, kwargs, index_list)
            else:
                value_col = (kwargs.get("column_list") or [None])[-1]
                for entry in index_list:
                    oid = entry.get("_object_id")
                    per_object[oid] += 1
                    bucket = samples.setdefault(oid, [])
                    if len(bucket) < _SAMPLE:
                        bucket.append(entry.get(value_col))
        base_col = (kwargs.get("column") or "").removesuffix("__parsed")
        nonmissing = present.get(base_col, rows_per_object)
        for oid in object_ids:
            unexpected = int(per_object.get(oid, 0))
            if error:
                success = False
            else:
                success = unexpected <= (1 - mostly) * int(nonmissing.get(oid, 0)) + 1e-9
            sample = json.dumps(
                samples.get(oid, [])[:_SAMPLE] if not error else [error],
                default=_json_default,
                ensure_ascii=False,
            )
            out[oid].append(
                CheckResult(
                    object_id=oid,
                    dataset=dataset.name,
                    expectation_type=config.type,
                    column_name=columns,
                    kwargs=json.dumps(kwargs, default=_json_default, sort_keys=True),
                    success=success,
                    unexpected_count=unexpected,
                    element_count=int(rows_per_object.get(oid, 0)),
                    unexpected_sample=sample,
                    run_time=run_time,
                )
            )

    @staticmethod
    def _count_back(con, part, distinct, kwargs, index_list):
        """Rows per object whose value tuple GX rejected, and the first rejected values."""
        value_columns = _spec_columns(kwargs)
        group = next(g for g in part.groups if set(value_columns) <= set(g))
        table = distinct[group]
        positions = np.fromiter((e["__pos"] for e in index_list), dtype=np.int64)
        rejected = table.take(pa.array(np.unique(positions % table.num_rows)))
        con.register("_unexpected", rejected)
        try:
            using = ", ".join(f'"{n}"' for n in group)
            shown = (
                f'"{value_columns[0]}"'
                if len(value_columns) == 1
                else "[" + ", ".join(f'"{n}"' for n in value_columns) + "]"
            )
            rows = con.execute(
                f"""select _object_id, count(*),
                           list({shown} order by _row_number)[1:{_SAMPLE}]
                    from _batch semi join _unexpected using ({using})
                    group by _object_id"""
            ).fetchall()
        finally:
            con.unregister("_unexpected")
        per_object = Counter({oid: int(n) for oid, n, _ in rows})
        samples = {oid: list(sample) for oid, _, sample in rows}
        return per_object, samples

    def build_docs(self) -> Path | None:
        """Write the GX Data Docs: the suites and the latest validation of each part."""
        if self._context is None or not self.runs:
            return None
        try:
            store = self._context.validation_results_store
            latest: dict[str, object] = {}
            for key in store.list_keys():
                name = key.expectation_suite_identifier.name
                if name not in latest or str(key.run_id.run_time) > str(
                    latest[name].run_id.run_time
                ):
                    latest[name] = key
            self._context.build_data_docs(
                site_names=["migstat_quality"], resource_identifiers=list(latest.values())
            )
        except Exception as error:  # noqa: BLE001 - docs are a convenience, never fatal
            logging.getLogger(__name__).warning("GX Data Docs not built: %s", error)
            return None
        return self.quality_dir / "gx" / "index.html"


# --------------------------------------------------------------------------- quality report

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right}
.loaded{color:#1a6b1a}.quarantined,.refused{color:#a00;font-weight:bold}
.superseded,.ignored{color:#777}.fail{background:#fde8e8}.ok{background:#eef8ee}
code{font-size:.95em}
"""


def write_quality_report(con, path: Path, latest: int = 20) -> Path:
    """A self-contained HTML report of the latest deliveries (no external resources)."""

    def esc(value) -> str:
        return html.escape("" if value is None else str(value))

    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>migstat: quality of the latest deliveries</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Quality of the latest deliveries</h1>",
        f"<p>Written {esc(datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC'))}. "
        "Checks are the data dictionaries of extracts.md run as Great Expectations "
        "suites at landing (GX Data Docs: <a href='gx/index.html'>gx/index.html</a>). "
        "Objects that break a dictionary rule are loaded and flagged; only unreadable "
        "objects are quarantined.</p>",
    ]
    problems = con.execute(
        """select bucket, object_key, status, reason, loaded_at from raw.objects
           where status in ('quarantined', 'refused') order by loaded_at desc limit 200"""
    ).fetchall()
    parts.append("<h2>Quarantined and refused objects</h2>")
    if problems:
        parts.append("<table><tr><th>object</th><th>status</th><th>reason</th><th>when</th></tr>")
        for bucket, key, status, reason, when in problems:
            parts.append(
                f"<tr><td><code>{esc(bucket)}/{esc(key)}</code></td>"
                f"<td class='{esc(status)}'>{esc(status)}</td><td>{esc(reason)}</td>"
                f"<td>{esc(when)}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")
    for dataset in DATASETS.values():
        rows = con.execute(
            """select o.object_id, o.bucket, o.object_key, o.extract_date, o.status,
                      o.row_count, o.loaded_at,
                      count(v.success) filter (where not v.success) as failed,
                      count(v.success) as checks
               from raw.objects o left join raw.validation_results v using (object_id)
               where o.dataset = ? and o.status in ('loaded', 'superseded')
               group by all order by o.extract_date desc, o.loaded_at desc limit ?""",
            [dataset.name, latest],
        ).fetchall()
        parts.append(f"<h2>{esc(dataset.name)} <small>({esc(dataset.bucket)})</small></h2>")
        if not rows:
            parts.append("<p>Nothing landed.</p>")
            continue
        parts.append(
            "<table><tr><th>object</th><th>extract date</th><th>status</th>"
            "<th>rows</th><th>checks failed</th></tr>"
        )
        for _oid, bucket, key, extract, status, count, _when, failed, checks in rows:
            cls = "fail" if failed else "ok"
            parts.append(
                f"<tr class='{cls}'><td><code>{esc(bucket)}/{esc(key)}</code></td>"
                f"<td>{esc(extract)}</td><td class='{esc(status)}'>{esc(status)}</td>"
                f"<td class='n'>{count:,}</td><td class='n'>{failed} of {checks}</td></tr>"
            )
        parts.append("</table>")
        newest = rows[0][0]
        failures = con.execute(
            """select expectation_type, column_name, unexpected_count, element_count,
                      unexpected_sample
               from raw.validation_results where object_id = ? and not success
               order by unexpected_count desc""",
            [newest],
        ).fetchall()
        if failures:
            parts.append(
                f"<p>Failed checks of the newest object <code>{esc(rows[0][2])}</code>:</p>"
                "<table><tr><th>check</th><th>column</th><th>unexpected</th>"
                "<th>of rows</th><th>examples</th></tr>"
            )
            for etype, column, unexpected, elements, sample in failures:
                parts.append(
                    f"<tr class='fail'><td>{esc(etype)}</td><td>{esc(column)}</td>"
                    f"<td class='n'>{unexpected:,}</td><td class='n'>{elements:,}</td>"
                    f"<td><code>{esc(sample)}</code></td></tr>"
                )
            parts.append("</table>")
    parts.append("</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)
    return path
