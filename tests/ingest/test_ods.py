"""ODS exports read as a stream from content.xml (msht.ingest.engine.readers.open_ods):
files written by odfpy (the library the project's own ODS writer uses), with repeated
rows and columns, covered cells, dates, numbers and blank rows; damaged files; and a
memory that stays flat from 10,000 to 100,000 rows."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P, S, Span

from msht.core.errors import ValidationError
from msht.ingest.engine.mapping import mapping_for
from msht.ingest.engine.readers import BAD_ODS, RawRow, open_export
from tests.ingest.exports import POLICE_HEADER, police_row

POLICE = mapping_for("police")


def _text_cell(text: str, repeated: int = 1) -> TableCell:
    cell = TableCell(valuetype="string", numbercolumnsrepeated=repeated)
    cell.addElement(P(text=text))
    return cell


def _row(cells: list[TableCell], repeated: int = 1) -> TableRow:
    row = TableRow(numberrowsrepeated=repeated)
    for cell in cells:
        row.addElement(cell)
    return row


def _save(path: Path, rows: list[TableRow], *, second_sheet: bool = False) -> Path:
    document = OpenDocumentSpreadsheet()
    table = Table(name="export")
    for row in rows:
        table.addElement(row)
    document.spreadsheet.addElement(table)
    if second_sheet:
        other = Table(name="notes")
        other.addElement(_row([_text_cell(name) for name in POLICE_HEADER]))
        other.addElement(_row([_text_cell("not an export row")]))
        document.spreadsheet.addElement(other)
    document.save(str(path))
    return path


def _header() -> TableRow:
    # A sheet written by a spreadsheet program carries empty cells to its last column.
    return _row(
        [*(_text_cell(name) for name in POLICE_HEADER), TableCell(numbercolumnsrepeated=1010)]
    )


def _values(number: int) -> list[TableCell]:
    return [_text_cell(value) for value in police_row(number).values()]


def test_an_odfpy_sheet_reads_with_repeats_covered_cells_dates_and_numbers(
    tmp_path: Path,
) -> None:
    spaced = P(text="Anne")
    spaced.addElement(S(c=2))
    spaced.addElement(Span(text="Marie"))
    spaced_cell = TableCell(valuetype="string")
    spaced_cell.addElement(spaced)
    dated = TableCell(valuetype="date", datevalue="1990-01-02")
    dated.addElement(P(text="02/01/1990"))
    number = TableCell(valuetype="float", value="12")
    number.addElement(P(text="12.00"))
    cells = _values(1)
    cells[1], cells[3], cells[12] = spaced_cell, dated, number
    # Two force columns merged into one: the second is a covered cell, read as empty.
    repeated = [*_values(2)[:7], _text_cell("metropolitan", repeated=2), *_values(2)[9:]]
    covered = [*_values(3)[:12], CoveredTableCell()]
    path = _save(
        tmp_path / "p.ods",
        [
            _header(),
            _row(cells),
            _row([TableCell(numbercolumnsrepeated=13)]),  # a blank row: not a row
            _row(repeated),
            _row(covered, repeated=2),
            _row([TableCell(numbercolumnsrepeated=1024)], repeated=1_048_000),
        ],
        second_sheet=True,
    )

    rows = list(open_export(path, POLICE).rows)

    assert [row.number for row in rows] == [2, 4, 5, 6]
    assert not any(row.problem for row in rows)
    first = rows[0].values
    assert (first["FORENAME"], first["DOB"], first["POSTCODE"]) == (
        "Anne  Marie",
        "1990-01-02",
        "12",
    )
    assert rows[1].values["FORCE"] == rows[1].values["DATE_RECORDED"] == "metropolitan"
    assert rows[2].values["POSTCODE"] == ""
    assert rows[2].values == rows[3].values
    assert rows[2].values["PERSON_URN"] == "URN000003"


def test_an_ods_export_loads_like_a_csv(tmp_path: Path) -> None:
    path = _save(tmp_path / "p.ods", [_header(), _row(_values(1)), _row(_values(2))])
    reader = open_export(path, POLICE)
    assert reader.file_format == "ods"
    assert [row.values for row in reader.rows] == [police_row(1), police_row(2)]


def test_a_file_that_is_not_ods_is_refused_naming_the_reason(tmp_path: Path) -> None:
    not_zip = tmp_path / "a.ods"
    not_zip.write_text("PERSON_URN,FORENAME\n")
    with pytest.raises(ValidationError, match=r"'a\.ods' is not a readable ODS file"):
        open_export(not_zip, POLICE)
    no_content = tmp_path / "b.ods"
    with zipfile.ZipFile(no_content, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ValidationError, match=r"'b\.ods' is not a readable ODS file"):
        open_export(no_content, POLICE)


def _streamed_ods(path: Path, rows: int, *, cut_after: int | None = None) -> Path:
    """An ODS written a row at a time, as a large export would be (odfpy holds it all)."""
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        with archive.open("content.xml", "w") as content:
            content.write(
                b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                b'<office:body><office:spreadsheet><table:table table:name="export">'
            )
            for number in range(-1, rows):
                values = POLICE_HEADER if number < 0 else police_row(number).values()
                line = "".join(cell.format(escape(value)) for value in values)
                content.write(f"<table:table-row>{line}</table:table-row>".encode())
                if cut_after is not None and number == cut_after:
                    content.write(b"<table:table-row><table:table-cell")
                    return path
            content.write(b"</table:table></office:spreadsheet></office:body>")
            content.write(b"</office:document-content>")
    return path


def test_a_sheet_cut_short_keeps_the_rows_before_and_quarantines_the_break(
    tmp_path: Path,
) -> None:
    path = _streamed_ods(tmp_path / "cut.ods", 10, cut_after=4)
    rows = list(open_export(path, POLICE).rows)
    assert [row.values["PERSON_URN"] for row in rows[:5]] == [f"URN00000{n}" for n in range(5)]
    last = rows[-1]
    assert isinstance(last, RawRow)
    assert last.problem.startswith(BAD_ODS.split("{")[0])
    assert last.number == 7


def _peak_while_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in open_export(path, POLICE).rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


@pytest.mark.slow
def test_reading_a_long_sheet_holds_one_row_at_a_time(tmp_path: Path) -> None:
    small = _streamed_ods(tmp_path / "small.ods", 10_000)
    large = _streamed_ods(tmp_path / "large.ods", 100_000)

    small_rows, small_peak = _peak_while_reading(small)
    large_rows, large_peak = _peak_while_reading(large)

    assert (small_rows, large_rows) == (10_000, 100_000)
    # Ten times the rows, the same memory: a document model would grow a hundredfold
    # past these bounds (odfpy holds about 2 kB per cell).
    assert large_peak < 4 * 1024 * 1024, large_peak
    assert large_peak < small_peak * 1.5 + 256 * 1024, (small_peak, large_peak)
