"""Middleware for every page: no caching of pages, 403 for a refused action, and the end of a
session that has been idle too long or open too long."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers

from msht.accounts.session_audit import audit_session_ended
from msht.accounts.sessions import (
    DISABLED,
    LAST_SEEN_AT,
    LAST_SEEN_GRANULARITY_SECONDS,
    SIGNED_OUT_REASON,
    session_end_reason,
)
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


class SessionTimeoutMiddleware:
    """Sign out a session idle for longer than SESSION_IDLE_TIMEOUT, open for longer than
    SESSION_ABSOLUTE_TIMEOUT, or whose user has been disabled; the request then carries on
    as an anonymous one (pages send it to sign in, the API refuses it)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request, now)
            if reason is not None:
                request.msht_sign_out_reason = reason  # type: ignore[attr-defined]
                logout(request)
                request.session[SIGNED_OUT_REASON] = reason
            elif now - request.session[LAST_SEEN_AT] >= LAST_SEEN_GRANULARITY_SECONDS:
                request.session[LAST_SEEN_AT] = int(now)
        elif SESSION_KEY in request.session:
            # Signed in once, but the user can no longer be loaded: disabled (Django's
            # ModelBackend refuses inactive users) or deleted. End the session for good, so
            # that enabling the account again does not bring the old session back.
            audit_session_ended(request, user_id=str(request.session[SESSION_KEY]), reason=DISABLED)
            request.session.flush()
        return self.get_response(request)
