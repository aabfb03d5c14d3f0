"""A referral's answers as plain data: what the form, the API and the amendment history share.

The answers name reference data by code (nationalities by ISO 3166-1 alpha-3, police force
areas, exploitation types and ILO indicators by their slugs) so that they are JSON as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict, cast

from msht.referrals.models import Referral


class PlaceAnswer(TypedDict, total=False):
    """One place of exploitation: a UK police force area or an overseas country."""

    police_force_area: str
    country: str
    town_or_city: str


class ReferralAnswers(TypedDict, total=False):
    """Every answer of an NRM referral; a draft may hold any subset of them."""

    referring_officer_name: str
    referring_officer_email: str
    referring_officer_phone: str
    age_group_at_exploitation: str
    consent_given: bool | None
    given_names: str
    family_name: str
    aliases: list[str]
    gender: str
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    birth_date_is_estimated: bool
    nationalities: list[str]
    home_office_reference: str
    pnc_id: str
    passport_number: str
    phone_numbers: list[str]
    addresses: list[str]
    exploitation_types: list[str]
    county_lines: bool
    exploitation_location: str
    places: list[PlaceAnswer]
    exploitation_started_on: dt.date | None
    exploitation_ended_on: dt.date | None
    exploitation_is_ongoing: bool
    immigration_status: str
    ilo_indicators: list[str]
    narrative: str
    police_crime_reference: str


# Answers kept on the subject's person record; the rest are on the referral itself.
PERSON_FIELDS = (
    "given_names",
    "family_name",
    "aliases",
    "gender",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_date_is_estimated",
    "home_office_reference",
    "pnc_id",
    "passport_number",
    "phone_numbers",
    "addresses",
)
REFERRAL_FIELDS = (
    "referring_officer_name",
    "referring_officer_email",
    "referring_officer_phone",
    "age_group_at_exploitation",
    "consent_given",
    "county_lines",
    "exploitation_location",
    "exploitation_started_on",
    "exploitation_ended_on",
    "exploitation_is_ongoing",
    "immigration_status",
    "narrative",
    "police_crime_reference",
)
# Answers that identify a person: never kept when a draft becomes a Duty to Notify report.
IDENTIFYING_FIELDS = (
    "given_names",
    "family_name",
    "aliases",
    "birth_year",
    "birth_month",
    "birth_day",
    "home_office_reference",
    "pnc_id",
    "passport_number",
    "phone_numbers",
    "addresses",
    "referring_officer_name",
    "referring_officer_email",
    "referring_officer_phone",
    "narrative",
    "police_crime_reference",
)


def referral_answers(referral: Referral) -> ReferralAnswers:
    """The referral's answers as they stand (no audit: callers have read the referral already)."""
    record = referral.person_record
    answers: dict[str, Any] = {name: getattr(record, name) for name in PERSON_FIELDS}
    answers.update({name: getattr(referral, name) for name in REFERRAL_FIELDS})
    answers["nationalities"] = sorted(record.nationalities.values_list("code", flat=True))
    answers["exploitation_types"] = sorted(
        referral.exploitation_types.values_list("code", flat=True)
    )
    answers["ilo_indicators"] = sorted(referral.ilo_indicators.values_list("code", flat=True))
    places: list[PlaceAnswer] = []
    for place in referral.exploitation_places.select_related("police_force_area", "country"):
        answer: PlaceAnswer = {}
        if place.police_force_area is not None:
            answer["police_force_area"] = place.police_force_area.code
        if place.country is not None:
            answer["country"] = place.country.code
        if place.town_or_city:
            answer["town_or_city"] = place.town_or_city
        places.append(answer)
    answers["places"] = places
    return cast(ReferralAnswers, answers)


def json_value(value: object) -> object:
    """A value as JSON stores it (dates as ISO strings), for the amendment history."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
