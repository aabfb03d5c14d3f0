"""The match weights chart as server-rendered SVG geometry (no script: strict CSP).

Each level of each comparison is a horizontal bar from zero to its match weight
(log2 of m over u): right of zero it counts for a match, left of zero against. The
template draws the bars and repeats every figure in a table, the chart's text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msht.linkage.engine.weights import comparison_levels, prior_weight

CHART_WIDTH = 720
LABEL_WIDTH = 300
BAR_AREA = CHART_WIDTH - LABEL_WIDTH - 20
ROW_HEIGHT = 22
HEADING_HEIGHT = 26
# Weights beyond this are drawn to the edge (the table gives the exact figure).
WEIGHT_LIMIT = 20.0


@dataclass(frozen=True)
class Bar:
    """One row of the chart: where to draw it and what it says."""

    comparison: str
    label: str
    weight: float | None
    y: int
    x: float
    width: float
    is_heading: bool = False

    @property
    def positive(self) -> bool:
        return self.weight is not None and self.weight >= 0

    @property
    def text_y(self) -> int:
        return self.y + 15


@dataclass(frozen=True)
class WeightsChart:
    """Every bar, the zero line and the chart's height."""

    bars: list[Bar]
    zero_x: float
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH


def _scale(weight: float) -> float:
    clamped = max(-WEIGHT_LIMIT, min(WEIGHT_LIMIT, weight))
    return clamped / (2 * WEIGHT_LIMIT) * BAR_AREA


def match_weights_chart(model: dict[str, Any]) -> WeightsChart:
    """Bars for the prior and every trained level of every comparison of a saved model."""
    zero_x = LABEL_WIDTH + BAR_AREA / 2
    bars: list[Bar] = []
    y = 0

    def add(comparison: str, label: str, weight: float | None, heading: bool = False) -> None:
        nonlocal y
        if heading or weight is None:
            bars.append(Bar(comparison, label, weight, y, zero_x, 0, is_heading=heading))
        else:
            length = _scale(weight)
            x = zero_x + min(0.0, length)
            bars.append(Bar(comparison, label, weight, y, x, abs(length)))
        y += HEADING_HEIGHT if heading else ROW_HEIGHT

    if "probability_two_random_records_match" in model:
        add("prior", "Prior (two records chosen at random)", prior_weight(model))
    for comparison in comparison_levels(model):
        add(comparison.name, comparison.name.replace("_", " ").capitalize(), None, heading=True)
        for level in comparison.levels:
            if level.gamma == -1:
                continue
            weight = level.match_weight
            add(comparison.name, level.label, round(weight, 2) if weight is not None else None)
    return WeightsChart(bars=bars, zero_x=zero_x, height=y + 4)
