"""Security headers on every kind of answer: pages signed in and out, errors, the lock-out page
and the API (OWASP ASVS 5.0 V3.4)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _assert_secure(response: HttpResponseBase) -> None:
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, (header, response.headers.get(header))
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "no-store" in response.headers["Cache-Control"]


def test_sign_in_page_carries_the_headers() -> None:
    response = Client().get("/sign-in/")
    assert response.status_code == 200
    _assert_secure(response)


def test_signed_in_page_and_not_found_page_carry_the_headers() -> None:
    client = Client()
    client.force_login(UserFactory.create())

    home = client.get("/")
    missing = client.get("/no-such-page/")

    assert (home.status_code, missing.status_code) == (200, 404)
    _assert_secure(home)
    _assert_secure(missing)


def test_the_lock_out_page_carries_the_headers() -> None:
    user = UserFactory.create()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/sign-in/", {"username": user.username, "password": "wrong"})

    assert response.status_code == 429
    _assert_secure(response)


def test_api_answers_carry_the_headers() -> None:
    token = Token.objects.create(user=UserFactory.create())

    allowed = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/schema/")
    refused = Client().get("/api/schema/")

    assert allowed.status_code == 200
    assert refused.status_code in {401, 403}
    _assert_secure(allowed)
    _assert_secure(refused)
