"""The whole NRM journey in a real browser: a first responder refers, one decision maker
records Reasonable Grounds and is refused Conclusive Grounds too early, another records
Conclusive Grounds after the recovery period, and the first responder sees the outcome.
axe-core finds no serious or critical problem on any page on the way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from msht.accounts.models import Organisation, Role
from msht.accounts.services import demo_users_ensure
from msht.core.policy import RULES_VERSION
from msht.decisions.models import Decision, DecisionStage
from msht.referrals.models import Referral, ReferralStatus
from tests.accounts.factories import DecisionMakerFactory
from tests.browser.journeys import assert_accessible, complete_referral_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a demo passphrase"


def _decide(page: Page, outcome: str, reasons: str) -> None:
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Reasons for the decision").fill(reasons)
    page.get_by_role("button", name="Save decision").click()


def _recovery_period_passes(referral: Referral) -> None:
    """Move the case's dates back, as if 60 days had gone by since the RG decision."""
    today = timezone.localdate()
    Referral.objects.filter(pk=referral.pk).update(referred_on=today - dt.timedelta(days=65))
    Decision.objects.filter(referral=referral, stage=DecisionStage.REASONABLE_GROUNDS).update(
        started_on=today - dt.timedelta(days=65),
        decided_on=today - dt.timedelta(days=60),
        recovery_period_ends_on=today - dt.timedelta(days=30),
    )
    Decision.objects.filter(referral=referral, stage=DecisionStage.CONCLUSIVE_GROUNDS).update(
        started_on=today - dt.timedelta(days=30)
    )


def test_a_referral_goes_from_first_responder_through_rg_and_cg(
    open_as: Any, live_server: LiveServer
) -> None:
    users = {user.role: user for user in demo_users_ensure(password=PASSWORD)}

    # The first responder refers.
    page = open_as(users[Role.FIRST_RESPONDER].username, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Refer a potential victim").click()
    complete_referral_form(page, assert_accessible)
    page.get_by_role("button", name="Submit referral").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral submitted")
    assert_accessible(page)
    referral = Referral.objects.get(status=ReferralStatus.SUBMITTED)

    # A decision maker of the competent authority finds it in the queue and records RG.
    page = open_as(users[Role.DECISION_MAKER].username, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Your work queue").click()
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {referral.reference}")
    assert_accessible(page)
    page.get_by_role("button", name="Record Reasonable Grounds decision").click()
    assert_accessible(page)
    _decide(page, "Positive", "Deception and withheld wages on a farm in Kent.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.RG_POSITIVE.label)

    # Conclusive Grounds straight away is refused: the recovery period has not passed.
    page.goto(f"{live_server.url}/cases/{referral.reference}/cg/")
    _decide(page, "Positive", "On the balance of probabilities a victim.")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Conclusive Grounds decision cannot be made before"
    )
    assert_accessible(page)

    # After the recovery period, another decision maker records Conclusive Grounds.
    _recovery_period_passes(referral)
    authority = Organisation.objects.get(code="single-competent-authority")
    colleague = DecisionMakerFactory.create(organisation=authority)
    page = open_as(colleague.username)
    assert_accessible(page)
    page.goto(f"{live_server.url}/cases/{referral.reference}/")
    page.get_by_role("button", name="Record Conclusive Grounds decision").click()
    _decide(page, "Positive", "On the balance of probabilities a victim of forced labour.")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.CG_POSITIVE.label)
    assert_accessible(page)

    # The referring first responder sees the outcome of their referral.
    page = open_as(users[Role.FIRST_RESPONDER].username, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/cases/{referral.reference}/")
    expect(page.get_by_test_id("case-status")).to_have_text(ReferralStatus.CG_POSITIVE.label)
    assert_accessible(page)
    # Two different people decided, each recorded with the rules version in force.
    rg = Decision.objects.get(referral=referral, stage=DecisionStage.REASONABLE_GROUNDS)
    cg = Decision.objects.get(referral=referral, stage=DecisionStage.CONCLUSIVE_GROUNDS)
    assert rg.decision_maker is not None
    assert rg.decision_maker.username == users[Role.DECISION_MAKER].username
    assert cg.decision_maker_id == colleague.pk
    assert rg.rules_version.startswith(RULES_VERSION)
    assert cg.rules_version.startswith(RULES_VERSION)
