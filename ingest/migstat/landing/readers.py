"""Readers: the bytes of one object -> an Arrow table of text columns, or ``Unreadable``.

Every check here is about whether the object *can be read as the agreed
layout* (extracts.md); a failure quarantines the object. Values that break
the dictionary (bad dates, unknown codes, duplicates) are not checked here:
they land and are flagged by ``migstat.validation``.

CSV: gzip is fully decompressed first (a truncated stream fails); empty
file; BOM required where agreed (registry) and refused elsewhere; strict
UTF-8; CR line ends refused; the last line must end in a line feed (a file
cut mid-row fails); the delimiter; the exact header (missing, extra,
renamed, reordered, other case); a header-only file; then pyarrow.csv with
every column as string, empty fields as ``''`` and a strict column count
on every row.

xlsx: python-calamine; sheet ``Permits``; the title row; the exact header
on the header row; data from the next row; Excel date cells become ISO
``YYYY-MM-DD`` text (``YYYY-MM-DD HH:MM:SS`` when a time is set), numbers
their shortest decimal text, text as delivered.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from datetime import date, datetime, time, timedelta

import pyarrow as pa
import pyarrow.csv as pacsv

from migstat.dictionary import Dataset
from migstat.landing.errors import Unreadable

BOM = b"\xef\xbb\xbf"
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def header_problem(found: list[str], expected: list[str]) -> str | None:
    """A readable description of how ``found`` differs from the agreed header."""
    if found == expected:
        return None
    if len(found) == len(expected) and [f.lower() for f in found] == [e.lower() for e in expected]:
        diffs = [f"{f!r} for {e!r}" for f, e in zip(found, expected, strict=True) if f != e]
        return "header in other case: " + ", ".join(diffs[:5])
    missing = [e for e in expected if e not in found]
    extra = [f for f in found if f not in expected]
    if not missing and not extra:
        if len(found) == len(expected):
            first = next(i for i, (f, e) in enumerate(zip(found, expected, strict=True)) if f != e)
            return (
                f"columns reordered: column {first + 1} is {found[first]!r}, "
                f"agreed {expected[first]!r}"
            )
        dups = sorted({f for f in found if found.count(f) > 1})
        return "duplicated columns: " + ", ".join(repr(d) for d in dups)
    if len(missing) == len(extra) and len(found) == len(expected):
        pairs = [
            f"{f!r} instead of {e!r}"
            for f, e in zip(found, expected, strict=True)
            if f != e and f in extra and e in missing
        ]
        if len(pairs) == len(missing):
            return "renamed columns: " + ", ".join(pairs)
    parts = []
    if missing:
        parts.append("missing columns: " + ", ".join(repr(m) for m in missing))
    if extra:
        parts.append("extra columns: " + ", ".join(repr(x) for x in extra))
    return "; ".join(parts)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_csv(dataset: Dataset, data: bytes, fmt: str) -> pa.Table:
    """Read one CSV object of ``dataset``; the table has the raw column names."""
    if fmt == "csv.gz":
        if not data:
            raise Unreadable("empty file (0 bytes)")
        try:
            data = gzip.decompress(data)
        except EOFError as error:
            raise Unreadable("truncated gzip stream (ends before the end marker)") from error
        except (OSError, zlib.error) as error:
            raise Unreadable(f"not a valid gzip stream: {error}") from error
    if not data:
        raise Unreadable("empty file (0 bytes)")
    has_bom = data.startswith(BOM)
    if dataset.bom and not has_bom:
        raise Unreadable("no UTF-8 byte-order mark (agreed: UTF-8 with BOM)")
    if has_bom and not dataset.bom:
        raise Unreadable("stray UTF-8 byte-order mark (agreed: UTF-8 without BOM)")
    if has_bom:
        data = data[len(BOM) :]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1]
        raise Unreadable(
            f"not valid UTF-8: byte 0x{bad.hex()} on line {_line_of(data, error.start)} "
            "(Windows-1252 text?)"
        ) from error
    cr = data.find(b"\r")
    if cr >= 0:
        kind = "CRLF" if data[cr + 1 : cr + 2] == b"\n" else "CR"
        raise Unreadable(f"{kind} line ends (line {_line_of(data, cr)}); agreed: LF")
    if not data.strip():
        raise Unreadable("empty file (blank)")
    end = data.find(b"\n")
    header_line = (data if end < 0 else data[:end]).decode("utf-8")
    delim = dataset.delimiter
    found = next(csv.reader([header_line], delimiter=delim, quotechar='"'))
    expected = dataset.headers
    if len(found) == 1 and len(expected) > 1:
        for other, label in _DELIMITERS.items():
            if other != delim and other in header_line:
                alt = next(csv.reader([header_line], delimiter=other, quotechar='"'))
                if len(alt) > 1:
                    raise Unreadable(
                        f"delimiter is {label} ({other!r}); "
                        f"agreed: {_DELIMITERS[delim]} ({delim!r})"
                    )
    problem = header_problem(found, expected)
    if problem:
        raise Unreadable(problem)
    body = b"" if end < 0 else data[end + 1 :]
    if not body.strip():
        raise Unreadable("header only, no data rows")
    if not data.endswith(b"\n"):
        raise Unreadable(
            f"truncated: the last line (line {_line_of(data, len(data) - 1)}) has no line end"
        )
    names = [c.name for c in dataset.columns]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise Unreadable(_csv_error(data, delim, len(names), error)) from error
    return table


def _csv_error(data: bytes, delim: str, width: int, error: Exception) -> str:
    """Name the first bad row without copying its (personal) content into the message."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text), delimiter=delim, quotechar='"', strict=True)
    try:
        for number, row in enumerate(reader, start=1):
            if row and len(row) != width:
                return (
                    f"line {number} has {len(row)} fields, agreed {width} "
                    "(truncated or malformed row)"
                )
    except csv.Error as csv_error:
        return f"malformed CSV near line {reader.line_num}: {csv_error}"
    found = re.search(r"Expected \d+ columns, got \d+", str(error))
    return f"malformed CSV: {found.group(0) if found else str(error).splitlines()[0][:120]}"


