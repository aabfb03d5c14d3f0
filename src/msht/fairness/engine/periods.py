"""Monitoring periods as written on the command line: ``2024``, ``2024Q3``, ``2017-2024``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERIOD_PATTERN = re.compile(r"^(?P<first>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<last>\d{4}))?$")
BAD_PERIOD = "Period {text!r} is not a year (2024), a quarter (2024Q3) or years (2017-2024)."
BACKWARDS_PERIOD = "Period {text!r} ends before it starts."


@dataclass(frozen=True)
class Period:
    """A named span of whole days, first and last included."""

    label: str
    start: dt.date
    end: dt.date


def parse_period(text: str) -> Period:
    """The period named by ``text``; ValueError naming the text when it is not one."""
    match = PERIOD_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(BAD_PERIOD.format(text=text))
    first = int(match["first"])
    if match["quarter"]:
        quarter = int(match["quarter"])
        start = dt.date(first, 3 * quarter - 2, 1)
        following = dt.date(first + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        return Period(text.strip(), start, following - dt.timedelta(days=1))
    last = int(match["last"]) if match["last"] else first
    if last < first:
        raise ValueError(BACKWARDS_PERIOD.format(text=text))
    return Period(text.strip(), dt.date(first, 1, 1), dt.date(last, 12, 31))
