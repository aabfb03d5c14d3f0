"""A governance board member reads the scorecard, records a response to the example
inspection, adds an action, changes the roles matrix and reads the skills gaps in the
browser; every page passes axe, and the scorecard is saved as a screenshot."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Role
from msht.core.periods import Quarter
from msht.governance.boardpack import boardpack_write
from tests.accounts.factories import UserFactory
from tests.browser.journeys import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLE = "msht.governance.migrations.0003_example_inspection_and_competencies"


def test_governance_pages_work_and_pass_axe(
    open_as: Callable[..., Page], live_server: LiveServer, tmp_path: Path
) -> None:
    # A committed test ends with a flush, so the example inspection is loaded again here.
    importlib.import_module(EXAMPLE).load(apps, None)
    member = UserFactory.create(role=Role.GOVERNANCE)
    UserFactory.create(role=Role.INVESTIGATOR, organisation=member.organisation)
    page = open_as(member.username)

    page.goto(f"{live_server.url}/governance/?period=2024Q3")
    page.get_by_role("button", name="Compute the indicators for 2024Q3").click()
    scorecard = page.get_by_role("table", name="National scorecard")
    expect(scorecard).to_contain_text("Overdue inspection actions")
    expect(scorecard.locator("svg[role=img]")).to_have_count(8)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "governance-scorecard.png"), full_page=True)

    page.get_by_role("link", name="Border Force").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Border Force scorecard")
    assert_accessible(page)

    page.get_by_role("link", name="Delivery plan").click()
    expect(page.get_by_role("heading", level=2, name="Pursue")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Recommendations and actions").click()
    expect(page.get_by_test_id("response-overdue")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record the response to recommendation 3").click()
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether")
    assert_accessible(page)
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label("Date of the response").fill("2021-03-04")
    page.get_by_role("button", name="Save the response").click()
    page.get_by_role("link", name="Add an action to recommendation 3").click()
    page.get_by_label("What will be done").fill("Set up the Pursue governance board.")
    page.get_by_label("Owner").select_option(label="Immigration Enforcement")
    page.get_by_label("Deadline").fill("2021-09-30")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("table", name="Actions on recommendation 3: 1 overdue")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Roles and responsibilities").click()
    page.get_by_label("Organisation or directorate").select_option(label="Border Force")
    page.get_by_label("Strand").select_option(label="Pursue")
    page.get_by_label("Role").select_option("R")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_test_id("raci-history")).to_contain_text("Border Force")
    expect(page.get_by_test_id("raci-flags")).to_contain_text("Nobody is responsible for")
    assert_accessible(page)

    page.get_by_role("link", name="Skills gaps").click()
    expect(page.get_by_test_id("gap-matrix")).to_contain_text("missing")
    assert_accessible(page)


def test_the_board_pack_html_passes_axe(chromium: Browser, tmp_path: Path) -> None:
    importlib.import_module(EXAMPLE).load(apps, None)
    pack = boardpack_write(None, period=Quarter(2024, 3), out=tmp_path / "pack")
    page = chromium.new_context().new_page()

    page.goto(pack.html.as_uri())

    expect(page.get_by_role("table", name="Every indicator, nationally")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(8)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "boardpack.png"), full_page=True)
    page.context.close()
