"""Working days exclude weekends and the bank holidays of the nation concerned."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msht.core.calendar import add_working_days, is_working_day, working_days_between
from msht.core.reference import UkNation


def test_five_working_days_from_a_friday_ends_the_next_friday() -> None:
    assert add_working_days(dt.date(2024, 7, 5), 5) == dt.date(2024, 7, 12)


def test_christmas_and_boxing_day_do_not_count() -> None:
    # 23 Dec 2024 + 5: 24, 27, 30, 31 Dec and 2 Jan (25 and 26 Dec, 1 Jan are bank holidays).
    assert add_working_days(dt.date(2024, 12, 23), 5) == dt.date(2025, 1, 2)


@pytest.mark.parametrize(
    ("day", "nation", "working"),
    [
        (dt.date(2024, 8, 5), UkNation.SCOTLAND, False),  # Summer bank holiday in Scotland
        (dt.date(2024, 8, 5), UkNation.ENGLAND, True),
        (dt.date(2024, 8, 26), UkNation.ENGLAND, False),  # Summer bank holiday elsewhere
        (dt.date(2024, 8, 26), UkNation.SCOTLAND, True),
        (dt.date(2024, 3, 18), UkNation.NORTHERN_IRELAND, False),  # St Patrick's Day (in lieu)
        (dt.date(2024, 3, 18), UkNation.WALES, True),
        (dt.date(2024, 7, 12), UkNation.NORTHERN_IRELAND, False),  # Battle of the Boyne
    ],
)
def test_bank_holidays_differ_by_nation(day: dt.date, nation: UkNation, working: bool) -> None:
    assert is_working_day(day, nation) is working


@given(
    start=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
    nation=st.sampled_from(list(UkNation)),
)
def test_working_days_between_inverts_add_working_days(
    start: dt.date, days: int, nation: UkNation
) -> None:
    end = add_working_days(start, days, nation)
    assert working_days_between(start, end, nation) == days
    assert working_days_between(end, start, nation) == -days
    assert end == start or is_working_day(end, nation)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(dt.date(2024, 1, 1), -1)
