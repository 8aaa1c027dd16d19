"""The statistical report: one self-contained HTML page that opens offline.

Built from the public tables only (``PublicTables``). The charts are SVG
drawn here (no JavaScript library, nothing fetched): the migrant stock
over time by citizenship, monthly immigration and emigration (provisional
months dashed, on a shaded band), the age-sex pyramid of foreign residents
on the latest reference date, and the coverage against the census. Every
data mark has the class ``mark`` and a ``<title>`` tooltip. A few lines of
inline script measure the drawn charts on load (``data-marks-drawn`` on
each ``svg.chart``), which the tests read back from headless Chromium.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from migstat.publication.exports import TOTAL

if TYPE_CHECKING:
    from migstat.publication.exports import PublicTables

PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999"]
MALE, FEMALE = "#0072b2", "#d55e00"
WIDTH, HEIGHT = 960, 380
TOP_CITIZENSHIPS = 6


# --------------------------------------------------------------------------- helpers


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [round(math.floor(low / step) * step, 10)]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def period_date(freq: str, period: str) -> date:
    """A point in time for a period: the date itself, mid-month, mid-quarter, mid-year."""
    if freq == "D":
        return date.fromisoformat(period)
    if freq == "M":
        return date(int(period[:4]), int(period[5:7]), 15)
    if freq == "Q":
        return date(int(period[:4]), 3 * int(period[-1]) - 1, 15)
    return date(int(period[:4]), 7, 1)


@dataclass
class Point:
    when: date
    value: float | None  # None: suppressed or missing
    provisional: bool
    conf_status: str = "F"


@dataclass
class Series:
    name: str
    color: str
    points: list[Point]


class _Scale:
    def __init__(self, domain: tuple[float, float], range_: tuple[float, float]):
        self.d0, self.d1 = domain
        self.r0, self.r1 = range_

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)


def _svg_open(chart_id: str, title: str, width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    return [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]


# --------------------------------------------------------------------------- charts


def line_chart(
    chart_id: str,
    title: str,
    series: list[Series],
    y_label: str,
    provisional_from: date | None = None,
) -> str:
    """Lines over time; segments touching a provisional point dashed, gaps where suppressed."""
    left, right, top, bottom = 72, 190, 16, 40
    points = [p for s in series for p in s.points]
    values = [p.value for p in points if p.value is not None]
    if not points or not values:
        return _empty_chart(chart_id, title)
    x0 = min(p.when for p in points).toordinal()
    x1 = max(p.when for p in points).toordinal()
    ticks = nice_ticks(min(0.0, min(values)), max(values))
    x = _Scale((x0, x1), (left, WIDTH - right))
    y = _Scale((ticks[0], ticks[-1]), (HEIGHT - bottom, top))
    out = _svg_open(chart_id, title)
    if provisional_from is not None and provisional_from.toordinal() <= x1:
        bx = x(max(provisional_from.toordinal() - 15, x0))
        out.append(
            f'<rect class="band" x="{bx:.1f}" y="{top}" width="{WIDTH - right - bx:.1f}" '
            f'height="{HEIGHT - bottom - top}" fill="#f2f2f2"/>'
            f'<text x="{bx + 4:.1f}" y="{top + 12}" class="small">provisional</text>'
        )
    for tick in ticks:
        ty = y(tick)
        out.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{ty:.1f}" y2="{ty:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" class="tick">'
            f"{_fmt(tick, 0 if float(tick).is_integer() else 1)}</text>"
        )
    for year in range(date.fromordinal(x0).year, date.fromordinal(x1).year + 2):
        jan = date(year, 1, 1).toordinal()
        if x0 <= jan <= x1:
            tx = x(jan)
            out.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{HEIGHT - bottom}" '
                f'y2="{HEIGHT - bottom + 5}" class="axis"/>'
                f'<text x="{tx:.1f}" y="{HEIGHT - bottom + 18}" text-anchor="middle" '
                f'class="tick">{year}</text>'
            )
    out.append(
        f'<line x1="{left}" x2="{WIDTH - right}" y1="{HEIGHT - bottom}" '
        f'y2="{HEIGHT - bottom}" class="axis"/>'
        f'<text x="14" y="{(HEIGHT - bottom + top) / 2:.0f}" class="tick" text-anchor="middle" '
        f'transform="rotate(-90 14 {(HEIGHT - bottom + top) / 2:.0f})">{escape(y_label)}</text>'
    )
    for index, s in enumerate(series):
        ordered = sorted(s.points, key=lambda p: p.when)
        solid, dashed = [], []
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.value is None or b.value is None:
                continue
            segment = (
                f"M{x(a.when.toordinal()):.1f},{y(a.value):.1f}"
                f"L{x(b.when.toordinal()):.1f},{y(b.value):.1f}"
            )
            (dashed if a.provisional or b.provisional else solid).append(segment)
        name = escape(s.name)
        if solid:
            out.append(
                f'<path class="mark line" d="{"".join(solid)}" stroke="{s.color}" '
                f'fill="none" stroke-width="2.2"><title>{name}</title></path>'
            )
        if dashed:
            out.append(
                f'<path class="mark line provisional" d="{"".join(dashed)}" stroke="{s.color}" '
                f'fill="none" stroke-width="2.2" stroke-dasharray="6 4" opacity="0.75">'
                f"<title>{name} (provisional)</title></path>"
            )
        for p in ordered:
            if p.value is None:
                continue
            tip = f"{name}, {p.when.isoformat()}: {_fmt(p.value)}" + (
                " (provisional)" if p.provisional else ""
            )
            fill = "#ffffff" if p.provisional else s.color
            kind = "point provisional" if p.provisional else "point"
            out.append(
                f'<circle class="mark {kind}" cx="{x(p.when.toordinal()):.1f}" '
                f'cy="{y(p.value):.1f}" r="{2.6 if len(ordered) > 40 else 3.4}" fill="{fill}" '
                f'stroke="{s.color}" stroke-width="1.4"><title>{tip}</title></circle>'
            )
        ly = top + 14 + index * 20
        lx = WIDTH - right + 16
        out.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{ly - 4}" y2="{ly - 4}" stroke="{s.color}" '
            f'stroke-width="3"/><text x="{lx + 28}" y="{ly}" class="legend">{name}</text>'
        )
    ly = top + 14 + len(series) * 20 + 8
    lx = WIDTH - right + 16
    out.append(
        f'<line x1="{lx}" x2="{lx + 22}" y1="{ly - 4}" y2="{ly - 4}" stroke="#555" '
        f'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{lx + 28}" y="{ly}" class="legend">provisional</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def pyramid_chart(chart_id: str, title: str, rows: list[tuple[str, Point, Point]]) -> str:
    """Horizontal bars: males left, females right, one row per age group (youngest low)."""
    if not rows:
        return _empty_chart(chart_id, title)
    height = 60 + 34 * len(rows)
    center, half, top = WIDTH / 2, WIDTH / 2 - 150, 30
    largest = max([p.value for _, m, f in rows for p in (m, f) if p.value is not None] or [1.0])
    ticks = nice_ticks(0, largest, 4)
    gap = 62  # room for the age labels between the two sides
    scale = _Scale((0, ticks[-1]), (0, half - gap))
    out = _svg_open(chart_id, title, WIDTH, height)
    bottom = top + 34 * len(rows)
    out.append(
        f'<text x="{center - 10}" y="18" text-anchor="end" class="legend" fill="{MALE}">'
        f'Males</text><text x="{center + 10}" y="18" class="legend" fill="{FEMALE}">'
        "Females</text>"
    )
    for tick in ticks:
        for sign in (-1, 1):
            tx = center + sign * (gap + scale(tick))
            out.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{bottom}" class="grid"/>'
                f'<text x="{tx:.1f}" y="{bottom + 16}" text-anchor="middle" class="tick">'
                f"{_fmt(tick)}</text>"
            )
    for i, (label, male, female) in enumerate(reversed(rows)):
        ry = top + 34 * i + 4
        out.append(
            f'<text x="{center}" y="{ry + 18}" text-anchor="middle" class="small age">'
            f"{escape(label)}</text>"
        )
        for sign, point, color, sex in ((-1, male, MALE, "Males"), (1, female, FEMALE, "Females")):
            if point.value is None:
                tx = center + sign * (gap + 8)
                out.append(
                    f'<text x="{tx:.1f}" y="{ry + 18}" class="tick suppressed" '
                    f'text-anchor="{"end" if sign < 0 else "start"}">{point.conf_status}'
                    f"<title>{sex} {escape(label)}: suppressed</title></text>"
                )
                continue
            w = max(scale(point.value), 0.5)
            bx = center + gap if sign > 0 else center - gap - w
            tip = f"{sex} {escape(label)}: {_fmt(point.value)}" + (
                " (provisional)" if point.provisional else ""
            )
            out.append(
                f'<rect class="mark bar" x="{bx:.1f}" y="{ry}" width="{w:.1f}" height="26" '
                f'fill="{color}" opacity="{0.55 if point.provisional else 0.9}">'
                f"<title>{tip}</title></rect>"
            )
    out.append("</svg>")
    return "\n".join(out)


def ratio_chart(chart_id: str, title: str, rows: list[tuple[str, float | None, str]]) -> str:
    """Horizontal bars of admin/census ratios with the 100 % line."""
    if not rows:
        return _empty_chart(chart_id, title)
    left, right, top = 330, 70, 20
    height = top + 28 * len(rows) + 36
    largest = max([r for _, r, _ in rows if r is not None] + [1.2])
    ticks = nice_ticks(0, largest, 5)
    scale = _Scale((0, ticks[-1]), (left, WIDTH - right))
    bottom = top + 28 * len(rows)
    out = _svg_open(chart_id, title, WIDTH, height)
    for tick in ticks:
        tx = scale(tick)
        out.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{bottom}" class="grid"/>'
            f'<text x="{tx:.1f}" y="{bottom + 16}" text-anchor="middle" class="tick">'
            f"{tick:.0%}</text>"
        )
    for i, (label, ratio, status) in enumerate(rows):
        ry = top + 28 * i + 4
        out.append(
            f'<text x="{left - 8}" y="{ry + 15}" text-anchor="end" class="tick">'
            f"{escape(label)}</text>"
        )
        if ratio is None:
            out.append(
                f'<text x="{left + 6}" y="{ry + 15}" class="tick suppressed">{status}</text>'
            )
            continue
        w = max(scale(ratio) - left, 0.5)
        color = PALETTE[0] if label.startswith("All") else PALETTE[4]
        out.append(
            f'<rect class="mark bar" x="{left}" y="{ry}" width="{w:.1f}" height="20" '
            f'fill="{color}"><title>{escape(label)}: {ratio:.1%}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{ry + 15}" class="tick">{ratio:.0%}</text>'
        )
    one = scale(1.0)
    out.append(
        f'<line x1="{one:.1f}" x2="{one:.1f}" y1="{top - 6}" y2="{bottom}" stroke="#222" '
        f'stroke-dasharray="3 3"/><text x="{one + 4:.1f}" y="{top - 8}" class="small">'
        "census = 100%</text>"
    )
    out.append("</svg>")
    return "\n".join(out)


def _empty_chart(chart_id: str, title: str) -> str:
    out = _svg_open(chart_id, title, WIDTH, 80)
    out.append('<text x="20" y="45" class="tick">No published figures for this chart.</text>')
    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------- data


def _only(frame: pd.DataFrame, **codes: str) -> pd.DataFrame:
    """Rows whose dimensions are the given codes, every other dimension a total."""
    mask = pd.Series(True, index=frame.index)
    for column in ["sex", "age_group", "citizenship", "citizenship_group", "reason"]:
        wanted = codes.get(column, TOTAL)
        if wanted == "*":
            mask &= frame[column] != TOTAL
        else:
            mask &= frame[column] == wanted
    return frame[mask]


def _point(row) -> Point:
    value = None if pd.isna(row.obs_value) else float(row.obs_value)
    return Point(
        period_date(row.freq, row.time_period), value, row.obs_status == "P", row.conf_status
    )


def _stock_series(tables: PublicTables) -> tuple[list[Series], str]:
    stats = tables.statistics
    stock = stats[(stats["indicator_code"] == "MIG_STOCK") & (stats["freq"] == "D")]
    by_cit = _only(stock, citizenship="*")
    total = _only(stock)
    if by_cit.empty:
        return [], ""
    latest = by_cit["time_period"].max()
    ranking = (
        by_cit[by_cit["time_period"] == latest]
        .dropna(subset=["obs_value"])
        .sort_values("obs_value", ascending=False)
    )
    top = list(ranking["citizenship"].head(TOP_CITIZENSHIPS))
    series = []
    for i, code in enumerate(top):
        rows = by_cit[by_cit["citizenship"] == code]
        series.append(
            Series(
                tables.label("citizenship", code),
                PALETTE[i % len(PALETTE)],
                [_point(r) for r in rows.itertuples()],
            )
        )
    total_latest = total[total["time_period"] == total["time_period"].max()]
    note = ""
    if len(total_latest) and not pd.isna(total_latest["obs_value"].iloc[0]):
        row = total_latest.iloc[0]
        note = (
            f"All citizenships on {row['time_period']}: {_fmt(row['obs_value'])}"
            + (" (provisional)" if row["obs_status"] == "P" else "")
            + "."
        )
    return series, note


def _flow_series(tables: PublicTables) -> tuple[list[Series], date | None]:
    stats = tables.statistics
    monthly = _only(stats[stats["freq"] == "M"])
    series = []
    for i, code in enumerate(["IMM", "EMI"]):
        rows = monthly[monthly["indicator_code"] == code]
        if rows.empty:
            continue
        series.append(
            Series(
                tables.label("indicator_code", code),
                PALETTE[[0, 5][i]],
                [_point(r) for r in rows.itertuples()],
            )
        )
    provisional = [p.when for s in series for p in s.points if p.provisional]
    return series, (min(provisional) if provisional else None)


def _pyramid_rows(tables: PublicTables) -> tuple[list[tuple[str, Point, Point]], str, str]:
    stats = tables.statistics
    stock = stats[(stats["indicator_code"] == "MIG_STOCK") & (stats["freq"] == "D")]
    if stock.empty:
        return [], "", ""
    latest = stock["time_period"].max()
    stock = stock[stock["time_period"] == latest]
    ages = [
        a
        for a in sorted(
            tables.sort_orders.get("age_group", {}),
            key=lambda a: tables.sort_orders["age_group"][a],
        )
        if a not in (TOTAL, "_U")
    ]
    for group, who in (("FOR", "foreign residents"), (TOTAL, "the international migrant stock")):
        cells = stock[
            (stock["citizenship_group"] == group)
            & stock["age_group"].isin(ages)
            & stock["sex"].isin(["M", "F"])
            & (stock["citizenship"] == TOTAL)
            & (stock["reason"] == TOTAL)
        ]
        if cells.empty:
            continue
        rows = []
        for age in ages:
            pair = []
            for sex in ("M", "F"):
                cell = cells[(cells["age_group"] == age) & (cells["sex"] == sex)]
                if cell.empty:
                    pair.append(Point(date.fromisoformat(latest), None, False, "–"))
                else:
                    pair.append(_point(next(cell.itertuples())))
            rows.append((tables.label("age_group", age), pair[0], pair[1]))
        return rows, latest, who
    return [], latest, ""


def _coverage_rows(tables: PublicTables) -> tuple[list[tuple[str, float | None, str]], str]:
    coverage = tables.coverage
    if coverage.empty:
        return [], ""
    rows = []
    totals = coverage[(coverage["citizenship"] == TOTAL) & (coverage["sex"] == TOTAL)]
    for code in ["RES_POP", "MIG_STOCK"]:
        row = totals[totals["indicator_code"] == code]
        if len(row):
            ratio = row["ratio"].iloc[0]
            rows.append(
                (
                    f"All: {tables.label('indicator_code', code)}",
                    None if pd.isna(ratio) else float(ratio),
                    row["conf_status"].iloc[0],
                )
            )
    by_cit = coverage[
        (coverage["indicator_code"] == "MIG_STOCK")
        & (coverage["citizenship"] != TOTAL)
        & (coverage["sex"] == TOTAL)
    ].copy()
    by_cit["_n"] = by_cit["census_count"].fillna(-1)
    for row in by_cit.sort_values("_n", ascending=False).head(10).itertuples():
        rows.append(
            (
                f"Migrant stock: {tables.label('citizenship', row.citizenship)}",
                None if pd.isna(row.ratio) else float(row.ratio),
                row.conf_status,
            )
        )
    reference = pd.to_datetime(coverage["reference_date"]).dt.strftime("%Y-%m-%d").iloc[0]
    return rows, reference


def _coverage_table(tables: PublicTables) -> str:
    coverage = tables.coverage
    rows = coverage[coverage["sex"] == TOTAL].copy()
    order = {c: i for i, c in enumerate(tables.indicator_order())}
    rows["_i"] = rows["indicator_code"].map(order).fillna(99)
    rows["_c"] = tables.code_order("citizenship", rows["citizenship"])
    rows = rows.sort_values(["_i", "_c"])
    out = [
        '<table class="coverage"><thead><tr><th>Indicator</th><th>Citizenship</th>'
        "<th>Census</th><th>Admin-based</th><th>Difference</th><th>Ratio</th>"
        "<th>Share explained</th></tr></thead><tbody>"
    ]

    def cell(value, status: str, kind: str = "n") -> str:
        if pd.isna(value):
            return f'<td class="num suppressed">{status if status in ("C", "D") else "–"}</td>'
        if kind == "r":
            return f'<td class="num">{value:.3f}</td>'
        if kind == "%":
            return f'<td class="num">{value:.1%}</td>'
        return f'<td class="num">{_fmt(value)}</td>'

    for row in rows.itertuples():
        total = ' class="total"' if row.citizenship == TOTAL else ""
        provisional = " (P)" if row.obs_status == "P" else ""
        out.append(
            f"<tr{total}><td>{escape(tables.label('indicator_code', row.indicator_code))}"
            f"{provisional}</td><td>{escape(tables.label('citizenship', row.citizenship))}</td>"
            + cell(row.census_count, row.census_conf_status)
            + cell(row.admin_count, row.admin_conf_status)
            + cell(row.difference, row.conf_status)
            + cell(row.ratio, row.conf_status, "r")
            + cell(row.share_explained, row.conf_status, "%")
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def _key_figures(tables: PublicTables) -> list[tuple[str, str, str]]:
    stats = tables.statistics
    figures = []
    stock = _only(stats[(stats["freq"] == "D")])
    for code in ["MIG_STOCK", "RES_POP"]:
        rows = stock[stock["indicator_code"] == code].sort_values("time_period")
        if len(rows):
            row = rows.iloc[-1]
            figures.append(
                (
                    tables.label("indicator_code", code),
                    _fmt(row["obs_value"]),
                    f"on {row['time_period']}"
                    + (", provisional" if row["obs_status"] == "P" else ""),
                )
            )
    annual = _only(stats[stats["freq"] == "A"])
    complete = [y for y in annual["time_period"].unique() if date(int(y), 12, 31) <= tables.vintage]
    year = max(complete) if complete else (annual["time_period"].max() if len(annual) else None)
    for code in ["IMM", "EMI", "NET_MIG"]:
        rows = annual[(annual["indicator_code"] == code) & (annual["time_period"] == year)]
        if len(rows):
            row = rows.iloc[0]
            figures.append(
                (
                    tables.label("indicator_code", code),
                    _fmt(row["obs_value"]),
                    f"in {year}" + (", provisional" if row["obs_status"] == "P" else ""),
                )
            )
    return figures


# --------------------------------------------------------------------------- page

CSS = """
:root { --ink: #1a1a1a; --muted: #595959; --rule: #d9d9d9; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial,
  sans-serif; color: var(--ink); margin: 0; background: #fafafa; line-height: 1.45; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 36px 0 6px; border-top: 1px solid var(--rule);
  padding-top: 18px; }
