"""Calendar quarters, written ``2024Q3``, and spans of days written ``2024``, ``2024Q3`` or
``2017-2024``: the periods statistics, indicators, board packs and monitoring report on."""

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


# Spans as written on the command line and in forms: a year, years or a quarter.
PERIOD_PATTERN = re.compile(r"^(?P<first>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<last>\d{4}))?$")
BAD_PERIOD = "Period {text!r} is not a year (2024), a quarter (2024Q3) or years (2017-2024)."
BACKWARDS_PERIOD = "Period {text!r} ends before it starts."


@dataclass(frozen=True)
class Span:
    """A named span of whole days, first and last included."""

    label: str
    start: dt.date
    end: dt.date


def parse_span(text: str) -> Span:
    """The period named by ``text``; ValueError naming the text when it is not one."""
    match = PERIOD_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(BAD_PERIOD.format(text=text))
    first = int(match["first"])
    if match["quarter"]:
        quarter = int(match["quarter"])
        start = dt.date(first, 3 * quarter - 2, 1)
        following = dt.date(first + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        return Span(text.strip(), start, following - dt.timedelta(days=1))
    last = int(match["last"]) if match["last"] else first
    if last < first:
        raise ValueError(BACKWARDS_PERIOD.format(text=text))
    return Span(text.strip(), dt.date(first, 1, 1), dt.date(last, 12, 31))
