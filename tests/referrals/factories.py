"""Factories for person records, referrals and Duty to Notify reports, named by state."""

from __future__ import annotations

import datetime as dt

from factory.declarations import SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory
from factory.faker import Faker

from msht.core.reference import AgeGroup, Gender
from msht.referrals.models import (
    DutyToNotifyReport,
    PersonRecord,
    PersonRecordSource,
    Referral,
    ReferralStatus,
)
from tests.accounts.factories import OrganisationFactory


class PersonRecordFactory(DjangoModelFactory[PersonRecord]):
    class Meta:
        model = PersonRecord

    source = PersonRecordSource.REFERRAL
    source_organisation = SubFactory(OrganisationFactory)
    given_names = Faker("first_name", locale="en_GB")
    family_name = Faker("last_name", locale="en_GB")
    birth_year = 1995
    gender = Gender.FEMALE


class ReferralFactory(DjangoModelFactory[Referral]):
    """A submitted referral; the subject's record comes from the same organisation."""

    class Meta:
        model = Referral

    reference = Sequence(lambda n: f"NRM-TEST-{n:06d}")
    status = ReferralStatus.SUBMITTED
    first_responder_organisation = SubFactory(OrganisationFactory)
    person_record = SubFactory(
        PersonRecordFactory,
        source_organisation=SelfAttribute("..first_responder_organisation"),
    )
    referred_on = dt.date(2024, 7, 1)
    consent_given = True
    age_group_at_exploitation = AgeGroup.ADULT


class PositiveRgReferralFactory(ReferralFactory):
    status = ReferralStatus.RG_POSITIVE


class DutyToNotifyReportFactory(DjangoModelFactory[DutyToNotifyReport]):
    class Meta:
        model = DutyToNotifyReport

    reference = Sequence(lambda n: f"DTN-TEST-{n:06d}")
    organisation = SubFactory(OrganisationFactory)
    reported_on = dt.date(2024, 7, 1)
