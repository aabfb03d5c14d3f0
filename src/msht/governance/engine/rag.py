"""Red, amber or green against a target, and the direction of the trend."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NO_DATA = "no data"
    NO_TARGET = "no target"


class Trend(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    STEADY = "steady"
    NOT_KNOWN = "not known"


def rag_status(
    value: Decimal | None, *, target: Decimal | None, amber_margin: Decimal, higher_is_better: bool
) -> Rag:
    """Green on or beyond the target, amber within ``amber_margin`` on the wrong side, else red;
    a missing value is "no data", never a colour."""
    if value is None:
        return Rag.NO_DATA
    if target is None:
        return Rag.NO_TARGET
    shortfall = target - value if higher_is_better else value - target
    if shortfall <= 0:
        return Rag.GREEN
    if shortfall <= amber_margin:
        return Rag.AMBER
    return Rag.RED


def trend_of(
    values: list[Decimal | None], *, higher_is_better: bool, tolerance: Decimal = Decimal(0)
) -> Trend:
    """The latest value against the one before it that exists, read with the direction."""
    known = [value for value in values if value is not None]
    if len(known) < 2 or values[-1] is None:
        return Trend.NOT_KNOWN
    change = known[-1] - known[-2]
    if abs(change) <= tolerance:
        return Trend.STEADY
    better = change > 0 if higher_is_better else change < 0
    return Trend.IMPROVING if better else Trend.WORSENING
