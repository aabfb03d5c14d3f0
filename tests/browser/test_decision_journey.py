"""A decision maker's journey in a real browser, with axe-core on every page.

Referrals are made with factories (the referral form pages are another journey). The live
server commits for real; the test database is flushed afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import User
from msht.referrals.models import Referral, ReferralStatus
from tests.accounts.factories import DecisionMakerFactory, QualityAssurerFactory
from tests.decisions.factories import (
    PendingCgDecisionFactory,
    PendingRgDecisionFactory,
    PositiveRgDecisionFactory,
)
from tests.referrals.factories import ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long demo passphrase"  # the factories' password
SERIOUS = {"serious", "critical"}


def _assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violations on the page."""
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    serious = [v for v in violations if v["impact"] in SERIOUS]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']}" for v in serious)
    assert serious == [], f"{page.url}\n{report}"


@pytest.fixture
def open_as(chromium: Browser, live_server: LiveServer) -> Iterator[Any]:
    """Sign a user in, in a browser context of their own, and return the page."""
    contexts = []

    def sign_in(user: User) -> Page:
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def _referral(**fields: Any) -> Referral:
    today = timezone.localdate()
    referral = ReferralFactory.create(referred_on=today - dt.timedelta(days=1), **fields)
    PendingRgDecisionFactory.create(referral=referral, deadline=today + dt.timedelta(days=6))
    return referral


def _decide(page: Page, outcome: str, reasons: str) -> None:
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Reasons for the decision").fill(reasons)
    page.get_by_role("button", name="Save decision").click()


def test_decision_maker_records_rg_and_cannot_record_cg_too_early(
    open_as: Any, live_server: LiveServer
) -> None:
    referral = _referral()
    maker = DecisionMakerFactory.create()
    page = open_as(maker)
    _assert_accessible(page)

    page.get_by_role("link", name="Your work queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work queue")
    _assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {referral.reference}")
    _assert_accessible(page)

    page.get_by_role("button", name="Record Reasonable Grounds decision").click()
    _assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether the decision")
    _assert_accessible(page)
    _decide(page, "Positive", "Indicators of forced labour and debt bondage.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.RG_POSITIVE.label)
    _assert_accessible(page)

    # The recovery period has not passed: CG is refused, and the page says until when.
    page.goto(f"{live_server.url}/cases/{referral.reference}/cg/")
    _decide(page, "Positive", "On the balance of probabilities a victim.")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Conclusive Grounds decision cannot be made before"
    )
    _assert_accessible(page)


def test_decision_maker_of_the_referring_organisation_is_refused(
    open_as: Any, live_server: LiveServer
) -> None:
    maker = DecisionMakerFactory.create()
    referral = _referral(first_responder_organisation=maker.organisation)
    page = open_as(maker)
    page.goto(f"{live_server.url}/cases/{referral.reference}/")
    expect(page.get_by_role("button", name="Record Reasonable Grounds decision")).to_have_count(0)
    page.goto(f"{live_server.url}/cases/{referral.reference}/rg/")
    expect(page.get_by_test_id("refusal-reason")).to_contain_text("your own organisation")
    _assert_accessible(page)


def test_another_decision_maker_records_cg_after_the_recovery_period(
    open_as: Any, live_server: LiveServer
) -> None:
    today = timezone.localdate()
    rg = PositiveRgDecisionFactory.create(
        referral__referred_on=today - dt.timedelta(days=60),
        decided_on=today - dt.timedelta(days=55),
        recovery_period_ends_on=today - dt.timedelta(days=25),
    )
    PendingCgDecisionFactory.create(
        referral=rg.referral,
        started_on=today - dt.timedelta(days=25),
        deadline=today + dt.timedelta(days=35),
    )
    page = open_as(DecisionMakerFactory.create())
    page.get_by_role("link", name="Your work queue").click()
    page.get_by_label("Decision due").select_option("cg")
    page.get_by_role("button", name="Apply filters").click()
    _assert_accessible(page)
    page.get_by_role("link", name=rg.referral.reference).click()
    page.get_by_role("button", name="Record Conclusive Grounds decision").click()
    _decide(page, "Positive", "On the balance of probabilities a victim of modern slavery.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.CG_POSITIVE.label)
    _assert_accessible(page)


def test_negative_decision_needs_a_quality_assurers_approval(
    open_as: Any, live_server: LiveServer
) -> None:
    referral = _referral()
    maker = DecisionMakerFactory.create()
    page = open_as(maker)
    page.goto(f"{live_server.url}/cases/{referral.reference}/rg/")
    _decide(page, "Negative", "The information does not meet the threshold.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.SUBMITTED.label)

    assurer = QualityAssurerFactory.create(organisation=maker.organisation)
    page = open_as(assurer)
    page.get_by_role("link", name="Decisions to assure").click()
    _assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assure a decision")
    _assert_accessible(page)
    page.get_by_label("Approve: issue the decision").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There are no decisions to assure.")).to_be_visible()
    page.goto(f"{live_server.url}/cases/{referral.reference}/")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.RG_NEGATIVE.label)
    _assert_accessible(page)


def test_queue_works_without_javascript(chromium: Browser, live_server: LiveServer) -> None:
    referral = _referral()
    maker = DecisionMakerFactory.create()
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(maker.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/cases/?sort=deadline&order=desc")
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    page.get_by_role("link", name="Deadline").click()
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Deadline")
    context.close()
