"""Signing in, signing out and failing to sign in each leave an audit event."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msht.audit.models import AuditEvent, AuditEventType
from msht.audit.services import audit_verify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long demo passphrase"


def test_sign_in_and_sign_out_are_audited() -> None:
    user = UserFactory.create()
    client = Client()

    client.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("accounts:sign-out"))

    events = list(AuditEvent.objects.values_list("event_type", "actor_id"))
    assert events == [(AuditEventType.SIGNED_IN, user.pk), (AuditEventType.SIGNED_OUT, user.pk)]
    assert audit_verify().ok


def test_failed_sign_in_is_audited_with_the_username_but_never_the_password() -> None:
    user = UserFactory.create()

    Client().post(reverse("accounts:sign-in"), {"username": user.username, "password": "wrong"})

    event = AuditEvent.objects.get()
    assert event.event_type == AuditEventType.SIGN_IN_FAILED
    assert event.actor_id is None
    assert event.details["username"] == user.username
    assert "wrong" not in str(event.details)


def test_a_sign_in_without_a_request_is_audited_without_an_address() -> None:
    """Signals sent outside a request (a shell, a script) still leave their event."""
    from msht.accounts.session_audit import audit_signed_in, audit_signed_out

    user = UserFactory.create()

    audit_signed_in(sender=None, request=None, user=user)
    audit_signed_out(sender=None, request=None, user=None)  # nobody was signed in: nothing

    event = AuditEvent.objects.get()
    assert (event.event_type, event.details) == (AuditEventType.SIGNED_IN, {})
