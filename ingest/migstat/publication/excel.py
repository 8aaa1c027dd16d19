"""The Excel workbook of the public statistics, laid out for people who work in Excel.

Sheets: ``Definitions`` (contents, how to read, indicator definitions, the
disclosure rule, status codes, vintage, code lists), one sheet per
indicator named by its code (a title block, then one table with a header
row, filters and frozen panes; the total of each period first), and
``Census coverage``.

A suppressed cell shows ``C`` (primary suppression) or ``D`` (secondary)
as text in the Value column, with its reason in the Confidentiality
column; a provisional figure is in italics on a pale background with
``Provisional`` in the Status column.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import xlsxwriter

from migstat.publication.exports import (
    DIMENSION_NAMES,
    FREQ_NAMES,
    TOTAL,
    order_statistics,
)

if TYPE_CHECKING:
    from migstat.publication.exports import PublicTables

HEADER_ROW = 5  # 0-based row of a table header on the indicator sheets
DEFINITIONS = "Definitions"
COVERAGE = "Census coverage"
STATUS_TEXT = {"A": "Final", "P": "Provisional"}


def disclosure_rule(min_cell_size: int) -> str:
    return (
        f"Counts of 1 to {min_cell_size - 1} persons are not published (primary "
        "suppression, shown as C). Where a suppressed cell could be recovered by "
        "subtracting the published cells of the same breakdown from its total, the next "
        "smallest cell of that breakdown is suppressed too (secondary suppression, shown "
        "as D). Net migration is suppressed wherever immigration or emigration is. Zeros "
        "are published. In the census coverage, census counts follow the same rule and an "
        "admin-based count is hidden wherever the published statistics hide it."
    )


PROVISIONAL_NOTE = (
    "Provisional (P): a figure that rests on at least one classification that is not yet "
    "certain at the vintage (the 16-month residence window of a crossing is not over). "
    "It is the expected count and later vintages revise it. Shown in italics on a pale "
    "background."
)


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        add = book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.subtitle = add({"bold": True, "font_size": 11})
        self.note = add({"text_wrap": False, "font_color": "#404040"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.header = add(
            {"bold": True, "bg_color": "#1f4e79", "font_color": "#ffffff", "text_wrap": True}
        )
        self.link = add({"font_color": "#0563c1", "underline": 1})
        self.text = add({})
        self.total = add({"bold": True})
        self.number = add({"num_format": "#,##0"})
        self.number_total = add({"num_format": "#,##0", "bold": True})
        prov = {"italic": True, "bg_color": "#fff2cc"}
        self.text_p = add(prov)
        self.total_p = add({**prov, "bold": True})
        self.number_p = add({**prov, "num_format": "#,##0.0"})
        self.number_total_p = add({**prov, "num_format": "#,##0.0", "bold": True})
        self.suppressed = add({"align": "right", "font_color": "#7f7f7f"})
        self.suppressed_p = add({**prov, "align": "right", "font_color": "#7f7f7f"})
        self.ratio = add({"num_format": "0.000"})
        self.share = add({"num_format": "0.0%"})
        self.code = add({"font_name": "Consolas"})


def write_workbook(tables: PublicTables, path: Path) -> Path:
    """Write ``migration_statistics.xlsx`` (deterministic: same tables, same bytes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".xlsx.tmp")
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "in_memory": True})
    book.set_properties(
        {
            "title": "International migration statistics",
            "subject": f"Public migration statistics, vintage {tables.vintage}",
            "author": "migstat",
            "created": datetime.combine(tables.vintage, time()),
        }
    )
    formats = _Formats(book)
    indicators = tables.indicator_order()
    definitions = book.add_worksheet(DEFINITIONS)
    for code in indicators:
        rows = tables.statistics[tables.statistics["indicator_code"] == code]
        _indicator_sheet(book, formats, tables, code, order_statistics(tables, rows))
    _coverage_sheet(book, formats, tables)
    _definitions_sheet(definitions, formats, tables, indicators)
    definitions.activate()
    book.close()
    tmp.replace(path)
    return path


def _title_block(ws, formats: _Formats, title: str, lines: list[str]) -> None:
    ws.write(0, 0, title, formats.title)
    for i, line in enumerate(lines, start=1):
        ws.write(i, 0, line, formats.note)


