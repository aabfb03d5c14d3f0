"""Bar and line charts as SVG text, drawn on the server (no script, no inline style: CSP).

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and described by a
``<desc>`` that states every value, so a screen reader hears the same figures the
chart shows. A suppressed or unavailable value is drawn as no bar or a gap in the line
and named in the description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 230
CHART_WIDTH = 640
LINE_HEIGHT = 260
MARGIN = 40
# GOV.UK colours (the design system palette): blue, then orange for a second series.
COLOURS = ("#1d70b8", "#f47738")
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and a value (or None) per point."""

    name: str
    values: tuple[float | None, ...]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _describe(labels: Sequence[str], values: Sequence[float | None], missing: str) -> str:
    parts = [
        f"{label}: {missing if value is None else _number(value)}"
        for label, value in zip(labels, values, strict=True)
    ]
    return "; ".join(parts) + "."


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="statistics-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    missing: str = "suppressed",
) -> str:
    """A horizontal bar chart, one bar per label; None draws no bar."""
    height = MARGIN + len(labels) * (BAR_HEIGHT + BAR_GAP)
    largest = max((value for value in values if value is not None), default=0) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - 70) / largest
    parts = _open(chart_id, CHART_WIDTH, height, title, _describe(labels, values, missing))
    for position, (label, value) in enumerate(zip(labels, values, strict=True)):
        top = 10 + position * (BAR_HEIGHT + BAR_GAP)
        middle = top + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" text-anchor="end" font-size="14" '
            f'fill="{TEXT_COLOUR}">{escape(label[:34])}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{LABEL_WIDTH + 4}" y="{middle:.0f}" font-size="14" '
                f'fill="{TEXT_COLOUR}">[c]</text>'
            )
            continue
        width = max(value * scale, 1 if value else 0)
        parts.append(
            f'<rect class="statistics-bar" x="{LABEL_WIDTH}" y="{top}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{COLOURS[0]}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{middle:.0f}" font-size="14" '
            f'fill="{TEXT_COLOUR}">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    missing: str = "suppressed",
) -> str:
    """A line chart over the labels (quarters), one line per series; None breaks a line."""
    description = " ".join(
        f"{line.name}: {_describe(labels, line.values, missing)}" for line in series
    )
    known = [value for line in series for value in line.values if value is not None]
    largest = max(known, default=0) or 1
    plot_width = CHART_WIDTH - 2 * MARGIN - 20
    plot_height = LINE_HEIGHT - 2 * MARGIN
    step = plot_width / max(len(labels) - 1, 1)
    height = LINE_HEIGHT + 24 * len(series)

    def x(position: int) -> float:
        return MARGIN + 20 + position * step

    def y(value: float) -> float:
        return MARGIN + plot_height - value / largest * plot_height

    parts = _open(chart_id, CHART_WIDTH, height, title, description)
    bottom = MARGIN + plot_height
    parts.append(
        f'<line x1="{MARGIN + 20}" y1="{bottom}" x2="{CHART_WIDTH - MARGIN}" y2="{bottom}" '
        f'stroke="{GRID_COLOUR}"/>'
    )
    parts.append(
        f'<text x="{MARGIN + 16}" y="{MARGIN + 4}" text-anchor="end" font-size="12" '
        f'fill="{TEXT_COLOUR}">{_number(largest)}</text>'
    )
    for position, label in enumerate(labels):
        parts.append(
            f'<text x="{x(position):.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
    for number, line in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        segment: list[str] = []
        for position, value in enumerate((*line.values, None)):
            if value is None:
                if len(segment) > 1:
                    parts.append(
                        f'<polyline class="statistics-line" points="{" ".join(segment)}" '
                        f'fill="none" stroke="{colour}" stroke-width="3"/>'
                    )
                segment = []
                continue
            segment.append(f"{x(position):.1f},{y(value):.1f}")
            parts.append(
                f'<circle cx="{x(position):.1f}" cy="{y(value):.1f}" r="4" fill="{colour}"/>'
            )
        key_y = LINE_HEIGHT + 24 * number
        parts.append(
            f'<rect x="{MARGIN + 20}" y="{key_y - 10}" width="14" height="14" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{MARGIN + 42}" y="{key_y + 2}" font-size="14" fill="{TEXT_COLOUR}">'
            f"{escape(line.name)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