p.lead, figcaption, .note { color: var(--muted); }
figure { margin: 8px 0 0; }
figcaption { font-size: .88rem; margin-top: 4px; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: #e6e6e6; stroke-width: 1; }
svg .axis { stroke: #888; stroke-width: 1; }
svg .tick { font-size: 12px; fill: #444; }
svg .small { font-size: 11px; fill: #777; }
svg .legend { font-size: 13px; fill: #222; }
svg .suppressed { fill: #999; font-style: italic; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
  gap: 12px; margin: 18px 0 4px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; }
.card .value { font-size: 1.45rem; font-weight: 650; }
.card .what { font-size: .85rem; }
.card .when { font-size: .8rem; color: var(--muted); }
table.coverage { border-collapse: collapse; width: 100%; font-size: .88rem; margin-top: 14px; }
table.coverage th, table.coverage td { padding: 3px 8px; border-bottom: 1px solid #eee;
  text-align: left; }
table.coverage th { background: #1f4e79; color: #fff; font-weight: 600; }
table.coverage td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.coverage tr.total td { font-weight: 650; }
td.suppressed { color: #999; font-style: italic; }
dl.codes dt { font-weight: 650; float: left; width: 7em; clear: left; }
dl.codes dd { margin-left: 7.5em; margin-bottom: 4px; }
@media print { body { background: #fff; } main { padding: 0; } h2 { break-after: avoid; }
  figure { break-inside: avoid; } }
"""

SCRIPT = """
(function () {
  function measure() {
    var charts = document.querySelectorAll('svg.chart');
    charts.forEach(function (svg) {
      var box = svg.getBoundingClientRect();
      var drawn = 0;
      svg.querySelectorAll('.mark').forEach(function (mark) {
        var b = mark.getBBox();
        if (b.width > 0 || b.height > 0) { drawn += 1; }
      });
      svg.setAttribute('data-rendered-width', String(Math.round(box.width)));
      svg.setAttribute('data-rendered-height', String(Math.round(box.height)));
      svg.setAttribute('data-marks-drawn', String(drawn));
    });
    document.body.setAttribute('data-charts-measured', String(charts.length));
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', measure);
  } else { measure(); }
})();
"""


def render_report(tables: PublicTables) -> str:
    """The report page as one HTML string."""
    country = tables.label("ref_area", tables.ref_area)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>International migration statistics, {escape(country)}, "
        f"vintage {tables.vintage}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>International migration statistics: {escape(country)}</h1>",
        f'<p class="lead">Statistics from administrative records (border crossings, work '
        f"permits, the civil register) after disclosure control. Vintage (data cut-off): "
        f"<strong>{tables.vintage}</strong>. Provisional figures are expected counts that "
        "later vintages revise; they are drawn dashed or lighter.</p>",
    ]
    figures = _key_figures(tables)
    if figures:
        parts.append('<div class="cards">')
        for what, value, when in figures:
            parts.append(
                f'<div class="card"><div class="what">{escape(what)}</div>'
                f'<div class="value">{value}</div><div class="when">{escape(when)}</div></div>'
            )
        parts.append("</div>")

    series, note = _stock_series(tables)
    parts += [
        '<section id="stock"><h2>International migrant stock by citizenship</h2>',
        "<figure>",
        line_chart(
            "chart-stock",
            "International migrant stock by citizenship, largest citizenships",
            series,
            "persons",
        ),
        f"<figcaption>Usual residents who are foreign citizens or citizens born abroad, on "
        f"each quarter end and the census reference date, for the {len(series)} largest "
        f"citizenships on the latest reference date. {escape(note)} Gaps: suppressed "
        "figures.</figcaption></figure></section>",
    ]

    flows, provisional_from = _flow_series(tables)
    band = (
        f" Months from {provisional_from:%B %Y} on are provisional (shaded, dashed)."
        if provisional_from
        else ""
    )
    parts += [
        '<section id="flows"><h2>Monthly immigration and emigration</h2><figure>',
        line_chart(
            "chart-flows",
            "Immigrants and emigrants per month",
            flows,
            "persons per month",
            provisional_from,
        ),
        "<figcaption>Immigrations and emigrations under the outcome-based residence rule "
        f"(a stay or absence of 12 months within 16).{escape(band)}</figcaption>"
        "</figure></section>",
    ]

    pyramid, latest, who = _pyramid_rows(tables)
    parts += [
        '<section id="pyramid"><h2>Age and sex of foreign residents</h2><figure>',
        pyramid_chart("chart-pyramid", f"Age-sex pyramid of {who or 'foreign residents'}", pyramid),
        "<figcaption>"
        + (
            f"Age-sex pyramid of {escape(who)} on {latest} (completed years on the reference "
            "date). C, D: suppressed."
            if pyramid
            else "The published statistics hold no age-by-sex breakdown of foreign residents."
        )
        + "</figcaption></figure></section>",
    ]

    ratios, reference = _coverage_rows(tables)
    parts += [
        '<section id="coverage"><h2>Coverage against the census</h2><figure>',
        ratio_chart("chart-coverage", "Admin-based count as a share of the census count", ratios),
        f"<figcaption>Admin-based counts on the census reference date {reference} as a share "
        "of the census counts: the usual resident population, the international migrant "
        "stock, and the migrant stock of the largest citizenships in the census. "
        "C, D: suppressed.</figcaption></figure>",
        _coverage_table(tables) if len(tables.coverage) else "",
        "</section>",
    ]

    parts += [
        '<section id="notes"><h2>Definitions and notes</h2><dl class="codes">',
    ]
    for row in tables.indicators.itertuples():
        parts.append(
            f"<dt>{escape(row.indicator_code)}</dt><dd><strong>{escape(row.label)}"
            f"</strong>: {escape(row.description)}</dd>"
        )
    from migstat.publication.excel import PROVISIONAL_NOTE, disclosure_rule

    parts += [
        "</dl>",
        f'<p class="note"><strong>Disclosure control.</strong> '
        f"{escape(disclosure_rule(tables.min_cell_size))}</p>",
        f'<p class="note"><strong>Provisional figures.</strong> {escape(PROVISIONAL_NOTE)}</p>',
        '<p class="note">The same figures: <code>../migration_statistics.xlsx</code> '
        "(Excel) and <code>../sdmx/</code> (SDMX-CSV 2.0, one file per indicator).</p>",
        "</section></main>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(tables: PublicTables, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(render_report(tables), encoding="utf-8")
    return path
