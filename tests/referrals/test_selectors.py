"""Reads of a person's record are scoped by organisation and always audited."""

from __future__ import annotations

import pytest

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.referrals.models import PersonRecord, Referral
from msht.referrals.selectors import person_record_get, referral_get, referral_list_visible
from tests.accounts.factories import DecisionMakerFactory, UserFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_first_responder_reads_own_referral_and_the_read_is_audited() -> None:
    user = UserFactory.create(role=Role.FIRST_RESPONDER)
    referral = ReferralFactory.create(first_responder_organisation=user.organisation)

    found = referral_get(user, reference=referral.reference)

    assert found == referral
    event = AuditEvent.objects.get()
    assert event.event_type == AuditEventType.RECORD_VIEWED
    assert (event.object_type, event.object_id) == (
        "referrals.personrecord",
        str(referral.person_record.pk),
    )
    assert event.actor_id == user.pk


def test_another_organisations_referral_looks_missing_and_is_not_audited_as_read() -> None:
    user = UserFactory.create(role=Role.FIRST_RESPONDER)
    other = ReferralFactory.create()

    with pytest.raises(Referral.DoesNotExist):
        referral_get(user, reference=other.reference)
    with pytest.raises(PersonRecord.DoesNotExist):
        person_record_get(user, pk=other.person_record.pk)
    assert not AuditEvent.objects.exists()


def test_decision_maker_reads_any_person_record_audited() -> None:
    decision_maker = DecisionMakerFactory.create()
    referral = ReferralFactory.create()

    record = person_record_get(decision_maker, pk=referral.person_record.pk)

    assert record == referral.person_record
    assert AuditEvent.objects.filter(actor_id=decision_maker.pk).count() == 1


def test_referral_list_is_scoped_to_the_actor() -> None:
    user = UserFactory.create(role=Role.FIRST_RESPONDER)
    own = ReferralFactory.create(first_responder_organisation=user.organisation)
    ReferralFactory.create()

    assert list(referral_list_visible(user)) == [own]
    assert referral_list_visible(UserFactory.create(role=Role.ANALYST)).count() == 0
