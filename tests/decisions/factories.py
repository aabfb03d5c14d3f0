"""Factories for decisions, named by state (STYLE.md, section 3)."""

from __future__ import annotations

import datetime as dt

from factory.declarations import LazyAttribute, SelfAttribute, SubFactory
from factory.django import DjangoModelFactory

from msht.core import policy
from msht.decisions.models import AssuranceStatus, Decision, DecisionOutcome, DecisionStage
from msht.referrals.models import ReferralStatus
from tests.accounts.factories import CompetentAuthorityFactory, DecisionMakerFactory
from tests.referrals.factories import ReferralFactory


class PendingRgDecisionFactory(DjangoModelFactory[Decision]):
    """An RG decision due on a submitted referral, not yet made."""

    class Meta:
        model = Decision

    referral = SubFactory(ReferralFactory)
    stage = DecisionStage.REASONABLE_GROUNDS
    decision_making_unit = SubFactory(CompetentAuthorityFactory)
    started_on = SelfAttribute("referral.referred_on")
    deadline = LazyAttribute(lambda d: d.started_on + dt.timedelta(days=7))
    rules_version = LazyAttribute(lambda d: policy.rules_version_on(d.started_on))


class PositiveRgDecisionFactory(PendingRgDecisionFactory):
    """An issued positive RG: the referral awaits CG once the recovery period has passed."""

    referral = SubFactory(ReferralFactory, status=ReferralStatus.RG_POSITIVE)
    outcome = DecisionOutcome.POSITIVE
    decision_maker = SubFactory(
        DecisionMakerFactory, organisation=SelfAttribute("..decision_making_unit")
    )
    decided_on = LazyAttribute(lambda d: d.started_on + dt.timedelta(days=3))
    reasons = "There are reasonable grounds to believe the person is a victim."
    recovery_period_ends_on = LazyAttribute(lambda d: d.decided_on + dt.timedelta(days=30))
    rules_version = LazyAttribute(lambda d: policy.rules_version_on(d.decided_on))


class NegativeRgDecisionFactory(PositiveRgDecisionFactory):
    """An issued (assured) negative RG."""

    referral = SubFactory(ReferralFactory, status=ReferralStatus.RG_NEGATIVE)
    outcome = DecisionOutcome.NEGATIVE
    reasons = "The information does not meet the Reasonable Grounds threshold."
    recovery_period_ends_on = LazyAttribute(lambda d: None)
    assurance_status = AssuranceStatus.APPROVED


class AwaitingAssuranceRgDecisionFactory(NegativeRgDecisionFactory):
    """A negative RG recorded but not yet assured: the referral still awaits RG."""

    referral = SubFactory(ReferralFactory, status=ReferralStatus.SUBMITTED)
    assurance_status = AssuranceStatus.AWAITING


class PendingCgDecisionFactory(PendingRgDecisionFactory):
    """A CG decision due after a positive RG (opened by the positive RG)."""

    referral = SubFactory(ReferralFactory, status=ReferralStatus.RG_POSITIVE)
    stage = DecisionStage.CONCLUSIVE_GROUNDS


def cg_decision_due(today: dt.date) -> Decision:
    """A referral awaiting its CG decision: a positive RG 55 days ago whose recovery period
    ended 25 days ago, and the CG decision started then, due in 35 days."""
    rg = PositiveRgDecisionFactory.create(
        referral__referred_on=today - dt.timedelta(days=60),
        decided_on=today - dt.timedelta(days=55),
        recovery_period_ends_on=today - dt.timedelta(days=25),
    )
    return PendingCgDecisionFactory.create(
        referral=rg.referral,
        started_on=today - dt.timedelta(days=25),
        deadline=today + dt.timedelta(days=35),
    )
