"""Score a warehouse against the truth of a generated delivery.

``migstat generate`` writes, beside the delivery, the statistics computed on
the clean, complete histories (``<truth>/statistics.parquet``). This module
compares the final figures of ``marts.migration_statistics`` with them: the
relative error of each indicator's totals summed over its periods, and of the
five largest citizenships.
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


def _connect(warehouse: Path, truth: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse), read_only=True)
    statistics = (truth / "statistics.parquet").as_posix().replace("'", "''")
    con.execute(f"create temp view truth as select * from read_parquet('{statistics}')")
    return con


def statistics_accuracy(warehouse: Path, truth: Path, freq: str | None = None) -> pd.DataFrame:
    """Relative error of final totals per indicator and frequency, summed over periods."""
    freq_filter = f"and w.freq = '{freq}'" if freq else ""
    with _connect(warehouse, truth) as con:
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


def citizenship_accuracy(warehouse: Path, truth: Path, top: int = 5) -> pd.DataFrame:
    """Relative error of final figures for the ``top`` largest citizenships."""
    with _connect(warehouse, truth) as con:
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
