"""Factories for person records, referrals and Duty to Notify reports, named by state."""

from __future__ import annotations

import datetime as dt
from typing import cast

from factory.declarations import SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory
from factory.faker import Faker

from msht.core.reference import AgeGroup, ExploitationLocation, Gender, ImmigrationStatus
from msht.referrals.answers import ReferralAnswers
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


class DraftReferralFactory(ReferralFactory):
    """A draft: no NRM reference yet, nothing checked."""

    reference = Sequence(lambda n: f"DRAFT-TEST-{n:06d}")
    status = ReferralStatus.DRAFT
    consent_given = None  # type: ignore[assignment]  # a draft has not asked yet


class NegativeRgReferralFactory(ReferralFactory):
    status = ReferralStatus.RG_NEGATIVE


def complete_answers(**overrides: object) -> ReferralAnswers:
    """Answers that pass every submission check: an adult who consents, labour exploitation
    in one UK police force area."""
    answers: dict[str, object] = {
        "referring_officer_name": "Sam Officer",
        "referring_officer_email": "sam.officer@example.gov.uk",
        "age_group_at_exploitation": AgeGroup.ADULT,
        "consent_given": True,
        "given_names": "Ana Maria",
        "family_name": "Popescu",
        "gender": Gender.FEMALE,
        "birth_year": 1994,
        "birth_month": 3,
        "birth_day": 14,
        "nationalities": ["ROU"],
        "exploitation_types": ["labour"],
        "exploitation_location": ExploitationLocation.UK_ONLY,
        "places": [{"police_force_area": "kent"}],
        "exploitation_started_on": dt.date(2024, 1, 10),
        "immigration_status": ImmigrationStatus.VISA_HOLDER,
        "ilo_indicators": ["deception", "withholding_of_wages"],
        "narrative": "Worked on a farm for no pay; passport held by the gangmaster.",
        "police_crime_reference": "KNT-2024-0001",
    }
    answers.update(overrides)
    return cast(ReferralAnswers, answers)
