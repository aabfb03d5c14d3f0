"""Working days: weekends and the bank holidays of the UK nation concerned do not count."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

from msht.core.reference import UkNation

# The `holidays` package names the UK nations by these subdivision codes.
_SUBDIVISION = {
    UkNation.ENGLAND: "ENG",
    UkNation.WALES: "WLS",
    UkNation.SCOTLAND: "SCT",
    UkNation.NORTHERN_IRELAND: "NIR",
}


@cache
def _bank_holidays(nation: UkNation, year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation], years=year)
    return frozenset(calendar.keys())


def is_working_day(day: dt.date, nation: UkNation = UkNation.ENGLAND) -> bool:
    """True unless ``day`` is a Saturday, Sunday or a bank holiday in ``nation``."""
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


def add_working_days(start: dt.date, days: int, nation: UkNation = UkNation.ENGLAND) -> dt.date:
    """The date ``days`` working days after ``start`` (the start day itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current, nation):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, nation: UkNation = UkNation.ENGLAND) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start, nation)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + dt.timedelta(days=offset), nation)
    )
