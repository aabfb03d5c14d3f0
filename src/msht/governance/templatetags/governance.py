"""Template filters of the governance pages: figures with their unit, RAG tag colours."""

from __future__ import annotations

from decimal import Decimal

from django import template

from msht.governance.engine.rag import Rag

register = template.Library()

# GOV.UK Frontend tag colours; "no data" and "no target" are grey, never a colour.
_TAG_CLASSES = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.NO_DATA: "govuk-tag--grey",
    Rag.NO_TARGET: "govuk-tag--grey",
}


@register.filter
def rag_class(rag: Rag) -> str:
    """The tag class for a status."""
    return _TAG_CLASSES.get(Rag(rag), "govuk-tag--grey")


@register.filter
def figure(value: Decimal | None, unit: str) -> str:
    """``66.67%``, ``200 days``; "no data" when there is no value."""
    if value is None:
        return "no data"
    number = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{number}%" if unit == "%" else f"{number} {unit}"
