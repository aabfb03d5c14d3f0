"""Pages of a list for the shared MOJ pagination include (templates/includes/pagination.html)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def page_numbers(page: Page[Any]) -> list[int | str]:
    """The numbers to link to: the first and last pages, two either side of this one, and
    an ellipsis for each gap (Django's elided range)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def paginated(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int
) -> dict[str, Any]:
    """The page of ``items`` the request asks for (``?page=``), with what the include needs:
    ``page``, ``page_numbers`` and ``page_query``, the list's query without its page, so
    that its filters and sort order stay on every page."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "page_numbers": page_numbers(page), "page_query": query.urlencode()}
