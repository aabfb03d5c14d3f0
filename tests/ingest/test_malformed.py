"""Malformed exports generated with hypothesis: nothing crashes, every bad row is quarantined
with a reason, every good row loads, and nothing already stored changes."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msht.ingest.models import BatchState, IngestedRecord, QuarantinedRow
from msht.ingest.services import batch_ingest
from tests.ingest.exports import POLICE_HEADER, police_row, write_police

pytestmark = pytest.mark.django_db

BAD_BYTE = "\u0001BADBYTE\u0001"
# Each kind of damage, and what it does to a row.
DAMAGE = {
    "bad_date": {"DOB": "31/13/1990"},
    "impossible_year": {"DATE_RECORDED": "01/01/1066"},
    "formula": {"FORENAME": "=cmd|' /C calc'!A0"},
    "plus_formula": {"SURNAME": "+cmd|' /C notepad'!A0"},
    "at_formula": {"SURNAME": "@SUM(1+1)*cmd|' /C calc'!A0"},
    "huge": {"FORENAME": "A" * 50_000},
    "unknown_code": {"SEX": "Z"},
    "unknown_country": {"NATIONALITY": "ZZZ"},
    "nul": {"FORENAME": "A\x00B"},
    "control": {"FORENAME": "A\x07B"},
    "bad_bytes": {"SURNAME": f"Fam{BAD_BYTE}ily"},
    "missing_key": {"PERSON_URN": ""},
}
ROW_SHAPES = ["good", *DAMAGE, "missing_cells", "extra_cells"]
NAMES = st.sampled_from(["Zoë", "Ana", "Nguyễn", "O'Brien", "Anne-Marie", "Łukasz", "Ólafur"])
counter = itertools.count(100_000)

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _cells(shape: str, name: str) -> list[str]:
    number = next(counter)
    row = police_row(number, **{"FORENAME": name, **DAMAGE.get(shape, {})})
    cells = list(row.values())
    if shape == "missing_cells":
        return cells[:-3]
    if shape == "extra_cells":
        return [*cells, "surplus", "more"]
    return cells


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "cp1252":
        text = text.encode("cp1252", "replace").decode("cp1252")
    data = text.encode(encoding)
    if BAD_BYTE not in text:
        return data
    placeholder = BAD_BYTE.encode(encoding.removesuffix("-sig"))
    assert placeholder in data
    return data.replace(placeholder, b"\x81")


def _stored() -> dict[str, tuple[str, int]]:
    return {
        key: (content, version)
        for key, content, version in IngestedRecord.objects.values_list(
            "record_key", "content_hash", "version"
        )
    }


@pytest.fixture
def existing_records(tmp_path: Path) -> dict[str, tuple[str, int]]:
    """A batch already stored; generated files must leave it exactly as it is."""
    path = write_police(tmp_path / "before.csv", [police_row(n) for n in range(20)])
    batch_ingest(None, source_code="police", path=path)
    return _stored()


@SETTINGS
@given(
    shapes=st.lists(st.sampled_from(ROW_SHAPES), min_size=1, max_size=30),
    names=st.lists(NAMES, min_size=30, max_size=30),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_malformed_rows_are_quarantined_and_good_rows_load(
    existing_records: dict[str, tuple[str, int]],
    shapes: list[str],
    names: list[str],
    encoding: str,
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(POLICE_HEADER)
    rows = [_cells(shape, name) for shape, name in zip(shapes, names, strict=False)]
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "malformed.csv"
        path.write_bytes(_encode(buffer.getvalue(), encoding))
        result = batch_ingest(None, source_code="police", path=path)

    bad = sum(shape != "good" for shape in shapes)
    assert result.batch.state == BatchState.COMPLETE
    assert (result.counts.rows, result.counts.quarantined) == (len(shapes), bad)
    assert result.counts.loaded == len(shapes) - bad
    quarantined = QuarantinedRow.objects.filter(batch=result.batch)
    assert quarantined.count() == bad
    assert all(row.reason and row.field and row.row_number >= 2 for row in quarantined)
    good_keys = {cells[0] for cells, shape in zip(rows, shapes, strict=False) if shape == "good"}
    assert (
        set(
            IngestedRecord.objects.filter(last_batch=result.batch).values_list(
                "record_key", flat=True
            )
        )
        == good_keys
    )
    after = _stored()
    assert {key: after[key] for key in existing_records} == existing_records


@SETTINGS
@given(
    damage=st.sampled_from(["empty", "duplicate_header", "missing_column", "header_only"]),
    column=st.sampled_from(["PERSON_URN", "FORENAME", "SURNAME", "DOB", "SEX"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)
def test_a_malformed_file_never_crashes_and_changes_nothing(
    existing_records: dict[str, tuple[str, int]], damage: str, column: str, encoding: str
) -> None:
    header = list(POLICE_HEADER)
    if damage == "duplicate_header":
        header.append(column)
    if damage == "missing_column":
        header.remove(column)
    text = "" if damage == "empty" else ",".join(header) + "\n"
    if damage in {"duplicate_header", "missing_column"}:
        text += ",".join(police_row(next(counter)).values()) + "\n"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "malformed.csv"
        path.write_bytes(text.encode(encoding) if text else b"")
        result = batch_ingest(None, source_code="police", path=path)
    assert result.counts.loaded == 0
    if damage == "header_only":
        assert result.batch.state == BatchState.COMPLETE
        assert result.counts.rows == 0
    else:
        assert result.batch.state == BatchState.REJECTED
        assert result.batch.problems
        assert column in " ".join(result.batch.problems) or damage == "empty"
    assert _stored() == existing_records


@SETTINGS
@given(
    extra=st.lists(st.text(alphabet="abcdefghij_", min_size=1, max_size=8), max_size=3, unique=True)
)
def test_extra_columns_are_kept_in_the_raw_row_and_the_rows_load(
    existing_records: dict[str, tuple[str, int]], extra: list[str]
) -> None:
    header = [*POLICE_HEADER, *extra]
    rows = [[*police_row(next(counter)).values(), *(f"value {name}" for name in extra)]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "extra.csv"
        path.write_text(buffer.getvalue())
        result = batch_ingest(None, source_code="police", path=path)
    assert result.counts.loaded == 1
    record = IngestedRecord.objects.get(record_key=rows[0][0])
    assert all(record.raw[name] == f"value {name}" for name in extra)
