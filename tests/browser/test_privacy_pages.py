"""An administrator answers a subject access request in the browser; the page passes axe,
shows what to correct without JavaScript, and downloads the export."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.browser.journeys import assert_accessible
from tests.privacy.seed import seed_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_downloads_a_persons_export(
    open_as: Callable[..., Page], live_server: LiveServer
) -> None:
    person = seed_person("Alphaperson")
    page = open_as(UserFactory.create(role=Role.ADMINISTRATOR).username)
    page.goto(f"{live_server.url}/privacy/subject-access/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer a subject access request")
    assert_accessible(page)

    page.get_by_role("button", name="Export").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person id")
    assert_accessible(page)

    page.get_by_label("Person id").fill(str(person.entity.pk))
    page.get_by_label("Justification").fill("SAR-2025-014")
    page.get_by_label("Recipient").fill("The data subject")
    page.get_by_label("A data file (JSON)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    path = download.value.path()
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["person_id"] == str(person.entity.pk)
    assert len(document["sections"]["referrals"]) == 2
