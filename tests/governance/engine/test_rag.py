"""Red, amber, green against a target, read with the indicator's direction; trend."""

from __future__ import annotations

from decimal import Decimal

import pytest

from msht.governance.engine.rag import Rag, Trend, rag_status, trend_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [("80", Rag.GREEN), ("95", Rag.GREEN), ("70", Rag.AMBER), ("69.99", Rag.RED)],
)
def test_higher_is_better_is_green_at_the_target_and_amber_within_the_margin(
    value: str, expected: Rag
) -> None:
    status = rag_status(
        Decimal(value), target=Decimal(80), amber_margin=Decimal(10), higher_is_better=True
    )
    assert status == expected


@pytest.mark.parametrize(("value", "expected"), [(0, Rag.GREEN), (2, Rag.AMBER), (3, Rag.RED)])
def test_lower_is_better_reads_the_other_way(value: int, expected: Rag) -> None:
    status = rag_status(
        Decimal(value), target=Decimal(0), amber_margin=Decimal(2), higher_is_better=False
    )
    assert status == expected


def test_no_value_is_no_data_and_never_a_colour() -> None:
    assert rag_status(None, target=Decimal(1), amber_margin=Decimal(0), higher_is_better=True) == (
        Rag.NO_DATA
    )
    assert rag_status(Decimal(1), target=None, amber_margin=Decimal(0), higher_is_better=True) == (
        Rag.NO_TARGET
    )


def test_trend_compares_the_latest_value_with_the_last_known_one() -> None:
    values = [Decimal(5), None, Decimal(3)]

    assert trend_of(values, higher_is_better=False) == Trend.IMPROVING
    assert trend_of(values, higher_is_better=True) == Trend.WORSENING
    assert trend_of([Decimal(3), Decimal(3)], higher_is_better=True) == Trend.STEADY
    assert trend_of([Decimal(3), None], higher_is_better=True) == Trend.NOT_KNOWN
