"""Periods as written on the command line."""

from __future__ import annotations

import datetime as dt

import pytest

from msht.fairness.engine.periods import BACKWARDS_PERIOD, BAD_PERIOD, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        ("2024Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2017-2024", dt.date(2017, 1, 1), dt.date(2024, 12, 31)),
    ],
)
def test_periods_cover_whole_years_and_quarters(text: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (text, start, end)


@pytest.mark.parametrize("text", ["24", "2024Q5", "2024-Q3", "last year"])
def test_a_period_that_is_not_one_is_refused_with_its_text(text: str) -> None:
    with pytest.raises(ValueError, match="is not a year") as raised:
        parse_period(text)
    assert str(raised.value) == BAD_PERIOD.format(text=text)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before") as raised:
        parse_period("2024-2017")
    assert str(raised.value) == BACKWARDS_PERIOD.format(text="2024-2017")
