"""Working days with numpy: weekends and the bank holidays of each UK nation do not count.

The same rule as ``msht.core.calendar`` (which the engine may not import, as it loads
Django), vectorised with ``numpy.busday_offset`` over the ``holidays`` package's dates.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
import numpy as np
import numpy.typing as npt

NATIONS: tuple[str, ...] = ("england", "wales", "scotland", "northern_ireland")
_SUBDIVISION = ("ENG", "WLS", "SCT", "NIR")
EPOCH = dt.date(1970, 1, 1)
# Decisions of a world reach a few years past its last referral.
_HOLIDAY_YEARS = range(2010, 2036)


def day_number(day: dt.date) -> int:
    """Days since 1 January 1970 (numpy's datetime64[D] origin)."""
    return (day - EPOCH).days


def date_of(number: int) -> dt.date:
    """The date ``number`` days after 1 January 1970."""
    return EPOCH + dt.timedelta(days=int(number))


@cache
def _calendar(nation: int) -> np.busdaycalendar:
    """A numpy business-day calendar with the nation's bank holidays."""
    days = holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation], years=_HOLIDAY_YEARS)
    return np.busdaycalendar(holidays=np.array(sorted(days), dtype="datetime64[D]"))


def add_working_days(
    days: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], nations: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The day ``counts`` working days after each day in its nation (core.calendar's rule).

    Rolling a non-working start back to the previous working day and then counting
    forward gives the same answer as counting working days after the start itself.
    The start itself never counts.
    """
    result = np.empty(days.size, dtype=np.int64)
    for nation in np.unique(nations):
        mask = nations == nation
        start = days[mask].astype("datetime64[D]")
        moved = np.busday_offset(
            start, counts[mask], roll="backward", busdaycal=_calendar(int(nation))
        )
        result[mask] = moved.astype(np.int64)
    # Zero working days after a day is the day itself, working or not (as core.calendar).
    return np.where(counts == 0, days, result)


def is_working_day(days: npt.NDArray[np.int64], nation: int = 0) -> npt.NDArray[np.bool_]:
    """True where the day is neither a weekend nor a bank holiday in ``nation``."""
    flags: npt.NDArray[np.bool_] = np.is_busday(
        days.astype("datetime64[D]"), busdaycal=_calendar(nation)
    )
    return flags


def iso(days: npt.NDArray[np.int64]) -> list[str]:
    """ISO 8601 strings of day numbers."""
    text: list[str] = np.datetime_as_string(days.astype("datetime64[D]")).tolist()
    return text
