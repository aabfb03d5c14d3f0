"""A user who lost their authenticator app, in a real browser: a saved recovery code signs in,
the next page says how many are left and offers a new app; the new app's code replaces the
old one and shows new recovery codes once; the next sign-in takes the new app. Each page
passes axe, and the last recovery code says so."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import RecoveryCode, User
from msht.accounts.second_factor import recovery_code_normalised
from tests.accounts.factories import DecisionMakerFactory
from tests.browser.journeys import (
    ENTER_CODE,
    FACTORY_PASSWORD,
    SAVE_RECOVERY_CODES,
    SAVED_RECOVERY_CODES,
    SET_UP_APP,
    assert_accessible,
    code_from_secret,
    enter_second_factor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SET_UP_NEW_APP = "Set up a new authenticator app"
NEW_CODE_LABEL = "Enter the 6-digit code from your new authenticator app"


def _password(browser: Browser, base_url: str, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(base_url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _enrolled(browser: Browser, base_url: str, user: User) -> list[str]:
    """Set up the first app through the pages and keep the recovery codes, as the user would."""
    page = _password(browser, base_url, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(SET_UP_APP)
    page.get_by_label(ENTER_CODE).fill(
        code_from_secret(page.get_by_test_id("totp-secret").inner_text())
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAVE_RECOVERY_CODES)
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    page.context.close()
    return codes


def _recovery_code_entered(page: Page, code: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(ENTER_CODE)
    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label(ENTER_CODE).fill(code)
    page.get_by_role("button", name="Continue").click()


def test_a_user_who_lost_their_app_sets_up_a_new_one_with_a_recovery_code(
    chromium: Browser, live_server: LiveServer
) -> None:
    maker = DecisionMakerFactory.create()
    old_codes = _enrolled(chromium, live_server.url, maker)
    old_app = TOTPDevice.objects.get(user=maker)
    page = _password(chromium, live_server.url, maker.username)

    _recovery_code_entered(page, old_codes[0])

    expect(page.get_by_role("heading", level=1)).to_have_text("You have 9 recovery codes left")
    assert_accessible(page)
    page.get_by_role("button", name=SET_UP_NEW_APP).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SET_UP_NEW_APP)
    assert_accessible(page)
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label(NEW_CODE_LABEL).fill(
        "000000" if code_from_secret(secret) != "000000" else "111111"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    assert_accessible(page)
    assert TOTPDevice.objects.get(user=maker, confirmed=True) == old_app
    # The throttle's one-second wait after the wrong code, as a person would take to retype.
    TOTPDevice.objects.get(user=maker, confirmed=False).throttle_reset()
    page.get_by_label(NEW_CODE_LABEL).fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SAVE_RECOVERY_CODES)
    expect(page.locator(".govuk-caption-l")).to_have_text("Your new authenticator app is set up")
    new_codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert_accessible(page)
    page.get_by_role("button", name=SAVED_RECOVERY_CODES).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(maker.get_role_display())
    assert not TOTPDevice.objects.filter(pk=old_app.pk).exists()
    page.get_by_role("button", name="Sign out").click()
    page.context.close()

    # An old recovery code no longer signs in; the new app does.
    page = _password(chromium, live_server.url, maker.username)
    _recovery_code_entered(page, old_codes[1])
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    TOTPDevice.objects.get(user=maker).throttle_reset()
    enter_second_factor(page, maker.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(maker.get_role_display())
    page.context.close()


def test_the_last_recovery_code_says_so_and_offers_a_new_app_or_new_codes(
    chromium: Browser, live_server: LiveServer
) -> None:
    maker = DecisionMakerFactory.create()
    codes = _enrolled(chromium, live_server.url, maker)
    last = hashlib.sha256(recovery_code_normalised(codes[2]).encode()).hexdigest()
    RecoveryCode.objects.filter(user=maker).exclude(code_hash=last).update(used_at=timezone.now())
    page = _password(chromium, live_server.url, maker.username)

    _recovery_code_entered(page, codes[2])

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have used your last recovery code"
    )
    expect(page.get_by_role("button", name=SET_UP_NEW_APP)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I still have my app: get new recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAVE_RECOVERY_CODES)
    assert len(page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()) == 10
    page.context.close()
