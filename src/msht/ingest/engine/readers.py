"""Streaming readers for agency exports: CSV, XLSX, ODS and JSON Lines.

Each reader yields one ``RawRow`` at a time, so a file of any length is read in constant
memory (ODS excepted: odfpy parses the whole document, see docs/ingest.md). Problems with
the whole file (empty, duplicate or missing columns) raise ``ValidationError`` naming each
one; a problem with one row (wrong number of cells, bytes that are not text, bad JSON)
travels with that row so that it can be quarantined while the other rows load.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from msht.core.errors import ValidationError
from msht.ingest.engine.mapping import SourceMapping

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".ods": "ods",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# Larger than any cell a person types; a bigger one is quarantined by the cell length rule,
# not refused by the csv module.
CSV_FIELD_LIMIT = 64 * 1024 * 1024
SAMPLE_BYTES = 1024 * 1024

EMPTY_FILE = "the file is empty: it has no header row"
DUPLICATE_COLUMN = "column '{name}' appears more than once (columns {positions})"
MISSING_COLUMN = "column '{name}' is missing; the {source} mapping needs it"
UNKNOWN_FORMAT = "cannot tell the format of '{name}': use one of {choices}"
FILE_NOT_READABLE = "'{name}' is not a readable {kind} file: {reason}"
WRONG_CELL_COUNT = "the row has {found} cells but the header has {expected}"
BAD_CSV = "the row cannot be read as CSV: {reason}"
BAD_JSON = "the line is not a JSON object: {reason}"
HEADER_UNUSABLE = "the file's header cannot be used"


@dataclass
class RawRow:
    """One row as the file has it: its number in the file, its cells by column, or a problem."""

    number: int
    values: dict[str, str]
    problem: str = ""


@dataclass
class ExportReader:
    """An open export: its format, encoding, header and a stream of rows."""

    file_format: str
    encoding: str
    header: list[str]
    rows: Iterator[RawRow]
    warnings: list[str] = field(default_factory=list)


def file_format_of(path: Path, declared: str = "") -> str:
    """The export format from ``declared`` or the file name's ending."""
    if declared:
        return declared
    file_format = FORMATS.get(path.suffix.lower())
    if file_format is None:
        raise ValidationError(
            UNKNOWN_FORMAT.format(name=path.name, choices=sorted(set(FORMATS.values())))
        )
    return file_format


