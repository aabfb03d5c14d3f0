"""Spreadsheet cells: text that a spreadsheet could run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from msht.core.spreadsheet_cells import escape_cell, escape_row, escape_text, needs_escaping


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1:A2)", "\tcmd", "\r=1", '=HYPERLINK("x")'],
)
def test_text_starting_with_a_formula_trigger_is_escaped(text: str) -> None:
    assert needs_escaping(text)
    assert escape_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Albania", "[c]", "2024Q3", "", "a=b", " =1", "'quoted"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert not needs_escaping(text)
    assert escape_text(text) == text


def test_numbers_and_empty_cells_are_never_changed() -> None:
    assert escape_row([-5, 3.5, None, "-5"]) == [-5, 3.5, None, "'-5"]
    assert escape_cell(0) == 0


def test_an_escaped_row_survives_a_csv_round_trip_as_text() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(escape_row(["=cmd|' /C calc'!A0", "Total", 12]))
    row = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert row == ["'=cmd|' /C calc'!A0", "Total", "12"]
