"""Score a warehouse against the truth of a generated delivery.

``migstat generate`` writes, beside the delivery, two sets of statistics:
``<truth>/statistics.parquet`` computed on the clean, complete histories
(``history``: what really happened, years before the observation start
included) and ``<truth>/statistics_method.parquet`` (``method``):
methodology.md applied to the clean, correctly linked crossings of the
observation period only. History minus method is the method's own bias;
the warehouse minus method is its processing error. This module compares
the final figures of ``marts.migration_statistics`` with either: the
relative error of each indicator's totals summed over its periods, and of
the five largest citizenships.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

TOTALS = (
    "sex = '_T' and age_group = '_T' and citizenship = '_T' "
    "and citizenship_group = '_T' and reason = '_T'"
)
BY_CITIZENSHIP = (
    "sex = '_T' and age_group = '_T' and citizenship not in ('_T') "
    "and citizenship_group = '_T' and reason = '_T'"
)


TRUTHS = {"history": "statistics.parquet", "method": "statistics_method.parquet"}


def _connect(warehouse: Path, truth: Path, kind: str = "history") -> duckdb.DuckDBPyConnection:
    if kind not in TRUTHS:
        raise ValueError(f"truth kind must be one of {sorted(TRUTHS)}, not {kind!r}")
    con = duckdb.connect(str(warehouse), read_only=True)
    statistics = (truth / TRUTHS[kind]).as_posix().replace("'", "''")
    con.execute(f"create temp view truth as select * from read_parquet('{statistics}')")
    return con


def statistics_accuracy(
    warehouse: Path, truth: Path, freq: str | None = None, kind: str = "history"
) -> pd.DataFrame:
    """Relative error of final totals per indicator and frequency, summed over periods.

    ``kind`` chooses the truth: ``history`` or ``method`` (module docstring).
    """
    freq_filter = f"and w.freq = '{freq}'" if freq else ""
    with _connect(warehouse, truth, kind) as con:
        return con.sql(
            f"""
            with
            w as (select * from marts.migration_statistics where {TOTALS}),
            t as (select * from truth where {TOTALS})
            select
                w.indicator_code,
                w.freq,
                count(*) as periods,
                sum(t.obs_value) as truth_value,
                sum(w.obs_value) as warehouse_value,
                sum(w.obs_value) / nullif(sum(t.obs_value), 0) - 1 as relative_error,
                max(abs(w.obs_value - t.obs_value) / nullif(t.obs_value, 0))
                    as worst_period_error
            from w
            inner join t using (indicator_code, freq, time_period)
            where w.obs_status = 'A' {freq_filter}
            group by 1, 2
            order by 1, 2
            """
        ).df()


def citizenship_accuracy(
    warehouse: Path, truth: Path, top: int = 5, kind: str = "history"
) -> pd.DataFrame:
    """Relative error of final figures for the ``top`` largest citizenships.

    ``kind`` chooses the truth: ``history`` or ``method`` (module docstring).
    """
    with _connect(warehouse, truth, kind) as con:
        return con.sql(
            f"""
            with
            w as (select * from marts.migration_statistics where {BY_CITIZENSHIP}),
            t as (select * from truth where {BY_CITIZENSHIP}),
            joined as (
                select w.indicator_code, w.freq, w.citizenship,
                    sum(t.obs_value) as truth_value, sum(w.obs_value) as warehouse_value
                from w
                inner join t using (indicator_code, freq, time_period, citizenship)
                where w.obs_status = 'A'
                group by 1, 2, 3
            ),
            ranked as (
                select *, row_number() over (
                    partition by indicator_code, freq order by truth_value desc
                ) as size_rank
                from joined
            )
            select *, warehouse_value / nullif(truth_value, 0) - 1 as relative_error
            from ranked
            where size_rank <= {int(top)}
            order by indicator_code, freq, size_rank
            """
        ).df()


def classification_accuracy(warehouse: Path, truth: Path) -> pd.DataFrame:
    """Final verdicts on delivered crossings against the true ones.

    One row per direction, citizenship group and visa type: crossings with
    a final classification, false migrations (the warehouse says migration,
    the truth not) and missed migrations. Inserted crossings (``REPAIR-...``)
    have no true counterpart and are left out.
    """
    crossings = (truth / "crossings_true.parquet").as_posix().replace("'", "''")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(
            f"""
            select
                c.direction,
                case when c.is_citizen then 'CIT' else 'FOR' end as citizenship_group,
                c.visa_type,
                count(*) as crossings_final,
                count(*) filter (where c.is_migration and not t.is_migration) as false_migrations,
                count(*) filter (where not c.is_migration and t.is_migration) as missed_migrations
            from linked.crossing_classification as c
            inner join read_parquet('{crossings}') as t using (crossing_id)
            where c.is_final
            group by all
            order by false_migrations + missed_migrations desc, crossings_final desc
            """
        ).df()


def linkage_splits(warehouse: Path, truth: Path) -> pd.DataFrame:
    """How far the person keys of the border crossings are from the true persons.

    ``split_persons``: true persons whose crossings carry more than one person
    key (each key sees half a history); ``merged_keys``: person keys whose
    crossings belong to more than one true person.
    """
    records = (truth / "record_person.parquet").as_posix().replace("'", "''")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(
            f"""
            with x as (
                select p.person_key, r.true_person_id
                from linked.int_person_crossings as p
                inner join read_parquet('{records}') as r
                    on r.source_system = 'border_crossings' and r.source_record_id = p.crossing_id
            )
            select
                count(distinct true_person_id) as true_persons,
                count(distinct person_key) as person_keys,
                (select count(*) from (
                    select true_person_id from x group by 1 having count(distinct person_key) > 1
                )) as split_persons,
                (select count(*) from (
                    select person_key from x group by 1 having count(distinct true_person_id) > 1
                )) as merged_keys
            from x
            """
        ).df()
