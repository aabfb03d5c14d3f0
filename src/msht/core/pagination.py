"""Page numbers for the shared MOJ pagination include (templates/includes/pagination.html)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page


def page_numbers(page: Page[Any]) -> list[int | str]:
    """The numbers to link to: the first and last pages, two either side of this one, and
    an ellipsis for each gap (Django's elided range)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
