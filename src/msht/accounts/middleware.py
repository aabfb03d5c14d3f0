"""Middleware for every page: no caching of pages, and 403 for a refused action."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers

from msht.core.errors import PermissionDeniedError

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that is not a static file.

    Pages show people's details, so neither the browser (back button after sign-out, shared
    machines) nor a proxy may keep a copy. Static files are answered by WhiteNoise before
    this middleware and keep their long cache lifetimes.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class PermissionDeniedMiddleware:
    """Answer a ``PermissionDeniedError`` (accounts.rules said no) with the 403 page."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PermissionDeniedError):
            return None
        # Django's own answer to PermissionDenied: the URL conf's handler403 renders 403.html,
        # and the refusal is logged as Django logs any 403.
        return response_for_exception(request, PermissionDenied(str(exception)))
