"""Sign-in throttling (django-axes): 6 failures for one username from one address lock that
pair out for 30 minutes, with a GOV.UK page that says so (OWASP ASVS 5.0 V6.3.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from msht.accounts.views import LOCKED_OUT_STATUS, SIGN_IN_FAILED
from msht.audit.models import AuditEvent, AuditEventType
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long demo passphrase"  # the factories' password
SIGN_IN = "/sign-in/"
ADDRESS, OTHER_ADDRESS = "192.0.2.10", "192.0.2.77"


def _attempt(client: Client, username: str, password: str) -> int:
    return client.post(SIGN_IN, {"username": username, "password": password}).status_code


def _fail(client: Client, username: str, times: int) -> list[int]:
    return [_attempt(client, username, "wrong password") for _ in range(times)]


def test_the_limits_are_the_ones_asvs_asks_for() -> None:
    assert settings.AXES_FAILURE_LIMIT <= 6
    assert timedelta(minutes=30) <= settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_five_failures_still_let_the_right_password_in() -> None:
    user = UserFactory.create()
    client = Client(REMOTE_ADDR=ADDRESS)

    assert _fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1) == [200] * 5

    assert _attempt(client, user.username, PASSWORD) == 302


def test_the_sixth_failure_locks_out_even_the_right_password_with_a_clear_page() -> None:
    user = UserFactory.create()
    client = Client(REMOTE_ADDR=ADDRESS)

    statuses = _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    response = client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})

    assert statuses == [200] * 5 + [LOCKED_OUT_STATUS]
    assert response.status_code == LOCKED_OUT_STATUS
    page = response.content.decode()
    assert "You cannot sign in for 30 minutes" in page
    assert "wrong 6 times" in page
    assert "contact your administrator" in page
    assert SIGN_IN_FAILED not in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_username_from_that_address_only() -> None:
    user = UserFactory.create()
    other_user = UserFactory.create()
    _fail(Client(REMOTE_ADDR=ADDRESS), user.username, settings.AXES_FAILURE_LIMIT)

    assert _attempt(Client(REMOTE_ADDR=OTHER_ADDRESS), user.username, PASSWORD) == 302
    assert _attempt(Client(REMOTE_ADDR=ADDRESS), other_user.username, PASSWORD) == 302
    assert _attempt(Client(REMOTE_ADDR=ADDRESS), user.username, PASSWORD) == LOCKED_OUT_STATUS


def test_the_lock_ends_after_30_minutes_and_not_before() -> None:
    user = UserFactory.create()
    client = Client(REMOTE_ADDR=ADDRESS)
    locked_at = timezone.now()
    with time_machine.travel(locked_at, tick=False):
        _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(locked_at + timedelta(minutes=29), tick=False):
        # A failure while locked does not extend the lock.
        assert _attempt(client, user.username, "wrong again") == LOCKED_OUT_STATUS
        assert _attempt(client, user.username, PASSWORD) == LOCKED_OUT_STATUS
    with time_machine.travel(locked_at + timedelta(minutes=30, seconds=1), tick=False):
        assert _attempt(client, user.username, PASSWORD) == 302


def test_a_successful_sign_in_clears_the_count() -> None:
    user = UserFactory.create()
    client = Client(REMOTE_ADDR=ADDRESS)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert _attempt(client, user.username, PASSWORD) == 302
    client.post("/sign-out/")

    assert _fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1) == [200] * 5
    assert _attempt(client, user.username, PASSWORD) == 302


def test_every_failed_attempt_is_an_audit_event_even_while_locked() -> None:
    user = UserFactory.create()
    client = Client(REMOTE_ADDR=ADDRESS)

    _fail(client, user.username, settings.AXES_FAILURE_LIMIT + 2)

    failures = AuditEvent.objects.filter(event_type=AuditEventType.SIGN_IN_FAILED)
    assert failures.count() == settings.AXES_FAILURE_LIMIT + 2
    assert {event.details["username"] for event in failures} == {user.username}
    assert {event.details["ip"] for event in failures} == {ADDRESS}


def test_a_username_that_does_not_exist_is_locked_out_the_same_way() -> None:
    """So the lock-out page tells nobody which usernames exist."""
    client = Client(REMOTE_ADDR=ADDRESS)

    statuses = _fail(client, "nobody-of-that-name", settings.AXES_FAILURE_LIMIT)

    assert statuses == [200] * 5 + [LOCKED_OUT_STATUS]


def test_an_administrator_can_lift_a_lock_from_the_command_line() -> None:
    from io import StringIO

    from django.core.management import call_command

    user = UserFactory.create()
    client = Client(REMOTE_ADDR=ADDRESS)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)

    call_command("axes_reset_username", user.username, stdout=StringIO())

    assert _attempt(client, user.username, PASSWORD) == 302
