"""How far the provisional figures of a past vintage were from the final ones.

``marts.migration_statistics_history`` keeps every vintage the warehouse has
computed (methodology.md section 2). This module compares an earlier vintage
with a later one, cell by cell (indicator, frequency, period and every
breakdown), and summarises the revisions per indicator and frequency,
separately for the cells the earlier vintage flagged provisional (``P``) and
those it already gave as final (``A``):

* ``periods``, ``value_earlier``, ``value_later``, ``total_relative_error``:
  the headline cells (every breakdown ``_T``), their sums over the periods
  in both vintages and the relative error of the earlier sum against the
  later one; ``mean_abs_relative_error`` is the mean over those periods of
  ``|earlier - later| / |later|``;
* ``cells``, ``cells_revised``, ``cell_mean_abs_relative_error``,
  ``cell_weighted_abs_error``: the same over every cell of every breakdown
  (a cell that exists in one vintage only counts as 0 in the other);
  the weighted error is ``sum |earlier - later| / sum |later|``;
* ``later_final_share``: the share of those cells that are final in the
  later vintage (the rest are still provisional there, so the error
  measured against them is itself provisional).

Only periods complete at the earlier vintage are compared: the year of a
mid-year vintage holds half a year of flows, which is not a revision.

``build_vintages`` rebuilds a landed warehouse at earlier cut-offs (``dbt
build --vars {vintage: ...}``) and then at the latest data again, so that the
history holds every vintage and the marts end where they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

HISTORY = "marts.migration_statistics_history"
DIMENSIONS = ("sex", "age_group", "citizenship", "citizenship_group", "reason")
KEY = ("indicator_code", "freq", "time_period", *DIMENSIONS)
INDICATOR_ORDER = (
    "IMM",
    "EMI",
    "NET_MIG",
    "TMP_ARR",
    "RES_POP",
    "MIG_STOCK",
    "RET_STOCK",
    "CIT_ABROAD",
)
FREQ_ORDER = ("M", "Q", "A", "D")
COLUMNS = [
    "vintage_earlier",
    "vintage_later",
    "indicator_code",
    "freq",
    "status_earlier",
    "periods",
    "value_earlier",
    "value_later",
    "total_relative_error",
    "mean_abs_relative_error",
    "cells",
    "cells_revised",
    "cell_mean_abs_relative_error",
    "cell_weighted_abs_error",
    "later_final_share",
]

# the last day of the period a (freq, time_period) stands for
PERIOD_END = """
case {alias}.freq
    when 'D' then cast({alias}.time_period as date)
    when 'M' then last_day(cast({alias}.time_period || '-01' as date))
    when 'Q' then last_day(make_date(
        cast(left({alias}.time_period, 4) as integer),
        3 * cast(right({alias}.time_period, 1) as integer), 1))
    else make_date(cast({alias}.time_period as integer), 12, 31)
end"""


def vintages(warehouse: Path) -> list[date]:
    """The vintages held in the revision history, oldest first."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.sql(f"select distinct vintage from {HISTORY} order by 1").fetchall()
    return [vintage for (vintage,) in rows]


def revision_report(
    warehouse: Path,
    earlier: Iterable[date] | None = None,
    later: date | None = None,
    tolerance: float = 1e-6,
    final_only: bool = False,
) -> pd.DataFrame:
    """Revisions of each ``earlier`` vintage against ``later`` (default: the latest).

    One row per earlier vintage, indicator, frequency and status of the
    cells in the earlier vintage (``P`` or ``A``); see the module docstring.
    A cell counts as revised when the two values differ by more than
    ``tolerance``. With ``final_only`` only the cells that are final in the
    later vintage are compared (periods still provisional there drop out).
    """
    held = vintages(warehouse)
    if len(held) < 2:
        raise ValueError(
            f"{HISTORY} holds {len(held)} vintage(s); a comparison needs two "
            "(build an earlier one with `migstat revisions --build YYYY-MM-DD`)"
        )
    later = later or held[-1]
    earlier = sorted(set(earlier or [v for v in held if v < later]))
    missing = [v for v in [*earlier, later] if v not in held]
    if missing:
        raise ValueError(f"not in {HISTORY}: {', '.join(map(str, missing))}; held: {held}")
    if any(v >= later for v in earlier):
        raise ValueError(f"every earlier vintage must be before {later}")
    frames = [_compare(warehouse, vintage, later, tolerance, final_only) for vintage in earlier]
    report = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    for column in ("vintage_earlier", "vintage_later"):
        report[column] = pd.to_datetime(report[column]).dt.date
    return _ordered(report)


