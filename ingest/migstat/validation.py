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

* The frame holds the rows exactly as landed, except that the empty string
  is turned into a missing value (``''`` is how an empty field is
  delivered) so that GX's null semantics apply; for every date column a
  derived ``<column>__parsed`` timestamp is added (vectorized
  ``pandas.to_datetime`` with the dictionary's formats, ``00`` month/day
  read as ``01`` where the dictionary allows unknown parts).
* Speed: a GX checkpoint costs about 1 s of fixed overhead per run, so
  running one per daily crossing file (365 a year) is too slow. Objects of
  the same dataset are therefore validated together, up to
  ``BATCH_ROWS`` rows per checkpoint (env ``MIGSTAT_GX_BATCH_ROWS``), with an
  ``_object_id`` column. Every
  row of every object is checked (no sampling). Results are attributed
  back to each object exactly, with GX's ``COMPLETE`` result format and
  ``unexpected_index_column_names=["_object_id"]``; uniqueness is checked
  on (``_object_id``, key) so it stays *within one object*. For each object
  ``element_count`` is its rows, ``unexpected_count`` its rows that break
  the rule, and ``success`` is recomputed with the expectation's
  ``mostly`` over the object's non-missing values (exactly what GX does on
  a single-object batch).

Results are written to ``raw.validation_results`` by the landing, in the
same transaction as the object's rows. Data Docs (GX HTML) are built under
``<warehouse dir>/quality/gx/`` and a self-contained report (no CDN) at
``<warehouse dir>/quality/index.html`` (``write_quality_report``).
"""

from __future__ import annotations

import html
import json
import logging
import os
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from migstat.dictionary import DATASETS, Dataset

BATCH_ROWS = int(os.environ.get("MIGSTAT_GX_BATCH_ROWS", "600000"))
_SAMPLE = 5

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


def suite_for(dataset: Dataset):
    """A GX ExpectationSuite named ``migstat_<dataset>`` built from the dictionary."""
    import great_expectations as gx

    _quiet_gx()
    suite = gx.ExpectationSuite(name=f"migstat_{dataset.name}")
    for class_name, kwargs in expectation_specs(dataset):
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


def prepare_frame(dataset: Dataset, table: pa.Table) -> pd.DataFrame:
    """The pandas frame GX validates: '' -> missing, plus ``__parsed`` date columns."""
    frame = table.select([*dataset.raw_columns, "_object_id"]).to_pandas()
    for col in dataset.columns:
        frame[col.name] = frame[col.name].replace("", None)
    for col in dataset.columns:
        if col.date_formats:
            frame[parsed_name(col.name)] = _parse_dates(
                frame[col.name], col.date_formats, col.zero_parts
            )
    return frame


def _json_default(value):
    return str(value)


class Validator:
    """Runs the dataset suites for a landing run; one GX context, created on first use."""

    def __init__(self, quality_dir: Path):
        self.quality_dir = quality_dir
        self._context = None
        self._definitions: dict[str, object] = {}
        self.runs = 0

    def _ctx(self):
        if self._context is None:
            _quiet_gx()
            import great_expectations as gx
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

    def _definition(self, dataset: Dataset):
        if dataset.name not in self._definitions:
            import great_expectations as gx

            context = self._ctx()
            asset = self._source.add_dataframe_asset(dataset.name)
            batch = asset.add_batch_definition_whole_dataframe(f"{dataset.name}_objects")
            suite = context.suites.add_or_update(suite_for(dataset))
            self._definitions[dataset.name] = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=f"landing_{dataset.name}", data=batch, suite=suite)
            )
        return self._definitions[dataset.name]

    def validate(self, dataset: Dataset, table: pa.Table) -> dict[str, list[CheckResult]]:
        """Validate the rows of one or more objects of ``dataset`` (column ``_object_id``).

        Returns the results per object id.
        """
        run_time = datetime.now(UTC)
        frame = prepare_frame(dataset, table)
        objects = frame["_object_id"]
        rows_per_object = objects.value_counts().to_dict()
        object_ids = list(dict.fromkeys(objects.tolist()))
        definition = self._definition(dataset)
        result = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["_object_id"],
                "return_unexpected_index_query": False,
                "partial_unexpected_count": _SAMPLE,
            },
        )
        self.runs += 1
        out: dict[str, list[CheckResult]] = {oid: [] for oid in object_ids}
        for res in result.results:
            config = res.expectation_config
            kwargs = {
                k: v
                for k, v in config.kwargs.items()
                if k not in ("batch_id", "result_format") and v is not None
            }
            columns = kwargs.get("column") or ",".join(
                kwargs.get("column_list")
                or [kwargs.get("column_A", ""), kwargs.get("column_B", "")]
            )
            mostly = float(kwargs.get("mostly", 1.0))
            info = res.result or {}
            error = None
            if res.exception_info and res.exception_info.get("raised_exception"):
                error = str(res.exception_info.get("exception_message"))[:300]
            index_list = info.get("unexpected_index_list") or []
            per_object: Counter = Counter()
            samples: dict[str, list] = {}
            value_col = kwargs.get("column") or (kwargs.get("column_list") or [None])[-1]
            for entry in index_list:
                if isinstance(entry, dict):
                    oid = entry.get("_object_id")
                    per_object[oid] += 1
                    bucket = samples.setdefault(oid, [])
                    if len(bucket) < _SAMPLE:
                        bucket.append(entry.get(value_col) if value_col else entry)
            total_unexpected = int(info.get("unexpected_count") or 0)
            if not index_list and total_unexpected and len(object_ids) == 1:
                per_object[object_ids[0]] = total_unexpected
                samples[object_ids[0]] = list(info.get("partial_unexpected_list") or [])
            base_col = kwargs.get("column", "")
            base_col = base_col.removesuffix("__parsed") if base_col else base_col
            if base_col and base_col in frame.columns:
                present = frame[base_col].notna().groupby(objects).sum().to_dict()
            else:
                present = rows_per_object
            for oid in object_ids:
                unexpected = int(per_object.get(oid, 0))
                nonmissing = int(present.get(oid, 0))
                if error:
                    success = False
                elif len(object_ids) == 1:
                    success = bool(res.success)
                else:
                    success = unexpected <= (1 - mostly) * nonmissing + 1e-9
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
        return out

    def build_docs(self) -> Path | None:
        """Write the GX Data Docs of this run's validations; their index path."""
        if self._context is None or not self.runs:
            return None
        try:
            self._context.build_data_docs(site_names=["migstat_quality"])
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
