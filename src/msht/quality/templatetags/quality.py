"""Formatting data quality figures: shares as percentages, timeliness as days."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """0.873 -> '87.3%'; a figure that could not be measured -> 'not measured'."""
    return "not measured" if value is None else f"{100 * value:.1f}%"


@register.filter
def score(scores: dict[str, float | None], dimension: str) -> str:
    """One dimension's headline figure, in its unit."""
    value = scores.get(dimension)
    if value is None:
        return "not measured"
    return f"{value:,.0f} days" if dimension == "timeliness" else share(value)
