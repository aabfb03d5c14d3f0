"""Sign in as the demo first responder in a real browser, and check pages with axe-core; a
decision maker sets up an authenticator app, then enters its code at sign-in."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Role, User
from msht.accounts.selectors import home_tasks_for
from msht.accounts.services import DemoUser, demo_users_ensure
from msht.accounts.views import CODE_WRONG, SIGN_IN_FAILED
from tests.accounts.factories import DecisionMakerFactory
from tests.browser.journeys import (
    ENTER_CODE,
    SAVE_RECOVERY_CODES,
    SAVED_RECOVERY_CODES,
    SET_UP_APP,
    code_from_secret,
)

# The live server commits for real: the test database is flushed after each test (the
# `reference_data` fixture, under `chromium`, reloads what the demo users need).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _first_responder(users: list[DemoUser]) -> DemoUser:
    return next(user for user in users if user.role == Role.FIRST_RESPONDER)


def _accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """Run the axe-core bundled with axe-playwright-python (no network needed)."""
    results = Axe().run(page)
    violations: list[dict[str, Any]] = results.response["violations"]
    assert results.violations_count == len(violations)
    return violations


def _report(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
    )


def _record_problems(page: Page) -> list[str]:
    """Console errors (a Content Security Policy refusal is one) and failed requests."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    return problems


def _sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_axe_core_is_bundled_and_runs_offline(browser_page: Page) -> None:
    browser_page.set_content(
        "<!DOCTYPE html><html lang='en'><head><title>t</title></head>"
        "<body><main><h1>Hello</h1><img src='x.png'></main></body></html>"
    )
    violations = _accessibility_violations(browser_page)
    assert [violation["id"] for violation in violations] == ["image-alt"]


def test_demo_first_responder_signs_in_and_sees_their_home_page(
    live_server: LiveServer, browser_page: Page
) -> None:
    user = _first_responder(demo_users_ensure())
    assert user.password is not None
    page = browser_page
    problems = _record_problems(page)

    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # GOV.UK Frontend's JavaScript ran, from files only (the policy forbids inline scripts).
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    violations = _accessibility_violations(page)
    assert violations == [], _report(violations)

    _sign_in(page, user.username, user.password)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(Role.FIRST_RESPONDER.label)
    expect(page).to_have_title(
        f"{Role.FIRST_RESPONDER.label} - Modern slavery and human trafficking (MSHT)"
    )
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(user.organisation)
    for task in home_tasks_for(User.objects.get(username=user.username)):
        expect(page.get_by_role("heading", name=task.title)).to_be_visible()
    violations = _accessibility_violations(page)
    assert violations == [], _report(violations)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")
    assert problems == []


def test_failed_sign_in_shows_an_accessible_error_summary(
    live_server: LiveServer, browser_page: Page
) -> None:
    user = _first_responder(demo_users_ensure())
    page = browser_page
    page.goto(live_server.url + "/sign-in/")

    _sign_in(page, user.username, "not the password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=SIGN_IN_FAILED)).to_have_attribute(
        "href", "#id_username"
    )
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Sign in - Modern slavery and human trafficking (MSHT)")
    violations = _accessibility_violations(page)
    assert violations == [], _report(violations)


def test_sign_in_and_out_work_without_javascript(
    live_server: LiveServer, no_script_page: Page
) -> None:
    user = _first_responder(demo_users_ensure(password="a demo passphrase"))
    page = no_script_page
    page.goto(live_server.url + "/")
    expect(page.locator("body")).not_to_have_class("js-enabled")

    _sign_in(page, user.username, "a demo passphrase")
    expect(page.get_by_role("heading", level=1)).to_have_text(Role.FIRST_RESPONDER.label)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def _demo_decision_maker(users: list[DemoUser]) -> DemoUser:
    return next(user for user in users if user.role == Role.DECISION_MAKER)


def test_decision_maker_sets_up_an_authenticator_app_at_first_sign_in(
    live_server: LiveServer, browser_page: Page
) -> None:
    maker = DecisionMakerFactory.create()
    page = browser_page
    problems = _record_problems(page)
    page.goto(live_server.url + "/cases/")

    _sign_in(page, maker.username, "a long demo passphrase")

    expect(page).to_have_url(f"{live_server.url}/second-factor/set-up/?next=%2Fcases%2F")
    expect(page.get_by_role("heading", level=1)).to_have_text(SET_UP_APP)
    # The QR code is inline SVG drawn on the server: shown under the strict policy.
    qr_code = page.get_by_test_id("totp-qr-code").locator("svg")
    expect(qr_code).to_be_visible()
    assert qr_code.bounding_box() is not None
    violations = _accessibility_violations(page)
    assert violations == [], _report(violations)

    page.get_by_label(ENTER_CODE).fill("000000")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name=CODE_WRONG)).to_have_attribute("href", "#id_code")
    expect(page).to_have_title(f"Error: {SET_UP_APP} - Modern slavery and human trafficking (MSHT)")
    violations = _accessibility_violations(page)
    assert violations == [], _report(violations)
    page.wait_for_timeout(1100)  # django-otp waits 1 second after a wrong code

    code = code_from_secret(page.get_by_test_id("totp-secret").inner_text())
    page.get_by_label(ENTER_CODE).fill(code)
    page.get_by_role("button", name="Continue").click()
    # The recovery codes, shown once, then on to the page asked for.
    expect(page.get_by_role("heading", level=1)).to_have_text(SAVE_RECOVERY_CODES)
    page.get_by_role("button", name=SAVED_RECOVERY_CODES).click()

    expect(page).to_have_url(f"{live_server.url}/cases/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(SET_UP_APP)
    assert problems == []


def test_demo_decision_maker_enters_the_code_from_the_printed_key(
    live_server: LiveServer, browser_page: Page
) -> None:
    maker = _demo_decision_maker(demo_users_ensure())
    assert maker.password is not None
    assert maker.authenticator_key is not None
    page = browser_page
    problems = _record_problems(page)
    page.goto(live_server.url + "/sign-in/")

    _sign_in(page, maker.username, maker.password)

    expect(page.get_by_role("heading", level=1)).to_have_text(ENTER_CODE)
    violations = _accessibility_violations(page)
    assert violations == [], _report(violations)
    page.get_by_label(ENTER_CODE).fill(code_from_secret(maker.authenticator_key))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(Role.DECISION_MAKER.label)
    assert problems == []


def test_second_factor_works_without_javascript(
    live_server: LiveServer, no_script_page: Page
) -> None:
    maker = _demo_decision_maker(demo_users_ensure(password="a demo passphrase"))
    assert maker.authenticator_key is not None
    page = no_script_page
    page.goto(live_server.url + "/")

    _sign_in(page, maker.username, "a demo passphrase")
    page.get_by_label(ENTER_CODE).fill(code_from_secret(maker.authenticator_key))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(Role.DECISION_MAKER.label)
