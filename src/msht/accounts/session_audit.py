"""Audit events for signing in and out, on every way in (pages, admin, API sessions).

Django's authentication signals are the one place every sign-in passes through, so the
receivers live here rather than in each view. The attempted username of a failed sign-in
is kept (to spot guessing), never the password.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from msht.accounts.models import User
from msht.accounts.sessions import session_stamp
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    details = {"ip": str(request.META.get("REMOTE_ADDR", ""))}
    # Set by SessionTimeoutMiddleware when the system, not the user, ends the session.
    reason = getattr(request, "msht_sign_out_reason", None)
    if reason:
        details["reason"] = str(reason)
    return details


def audit_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Record a successful sign-in (audit: every way in) and start the session's clocks."""
    if request is not None and hasattr(request, "session"):
        session_stamp(request)
    with transaction.atomic():
        audit_record(user, event_type=AuditEventType.SIGNED_IN, obj=user, details=_client(request))


def audit_signed_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    """Record a sign-out of a signed-in user."""
    if user is None:
        return
    with transaction.atomic():
        audit_record(user, event_type=AuditEventType.SIGNED_OUT, obj=user, details=_client(request))


def audit_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record a failed sign-in with the username tried (Django already hides the password)."""
    details = {**_client(request), "username": str(credentials.get("username", ""))}
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.SIGN_IN_FAILED, details=details)


def audit_session_ended(request: HttpRequest, *, user_id: str, reason: str) -> None:
    """Record a session the system ended for a user who can no longer be loaded (disabled)."""
    details = {**_client(request), "reason": reason}
    with transaction.atomic():
        audit_record(
            None,
            event_type=AuditEventType.SIGNED_OUT,
            object_type="accounts.user",
            object_id=user_id,
            details=details,
        )