# --------------------------------------------------------------------------- xlsx


def cell_text(value) -> str:
    """An Excel cell as landed text (docs/architecture.md)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_xlsx(dataset: Dataset, data: bytes) -> pa.Table:
    """Read one workbook of ``dataset``; adds the ``report_date`` column from the title."""
    from python_calamine import CalamineWorkbook

    if not data:
        raise Unreadable("empty file (0 bytes)")
    if not data.startswith(b"PK"):
        raise Unreadable("not an Excel 2007+ workbook (no zip signature)")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - calamine raises several types
        raise Unreadable(f"not a readable Excel 2007+ workbook (truncated?): {error}") from error
    if dataset.sheet not in book.sheet_names:
        raise Unreadable(f"no sheet {dataset.sheet!r} (sheets: {', '.join(book.sheet_names)})")
    try:
        rows = book.get_sheet_by_name(dataset.sheet).to_python(skip_empty_area=False)
    except Exception as error:  # noqa: BLE001
        raise Unreadable(f"sheet {dataset.sheet!r} cannot be read: {error}") from error
    finally:
        book.close()
    while rows and all(c in ("", None) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise Unreadable(f"empty sheet {dataset.sheet!r}")
    title_text = cell_text(rows[0][0]).strip() if rows[0] else ""
    title = re.fullmatch(dataset.title_regex, title_text)
    if not title:
        raise Unreadable(
            f"row {dataset.title_row} is {title_text[:60]!r}, agreed 'Work Permit Report as at "
            "DD/MM/YYYY'"
        )
    header_index = dataset.header_row - 1
    if len(rows) <= header_index:
        raise Unreadable(f"no header row {dataset.header_row}")
    header = [cell_text(c) for c in rows[header_index]]
    while header and header[-1] == "":
        header.pop()
    problem = header_problem(header, dataset.headers)
    if problem:
        raise Unreadable(f"row {dataset.header_row}: {problem}")
    body = rows[header_index + 1 :]
    if not body:
        raise Unreadable("header only, no data rows")
    width = len(header)
    n = len(body)
    full = max(len(r) for r in body)
    if any(len(r) != full for r in body):
        body = [list(r) + [""] * (full - len(r)) for r in body]
    columns = list(zip(*body, strict=True))
    for extra in range(width, len(columns)):
        if any(c not in ("", None) for c in columns[extra]):
            raise Unreadable(f"data in column {_column_letter(extra)}, beyond the header")
    arrays = [_text_column(columns[index]) for index in range(width)]
    arrays.append(pa.array([title.group("date")] * n, type=pa.string()))
    return pa.Table.from_arrays(arrays, names=dataset.raw_columns)


def _text_column(cells) -> pa.Array:
    """One workbook column as text: a column of text cells or of whole dates is converted
    by Arrow in one go, anything else cell by cell (``cell_text``)."""
    try:
        array = pa.array(cells)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        array = None
    if array is not None and array.null_count == 0:
        if pa.types.is_string(array.type):
            return array
        if pa.types.is_date32(array.type):
            return array.cast(pa.string())  # ISO YYYY-MM-DD, as cell_text
    return pa.array([c if type(c) is str else cell_text(c) for c in cells], type=pa.string())


def worker_init(parent: int) -> None:
    """In a worker process: exit as soon as the landing process that started it is gone
    (killed landings must not leave parsers behind)."""
    import os
    import threading
    import time as clock

    def watch() -> None:
        while os.getppid() == parent:
            clock.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def parse_in_worker(dataset_name: str, fmt: str, data: bytes) -> tuple[str, object]:
    """``read_object`` for a worker process: ("ok", table) or ("unreadable", reason)."""
    from migstat.dictionary import DATASETS

    try:
        return "ok", read_object(DATASETS[dataset_name], fmt, data)
    except Unreadable as error:
        return "unreadable", str(error)


def read_object(dataset: Dataset, fmt: str, data: bytes) -> pa.Table:
    """Dispatch on the format given by the key (csv, csv.gz, xlsx)."""
    if fmt not in dataset.formats:
        raise Unreadable(f"format {fmt} is not agreed for {dataset.name}")
    if fmt == "xlsx":
        return read_xlsx(dataset, data)
    return read_csv(dataset, data, fmt)
