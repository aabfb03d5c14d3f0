"""Sessions (OWASP ASVS 5.0 V7): a new session at sign-in, idle and absolute timeouts, and a
disabled account shut out at once on every way in (page session, API session, API token)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from msht.accounts.models import User
from msht.accounts.sessions import (
    ABSOLUTE,
    DISABLED,
    IDLE,
    LAST_SEEN_AT,
    SIGNED_IN_AT,
    UNSTAMPED,
    signed_out_message,
)
from msht.audit.models import AuditEvent, AuditEventType
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long demo passphrase"  # the factories' password
HOME = "/"
SIGN_IN = "/sign-in/"
API = "/api/schema/"


@pytest.fixture
def start() -> Iterator[datetime]:
    """A fixed moment to sign in at; each test travels forward from it."""
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        yield moment


def _signed_in() -> tuple[Client, User]:
    user = UserFactory.create()
    client = Client()
    response = client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client, user


def _signed_out_reasons(user: User | None = None) -> list[str]:
    events = AuditEvent.objects.filter(event_type=AuditEventType.SIGNED_OUT)
    if user is not None:
        events = events.filter(object_id=str(user.pk))
    return [str(event.details.get("reason", "")) for event in events.order_by("sequence")]


def _at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def test_signing_in_gives_a_new_session_key_and_ends_the_old_session() -> None:
    user = UserFactory.create()
    client = Client()
    before = client.session
    before["probe"] = "set before sign-in"
    before.save()
    old_key = before.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == old_key

    client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(old_key)
    assert client.get(HOME).status_code == 200


def test_sign_in_starts_both_clocks(start: datetime) -> None:
    client, _ = _signed_in()

    assert client.session[SIGNED_IN_AT] == client.session[LAST_SEEN_AT] == int(start.timestamp())


def test_the_policy_is_at_most_an_hour_idle_and_ten_hours_in_all() -> None:
    assert timedelta(hours=1) >= settings.SESSION_IDLE_TIMEOUT
    assert timedelta(hours=10) >= settings.SESSION_ABSOLUTE_TIMEOUT
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() >= settings.SESSION_COOKIE_AGE


def test_a_session_idle_for_more_than_an_hour_is_over(start: datetime) -> None:
    client, _ = _signed_in()
    with _at(start + timedelta(minutes=59)):
        assert client.get(HOME).status_code == 200
    with _at(start + timedelta(minutes=59 + 61)):
        response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_the_middleware_ends_an_idle_session_by_its_own_clock(
    start: datetime, settings: Any
) -> None:
    """With a shorter idle policy than the cookie's age, the middleware is what ends it."""
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=20)
    client, user = _signed_in()
    with _at(start + timedelta(minutes=19)):
        assert client.get(HOME).status_code == 200
    with _at(start + timedelta(minutes=19 + 21)):
        assert client.get(HOME).status_code == 302
        sign_in_page = client.get(SIGN_IN).content.decode()
        again = client.get(SIGN_IN).content.decode()

    assert _signed_out_reasons(user) == [IDLE]
    assert "You were signed out because you did nothing for 20 minutes." in sign_in_page
    assert "govuk-notification-banner" in sign_in_page
    assert "You were signed out" not in again  # said once


def test_an_active_session_still_ends_ten_hours_after_sign_in(start: datetime) -> None:
    client, user = _signed_in()
    for minutes in range(50, 600, 50):
        with _at(start + timedelta(minutes=minutes)):
            assert client.get(HOME).status_code == 200, minutes
    with _at(start + timedelta(hours=10, minutes=1)):
        response = client.get(HOME)
        sign_in_page = client.get(SIGN_IN).content.decode()

    assert response.status_code == 302
    assert _signed_out_reasons(user) == [ABSOLUTE]
    assert "because you had been signed in for 10 hours." in sign_in_page


def test_a_session_without_its_clocks_is_ended() -> None:
    client, user = _signed_in()
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()

    assert client.get(HOME).status_code == 302
    assert _signed_out_reasons(user) == [UNSTAMPED]


def test_disabling_an_account_ends_its_page_session_at_once_and_for_good() -> None:
    client, user = _signed_in()
    assert client.get(HOME).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(HOME).status_code == 302
    User.objects.filter(pk=user.pk).update(is_active=True)

    assert client.get(HOME).status_code == 302  # enabling again does not revive the session
    assert _signed_out_reasons(user) == [DISABLED]
    assert "You were signed out" not in client.get(SIGN_IN).content.decode()


def test_disabling_an_account_refuses_its_api_session_at_once() -> None:
    client, user = _signed_in()
    assert client.get(API).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(API).status_code in {401, 403}


def test_disabling_an_account_refuses_its_api_token_at_once() -> None:
    user = UserFactory.create()
    token = Token.objects.create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(API).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(API).status_code == 401


def test_a_disabled_user_that_a_backend_still_loads_is_signed_out(settings: Any) -> None:
    """Even a backend that lets inactive users through (AllowAllUsersModelBackend) is caught."""
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.AllowAllUsersModelBackend"]
    user = UserFactory.create()
    client = Client()
    client.force_login(user)
    assert client.get(HOME).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(HOME).status_code == 302
    assert _signed_out_reasons(user) == [DISABLED]


@pytest.mark.parametrize(
    ("idle", "absolute", "idle_text", "absolute_text"),
    [
        (timedelta(hours=1), timedelta(hours=10), "1 hour", "10 hours"),
        (timedelta(minutes=30), timedelta(minutes=90), "30 minutes", "90 minutes"),
    ],
)
def test_the_signed_out_message_names_the_policy_in_words(
    settings: Any, idle: timedelta, absolute: timedelta, idle_text: str, absolute_text: str
) -> None:
    settings.SESSION_IDLE_TIMEOUT, settings.SESSION_ABSOLUTE_TIMEOUT = idle, absolute

    assert f"did nothing for {idle_text}." in signed_out_message(IDLE)
    assert f"signed in for {absolute_text}." in signed_out_message(ABSOLUTE)
    assert signed_out_message(DISABLED) == ""
