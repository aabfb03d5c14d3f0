"""Write the release's tables as CSV files and one ODS workbook (GSS spreadsheet guidance).

The workbook has a Cover sheet, a Contents sheet, a Notes sheet and one sheet per
table. Every sheet has its title in A1, no merged cells and one header row; a
number is a number cell, a symbol ([c], [x], [z]) a text cell. Text that could run as
a formula is escaped (core.spreadsheet_cells).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P

from msht.analytics.engine.layout import CellValue, StatTable
from msht.core.spreadsheet_cells import escape_cell, escape_text


def write_csv(table: StatTable, directory: Path) -> Path:
    """One CSV per table: the header row, then every row (Total last)."""
    path = directory / f"{table.key}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([escape_text(heading) for heading in table.header])
        for label, values in table.rows:
            writer.writerow([escape_cell(label), *(escape_cell(value) for value in values)])
    return path


def write_notes_csv(tables: Sequence[StatTable], caveats: Sequence[str], directory: Path) -> Path:
    """Every note of every table, and the release's caveats, as one CSV."""
    path = directory / "notes.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Table", "Note"])
        for caveat in caveats:
            writer.writerow(["release", escape_text(caveat)])
        for table in tables:
            for note in table.notes:
                writer.writerow([table.key, escape_text(note)])
    return path


def _cell(value: CellValue | None) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(escape_cell(str(value)))
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=text))
        return cell
    cell = TableCell(valuetype="float", value=value)
    cell.addElement(P(text=f"{value}"))
    return cell


def _sheet(name: str, rows: Sequence[Sequence[CellValue | None]], wide: Style) -> Table:
    sheet = Table(name=name)
    sheet.addElement(TableColumn(stylename=wide))
    sheet.addElement(TableColumn(numbercolumnsrepeated=12))
    for values in rows:
        row = TableRow()
        for value in values:
            row.addElement(_cell(value))
        sheet.addElement(row)
    return sheet


def write_ods(
    path: Path,
    *,
    title: str,
    cover: Sequence[str],
    caveats: Sequence[str],
    tables: Sequence[StatTable],
) -> Path:
    """The workbook: Cover, Contents, Notes, then one sheet per table."""
    document = OpenDocumentSpreadsheet()
    wide = Style(name="wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="8cm"))
    document.automaticstyles.addElement(wide)
    document.spreadsheet.addElement(_sheet("Cover", [[title], *([line] for line in cover)], wide))
    contents: list[list[CellValue | None]] = [
        ["Contents"],
        ["This workbook has one sheet per table, listed below."],
        ["Sheet name", "Table title"],
    ]
    contents.extend([table.key, table.title] for table in tables)
    document.spreadsheet.addElement(_sheet("Contents", contents, wide))
    notes: list[list[CellValue | None]] = [
        ["Notes"],
        [
            "Symbols: [c] suppressed to protect confidentiality; [x] not available; "
            "[z] not applicable."
        ],
        ["Table", "Note"],
    ]
    notes.extend(["release", caveat] for caveat in caveats)
    notes.extend([table.key, note] for table in tables for note in table.notes)
    document.spreadsheet.addElement(_sheet("Notes", notes, wide))
    for table in tables:
        rows: list[list[CellValue | None]] = [
            [table.title],
            [
                f"This table has {len(table.notes)} notes, on the Notes sheet. "
                "[c] marks a suppressed figure."
            ],
            list(table.header),
        ]
        rows.extend([label, *values] for label, values in table.rows)
        document.spreadsheet.addElement(_sheet(table.key, rows, wide))
    document.save(str(path))
    return path
