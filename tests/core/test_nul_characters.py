"""A NUL character in an address answers 404 or 400, never 500: PostgreSQL refuses one in
a query, so the site answers before any view reads it (msht.core.middleware)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from msht.core.middleware import NO_PAGE, NUL_IN_QUERY
from tests.accounts.factories import UserFactory
from tests.core.test_api import nul_parameters_refused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/referrals/NRM%00/", "/cases/NRM%00/rg/", "/intelligence/suspects/entity-%00/"]
)
def test_a_page_whose_path_holds_nul_is_not_found(path: str) -> None:
    client = Client()
    client.force_login(UserFactory.create())
    with connection.execute_wrapper(nul_parameters_refused):
        response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_query_holding_nul_is_a_bad_request_on_pages_and_the_api() -> None:
    client = Client()
    client.force_login(UserFactory.create())

    page = client.get("/cases/", {"organisation": "kent\x00"})
    api = client.get("/api/referrals/", {"x\x00": "1"})

    assert page.status_code == 400
    assert api.status_code == 400
    assert api.json() == {"detail": NUL_IN_QUERY}


def test_the_api_answers_a_path_holding_nul_in_json() -> None:
    response = Client().get("/api/referrals/NRM%00/")

    assert response.status_code == 404
    assert response.json() == {"detail": NO_PAGE}