def _compare(
    warehouse: Path, earlier: date, later: date, tolerance: float, final_only: bool
) -> pd.DataFrame:
    key = ", ".join(KEY)
    headline = " and ".join(f"{d} = '_T'" for d in DIMENSIONS)
    joined_headline = " and ".join(f"coalesce(e.{d}, l.{d}) = '_T'" for d in DIMENSIONS)
    join_on = " and ".join(f"e.{c} = l.{c}" for c in KEY)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            f"""
            with
            earlier as (
                select {key}, obs_value, obs_status
                from {HISTORY} as h
                where vintage = $earlier and {PERIOD_END.format(alias="h")} <= $earlier
            ),
            -- the status of a period: that of its headline cell
            periods as (
                select indicator_code, freq, time_period, obs_status as period_status
                from earlier
                where {headline}
            ),
            later as (
                select {key}, obs_value, obs_status
                from {HISTORY}
                semi join periods using (indicator_code, freq, time_period)
                where vintage = $later
            ),
            cells as (
                select
                    coalesce(e.indicator_code, l.indicator_code) as indicator_code,
                    coalesce(e.freq, l.freq) as freq,
                    coalesce(e.time_period, l.time_period) as time_period,
                    {joined_headline} as is_headline,
                    coalesce(e.obs_value, 0) as value_earlier,
                    coalesce(l.obs_value, 0) as value_later,
                    e.obs_status as cell_status,
                    l.obs_status as later_status
                from earlier as e
                full outer join later as l on {join_on}
            ),
            statused as (
                select
                    cells.*,
                    coalesce(cells.cell_status, periods.period_status) as status_earlier,
                    abs(cells.value_earlier - cells.value_later) as abs_difference
                from cells
                inner join periods using (indicator_code, freq, time_period)
                {"where cells.later_status = 'A'" if final_only else ""}
            )
            select
                $earlier::date as vintage_earlier,
                $later::date as vintage_later,
                indicator_code,
                freq,
                status_earlier,
                count(*) filter (where is_headline) as periods,
                sum(value_earlier) filter (where is_headline) as value_earlier,
                sum(value_later) filter (where is_headline) as value_later,
                (sum(value_earlier) filter (where is_headline)
                    - sum(value_later) filter (where is_headline))
                    / nullif(abs(sum(value_later) filter (where is_headline)), 0)
                    as total_relative_error,
                avg(abs_difference / abs(value_later))
                    filter (where is_headline and value_later <> 0)
                    as mean_abs_relative_error,
                count(*) as cells,
                count(*) filter (where abs_difference > $tolerance) as cells_revised,
                avg(abs_difference / abs(value_later)) filter (where value_later <> 0)
                    as cell_mean_abs_relative_error,
                sum(abs_difference) / nullif(sum(abs(value_later)), 0)
                    as cell_weighted_abs_error,
                avg(case when later_status = 'A' then 1.0 else 0.0 end) as later_final_share
            from statused
            group by indicator_code, freq, status_earlier
            """,
            {"earlier": earlier, "later": later, "tolerance": tolerance},
        ).df()


