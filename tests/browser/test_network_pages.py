"""An investigator opens a network (graph and tables) and a suspect; axe on each page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Role
from msht.intelligence.services import network_run
from tests.accounts.factories import UserFactory
from tests.browser.journeys import assert_accessible
from tests.intelligence.test_networks import _store_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_investigator_reads_a_network_and_a_suspect(
    open_as: Callable[..., Page], live_server: LiveServer, tmp_path: Path
) -> None:
    world = _store_world()
    network_run(None)
    page = open_as(UserFactory.create(role=Role.INVESTIGATOR).username)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    page.goto(f"{live_server.url}/intelligence/networks/")
    assert_accessible(page)
    page.get_by_role("link", name="Network 1").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Network 1")
    graph = page.get_by_test_id("network-graph")
    expect(graph).to_be_visible()
    expect(graph.locator("canvas").first).to_be_attached()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "network.png"), full_page=True)

    page.get_by_role("link", name=f"suspect:record-{world.recruiter.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"record-{world.recruiter.pk}")
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "suspect.png"), full_page=True)
    assert errors == []  # no script error, no Content Security Policy refusal


def test_network_page_works_without_javascript(
    no_script_page: Page, live_server: LiveServer
) -> None:
    _store_world()
    network_run(None)
    user = UserFactory.create(role=Role.INVESTIGATOR)
    page = no_script_page
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill("a long demo passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/intelligence/networks/1/")

    expect(page.get_by_test_id("network-graph")).to_be_hidden()
    expect(page.get_by_role("table").nth(1)).to_contain_text("phone:07700900123")


def test_investigator_submits_intelligence_in_the_browser(
    open_as: Callable[..., Page], live_server: LiveServer
) -> None:
    page = open_as(UserFactory.create(role=Role.INVESTIGATOR).username)
    page.goto(f"{live_server.url}/intelligence/reports/new/")
    assert_accessible(page)

    page.get_by_role("button", name="Submit intelligence").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("1: reliable").check()
    page.get_by_label("B: known indirectly, corroborated").check()
    page.get_by_label("P: lawful sharing permitted", exact=True).check()
    page.get_by_label("What the intelligence says").fill("Workers are moved at night.")
    page.get_by_role("button", name="Submit intelligence").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("INT-2024-")
    expect(page.locator(".govuk-summary-list")).to_contain_text("1BP")
    assert_accessible(page)


def test_investigator_records_a_pursue_outcome_in_the_browser(
    open_as: Callable[..., Page], live_server: LiveServer
) -> None:
    world = _store_world()
    page = open_as(UserFactory.create(role=Role.INVESTIGATOR).username)
    page.goto(f"{live_server.url}/intelligence/outcomes/new/")
    assert_accessible(page)

    page.get_by_label("Charge", exact=True).check()
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("Suspect record").fill(world.recruiter.source_reference)
    page.get_by_label("Modern Slavery Act 2015 s.2 (human trafficking)").check()
    page.get_by_role("button", name="Record the outcome").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Perpetrator networks")
    assert world.recruiter.outcomes.get().outcome_type == "charge"
