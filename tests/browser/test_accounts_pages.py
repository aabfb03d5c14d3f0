"""The administrators' users list and the recovery codes in a real browser: each page passes
axe, the list filters and pages without JavaScript, and a saved recovery code signs in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import RecoveryCode
from tests.accounts.factories import (
    AdministratorFactory,
    ConfirmedTotpDeviceFactory,
    DecisionMakerFactory,
    OrganisationFactory,
    UserFactory,
)
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


def _password(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_administrator_finds_a_user_and_opens_the_reset(
    open_as: Callable[..., Page], live_server: LiveServer
) -> None:
    kent = OrganisationFactory.create(name="Kent Police")
    maker = DecisionMakerFactory.create(first_name="Tom", last_name="Zephyrine")
    ConfirmedTotpDeviceFactory.create(user=maker)
    UserFactory.create(first_name="Priya", last_name="Shah", organisation=kent)
    UserFactory.create_batch(52, organisation=kent)
    page = open_as(AdministratorFactory.create().username)

    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    expect(page.get_by_test_id("user-count")).to_have_text("55 users")
    assert_accessible(page)

    page.get_by_role("link", name="Next page").click()
    expect(page.locator(".moj-pagination__results").first).to_contain_text("Showing 51 to 55")
    assert_accessible(page)

    page.get_by_label("Name or email").fill("zephyrine")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("user-count")).to_have_text("1 user")
    row = page.get_by_test_id("users").get_by_role("row").nth(1)
    expect(row).to_contain_text("Set up")
    row.get_by_role("link", name="Tom Zephyrine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset Tom Zephyrine's second factor")


def test_the_users_list_filters_without_javascript(
    no_script_page: Page, live_server: LiveServer
) -> None:
    kent, essex = OrganisationFactory.create(name="Kent Police"), OrganisationFactory.create()
    UserFactory.create(first_name="Priya", last_name="Shah", organisation=kent)
    UserFactory.create(first_name="Ana", last_name="Jones", organisation=essex)
    administrator = AdministratorFactory.create()
    ConfirmedTotpDeviceFactory.create(user=administrator)
    page = no_script_page
    _password(page, live_server.url, administrator.username)
    enter_second_factor(page, administrator.username)

    page.goto(live_server.url + "/users/")
    page.get_by_label("Organisation").select_option(label="Kent Police")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_test_id("user-count")).to_have_text("1 user")
    expect(page.get_by_test_id("users")).to_contain_text("Priya Shah")
    # axe needs JavaScript: the page is checked with it in the test above.


def test_recovery_codes_are_shown_once_at_set_up_and_one_signs_in(
    chromium: Browser, live_server: LiveServer
) -> None:
    maker = DecisionMakerFactory.create()
    page = chromium.new_context().new_page()
    _password(page, live_server.url, maker.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(SET_UP_APP)
    code = code_from_secret(page.get_by_test_id("totp-secret").inner_text())
    page.get_by_label(ENTER_CODE).fill(code)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SAVE_RECOVERY_CODES)
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("button", name=SAVED_RECOVERY_CODES).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(maker.get_role_display())

    page.get_by_role("link", name="Your recovery codes").click()
    expect(page.get_by_test_id("recovery-codes-left")).to_contain_text("10 unused")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.context.close()

    # Signing in again without the app: a saved recovery code instead.
    page = chromium.new_context().new_page()
    _password(page, live_server.url, maker.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(ENTER_CODE)
    page.get_by_text("I cannot use my authenticator app").click()
    assert_accessible(page)
    page.get_by_label(ENTER_CODE).fill(codes[0])
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have 9 recovery codes left")
    page.get_by_role("link", name="Continue without setting up a new app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(maker.get_role_display())
    assert RecoveryCode.objects.filter(user=maker, used_at__isnull=False).count() == 1
    page.context.close()
