"""Quarters: parsing, bounds and the trailing quarters of a trend."""

from __future__ import annotations

import datetime as dt

import pytest

from msht.core.errors import ValidationError
from msht.core.periods import Quarter


def test_a_quarter_is_parsed_and_has_its_first_and_last_day() -> None:
    quarter = Quarter.parse("2024q3")

    assert (quarter.first_day, quarter.last_day) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    assert str(quarter) == "2024Q3"
    assert quarter.label == "July to September 2024"


@pytest.mark.parametrize("text", ["2024Q5", "2024-3", "Q3 2024", ""])
def test_anything_but_a_quarter_is_refused_with_the_reason(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a quarter"):
        Quarter.parse(text)


def test_trailing_quarters_cross_the_year_oldest_first() -> None:
    assert [str(q) for q in Quarter(2024, 2).trailing(4)] == [
        "2023Q3",
        "2023Q4",
        "2024Q1",
        "2024Q2",
    ]
    assert Quarter.of(dt.date(2024, 12, 31)) == Quarter(2024, 4)
    assert Quarter(2024, 4).shifted(1) == Quarter(2025, 1)
