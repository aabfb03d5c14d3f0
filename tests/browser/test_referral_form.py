"""A first responder completes the referral form in a real browser with JavaScript off;
axe-core finds no serious or critical problem on any page."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Role
from msht.accounts.services import demo_users_ensure
from msht.referrals.models import Referral, ReferralStatus
from tests.browser.journeys import complete_referral_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a demo passphrase"
SERIOUS = {"serious", "critical"}


class _Checker:
    """Axe needs JavaScript, which the form's page has off: each page's HTML is checked in a
    second, scripted page on the same origin (so its style sheets load as they would)."""

    def __init__(self, browser: Browser, origin: str) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.goto(origin + "/sign-in/")

    def run(self, page: Page) -> list[dict[str, Any]]:
        self.page.set_content(page.content())
        violations: list[dict[str, Any]] = Axe().run(self.page).response["violations"]
        return violations


_CHECKER: list[_Checker] = []


def _check_accessibility(page: Page, visited: list[str]) -> None:
    violations = _CHECKER[0].run(page)
    serious = [v for v in violations if v["impact"] in SERIOUS]
    visited.append(page.url)
    assert serious == [], "\n".join(
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in serious
    )


def test_first_responder_refers_a_person_without_javascript(
    live_server: LiveServer, no_script_page: Page, chromium: Browser
) -> None:
    user = next(u for u in demo_users_ensure(password=PASSWORD) if u.role == Role.FIRST_RESPONDER)
    page = no_script_page
    visited: list[str] = []
    _CHECKER[:] = [_Checker(chromium, live_server.url)]
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Refer a potential victim").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you, the referrer")
    _check_accessibility(page, visited)

    # A page with a mistake shows the GOV.UK error summary, which is accessible too.
    page.get_by_label("Your email address").fill("not an email")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address")
    expect(page).to_have_title(
        "Error: About you, the referrer - Modern slavery and human trafficking (MSHT)"
    )
    _check_accessibility(page, visited)

    complete_referral_form(page, lambda shown: _check_accessibility(shown, visited))

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Popescu")
    page.get_by_role("button", name="Submit referral").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Referral submitted")
    _check_accessibility(page, visited)
    referral = Referral.objects.get(status=ReferralStatus.SUBMITTED)
    expect(page.get_by_test_id("reference")).to_have_text(referral.reference)
    assert len(visited) >= 18
    _CHECKER[0].context.close()
