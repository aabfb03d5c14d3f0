"""The answer to an unexpected error: 503 when the store is unavailable, 500 otherwise; to a
request Django cannot read, 400; JSON under /api/, the GOV.UK page elsewhere, never the
error itself."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from msht.core.errorpages import (
    RETRY_AFTER_SECONDS,
    SERVER_ERROR,
    UNAVAILABLE,
    server_error,
)

SECRET_DETAIL = "connection to server at 10.0.0.7 failed: password for msht_app"


def _answer(path: str, error: Exception) -> HttpResponse:
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:
        return server_error(request)


@pytest.mark.parametrize("error", [OperationalError(SECRET_DETAIL), InterfaceError(SECRET_DETAIL)])
def test_an_unavailable_store_answers_the_api_503_in_json(error: Exception) -> None:
    response = _answer("/api/referrals/", error)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert json.loads(response.content) == {"detail": UNAVAILABLE}


def test_an_unavailable_store_answers_a_page_503_with_the_unavailable_page() -> None:
    response = _answer("/referrals/new/", OperationalError(SECRET_DETAIL))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert SECRET_DETAIL not in page


def test_any_other_error_answers_500_without_retry_after() -> None:
    api = _answer("/api/referrals/", IntegrityError(SECRET_DETAIL))
    assert (api.status_code, api.has_header("Retry-After")) == (500, False)
    assert json.loads(api.content) == {"detail": SERVER_ERROR}
    page = _answer("/referrals/", ValueError(SECRET_DETAIL))
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.content.decode()
    assert SECRET_DETAIL not in page.content.decode()


def test_the_project_answers_unexpected_errors_through_server_error() -> None:
    from django.urls import get_resolver

    assert get_resolver().resolve_error_handler(500) is server_error
