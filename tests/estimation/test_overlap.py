"""Reading and building list-overlap tables: full tables, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msht.estimation.engine.errors import OverlapTableError
from msht.estimation.engine.overlap import all_patterns, overlap_table, read_overlap_csv


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overlap.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_unseen_patterns_count_zero_and_duplicates_add_up(tmp_path: Path) -> None:
    path = _write(tmp_path, "A,B,C,count\n1,0,0,5\n0,1,1,2\n1,0,0,3\n")

    table = read_overlap_csv(path)

    assert table.lists == ("A", "B", "C")
    assert len(table.counts) == 7  # 2**3 - 1 patterns, every one present
    by_pattern = {
        tuple(int(b) for b in row): count
        for row, count in zip(table.patterns, table.counts, strict=True)
    }
    assert by_pattern[(1, 0, 0)] == 8
    assert by_pattern[(0, 1, 1)] == 2
    assert by_pattern[(1, 1, 1)] == 0
    assert table.observed == 10


def test_totals_and_pair_overlaps() -> None:
    table = overlap_table("ABC", {(1, 1, 0): 4, (1, 0, 1): 1, (0, 0, 1): 6, (1, 1, 1): 2})

    assert table.list_totals() == {"A": 7, "B": 6, "C": 9}
    assert table.pair_overlaps() == {("A", "B"): 6, ("A", "C"): 3, ("B", "C"): 2}


def test_all_patterns_are_every_non_empty_pattern_once() -> None:
    patterns = all_patterns(4)

    assert len(patterns) == 15
    assert len({tuple(row) for row in patterns}) == 15
    assert patterns.sum(axis=1).min() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("A,B,C\n1,0,0\n", "exactly one count column"),
        ("A,B,count\n1,0,4\n", "at least 3 lists"),
        ("A,B,C,n\n1,0,2,4\n", "Row 2, column 'C': '2' is not 0 or 1"),
        ("A,B,C,n\n1,0,1,x\n", "Row 2, column 'n': 'x' is not a count"),
        ("A,B,C,n\n1,0,1,2.5\n", "not a whole number"),
        ("A,B,C,n\n1,0,1,-1\n", "not a whole number"),
        ("A,B,C,n\n0,0,0,9\n", "Row 2 is on no list"),
        ("A,B,C,n\n1,0,1\n", "Row 2 has 3 cells; the header has 4"),
        ("A,B,C,n\n1,0,1,0\n", "counts nobody"),
        ("A,A,C,n\n1,0,1,3\n", "must be different"),
    ],
)
def test_bad_tables_are_refused_with_the_row_and_column(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(OverlapTableError, match=message):
        read_overlap_csv(_write(tmp_path, text))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400) | st.text(alphabet="01,ABn\n\r -.9xé\x00\ufeff", max_size=300))
def test_any_file_is_read_or_refused_with_a_reason(tmp_path: Path, data: bytes | str) -> None:
    """Fuzzing: whatever the bytes, the reader returns a full table or says why not."""
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    try:
        table = read_overlap_csv(path)
    except OverlapTableError as refused:
        reason = str(refused)
    else:
        assert len(table.counts) == 2 ** len(table.lists) - 1
        assert table.observed > 0
        return
    assert reason
