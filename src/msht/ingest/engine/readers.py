"""Streaming readers for agency exports: CSV, XLSX, ODS and JSON Lines.

Each reader yields one ``RawRow`` at a time, so a file of any length is read in constant
memory (ODS too: its content.xml is parsed as it streams out of the zip). Problems with
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
    raw_rows: Iterator[tuple[int, list[str]] | RawRow],
    mapping: SourceMapping,
    name: str,
    kind: str,
) -> ExportReader:
    header_cells: list[str] | None = None
    for item in raw_rows:
        if isinstance(item, RawRow):  # the file breaks off before its header
            reason = FILE_NOT_READABLE.format(name=name, kind=kind.upper(), reason=item.problem)
            raise ValidationError(reason, [reason])
        number, cells = item
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
        for item in raw_rows:
            if isinstance(item, RawRow):  # a row that cannot be read: quarantined as it is
                yield item
                continue
            number, cells = item
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


TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODS_TABLE = f"{{{TABLE_NS}}}table"
ODS_ROW = f"{{{TABLE_NS}}}table-row"
ODS_CELLS = {f"{{{TABLE_NS}}}table-cell", f"{{{TABLE_NS}}}covered-table-cell"}
ODS_PARAGRAPH = f"{{{TEXT_NS}}}p"
ODS_ROWS_REPEATED = f"{{{TABLE_NS}}}number-rows-repeated"
ODS_COLUMNS_REPEATED = f"{{{TABLE_NS}}}number-columns-repeated"
# A sheet has at most 16,384 columns (LibreOffice, Excel): a cell repeated beyond that
# is a damaged file, not data.
ODS_MAX_COLUMNS = 16_384
BAD_ODS = "the spreadsheet's content cannot be read past this point: {reason}"


def _ods_paragraph(paragraph: Any) -> str:
    """A text:p as text: spans kept, text:s as its count of spaces, tabs and line breaks."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "s":
            parts.append(" " * int(child.get(f"{{{TEXT_NS}}}c", "1")))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        else:  # span, a, and other inline text
            parts.append(_ods_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_cell_text(cell: Any) -> str:
    """A cell as the sheet shows it, but dates as ISO and numbers without a trailing '.0'."""
    value_type = cell.get(f"{{{OFFICE_NS}}}value-type")
    if value_type == "date":
        value = str(cell.get(f"{{{OFFICE_NS}}}date-value", ""))
        date, _, time = value.partition("T")
        return date if time.strip("0:.") == "" else value
    if value_type in {"float", "percentage", "currency"}:
        return cell_text(float(cell.get(f"{{{OFFICE_NS}}}value", "nan")))
    if value_type == "boolean":
        return "1" if cell.get(f"{{{OFFICE_NS}}}boolean-value") == "true" else "0"
    string_value = cell.get(f"{{{OFFICE_NS}}}string-value")
    if value_type == "string" and string_value is not None:
        return str(string_value)
    return "\n".join([_ods_paragraph(child) for child in cell if child.tag == ODS_PARAGRAPH])


def _ods_row_cells(row: Any) -> list[str]:
    """A row's cells, repeats expanded; empty cells at the end (often thousands) dropped."""
    cells: list[str] = []
    empty = 0  # empty cells seen since the last filled one, written out only if one follows
    for cell in row:
        if cell.tag not in ODS_CELLS:
            continue
        times = int(cell.get(ODS_COLUMNS_REPEATED, "1"))
        text = _ods_cell_text(cell)
        if not text:
            empty += times
            continue
        if len(cells) + empty + times > ODS_MAX_COLUMNS:
            raise ValueError(f"a row has more than {ODS_MAX_COLUMNS:,} columns")
        cells.extend([""] * empty)
        cells.extend([text] * times)
        empty = 0
    return cells


def _ods_rows(handle: IO[bytes]) -> Iterator[tuple[int, list[str]] | RawRow]:
    """The rows of the first table of content.xml, one at a time.

    ``iterparse`` hands over each row when it ends; the row is then removed from its
    parent, so that what is held stays one row whatever the length of the sheet.
    """
    from xml.etree.ElementTree import ParseError

    # defusedxml refuses entity expansion and external references.
    from defusedxml.ElementTree import iterparse

    number = 0
    tables = 0
    open_elements: list[Any] = []
    try:
        for event, element in iterparse(handle, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                if element.tag == ODS_TABLE:
                    tables += 1
                continue
            open_elements.pop()
            if element.tag == ODS_TABLE and tables == 1:
                return  # the first table is the export
            if element.tag != ODS_ROW or tables != 1:
                continue
            repeat = int(element.get(ODS_ROWS_REPEATED, "1"))
            cells = _ods_row_cells(element)
            open_elements[-1].remove(element)
            if not cells:
                number += repeat  # blank rows, often repeated to the sheet's end
                continue
            for _ in range(repeat):
                number += 1
                yield number, list(cells)
    except (ParseError, ValueError) as error:
        yield RawRow(number + 1, {}, BAD_ODS.format(reason=error))
    finally:
        handle.close()


def open_ods(path: Path, mapping: SourceMapping) -> ExportReader:
    """Open the first table of an ODS export, streamed from its content.xml.

    An ODS file is a zip whose content.xml holds every sheet; it is parsed as it is read,
    row by row (repeated rows and cells expanded, covered cells kept as empty cells), so
    memory stays flat however long the sheet is.
    """
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
        handle = archive.open("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        reason = FILE_NOT_READABLE.format(name=path.name, kind="ODS", reason=error)
        raise ValidationError(reason, [reason]) from error
    return _sheet_rows(_ods_rows(handle), mapping, path.name, "ods")


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
