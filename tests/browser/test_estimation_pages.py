"""An analyst makes a hidden-figure estimate in the browser; every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.browser.journeys import assert_accessible
from tests.estimation.worlds import linked_referrals_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_estimates_the_hidden_figure(
    open_as: Callable[..., Page], live_server: LiveServer, tmp_path: Path
) -> None:
    linked_referrals_world()
    page = open_as(UserFactory.create(role=Role.ANALYST).username)
    page.goto(f"{live_server.url}/hidden-figure/")
    assert_accessible(page)

    page.get_by_role("button", name="Estimate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a year")
    assert_accessible(page)

    page.get_by_label("Period").fill("2024")
    page.get_by_label("How the model is chosen").select_option("aic")
    page.get_by_role("button", name="Estimate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Estimated population for 2024")
    expect(page.get_by_role("table")).to_contain_text("independence")
    expect(page.locator("body")).to_contain_text("closed population")
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "hidden-figure.png"), full_page=True)
