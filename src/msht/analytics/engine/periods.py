"""Quarters and the periods a quarterly publication reports (DOMAIN.md, 'The national picture')."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from msht.core.periods import BAD_QUARTER, QUARTER_PATTERN, Quarter

__all__ = [
    "BAD_QUARTER",
    "QUARTER_PATTERN",
    "Period",
    "Quarter",
    "publication_periods",
    "quarter_series",
]


@dataclass(frozen=True)
class Period:
    """A span of whole quarters a table reports: one quarter, year to date, year ending."""

    key: str
    title: str
    quarters: tuple[Quarter, ...]

    @property
    def first_day(self) -> dt.date:
        return self.quarters[0].first_day

    @property
    def last_day(self) -> dt.date:
        return self.quarters[-1].last_day


def publication_periods(quarter: Quarter) -> tuple[Period, ...]:
    """The quarter, the year to date, the year ending with it, the same quarter a year earlier."""
    year_to_date = tuple(Quarter(quarter.year, number) for number in range(1, quarter.number + 1))
    year_ending = tuple(quarter.shifted(offset) for offset in range(-3, 1))
    earlier = quarter.shifted(-4)
    return (
        Period("quarter", f"{quarter.label}", (quarter,)),
        Period("year_to_date", f"Year to date: January to {quarter.last_day:%B %Y}", year_to_date),
        Period(
            "year_ending",
            f"Year ending {quarter.last_day:%B %Y}",
            year_ending,
        ),
        Period("same_quarter_year_earlier", f"{earlier.label} (a year earlier)", (earlier,)),
    )


def quarter_series(quarter: Quarter, length: int = 9) -> tuple[Quarter, ...]:
    """The ``length`` quarters ending with ``quarter``, oldest first (trend tables and charts)."""
    return tuple(quarter.shifted(offset) for offset in range(1 - length, 1))
