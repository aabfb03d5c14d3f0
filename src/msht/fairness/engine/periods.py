"""Monitoring periods as written on the command line: ``2024``, ``2024Q3``, ``2017-2024``."""

from __future__ import annotations

from msht.core.periods import BACKWARDS_PERIOD, BAD_PERIOD, PERIOD_PATTERN
from msht.core.periods import Span as Period
from msht.core.periods import parse_span as parse_period

__all__ = ["BACKWARDS_PERIOD", "BAD_PERIOD", "PERIOD_PATTERN", "Period", "parse_period"]
