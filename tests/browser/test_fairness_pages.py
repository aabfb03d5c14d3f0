"""A governance user reads decision monitoring in the browser; the page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.browser.journeys import assert_accessible
from tests.fairness.runs import stored_biased_run
from tests.fairness.simulate import STATUSES, UNITS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_governance_reads_the_findings_with_their_tables_and_charts(
    open_as: Callable[..., Page], live_server: LiveServer, tmp_path: Path
) -> None:
    run = stored_biased_run()
    page = open_as(UserFactory.create(role=Role.GOVERNANCE).username)
    page.goto(f"{live_server.url}/fairness/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision monitoring")
    expect(page.get_by_test_id("finding")).to_have_count(run.findings_count)
    expect(page.locator("main")).to_contain_text(
        f"by {UNITS[1]} for people whose immigration status was '{STATUSES[2]}'"
    )
    expect(page.get_by_role("img").first).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "fairness.png"), full_page=True)
    assert (tmp_path / "fairness.png").stat().st_size > 0
