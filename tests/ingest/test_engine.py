"""Readers and row validation, without a database."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import openpyxl
import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from msht.core.errors import ValidationError
from msht.ingest.engine.mapping import mapping_for
from msht.ingest.engine.readers import (
    DUPLICATE_COLUMN,
    EMPTY_FILE,
    detect_encoding,
    open_export,
)
from msht.ingest.engine.validate import check_row, content_hash, record_key
from tests.ingest.exports import POLICE_HEADER, police_row, write_police

POLICE = mapping_for("police")


def _rows(path: Path, source: str = "police") -> list:  # type: ignore[type-arg]
    mapping = mapping_for(source)
    reader = open_export(path, mapping)
    return [check_row(row, mapping, encoding=reader.encoding) for row in reader.rows]


def test_a_police_row_becomes_canonical_fields(tmp_path: Path) -> None:
    [row] = _rows(write_police(tmp_path / "p.csv", [police_row(1, NATIONALITY="VNM/ROU")]))
    assert row.is_valid, row.problems
    assert row.fields["birth_date"] == "1971-02-02"
    assert row.fields["gender"] == "female"
    assert row.fields["nationalities"] == ["VNM", "ROU"]
    assert row.fields["recorded_on"] == "2024-03-14"


def test_county_lines_and_criminal_both_map_to_criminal_once(tmp_path: Path) -> None:
    [row] = _rows(write_police(tmp_path / "p.csv", [police_row(1, EXPLOIT_CODE="CL/CRIM/SEX")]))
    assert row.fields["exploitation_types"] == ["criminal", "sexual"]


@pytest.mark.parametrize(
    ("cell", "value", "reason"),
    [
        ("DOB", "31/02/1990", "not a date"),
        ("DOB", "01/01/2207", "not plausible"),
        ("SEX", "Q", "not one of the values"),
        ("NATIONALITY", "XXX", "ISO 3166"),
        ("FORENAME", "=cmd|' /C calc'!A0", "formula injection"),
        ("SURNAME", "@SUM(A1)", "formula injection"),
        ("FORENAME", "x" * 20_000, "at most"),
        ("DATE_RECORDED", "", "must always give it"),
    ],
)
def test_a_bad_cell_is_a_problem_naming_the_field_and_the_reason(
    tmp_path: Path, cell: str, value: str, reason: str
) -> None:
    [row] = _rows(write_police(tmp_path / "p.csv", [police_row(1, **{cell: value})]))
    assert not row.is_valid
    assert row.problems[0].column == cell
    assert reason in row.problems[0].reason


def test_a_phone_number_with_a_plus_is_not_a_formula(tmp_path: Path) -> None:
    [row] = _rows(write_police(tmp_path / "p.csv", [police_row(1, PHONE="+44 7700 900123")]))
    assert row.is_valid, row.problems


def test_an_unknown_code_with_a_documented_fallback_keeps_the_original() -> None:
    mapping = mapping_for("border_force")
    from msht.ingest.engine.readers import RawRow

    values = {
        "case_id": "BF1",
        "first_name": "A",
        "last_name": "B",
        "date_of_birth": "1990-01-02",
        "gender": "FEMALE",
        "encounter_date": "20240105",
        "immigration_status": "STUDENT",
    }
    row = check_row(RawRow(2, values), mapping)
    assert row.is_valid, row.problems
    assert row.fields["immigration_status"] == "not_known"
    assert row.unmapped == [
        {"field": "immigration_status", "column": "immigration_status", "value": "STUDENT"}
    ]


def test_the_content_hash_ignores_column_order_and_padding() -> None:
    assert content_hash({"a": "1", "b": " 2"}) == content_hash({"b": "2", "a": "1"})
    assert content_hash({"a": "1"}) != content_hash({"a": "2"})


def test_identical_rows_without_an_id_get_different_keys_by_occurrence(tmp_path: Path) -> None:
    ctdc = mapping_for("ctdc")
    from msht.ingest.engine.readers import RawRow

    row = check_row(RawRow(2, {"yearOfRegistration": "2019", "Datasource": "Hotline"}), ctdc)
    assert record_key(row, ctdc, 1) != record_key(row, ctdc, 2)
    assert record_key(row, ctdc, 2) == record_key(row, ctdc, 2)


def test_a_file_in_windows_1252_is_read_as_such(tmp_path: Path) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(1, FORENAME="Zoë")], encoding="cp1252")
    [row] = _rows(path)
    assert row.is_valid
    assert row.fields["given_names"] == "Zoë"


def test_utf8_with_a_byte_order_mark_loses_nothing(tmp_path: Path) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(1)], encoding="utf-8-sig")
    [row] = _rows(path)
    assert row.is_valid
    assert "PERSON_URN" in row.raw


def test_encoding_detection() -> None:
    assert detect_encoding(codecs.BOM_UTF16_LE + "a".encode("utf-16-le")) == "utf-16"
    assert detect_encoding("Zoë".encode()) == "utf-8"
    assert detect_encoding("Zoë".encode("cp1252")) == "cp1252"
    assert detect_encoding("Zoë, Renée, Ólafur".encode("cp1252")) == "cp1252"


def test_a_utf8_file_with_one_damaged_cell_stays_utf8() -> None:
    # Read as Windows-1252, every good name would be garbled ("ZoÃ«") or quarantined.
    sample = "Zoë,Łukasz\nAna,Fam".encode() + b"\x81" + b"ily\n"
    assert detect_encoding(sample) == "utf-8"
    assert detect_encoding(b"Ana,Fam\x81ily\n") == "cp1252"


def test_bytes_that_are_not_text_quarantine_the_row_with_the_bytes_named(tmp_path: Path) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(n) for n in range(3)])
    data = path.read_bytes().replace(b"Given1", b"Giv\x81n1")
    # Make the first megabyte UTF-8 so the file is read as UTF-8 and the 0x81 stands out.
    path.write_bytes(data.replace(b"Given0", "Givén0".encode()))
    rows = _rows(path)
    bad = [row for row in rows if not row.is_valid]
    assert len(bad) == 1
    assert "0x81" in bad[0].problems[0].reason


def test_duplicate_headers_reject_the_file_naming_the_column(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(",".join([*POLICE_HEADER, "SEX"]) + "\n")
    with pytest.raises(ValidationError) as raised:
        open_export(path, POLICE)
    assert DUPLICATE_COLUMN.format(name="SEX", positions="5, 14") in raised.value.problems


def test_an_empty_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"")
    with pytest.raises(ValidationError, match=EMPTY_FILE):
        open_export(path, POLICE)


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("PERSON_URN,FORENAME\nU1,A\n")
    with pytest.raises(ValidationError) as raised:
        open_export(path, POLICE)
    assert any("'SURNAME' is missing" in problem for problem in raised.value.problems)


def test_a_short_row_is_a_row_problem_and_the_next_row_still_reads(tmp_path: Path) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(1)])
    with path.open("a") as handle:
        handle.write("U9,only,three\n")
        handle.write(",".join(police_row(2).values()) + "\n")
    rows = _rows(path)
    assert [row.is_valid for row in rows] == [True, False, True]
    assert "3 cells" in rows[1].problems[0].reason
    assert rows[1].number == 3


def test_xlsx_rows_are_read_and_formulas_caught(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(POLICE_HEADER)
    sheet.append(list(police_row(1).values()))
    sheet.append(list(police_row(2, FORENAME="=1+1").values()))
    path = tmp_path / "p.xlsx"
    workbook.save(path)
    rows = _rows(path)
    assert [row.is_valid for row in rows] == [True, False]
    assert rows[0].fields["family_name"] == "Family1"


def test_ods_rows_are_read(tmp_path: Path) -> None:
    document = OpenDocumentSpreadsheet()
    table = Table(name="export")
    for values in (POLICE_HEADER, list(police_row(1).values())):
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    path = tmp_path / "p.ods"
    document.save(str(path))
    [row] = _rows(path)
    assert row.is_valid, row.problems
    assert row.fields["pnc_id"] == "24/000001X"


def test_json_lines_rows_are_read_and_bad_lines_kept_as_problems(tmp_path: Path) -> None:
    good = {
        "case_id": "BF1",
        "first_name": "Ana",
        "last_name": "Pop",
        "date_of_birth": "1990-01-02",
        "gender": "FEMALE",
        "encounter_date": "20240105",
        "exploitation": ["LABOUR", "SEXUAL"],
    }
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n" + json.dumps([1]) + "\n")
    rows = _rows(path, "border_force")
    assert [row.is_valid for row in rows] == [True, False, False]
    assert rows[0].fields["exploitation_types"] == ["labour", "sexual"]
