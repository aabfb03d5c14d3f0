"""Shared steps of the browser tests: the axe check, signing in (with the second factor),
the referral form."""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Callable
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from tests.accounts.factories import totp_code

SERIOUS = {"serious", "critical"}
FACTORY_PASSWORD = "a long demo passphrase"  # tests.accounts.factories.UserFactory's
# The headings of the second factor's pages (accounts.views).
ENTER_CODE = "Enter the 6-digit code from your authenticator app"
SET_UP_APP = "Set up your authenticator app"
SAVE_RECOVERY_CODES = "Save your recovery codes"
SAVED_RECOVERY_CODES = "I have saved my recovery codes"


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
    enter_second_factor(page, username)
    return page


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows now for a secret key typed in from the page."""
    key = "".join(secret.split())
    return f"{TOTP(b32decode(key + '=' * (-len(key) % 8))).token():06d}"


def enter_second_factor(page: Page, username: str) -> None:
    """After the password, as the user would: an administrator or decision maker without an
    app sets one up from the key the page shows; anyone with an app enters its current code
    (computed from the device's key, as their app would). Nothing to do for anyone else."""
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    heading = " ".join(page.get_by_role("heading", level=1).inner_text().split())
    if heading == SET_UP_APP:
        code = code_from_secret(page.get_by_test_id("totp-secret").inner_text())
    elif heading == ENTER_CODE:
        code = totp_code(TOTPDevice.objects.get(user__username=username, confirmed=True))
    else:
        return
    page.get_by_label(ENTER_CODE).fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(heading)
    if heading == SET_UP_APP:
        # Confirming an app shows its recovery codes once; go on as a user who saved them.
        expect(page.get_by_role("heading", level=1)).to_have_text(SAVE_RECOVERY_CODES)
        page.get_by_role("button", name=SAVED_RECOVERY_CODES).click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text(SAVE_RECOVERY_CODES)


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
