"""Trend charts as SVG text drawn on the server: no script and no inline style (strict CSP).

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and described by a
``<desc>`` that states every value, so a screen reader hears the figures the chart shows.
A quarter without a value is a gap in the line, named "no data" in the description.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

WIDTH = 320
HEIGHT = 120
LEFT = 44
RIGHT = 28
TOP = 12
BOTTOM = 28
# GOV.UK palette: blue line, black text, mid grey grid, dark grey dashed target.
LINE_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
TARGET_COLOUR = "#505a5f"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def trend_description(
    labels: Sequence[str], values: Sequence[float | None], unit: str, target: float | None
) -> str:
    """Every point in words, then the target."""
    points = "; ".join(
        f"{label}: {'no data' if value is None else _number(value) + ' ' + unit}"
        for label, value in zip(labels, values, strict=True)
    )
    target_text = "no target" if target is None else f"target {_number(target)} {unit}"
    return f"{points}; {target_text}."


def _line(
    values: Sequence[float | None], x: Callable[[int], float], y: Callable[[float], float]
) -> list[str]:
    """A dot per value and a line through consecutive values; a missing value breaks it."""
    parts: list[str] = []
    segments: list[list[str]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            segments.append([])
            continue
        segments[-1].append(f"{x(index):.1f},{y(value):.1f}")
        parts.append(
            f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="3" fill="{LINE_COLOUR}" />'
        )
    for points in segments:
        if len(points) > 1:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" '
                f'stroke="{LINE_COLOUR}" stroke-width="2" />'
            )
    return parts


def trend_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str,
    target: float | None,
) -> str:
    """A small line chart of values per quarter with the target as a dashed line."""
    known = [value for value in values if value is not None]
    # Headroom above the highest value or target, rounded up to a whole number for the axis.
    ceiling = float(math.ceil(max([*known, target or 0.0, 1.0]) * 1.1))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(labels) - 1, 1)

    def x(index: int) -> float:
        return LEFT + index * step

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / ceiling)

    description = trend_description(labels, values, unit, target)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="governance-chart" role="img" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_height}" stroke="{GRID_COLOUR}" />',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="10" '
        f'fill="{TEXT_COLOUR}">{_number(ceiling)}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_height}" text-anchor="end" font-size="10" '
        f'fill="{TEXT_COLOUR}">0</text>',
    ]
    if target is not None:
        parts.append(
            f'<line x1="{LEFT}" y1="{y(target):.1f}" x2="{WIDTH - RIGHT}" y2="{y(target):.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-dasharray="4 3" />'
        )
    parts.extend(_line(values, x, y))
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{x(index):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="10" '
            f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
