"""The statistics release page and the national picture in a real browser: the charts draw,
axe finds nothing serious, and a screenshot of each is saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Organisation, Role
from msht.analytics.services import statistics_publish
from msht.audit.models import AuditEvent, AuditEventType
from tests.accounts.factories import UserFactory
from tests.analytics.conftest import AnalyticsWorld
from tests.analytics.conftest import analytics_world as analytics_world
from tests.analytics.conftest import scaled_analytics_store as scaled_analytics_store
from tests.browser.journeys import assert_accessible

# analytics_world and scaled_analytics_store are tests/analytics' session fixtures,
# imported above so pytest finds them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _charts_drawn(page: Page, at_least: int) -> None:
    charts = page.locator("svg.statistics-chart[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= at_least
    for index in range(charts.count()):
        chart = charts.nth(index)
        # Each chart is named by its title and described by every value it shows.
        assert (chart.locator("title").text_content() or "").strip()
        assert (chart.locator("desc").text_content() or "").strip()
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 100
        assert box["height"] > 40
    assert page.locator("svg.statistics-chart rect.statistics-bar").count() > 0
    assert page.locator("svg.statistics-chart circle").count() > 0


def test_the_release_page_and_the_national_picture_render_their_charts_accessibly(
    analytics_world: AnalyticsWorld,
    scaled_analytics_store: Path,
    open_as: Callable[..., Page],
    live_server: LiveServer,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.ANALYTICS_STORE = str(analytics_world.store)
    settings.VAR_DIR = tmp_path
    release = tmp_path / "release"
    statistics_publish(None, period="2024Q3", out=release, store=analytics_world.store)
    analyst = UserFactory.create(
        role=Role.ANALYST, organisation=Organisation.objects.get(code="single-competent-authority")
    )

    page = open_as(analyst.username)
    page.goto((release / "index.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text("July to September 2024")
    expect(page.get_by_test_id("caveats")).to_contain_text("referrals")
    _charts_drawn(page, at_least=10)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "release.png"), full_page=True)

    # The dashboards read a store at a national quarter's volume: the 1,500-referral
    # world's quarter is so small that disclosure control hides every bar of every view.
    settings.ANALYTICS_STORE = str(scaled_analytics_store)
    page.goto(f"{live_server.url}/statistics/?period=2024Q3")
    expect(page.get_by_role("heading", level=1)).to_have_text("National picture")
    _charts_drawn(page, at_least=7)
    assert_accessible(page)
    page.get_by_role("combobox", name="UK nation of exploitation").select_option("england")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(
        f"{live_server.url}/statistics/?period=2024Q3&nation=england&exploitation_type="
    )
    _charts_drawn(page, at_least=7)
    page.screenshot(path=str(tmp_path / "national-picture.png"), full_page=True)

    page.goto(f"{live_server.url}/statistics/publications/")
    assert_accessible(page)
    assert (tmp_path / "release.png").stat().st_size > 10_000
    assert (tmp_path / "national-picture.png").stat().st_size > 10_000


def test_an_analyst_downloads_a_publication_for_a_named_recipient(
    analytics_world: AnalyticsWorld,
    open_as: Callable[..., Page],
    live_server: LiveServer,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.ANALYTICS_STORE = str(analytics_world.store)
    settings.VAR_DIR = tmp_path
    result = statistics_publish(
        None, period="2024Q3", out=tmp_path / "release", store=analytics_world.store
    )
    analyst = UserFactory.create(
        role=Role.ANALYST, organisation=Organisation.objects.get(code="single-competent-authority")
    )
    page = open_as(analyst.username)

    page.goto(f"{live_server.url}/statistics/publications/{result.publication.pk}/")
    page.get_by_test_id("download-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download the statistics for 2024Q3")
    assert_accessible(page)
    page.get_by_role("button", name="Download").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what to download")
    assert_accessible(page)
    page.get_by_label("Every table as an OpenDocument spreadsheet (ODS)").check()
    page.get_by_label("Who the statistics are for").fill("Home Office Analysis and Insight")
    page.get_by_label("Why they are being released").fill("Quarterly briefing")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()

    assert download.value.suggested_filename == "nrm-statistics-2024Q3.ods"
    (event,) = AuditEvent.objects.filter(event_type=AuditEventType.RECORD_DISCLOSED)
    assert event.details["recipient"] == "Home Office Analysis and Insight"
    assert event.details["justification"] == "Quarterly briefing"
