"""Quarters and the periods a quarterly publication reports (DOMAIN.md, 'The national picture')."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from msht.core.errors import ValidationError

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")
BAD_QUARTER = "period {text!r} is not a quarter written like 2024Q3"


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, written ``2024Q3`` (July to September 2024)."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """The quarter written ``YYYYQn``; ValidationError otherwise."""
        match = QUARTER_PATTERN.match(text.strip())
        if match is None:
            raise ValidationError(BAD_QUARTER.format(text=text), [BAD_QUARTER.format(text=text)])
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        following = self.shifted(1).first_day
        return following - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """Words, as the Home Office titles its releases: 'July to September 2024'."""
        months = ("January", "April", "July", "October")
        ends = ("March", "June", "September", "December")
        return f"{months[self.number - 1]} to {ends[self.number - 1]} {self.year}"

    def shifted(self, quarters: int) -> Quarter:
        """The quarter ``quarters`` later (earlier when negative)."""
        index = self.year * 4 + (self.number - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)


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
