"""The list-overlap table: how many people each combination of lists saw.

A table over k lists has one cell for each of the 2**k - 1 non-empty patterns
(the empty pattern, people on no list, is what the models estimate). Tables in
the literature list only the patterns seen; the missing ones are zeros, and the
zeros matter: they decide which models have estimates at all.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from msht.estimation.engine.errors import OverlapTableError

MINIMUM_LISTS = 3
COUNT_COLUMNS = ("count", "n", "frequency", "freq")


@dataclass(frozen=True)
class OverlapTable:
    """Counts of people by the lists they appear on; every non-empty pattern once."""

    lists: tuple[str, ...]
    patterns: npt.NDArray[np.int8]
    counts: npt.NDArray[np.float64]

    @property
    def observed(self) -> int:
        """People on at least one list."""
        return int(self.counts.sum())

    def list_totals(self) -> dict[str, int]:
        return {
            name: int(self.counts[self.patterns[:, index] == 1].sum())
            for index, name in enumerate(self.lists)
        }

    def pair_overlaps(self) -> dict[tuple[str, str], int]:
        """People on both lists of each pair (whatever other lists they are on)."""
        overlaps: dict[tuple[str, str], int] = {}
        for (i, first), (j, second) in itertools.combinations(enumerate(self.lists), 2):
            both = (self.patterns[:, i] == 1) & (self.patterns[:, j] == 1)
            overlaps[(first, second)] = int(self.counts[both].sum())
        return overlaps


def all_patterns(list_count: int) -> npt.NDArray[np.int8]:
    """Every non-empty 0/1 pattern over ``list_count`` lists, in a fixed order."""
    rows = [bits for bits in itertools.product((0, 1), repeat=list_count) if any(bits)]
    return np.array(rows, dtype=np.int8)


def overlap_table(
    lists: Iterable[str], counts_by_pattern: Mapping[tuple[int, ...], float]
) -> OverlapTable:
    """Build a full table from the patterns seen; patterns not given count zero."""
    names = tuple(lists)
    if len(names) < MINIMUM_LISTS:
        raise OverlapTableError(
            f"Multiple systems estimation needs at least {MINIMUM_LISTS} lists; got {len(names)}."
        )
    if len(set(names)) != len(names):
        raise OverlapTableError("List names must be different from one another.")
    patterns = all_patterns(len(names))
    index = {tuple(int(bit) for bit in row): position for position, row in enumerate(patterns)}
    counts = np.zeros(len(patterns), dtype=np.float64)
    for pattern, count in counts_by_pattern.items():
        if len(pattern) != len(names) or any(bit not in (0, 1) for bit in pattern):
            raise OverlapTableError(
                f"Pattern {pattern} is not a 0/1 pattern over {len(names)} lists."
            )
        if not any(pattern):
            raise OverlapTableError(
                "A row for people on no list cannot be observed; remove it from the table."
            )
        if count < 0 or count != int(count):
            raise OverlapTableError(f"Count {count} for pattern {pattern} is not a whole number.")
        counts[index[pattern]] += count
    if counts.sum() == 0:
        raise OverlapTableError("The table counts nobody.")
    return OverlapTable(names, patterns, counts)


def _parse_flag(value: str, line: int, column: str) -> int:
    try:
        number = float(value)
    except ValueError:
        raise OverlapTableError(
            f"Row {line}, column {column!r}: {value!r} is not 0 or 1."
        ) from None
    if number not in (0.0, 1.0):
        raise OverlapTableError(f"Row {line}, column {column!r}: {value!r} is not 0 or 1.")
    return int(number)


def _parse_count(value: str, line: int, column: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise OverlapTableError(
            f"Row {line}, column {column!r}: {value!r} is not a count."
        ) from None
    if number < 0 or number != int(number):
        raise OverlapTableError(
            f"Row {line}, column {column!r}: {value!r} is not a whole number of people."
        )
    return number


def read_overlap_csv(path: Path) -> OverlapTable:
    """Read a published table: one 0/1 column per list and a count column."""
    try:
        return _read_overlap_csv(path)
    except UnicodeDecodeError as error:
        raise OverlapTableError(
            f"{path.name} is not UTF-8 text (byte {error.start} cannot be read)."
        ) from None
    except csv.Error as error:
        raise OverlapTableError(
            f"{path.name} is not a CSV file a table can be read from: {error}."
        ) from None


def _read_overlap_csv(path: Path) -> OverlapTable:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise OverlapTableError(f"{path.name} is empty.")
        names = [name.strip() for name in header]
        count_columns = [name for name in names if name.lower() in COUNT_COLUMNS]
        if len(count_columns) != 1:
            raise OverlapTableError(
                f"{path.name} needs exactly one count column named one of "
                f"{', '.join(COUNT_COLUMNS)}; found {count_columns or 'none'}."
            )
        count_at = names.index(count_columns[0])
        list_names = [name for position, name in enumerate(names) if position != count_at]
        counts: dict[tuple[int, ...], float] = {}
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                raise OverlapTableError(
                    f"Row {line} has {len(row)} cells; the header has {len(names)}."
                )
            pattern = tuple(
                _parse_flag(cell, line, names[position])
                for position, cell in enumerate(row)
                if position != count_at
            )
            count = _parse_count(row[count_at], line, names[count_at])
            if not any(pattern):
                raise OverlapTableError(f"Row {line} is on no list; such people cannot be seen.")
            counts[pattern] = counts.get(pattern, 0.0) + count
    return overlap_table(list_names, counts)
