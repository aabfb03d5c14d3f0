"""Middleware for every page: no caching of pages, 403 for a refused action, the end of a
session that has been idle too long or open too long, and the second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from rest_framework.views import APIView

from msht.accounts.second_factor import (
    confirmed_device,
    second_factor_enforced,
    second_factor_needed,
    session_verified,
)
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
View = TypeVar("View", bound=Callable[..., Any])

# What an API call answers while its session still needs a code (a page redirects instead).
SECOND_FACTOR_NEEDED = (
    "Enter the code from your authenticator app (sign in on the web pages) before using the API."
)


def second_factor_not_required(view: View) -> View:
    """Mark a view reachable before the second factor (set it up, enter a code, sign out),
    as Django's ``login_not_required`` marks the sign-in page."""
    view.second_factor_not_required = True  # type: ignore[attr-defined]
    return view


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


class SecondFactorMiddleware:
    """Until a session is verified with a code, a user who needs the second factor (an
    administrator or decision maker, or anyone who has set up an app) reaches only the views
    marked ``second_factor_not_required``: pages redirect to setting up the app or entering a
    code, the API answers 403. Installed after django-otp's OTPMiddleware."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        user = request.user
        if not user.is_authenticated or getattr(view_func, "second_factor_not_required", False):
            return None
        # A verified session is answered from the session (no query for the user's devices).
        if session_verified(request) or not second_factor_needed(user):
            return None
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return JsonResponse({"detail": SECOND_FACTOR_NEEDED}, status=403)
        needs_enrolment = second_factor_enforced(user) and confirmed_device(user) is None
        target = "accounts:second-factor-enrol" if needs_enrolment else "accounts:second-factor"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
