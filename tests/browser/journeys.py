"""Shared steps of the browser tests: the axe check, signing in, the referral form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

SERIOUS = {"serious", "critical"}
FACTORY_PASSWORD = "a long demo passphrase"  # tests.accounts.factories.UserFactory's


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violations on the page."""
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    serious = [v for v in violations if v["impact"] in SERIOUS]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']}" for v in serious)
    assert serious == [], f"{page.url}\n{report}"


def sign_in(browser: Browser, base_url: str, username: str, password: str) -> Page:
    """A new browser context signed in as ``username``; the caller closes page.context."""
    page = browser.new_context().new_page()
    page.goto(base_url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    return page


def _continue(page: Page, after_each_page: Callable[[Page], None]) -> None:
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    after_each_page(page)


def complete_referral_form(page: Page, after_each_page: Callable[[Page], None]) -> None:
    """From the first page ("About you, the referrer") to "Check your answers": an adult who
    consents, Ana Popescu, labour exploitation in Kent. ``after_each_page`` sees every page."""
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your email address").fill("priya.shah@example.gov.uk")
    _continue(page, after_each_page)

    page.get_by_label("Adult (18 or over)").check()
    _continue(page, after_each_page)
    page.get_by_label("Yes").check()
    _continue(page, after_each_page)
    page.get_by_label("Given names").fill("Ana")
    page.get_by_label("Family name").fill("Popescu")
    _continue(page, after_each_page)
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1994")
    page.get_by_label("The date of birth is estimated").check()
    _continue(page, after_each_page)
    page.get_by_label("Female").check()
    page.get_by_label("Nationality", exact=True).select_option("ROU")
    _continue(page, after_each_page)
    _continue(page, after_each_page)  # identifiers: none known
    _continue(page, after_each_page)  # contact: none given
    page.get_by_label("Labour exploitation").check()
    _continue(page, after_each_page)
    page.get_by_label("UK only").check()
    _continue(page, after_each_page)
    page.get_by_label("Place 1", exact=True).select_option("uk:kent")
    _continue(page, after_each_page)
    page.get_by_label("The exploitation is ongoing").check()
    _continue(page, after_each_page)
    page.get_by_label("Visa holder").check()
    _continue(page, after_each_page)
    page.get_by_label("Deception").check()
    _continue(page, after_each_page)
    page.get_by_label("What happened to the person?").fill("Worked on a farm without pay.")
    _continue(page, after_each_page)
    _continue(page, after_each_page)  # police crime reference: none
