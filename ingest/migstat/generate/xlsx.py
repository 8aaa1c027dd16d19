"""A minimal, fast and byte-deterministic writer of one-sheet .xlsx workbooks.

Rows are given as ready-made ``<row>`` XML fragments (built column-wise with pyarrow),
so large snapshots are written without a per-cell Python loop. Cells carry no cell
reference (readers place them in order; an empty cell is ``<c/>``); strings are inline
(``t="inlineStr"``) or shared (``t="s"``, one table for all snapshots); date cells are
numbers with the ``dd/mm/yyyy`` number format (style 1). Zip entries carry a fixed
timestamp so equal content gives equal bytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SST_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SST_REL = (
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>Expatriate Online</dc:creator></cp:coreProperties>"
)
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties"><Application>Microsoft Excel</Application></Properties>'
)


def escape(arr: pa.Array) -> pa.Array:
    """XML-escape a string array."""
    arr = pc.replace_substring(arr, "&", "&amp;")
    arr = pc.replace_substring(arr, "<", "&lt;")
    return pc.replace_substring(arr, ">", "&gt;")


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def text_cells(values: pa.Array) -> pa.Array:
    """``<c>`` fragments of inline strings (no cell reference; empty -> ``<c/>``)."""
    cell = pc.binary_join_element_wise(
        '<c t="inlineStr"><is><t>', escape(values), "</t></is></c>", ""
    )
    empty = pc.or_kleene(pc.is_null(values), pc.equal(values, ""))
    return pc.if_else(empty, "<c/>", cell)


def sst_cells(index: np.ndarray) -> pa.Array:
    """``<c>`` fragments of shared strings (index < 0 -> ``<c/>``)."""
    index = np.asarray(index, np.int64)
    s = pc.cast(pa.array(np.maximum(index, 0)), pa.string())
    cell = pc.binary_join_element_wise('<c t="s"><v>', s, "</v></c>", "")
    return pc.if_else(pa.array(index < 0), "<c/>", cell)


def date_cells(serials: np.ndarray) -> pa.Array:
    """``<c>`` fragments of date cells (Excel serial numbers, style 1)."""
    s = pc.cast(pa.array(np.asarray(serials, np.int64)), pa.string())
    return pc.binary_join_element_wise('<c s="1"><v>', s, "</v></c>", "")


def shared_strings_xml(strings: list[str]) -> str:
    from xml.sax.saxutils import escape as esc

    items = "".join(f"<si><t>{esc(s)}</t></si>" for s in strings)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )


def join_rows(rows: pa.Array, cells: list[pa.Array]) -> bytes:
    """Concatenate row fragments into the bytes of ``<row>`` elements."""
    parts = ['<row r="', rows, '">', *cells, "</row>"]
    joined = pc.binary_join_element_wise(*parts, "")
    joined = joined.cast(pa.large_string()) if len(joined) else joined
    if len(joined) == 0:
        return b""
    offsets = joined.buffers()[1]
    data = joined.buffers()[2]
    off = np.frombuffer(offsets, dtype=np.int64)[joined.offset : joined.offset + len(joined) + 1]
    return data.to_pybytes()[off[0] : off[-1]]


def _set_level(info: zipfile.ZipInfo, level: int) -> None:
    for attr in ("compress_level", "_compresslevel"):  # 3.13+ / 3.11-3.12
        if hasattr(type(info), attr):
            setattr(info, attr, level)
            return


def write_workbook(
    path: Path,
    sheet: str,
    header_rows_xml: str,
    data_xml: bytes,
    shared_strings: str | None = None,
    compresslevel: int = 1,
) -> None:
    """Write a one-sheet workbook whose sheetData is ``header_rows_xml`` + ``data_xml``."""
    sheet_xml_head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<sheetData>" + header_rows_xml
    ).encode()
    sheet_xml_tail = b"</sheetData></worksheet>"
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as z:

        def put(name: str, data: bytes | str) -> None:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            _set_level(info, compresslevel)
            if isinstance(data, str):
                data = data.encode()
            z.writestr(info, data)

        types = CONTENT_TYPES
        rels = WORKBOOK_RELS
        if shared_strings is not None:
            types = types.replace("</Types>", SST_TYPE + "</Types>")
            rels = rels.replace("</Relationships>", SST_REL + "</Relationships>")
        put("[Content_Types].xml", types)
        put("_rels/.rels", ROOT_RELS)
        put("docProps/core.xml", CORE)
        put("docProps/app.xml", APP)
        put("xl/workbook.xml", workbook)
        put("xl/_rels/workbook.xml.rels", rels)
        put("xl/styles.xml", STYLES)
        if shared_strings is not None:
            put("xl/sharedStrings.xml", shared_strings)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=_FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        _set_level(info, compresslevel)
        with z.open(info, "w", force_zip64=True) as f:
            f.write(sheet_xml_head)
            f.write(data_xml)
            f.write(sheet_xml_tail)