def detect_encoding(sample: bytes, declared: str = "") -> str:
    """UTF-8 unless a byte order mark says otherwise or the sample is not mostly UTF-8.

    A sample that is not UTF-8 is read as Windows-1252, the encoding Excel's "CSV" uses on
    UK Windows machines; bytes that are not valid there either reach the row as undecodable
    and the row is quarantined with the reason.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if declared:
        return declared
    # A sample cut at SAMPLE_BYTES may end inside a character; a whole file may not.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    text = decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)
    undecodable = sum(1 for char in text if "\udc80" <= char <= "\udcff")
    if not undecodable:
        return "utf-8"
    # Windows-1252 text almost never forms valid UTF-8 sequences, so a file whose other
    # non-ASCII characters are valid UTF-8 is UTF-8 with a few damaged cells: reading it as
    # Windows-1252 would garble every good name in it instead of quarantining the bad rows.
    characters = sum(1 for char in text if char > "\x7f") - undecodable
    return "utf-8" if characters > undecodable else "cp1252"


def _header_or_raise(header: list[str], mapping: SourceMapping) -> tuple[list[str], list[str]]:
    """Named columns (an unnamed one becomes column_N, with a warning), or every problem."""
    problems: list[str] = []
    warnings: list[str] = []
    names: list[str] = []
    positions: dict[str, list[int]] = {}
    for position, raw in enumerate(header, start=1):
        # Undecodable bytes in a column name are shown as escapes, never stored raw.
        name = (raw or "").strip().lstrip("\ufeff").replace("\x00", "\\x00")
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        if not name:
            name = f"column_{position}"
            warnings.append(f"column {position} has no name; its cells are kept as '{name}'")
        positions.setdefault(name, []).append(position)
        names.append(name)
    for name, where in positions.items():
        if len(where) > 1:
            problems.append(
                DUPLICATE_COLUMN.format(name=name, positions=", ".join(map(str, where)))
            )
    present = set(names)
    problems.extend(
        MISSING_COLUMN.format(name=name, source=mapping.source)
        for name in mapping.required_columns
        if name not in present
    )
    if problems:
        raise ValidationError(HEADER_UNUSABLE, problems)
    return names, warnings


def _cells_to_row(number: int, header: list[str], cells: list[str]) -> RawRow:
    # Spreadsheets add or drop empty cells at the end of a row; those are not a problem.
    while len(cells) > len(header) and not cells[-1].strip():
        cells = cells[:-1]
    if len(cells) != len(header):
        values = {
            header[index] if index < len(header) else f"extra_{index + 1}": cell
            for index, cell in enumerate(cells)
        }
        return RawRow(
            number, values, WRONG_CELL_COUNT.format(found=len(cells), expected=len(header))
        )
    return RawRow(number, dict(zip(header, cells, strict=True)))


def _csv_rows(
    reader: Any, mapping: SourceMapping, header: list[str], lines_before: int
) -> Iterator[RawRow]:
    """Rows numbered by the file line they start on (``lines_before`` is the header's)."""
    line = lines_before
    skip = mapping.skip_rows_after_header
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            yield RawRow(start, {}, BAD_CSV.format(reason=error))
            continue
        line = reader.line_num
        if skip:
            skip -= 1
            continue
        if not cells or all(not cell.strip() for cell in cells):
            continue
        yield _cells_to_row(start, header, cells)


def open_csv(path: Path, mapping: SourceMapping) -> ExportReader:
    """Open a CSV export: encoding from its first megabyte, header checked."""
    with path.open("rb") as probe:
        sample = probe.read(SAMPLE_BYTES)
    if not sample.strip():
        raise ValidationError(EMPTY_FILE, [EMPTY_FILE])
    encoding = detect_encoding(sample, mapping.encoding)
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    # surrogateescape keeps undecodable bytes visible to validation instead of failing the file.
    text = io.TextIOWrapper(
        path.open("rb"), encoding=encoding, errors="surrogateescape", newline=""
    )
    reader = csv.reader(text, delimiter=mapping.delimiter)
    try:
        for _ in range(mapping.header_row):
            header_cells = next(reader)
    except StopIteration as empty:
        text.close()
        raise ValidationError(EMPTY_FILE, [EMPTY_FILE]) from empty
    except csv.Error as error:
        text.close()
        reason = FILE_NOT_READABLE.format(name=path.name, kind="CSV", reason=error)
        raise ValidationError(reason, [reason]) from error
    try:
        header, warnings = _header_or_raise(header_cells, mapping)
    except ValidationError:
        text.close()
        raise

    def rows() -> Iterator[RawRow]:
        with text:
            yield from _csv_rows(reader, mapping, header, reader.line_num)

    return ExportReader("csv", encoding, header, rows(), warnings)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_rows(
    raw_rows: Iterator[tuple[int, list[str]]], mapping: SourceMapping, name: str, kind: str
) -> ExportReader:
    header_cells: list[str] | None = None
    for number, cells in raw_rows:
        if number == mapping.header_row:
            header_cells = cells
            break
    if header_cells is None or not any(cell.strip() for cell in header_cells):
        raise ValidationError(EMPTY_FILE, [EMPTY_FILE])
    while header_cells and not header_cells[-1].strip():
        header_cells.pop()
    header, warnings = _header_or_raise(header_cells, mapping)
    skip_until = mapping.header_row + mapping.skip_rows_after_header

    # Columns the mapping declares ignorable (a template's row numbers) do not make a row.
    counted = [index for index, name in enumerate(header) if name not in mapping.ignore_columns]

    def rows() -> Iterator[RawRow]:
        for number, cells in raw_rows:
            if number <= skip_until or all(
                not cells[index].strip() for index in counted if index < len(cells)
            ):
                continue
            # A sheet leaves the empty cells at the end of a row out; they are empty, not lost.
            padded = cells + [""] * (len(header) - len(cells))
            yield _cells_to_row(number, header, padded)

    return ExportReader(kind, "", header, rows(), warnings)


def open_xlsx(path: Path, mapping: SourceMapping) -> ExportReader:
    """Open the first sheet of an XLSX export in openpyxl's read-only (streaming) mode.

    Formulas are read as their text (``=...``) so that validation sees and quarantines them.
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        reason = FILE_NOT_READABLE.format(name=path.name, kind="XLSX", reason=error)
        raise ValidationError(reason, [reason]) from error
    sheet = workbook.worksheets[0]

    def raw_rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(value) for value in values]
        finally:
            workbook.close()

    return _sheet_rows(raw_rows(), mapping, path.name, "xlsx")


def _ods_cell_text(cell: Any) -> str:
    from odf.namespaces import OFFICENS

    value_type = cell.getAttrNS(OFFICENS, "value-type")
    if value_type == "date":
        return str(cell.getAttrNS(OFFICENS, "date-value"))[:10]
    if value_type in {"float", "percentage", "currency"}:
        return cell_text(float(cell.getAttrNS(OFFICENS, "value")))
    if value_type == "boolean":
        return "1" if cell.getAttrNS(OFFICENS, "boolean-value") == "true" else "0"
    return "\n".join(
        str(paragraph) for paragraph in cell.childNodes if paragraph.tagName == "text:p"
    )


def open_ods(path: Path, mapping: SourceMapping) -> ExportReader:
    """Open the first table of an ODS export with odfpy (repeated rows and cells expanded)."""
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    try:
        document = load(str(path))
    except Exception as error:  # odfpy raises many kinds for a file that is not ODS
        reason = FILE_NOT_READABLE.format(name=path.name, kind="ODS", reason=error)
        raise ValidationError(reason, [reason]) from error
    tables = document.spreadsheet.getElementsByType(Table)
    if not tables:
        raise ValidationError(EMPTY_FILE, [EMPTY_FILE])

    def raw_rows() -> Iterator[tuple[int, list[str]]]:
        number = 0
        for row in tables[0].getElementsByType(TableRow):
            repeat = int(row.getAttrNS(TABLENS, "number-rows-repeated") or 1)
            cells: list[str] = []
            for cell in row.getElementsByType(TableCell):
                times = int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1)
                text = _ods_cell_text(cell)
                cells.extend([text] * min(times, 1024))
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                number += repeat  # blank rows, often repeated thousands of times
                continue
            for _ in range(repeat):
                number += 1
                yield number, list(cells)

    return _sheet_rows(raw_rows(), mapping, path.name, "ods")


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ";".join(_json_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _jsonl_header(text: IO[str]) -> list[str]:
    """The keys of the first JSON object in the file, or nothing."""
    for line in text:
        if line.strip():
            try:
                first = json.loads(line)
            except ValueError:
                return []
            return [str(key) for key in first] if isinstance(first, dict) else []
    return []


def _jsonl_rows(text: IO[str]) -> Iterator[RawRow]:
    with text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as error:
                yield RawRow(number, {"line": line.rstrip("\n")}, BAD_JSON.format(reason=error))
                continue
            if not isinstance(item, dict):
                reason = BAD_JSON.format(reason="not an object")
                yield RawRow(number, {"line": line.rstrip("\n")}, reason)
                continue
            yield RawRow(number, {str(key): _json_text(value) for key, value in item.items()})


def open_jsonl(path: Path, mapping: SourceMapping) -> ExportReader:
    """Open a JSON Lines export: one object per line; the first object's keys are the header."""
    with path.open("rb") as probe:
        sample = probe.read(SAMPLE_BYTES)
    if not sample.strip():
        raise ValidationError(EMPTY_FILE, [EMPTY_FILE])
    encoding = detect_encoding(sample, mapping.encoding)
    text = io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="surrogateescape")
    header = _jsonl_header(text)
    text.seek(0)
    problems = [
        MISSING_COLUMN.format(name=name, source=mapping.source)
        for name in mapping.required_columns
        if name not in header
    ]
    if not header:
        problems = [BAD_JSON.format(reason="the first line is not a JSON object with keys")]
    if problems:
        text.close()
        raise ValidationError(HEADER_UNUSABLE, problems)
    return ExportReader("jsonl", encoding, header, _jsonl_rows(text))


def open_export(path: Path, mapping: SourceMapping, file_format: str = "") -> ExportReader:
    """Open an export in its format; raises ValidationError for a file that cannot be read."""
    kind = file_format_of(path, file_format)
    openers = {"csv": open_csv, "xlsx": open_xlsx, "ods": open_ods, "jsonl": open_jsonl}
    return openers[kind](path, mapping)
