"""The OpenAPI schema and its docs page: for signed-in users, and with no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_schema_is_served_to_signed_in_users_only() -> None:
    client = Client()
    assert client.get(reverse("api:schema")).status_code in {401, 403}
    client.force_login(UserFactory.create())
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "MSHT API"


def test_docs_page_loads_its_scripts_from_our_origin_only() -> None:
    client = Client()
    client.force_login(UserFactory.create())
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all("src=" in attributes for attributes in scripts), scripts
    assert "//cdn" not in html


def test_openapi_schema_is_valid_and_generates_without_warnings(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/referrals/" in (tmp_path / "s.yaml").read_text()
