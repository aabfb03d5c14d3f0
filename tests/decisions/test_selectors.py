"""The work queue, assurance queue, overdue view, case timeline and linked referrals."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from msht.accounts.models import OrganisationType, User
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.errors import PermissionDeniedError
from msht.core.reference import UkNation
from msht.decisions import selectors, services
from msht.decisions.models import DecisionOutcome
from msht.referrals.models import PersonEntity, Referral, ReferralStatus
from tests.accounts.factories import (
    DecisionMakerFactory,
    OrganisationFactory,
    QualityAssurerFactory,
    UserFactory,
)
from tests.decisions.factories import (
    AwaitingAssuranceRgDecisionFactory,
    PendingCgDecisionFactory,
    PendingRgDecisionFactory,
    PositiveRgDecisionFactory,
)
from tests.referrals.factories import PersonRecordFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 7, 15)


@pytest.fixture
def decision_maker() -> User:
    return DecisionMakerFactory.create()


def test_queue_holds_due_rg_and_cg_past_the_recovery_period_by_deadline(
    decision_maker: User,
) -> None:
    late = PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 10))
    soon = PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 20))
    cg_due = PendingCgDecisionFactory.create(
        started_on=dt.date(2024, 7, 1), deadline=dt.date(2024, 9, 1)
    )
    PendingCgDecisionFactory.create(started_on=dt.date(2024, 8, 1))  # recovery not passed
    PositiveRgDecisionFactory.create()  # decided
    queue = list(selectors.decision_list_queue(decision_maker, today=TODAY))
    assert queue == [late, soon, cg_due]
    assert selectors.working_days_remaining(late, TODAY) == -3
    assert selectors.working_days_remaining(soon, TODAY) == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (selectors.QueueFilters(stage="rg"), ["rg"]),
        (selectors.QueueFilters(stage="cg"), ["cg"]),
        (selectors.QueueFilters(overdue_only=True), ["rg"]),
        (selectors.QueueFilters(nation=UkNation.SCOTLAND), ["cg"]),
        (selectors.QueueFilters(first_responder_type=OrganisationType.NGO), ["cg"]),
        (selectors.QueueFilters(sort="deadline", descending=True), ["cg", "rg"]),
    ],
)
def test_queue_filters_and_sorts(
    decision_maker: User, filters: selectors.QueueFilters, expected: list[str]
) -> None:
    PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 10))
    PendingCgDecisionFactory.create(
        started_on=dt.date(2024, 7, 1),
        deadline=dt.date(2024, 9, 1),
        referral__nation=UkNation.SCOTLAND,
        referral__first_responder_organisation=OrganisationFactory.create(
            organisation_type=OrganisationType.NGO
        ),
    )
    queue = selectors.decision_list_queue(decision_maker, filters=filters, today=TODAY)
    assert [decision.stage for decision in queue] == expected


def test_queue_filters_by_competent_authority(decision_maker: User) -> None:
    mine = PendingRgDecisionFactory.create(decision_making_unit=decision_maker.organisation)
    PendingRgDecisionFactory.create()
    assert decision_maker.organisation is not None
    filters = selectors.QueueFilters(competent_authority=decision_maker.organisation.pk)
    assert list(selectors.decision_list_queue(decision_maker, filters=filters)) == [mine]


@pytest.mark.parametrize("factory", [UserFactory, QualityAssurerFactory])
def test_queue_is_for_decision_makers_only(factory: type[UserFactory]) -> None:
    with pytest.raises(PermissionDeniedError):
        selectors.decision_list_queue(factory.create())


def test_assurance_queue_leaves_out_the_assurers_own_decisions() -> None:
    awaiting = AwaitingAssuranceRgDecisionFactory.create()
    assurer = QualityAssurerFactory.create()
    assert list(selectors.decision_list_awaiting_assurance(assurer)) == [awaiting]
    with pytest.raises(PermissionDeniedError):
        selectors.decision_list_awaiting_assurance(DecisionMakerFactory.create())


def test_overdue_summary_counts_rg_and_cg_past_their_targets() -> None:
    PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 10))
    PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 20))
    PendingCgDecisionFactory.create(deadline=dt.date(2024, 7, 1))
    manager = UserFactory.create(role="governance")
    summary = selectors.decision_overdue_summary(manager, today=TODAY)
    assert (summary.rg_count, summary.cg_count) == (1, 1)
    with pytest.raises(PermissionDeniedError):
        selectors.decision_overdue_summary(UserFactory.create(role="analyst"), today=TODAY)


def test_timeline_lists_submission_amendments_decisions_and_assurance_in_order() -> None:
    referral = ReferralFactory.create(referred_on=dt.date(2024, 7, 1))
    maker = DecisionMakerFactory.create()
    assurer = QualityAssurerFactory.create()
    with (
        time_machine.travel(dt.datetime(2024, 7, 2, 9, tzinfo=dt.UTC), tick=False),
        transaction.atomic(),
    ):
        audit_record(
            None,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=referral,
            details={"fields": ["narrative"]},
        )
    with time_machine.travel(dt.datetime(2024, 7, 3, 9, tzinfo=dt.UTC), tick=False):
        decision = services.decision_record_rg(
            actor=maker, referral=referral, outcome=DecisionOutcome.NEGATIVE, reasons="Not met."
        )
    with time_machine.travel(dt.datetime(2024, 7, 4, 9, tzinfo=dt.UTC), tick=False):
        services.decision_assure(actor=assurer, decision=decision, approve=True)
    titles = [event.title for event in selectors.case_timeline(maker, referral=referral)]
    assert titles == [
        "Referral submitted",
        "Referral amended",
        "Reasonable Grounds: Negative",
        "Quality assurance of Reasonable Grounds: approved",
    ]
    responder = UserFactory.create(organisation=referral.first_responder_organisation)
    responder_view = selectors.case_timeline(responder, referral=referral)
    assert [event.title for event in responder_view][-1] == "Reasonable Grounds: Negative"
    assert all(event.by != maker.username for event in responder_view)


def test_referrer_does_not_see_a_decision_awaiting_assurance() -> None:
    awaiting = AwaitingAssuranceRgDecisionFactory.create()
    responder = UserFactory.create(organisation=awaiting.referral.first_responder_organisation)
    assert not selectors.decision_list_for_referral(responder, referral=awaiting.referral).exists()
    maker = DecisionMakerFactory.create()
    assert selectors.decision_list_for_referral(maker, referral=awaiting.referral).count() == 1


def test_another_organisation_cannot_see_the_case() -> None:
    referral = ReferralFactory.create()
    stranger = UserFactory.create()
    with pytest.raises(Referral.DoesNotExist):
        selectors.case_get(stranger, reference=referral.reference)


def test_linked_referrals_share_the_person_entity() -> None:
    first = ReferralFactory.create()
    assert first.person_record.entity is None
    person = PersonEntity.objects.create()
    first.person_record.entity = person
    first.person_record.save()
    organisation = first.first_responder_organisation
    second = ReferralFactory.create(
        first_responder_organisation=organisation,
        person_record=PersonRecordFactory.create(source_organisation=organisation, entity=person),
        status=ReferralStatus.RG_NEGATIVE,
    )
    elsewhere = ReferralFactory.create(
        person_record=PersonRecordFactory.create(entity=person),
    )
    maker = DecisionMakerFactory.create()
    assert set(selectors.referral_list_linked(maker, referral=first)) == {second, elsewhere}
    responder = UserFactory.create(organisation=organisation)
    assert list(selectors.referral_list_linked(responder, referral=first)) == [second]
    assert not selectors.referral_list_linked(maker, referral=ReferralFactory.create()).exists()