def _indicator_sheet(book, formats: _Formats, tables: PublicTables, code: str, rows) -> None:
    ws = book.add_worksheet(code)
    definition = tables.indicators.loc[tables.indicators["indicator_code"] == code, "description"]
    _title_block(
        ws,
        formats,
        tables.indicator_label(code),
        [
            definition.iloc[0] if len(definition) else "",
            f"{tables.label('ref_area', tables.ref_area)} ({tables.ref_area}). "
            f"Vintage (data cut-off): {tables.vintage}. Source: administrative records.",
            "C, D: suppressed for confidentiality (see the Definitions sheet). "
            "Provisional figures (expected counts) are in italics on a pale background.",
        ],
    )
    ws.write_url(4, 0, f"internal:'{DEFINITIONS}'!A1", formats.link, f"Back to {DEFINITIONS}")
    dims = ["sex", "age_group", "citizenship", "citizenship_group"]
    if rows["reason"].ne(TOTAL).any():
        dims.append("reason")
    headers = [
        "Frequency",
        "Period",
        "Breakdown",
        *(DIMENSION_NAMES[d] for d in dims),
        "Value",
        "Status",
        "Confidentiality",
    ]
    ws.write_row(HEADER_ROW, 0, headers, formats.header)
    value_col = 3 + len(dims)
    columns = [
        rows["freq"].map(FREQ_NAMES).fillna(rows["freq"]).tolist(),
        rows["time_period"].tolist(),
        rows["breakdown"].tolist(),
        *(rows[d].map(tables.labels.get(d, {})).fillna(rows[d]).tolist() for d in dims),
    ]
    values = rows["obs_value"].tolist()
    obs_status = rows["obs_status"].tolist()
    conf_status = rows["conf_status"].tolist()
    conf_text = {c: tables.label("conf_status", c) for c in ("C", "D")}
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    for i in range(len(rows)):
        r = HEADER_ROW + 1 + i
        provisional = obs_status[i] == "P"
        total = columns[2][i] == "Total"
        if provisional:
            text = formats.total_p if total else formats.text_p
            number = formats.number_total_p if total else formats.number_p
        else:
            text = formats.total if total else formats.text
            number = formats.number_total if total else formats.number
        for col, column in enumerate(columns):
            write_string(r, col, column[i], text)
        conf = conf_status[i]
        if conf in ("C", "D"):
            write_string(
                r, value_col, conf, formats.suppressed_p if provisional else formats.suppressed
            )
        elif values[i] is None or values[i] != values[i]:
            write_blank(r, value_col, None, text)
        else:
            write_number(r, value_col, values[i], number)
        write_string(r, value_col + 1, STATUS_TEXT.get(obs_status[i], ""), text)
        write_string(r, value_col + 2, conf_text.get(conf, ""), text)
    last = HEADER_ROW + max(len(rows), 1)
    ws.autofilter(HEADER_ROW, 0, last, len(headers) - 1)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    widths = [14, 12, 26, *([12, 18, 28, 18, 10][: len(dims)]), 12, 12, 30]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)


def _coverage_sheet(book, formats: _Formats, tables: PublicTables) -> None:
    ws = book.add_worksheet(COVERAGE)
    coverage = tables.coverage.copy()
    reference = (
        pd.to_datetime(coverage["reference_date"]).dt.strftime("%Y-%m-%d").iloc[0]
        if len(coverage)
        else ""
    )
    _title_block(
        ws,
        formats,
        "Coverage of the admin-based figures against the census",
        [
            f"Census reference date {reference}. Usual resident population (RES_POP) and "
            "international migrant stock (MIG_STOCK), by citizenship and sex.",
            "Difference: admin-based minus census count. Ratio: admin-based over census "
            "count. Share explained: the smaller count over the census count.",
            "C, D: suppressed for confidentiality; the difference, ratio and share are "
            "empty where either count is suppressed.",
            "",
        ],
    )
    ws.write_url(4, 0, f"internal:'{DEFINITIONS}'!A1", formats.link, f"Back to {DEFINITIONS}")
    headers = [
        "Indicator",
        "Reference date",
        "Citizenship",
        "Sex",
        "Census count",
        "Admin-based count",
        "Difference (admin - census)",
        "Ratio (admin / census)",
        "Share of census explained",
        "Status",
        "Confidentiality",
    ]
    ws.write_row(HEADER_ROW, 0, headers, formats.header)
    order = {c: i for i, c in enumerate(tables.indicator_order())}
    coverage["_i"] = coverage["indicator_code"].map(order).fillna(99)
    coverage["_c"] = tables.code_order("citizenship", coverage["citizenship"])
    coverage["_s"] = tables.code_order("sex", coverage["sex"])
    coverage = coverage.sort_values(["_i", "_c", "_s"], kind="stable")
    for i, (_, row) in enumerate(coverage.iterrows()):
        r = HEADER_ROW + 1 + i
        provisional = row["obs_status"] == "P"
        total = row["citizenship"] == TOTAL and row["sex"] == TOTAL
        text = (
            (formats.total_p if total else formats.text_p)
            if provisional
            else (formats.total if total else formats.text)
        )
        ws.write_row(
            r,
            0,
            [
                tables.indicator_label(row["indicator_code"]),
                reference,
                tables.label("citizenship", row["citizenship"]),
                tables.label("sex", row["sex"]),
            ],
            text,
        )
        for col, column, status, fmt in (
            (4, "census_count", row["census_conf_status"], formats.number),
            (5, "admin_count", row["admin_conf_status"], formats.number),
            (6, "difference", row["conf_status"], formats.number),
            (7, "ratio", row["conf_status"], formats.ratio),
            (8, "share_explained", row["conf_status"], formats.share),
        ):
            value = row[column]
            if status in ("C", "D") and col < 6:
                ws.write_string(r, col, status, formats.suppressed)
            elif pd.isna(value):
                ws.write_blank(r, col, None, text)
            else:
                ws.write_number(r, col, float(value), fmt)
        ws.write_string(r, 9, STATUS_TEXT.get(row["obs_status"], ""), text)
        ws.write_string(
            r,
            10,
            tables.label("conf_status", row["conf_status"]) if row["conf_status"] != "F" else "",
            text,
        )
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(coverage), 1), len(headers) - 1)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    for col, width in enumerate([38, 14, 28, 12, 14, 16, 16, 14, 14, 12, 30]):
        ws.set_column(col, col, width)


