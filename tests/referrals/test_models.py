"""Invariants of person records, referrals and Duty to Notify reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from msht.core.reference import AgeGroup
from msht.referrals.models import DutyToNotifyReport, ExploitationPlace
from tests.referrals.factories import PersonRecordFactory, ReferralFactory

pytestmark = pytest.mark.django_db

# Anything that could identify a person: names, dates of birth, identifiers, contact details.
IDENTIFYING_WORDS = (
    "name",
    "birth",
    "passport",
    "pnc",
    "reference_number",
    "phone",
    "address",
    "email",
    "alias",
    "home_office_reference",
    "crime_reference",
    "narrative",
)


def test_duty_to_notify_report_has_no_identifying_field() -> None:
    fields = [field.name for field in DutyToNotifyReport._meta.get_fields()]
    identifying = [f for f in fields if any(word in f for word in IDENTIFYING_WORDS)]
    assert identifying == []


def test_adult_without_consent_cannot_be_referred() -> None:
    referral = ReferralFactory.build(age_group_at_exploitation=AgeGroup.ADULT, consent_given=False)
    with pytest.raises(ValidationError, match="Duty to Notify"):
        referral.clean()


def test_child_needs_no_consent() -> None:
    referral = ReferralFactory.build(age_group_at_exploitation=AgeGroup.CHILD, consent_given=None)
    referral.clean()


def test_exploitation_cannot_end_before_it_started() -> None:
    referral = ReferralFactory.build(
        exploitation_started_on=dt.date(2024, 5, 1), exploitation_ended_on=dt.date(2024, 4, 1)
    )
    with pytest.raises(ValidationError, match="cannot end before"):
        referral.clean()


@pytest.mark.parametrize(
    ("month", "day", "message"),
    [(13, None, "Month of birth"), (2, 32, "Day of birth"), (None, 4, "needs a month")],
)
def test_partial_dates_of_birth_are_checked(
    month: int | None, day: int | None, message: str
) -> None:
    record = PersonRecordFactory.build(birth_month=month, birth_day=day)
    with pytest.raises(ValidationError, match=message):
        record.clean()


def test_a_year_alone_is_a_valid_partial_date_of_birth() -> None:
    PersonRecordFactory.build(birth_year=1990, birth_month=None, birth_day=None).clean()


def test_exploitation_place_needs_an_area_or_a_country() -> None:
    referral = ReferralFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExploitationPlace.objects.create(referral=referral)
