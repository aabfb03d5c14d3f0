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
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": str(request.META.get("REMOTE_ADDR", ""))}


def audit_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Record a successful sign-in (audit: every way in)."""
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
