"""Quarters of the calendar year, named as the board pack names them: ``2024Q3``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from msht.core.errors import ValidationError

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")
BAD_QUARTER = "period {text!r} is not a quarter such as 2024Q3 (a year, Q, then 1 to 4)"


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: Q1 is January to March."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2024Q3``; anything else is refused with the reason."""
        match = QUARTER_PATTERN.match(text.strip().upper())
        if match is None:
            raise ValidationError(BAD_QUARTER.format(text=text))
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> dt.date:
        """The last day of the quarter."""
        return self.next().starts_on - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """``July to September 2024``, as the statistics releases name a quarter."""
        first = self.starts_on.strftime("%B")
        last = self.ends_on.strftime("%B")
        return f"{first} to {last} {self.year}"

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def trailing(self, count: int) -> list[Quarter]:
        """The ``count`` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return list(reversed(quarters))
