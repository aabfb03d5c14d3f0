"""Middleware of the whole site that belongs to no one app."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from msht.core.errorpages import API_PREFIX

NUL = "\x00"
NO_PAGE = "No such page."
NUL_IN_QUERY = "The address holds a character no value may hold."


class NulCharacterMiddleware:
    """No path, reference or filter holds a NUL character, and PostgreSQL refuses one in a
    query with an error that would answer 500: a path holding one is no page (404), a query
    holding one a bad request (400), whichever view would have read it. The API answers in
    JSON, as its schema documents its errors (``{"detail": ...}``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith(API_PREFIX)
        if NUL in request.path:
            if api:
                return JsonResponse({"detail": NO_PAGE}, status=404)
            raise Http404(NO_PAGE)
        if any(NUL in key or NUL in "".join(values) for key, values in request.GET.lists()):
            if api:
                return JsonResponse({"detail": NUL_IN_QUERY}, status=400)
            raise BadRequest(NUL_IN_QUERY)
        return self.get_response(request)
