"""Calendar quarters, written ``2024Q3``: the periods statistics, indicators and board
packs report on."""

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
        """The quarter written ``YYYYQn`` (``q`` too); ValidationError otherwise."""
        match = QUARTER_PATTERN.match(text.strip().upper())
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

    def trailing(self, count: int) -> list[Quarter]:
        """The ``count`` quarters ending with this one, oldest first."""
        return [self.shifted(offset) for offset in range(1 - count, 1)]
