"""A decision maker's journey in a real browser, with axe-core on every page.

Referrals are made with factories (the referral form pages are another journey). The live
server commits for real; the test database is flushed afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.referrals.models import Referral, ReferralStatus
from tests.accounts.factories import DecisionMakerFactory, QualityAssurerFactory
from tests.browser.journeys import FACTORY_PASSWORD, assert_accessible, enter_second_factor
from tests.decisions.factories import (
    PendingRgDecisionFactory,
    cg_decision_due,
)
from tests.referrals.factories import ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    page = open_as(maker.username)
    assert_accessible(page)

    page.get_by_role("link", name="Your work queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work queue")
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {referral.reference}")
    assert_accessible(page)

    page.get_by_role("button", name="Record Reasonable Grounds decision").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether the decision")
    assert_accessible(page)
    _decide(page, "Positive", "Indicators of forced labour and debt bondage.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.RG_POSITIVE.label)
    assert_accessible(page)

    # The recovery period has not passed: CG is refused, and the page says until when.
    page.goto(f"{live_server.url}/cases/{referral.reference}/cg/")
    _decide(page, "Positive", "On the balance of probabilities a victim.")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Conclusive Grounds decision cannot be made before"
    )
    assert_accessible(page)


def test_decision_maker_of_the_referring_organisation_is_refused(
    open_as: Any, live_server: LiveServer
) -> None:
    maker = DecisionMakerFactory.create()
    referral = _referral(first_responder_organisation=maker.organisation)
    page = open_as(maker.username)
    page.goto(f"{live_server.url}/cases/{referral.reference}/")
    expect(page.get_by_role("button", name="Record Reasonable Grounds decision")).to_have_count(0)
    page.goto(f"{live_server.url}/cases/{referral.reference}/rg/")
    expect(page.get_by_test_id("refusal-reason")).to_contain_text("your own organisation")
    assert_accessible(page)


def test_another_decision_maker_records_cg_after_the_recovery_period(
    open_as: Any, live_server: LiveServer
) -> None:
    today = timezone.localdate()
    cg = cg_decision_due(today)
    page = open_as(DecisionMakerFactory.create().username)
    page.get_by_role("link", name="Your work queue").click()
    page.get_by_label("Decision due").select_option("cg")
    page.get_by_role("button", name="Apply filters").click()
    assert_accessible(page)
    page.get_by_role("link", name=cg.referral.reference).click()
    page.get_by_role("button", name="Record Conclusive Grounds decision").click()
    _decide(page, "Positive", "On the balance of probabilities a victim of modern slavery.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.CG_POSITIVE.label)
    assert_accessible(page)


def test_negative_decision_needs_a_quality_assurers_approval(
    open_as: Any, live_server: LiveServer
) -> None:
    referral = _referral()
    maker = DecisionMakerFactory.create()
    page = open_as(maker.username)
    page.goto(f"{live_server.url}/cases/{referral.reference}/rg/")
    _decide(page, "Negative", "The information does not meet the threshold.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.SUBMITTED.label)

    assurer = QualityAssurerFactory.create(organisation=maker.organisation)
    page = open_as(assurer.username)
    page.get_by_role("link", name="Decisions to assure").click()
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assure a decision")
    assert_accessible(page)
    page.get_by_label("Approve: issue the decision").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There are no decisions to assure.")).to_be_visible()
    page.goto(f"{live_server.url}/cases/{referral.reference}/")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.RG_NEGATIVE.label)
    assert_accessible(page)


def test_queue_works_without_javascript(chromium: Browser, live_server: LiveServer) -> None:
    referral = _referral()
    maker = DecisionMakerFactory.create()
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(maker.username)
    page.get_by_label("Password", exact=True).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_second_factor(page, maker.username)  # sets up the app from the key on the page
    page.goto(live_server.url + "/cases/?sort=deadline&order=desc")
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    page.get_by_role("link", name="Deadline").click()
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Deadline")
    context.close()
