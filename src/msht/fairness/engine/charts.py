"""The chart behind a finding: each group's positive rate with its Wilson interval, as SVG
text drawn on the server (no script, no inline style: strict CSP).

The ``<desc>`` states every rate and interval, so a screen reader hears what the chart
shows; the group the finding is about is drawn in a second colour and named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

ROW_HEIGHT = 26
LABEL_WIDTH = 260
PLOT_WIDTH = 360
RIGHT_MARGIN = 110
TOP = 28
# GOV.UK palette: blue for groups, orange for the group of the finding, black text.
BLUE, ORANGE, BLACK, GREY = "#1d70b8", "#f47738", "#0b0c0c", "#b1b4b6"


@dataclass(frozen=True)
class RateBar:
    """One group: its label, rate and interval (None when it had no decisions)."""

    label: str
    rate: float | None
    lower: float | None
    upper: float | None


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def rate_chart(chart_id: str, title: str, bars: Sequence[RateBar], highlight: str) -> str:
    """Horizontal bars of positive rates from 0 to 100%, with interval whiskers."""
    height = TOP + len(bars) * ROW_HEIGHT + 30
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    described = "; ".join(
        f"{bar.label}{' (the group of this finding)' if bar.label == highlight else ''}: "
        + (
            "no decisions"
            if bar.rate is None or bar.lower is None or bar.upper is None
            else f"{_percent(bar.rate)} positive, 95% interval {_percent(bar.lower)} to "
            f"{_percent(bar.upper)}"
        )
        for bar in bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fairness-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described)}.</desc>',
    ]
    bottom = TOP + len(bars) * ROW_HEIGHT
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = LABEL_WIDTH + tick * PLOT_WIDTH
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{GREY}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" '
            f'fill="{BLACK}">{_percent(tick)}</text>'
        )
    for position, bar in enumerate(bars):
        top = TOP + position * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        colour = ORANGE if bar.label == highlight else BLUE
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle + 5:.0f}" text-anchor="end" font-size="14" '
            f'fill="{BLACK}">{escape(bar.label[:36])}</text>'
        )
        if bar.rate is None or bar.lower is None or bar.upper is None:
            continue
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{top + 5}" width="{bar.rate * PLOT_WIDTH:.1f}" '
            f'height="{ROW_HEIGHT - 10}" fill="{colour}"/>'
        )
        low = LABEL_WIDTH + bar.lower * PLOT_WIDTH
        high = LABEL_WIDTH + bar.upper * PLOT_WIDTH
        parts.append(
            f'<line x1="{low:.1f}" y1="{middle:.1f}" x2="{high:.1f}" y2="{middle:.1f}" '
            f'stroke="{BLACK}" stroke-width="2"/>'
        )
        for end in (low, high):
            parts.append(
                f'<line x1="{end:.1f}" y1="{middle - 6:.1f}" x2="{end:.1f}" '
                f'y2="{middle + 6:.1f}" stroke="{BLACK}" stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{middle + 5:.0f}" font-size="14" '
            f'fill="{BLACK}">{_percent(bar.rate)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