def _definitions_sheet(ws, formats: _Formats, tables: PublicTables, indicators) -> None:
    from migstat.publication import sdmx

    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 44)
    ws.set_column(3, 3, 90)
    country = tables.label("ref_area", tables.ref_area)
    r = 0
    ws.write(r, 0, f"International migration statistics: {country}", formats.title)
    r += 1
    facts = [
        ("Reporting country", f"{country} ({tables.ref_area})"),
        ("Vintage (data cut-off)", tables.vintage.isoformat()),
        ("SDMX dataflow", sdmx.DATAFLOW),
        ("Minimum cell size", str(tables.min_cell_size)),
    ]
    for name, value in facts:
        r += 1
        ws.write(r, 0, name, formats.total)
        ws.write(r, 1, value)

    r += 2
    ws.write(r, 0, "Contents", formats.subtitle)
    for code in indicators:
        r += 1
        ws.write_url(r, 0, f"internal:'{code}'!A1", formats.link, code)
        ws.write(r, 1, tables.indicator_label(code))
    r += 1
    ws.write_url(r, 0, f"internal:'{COVERAGE}'!A1", formats.link, COVERAGE)
    ws.write(r, 1, "Admin-based counts against the census")

    r += 2
    ws.write(r, 0, "How to read the tables", formats.subtitle)
    legend = [
        ("C", f"Suppressed: fewer than {tables.min_cell_size} persons (primary suppression)."),
        ("D", "Suppressed so that a C cell cannot be derived (secondary suppression)."),
        ("Provisional", PROVISIONAL_NOTE),
        ("Final", "Every classification behind the figure is certain at the vintage."),
        ("Total", "All categories of a breakdown; each period starts with its total."),
    ]
    for code, text in legend:
        r += 1
        ws.write(r, 0, code, formats.total)
        ws.merge_range(r, 1, r, 3, text, formats.wrap)

    r += 2
    ws.write(r, 0, "Disclosure rule", formats.subtitle)
    r += 1
    ws.set_row(r, 60)
    ws.merge_range(r, 0, r, 3, disclosure_rule(tables.min_cell_size), formats.wrap)

    r += 2
    ws.write(r, 0, "Indicators", formats.subtitle)
    r += 1
    ws.write_row(r, 0, ["Code", "Core number", "Indicator", "Definition"], formats.header)
    for _, row in tables.indicators.iterrows():
        r += 1
        ws.write(r, 0, row["indicator_code"], formats.code)
        ws.write(r, 1, row["core_number"] or "")
        ws.write(r, 2, row["label"])
        ws.write(r, 3, row["description"], formats.wrap)

    code_lists = [
        ("Frequency", "freq", list(FREQ_NAMES)),
        ("Sex", "sex", None),
        ("Age group", "age_group", None),
        ("Citizenship group", "citizenship_group", None),
        ("Reason", "reason", None),
        ("Observation status", "obs_status", ["A", "P"]),
        ("Confidentiality status", "conf_status", ["F", "C", "D"]),
        ("Citizenship", "citizenship", None),
    ]
    for title, column, codes in code_lists:
        r += 2
        ws.write(r, 0, f"Code list: {title}", formats.subtitle)
        r += 1
        ws.write_row(r, 0, ["Code", "Label"], formats.header)
        if codes is None:
            series = pd.Series(list(tables.labels[column]))
            codes = list(series.iloc[tables.code_order(column, series).argsort(kind="stable")])
        for code in codes:
            r += 1
            ws.write(r, 0, code, formats.code)
            ws.write(r, 1, tables.label(column, code))
