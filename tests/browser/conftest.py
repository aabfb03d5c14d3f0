"""Playwright on Debian's chromium against pytest-django's live server.

Playwright cannot download a browser on these machines, so the tests drive
``/usr/bin/chromium``. Without it they are skipped, unless ``MSHT_REQUIRE_BROWSER=1``
(set by .ci/run), when a missing browser or missing front-end assets fail the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser.journeys import FACTORY_PASSWORD, sign_in
from tests.reference_data import load_reference_data

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from it ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
# Headless, no sandbox (containers), and no traffic of its own: the tests block the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GOVUK_FRONTEND_CSS = "vendor/govuk-frontend/govuk-frontend.min.css"


def _unavailable(reason: str) -> None:
    """Skip, or fail when the run requires the browser tests (MSHT_REQUIRE_BROWSER=1)."""
    if os.environ.get("MSHT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; MSHT_REQUIRE_BROWSER=1 requires the browser tests to run")
    pytest.skip(reason)


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Load the reference data (organisations, police force areas) for a live-server test.

    Tests that commit for real are followed by a flush of the test database, which takes
    the migrations' reference data with it; this puts it back, whatever ran before.
    """
    load_reference_data()


@pytest.fixture
def chromium(reference_data: None) -> Iterator[Browser]:
    """A headless chromium for one test, started once the test database is ready.

    Inside Playwright's sync API, Django's context-local ``connections`` hand out other
    connection objects than outside it; they are closed before Playwright stops, so that
    none is left open on the test database (PostgreSQL could not drop it).
    """
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if finders.find(GOVUK_FRONTEND_CSS) is None:
        _unavailable("the GOV.UK Frontend assets are not built (make assets)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page."""
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_script_page(chromium: Browser) -> Iterator[Page]:
    """A page with JavaScript turned off: every page must work without it."""
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_as(chromium: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Sign a user in, each in a browser context of their own, closed after the test."""
    pages: list[Page] = []

    def open_page(username: str, password: str = FACTORY_PASSWORD) -> Page:
        page = sign_in(chromium, live_server.url, username, password)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()