def _ordered(report: pd.DataFrame) -> pd.DataFrame:
    def rank(values: Sequence[str], order: Sequence[str]) -> list[int]:
        return [order.index(v) if v in order else len(order) for v in values]

    report = report.assign(
        _indicator=rank(report["indicator_code"].tolist(), INDICATOR_ORDER),
        _freq=rank(report["freq"].tolist(), FREQ_ORDER),
        _status=rank(report["status_earlier"].tolist(), ("P", "A")),
    )
    report = report.sort_values(
        ["vintage_earlier", "_status", "_indicator", "indicator_code", "_freq"], kind="stable"
    )
    return report[COLUMNS].reset_index(drop=True)


def build_vintages(
    warehouse: Path,
    cutoffs: Iterable[date],
    *,
    source: str | None = None,
    restore_latest: bool = True,
    with_tests: bool = True,
    progress: Callable[[str], None] = print,
) -> dict[str, float]:
    """Build ``warehouse`` at each cut-off, oldest first, then at the latest data.

    Each build adds its vintage to the history. With ``source`` the delivery
    is landed first (landing the same objects again changes nothing). The
    last build is at the latest data unless ``restore_latest`` is false, so
    that the marts show the current vintage again. ``with_tests=False``
    builds the earlier cut-offs with ``dbt run`` of the history and its
    parents only (no data tests, other marts left as they were): about half
    the time, for a warehouse that is rebuilt at the latest data afterwards
    or thrown away. Returns seconds per build.
    """
    import time

    from migstat.dbt import run_dbt
    from migstat.pipeline import RunError, build, dbt_vars

    timings: dict[str, float] = {}
    if source is not None:
        from migstat.landing import land

        started = time.perf_counter()
        land(source, warehouse, progress=progress)
        timings["landing"] = round(time.perf_counter() - started, 1)
    runs: list[date | None] = sorted(set(cutoffs))
    if restore_latest:
        runs.append(None)
    for cutoff in runs:
        name = cutoff.isoformat() if cutoff else "latest"
        progress(f"building vintage {name}")
        started = time.perf_counter()
        if with_tests or cutoff is None:
            build(warehouse, cutoff, progress=lambda _: None)
        else:
            result = run_dbt(
                ["run", "--full-refresh", "--select", f"+{HISTORY.split('.')[-1]}"],
                warehouse,
                dbt_vars(cutoff),
            )
            if not result.success:
                detail = "\n  ".join(result.failures) or "see the dbt log"
                raise RunError(f"dbt run at vintage {name} failed:\n  {detail}")
        timings[name] = round(time.perf_counter() - started, 1)
    return timings


def to_markdown(report: pd.DataFrame) -> str:
    """The report as a Markdown table (percentages for the relative measures)."""
    percent = {
        "total_relative_error",
        "mean_abs_relative_error",
        "cell_mean_abs_relative_error",
        "cell_weighted_abs_error",
        "later_final_share",
    }
    header = [
        "earlier",
        "later",
        "indicator",
        "freq",
        "status",
        "periods",
        "earlier total",
        "later total",
        "total error",
        "period MARE",
        "cells",
        "revised",
        "cell MARE",
        "cell weighted error",
        "final later",
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * 5 + ["---:"] * (len(header) - 5)) + "|",
    ]
    for row in report.itertuples(index=False):
        cells = []
        for column, value in zip(COLUMNS, row, strict=True):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                cells.append("")
            elif column in percent:
                signed = column == "total_relative_error"
                cells.append(f"{value:+.2%}" if signed else f"{value:.2%}")
            elif column in {"value_earlier", "value_later"}:
                cells.append(f"{value:,.1f}")
            else:
                cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(report: pd.DataFrame, out: Path) -> tuple[Path, Path]:
    """Write ``revisions.csv`` and ``revisions.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / "revisions.csv", out / "revisions.md"
    report.to_csv(csv_path, index=False)
    md_path.write_text(to_markdown(report), encoding="utf-8")
    return csv_path, md_path


def months_before(day: date, months: int) -> date:
    """``day`` moved back ``months`` calendar months; a month end stays a month end."""
    import calendar

    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if at_month_end else min(day.day, last))
