"""A referral's answers as GOV.UK summary list rows, in the order the form asks them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from msht.core.models import ExploitationType, IloIndicator, Nationality, PoliceForceArea
from msht.core.reference import AgeGroup, ExploitationLocation, Gender, ImmigrationStatus
from msht.referrals.answers import ReferralAnswers
from msht.referrals.forms import StepForm

NOT_GIVEN = "Not given"


def _names(model: type[Any], codes: list[str]) -> str:
    names = dict(model.objects.filter(code__in=codes).values_list("code", "name"))
    return ", ".join(names.get(code, code) for code in codes) or NOT_GIVEN


def _label(choices: Any, value: object) -> str:
    return str(dict(choices).get(value, NOT_GIVEN)) if value else NOT_GIVEN


def _birth_date(answers: ReferralAnswers) -> str:
    parts = [answers.get("birth_day"), answers.get("birth_month"), answers.get("birth_year")]
    text = " ".join(str(part) for part in parts if part is not None) or NOT_GIVEN
    return f"{text} (estimated)" if answers.get("birth_date_is_estimated") else text


def _date(value: object) -> str:
    return value.strftime("%-d %B %Y") if isinstance(value, dt.date) else NOT_GIVEN


def _places(answers: ReferralAnswers) -> str:
    places = answers.get("places") or []
    areas = _names(
        PoliceForceArea, [p["police_force_area"] for p in places if p.get("police_force_area")]
    )
    countries = _names(Nationality, [p["country"] for p in places if p.get("country")])
    return "; ".join(text for text in (areas, countries) if text != NOT_GIVEN) or NOT_GIVEN


def _yes_no(value: object) -> str:
    return NOT_GIVEN if value is None else ("Yes" if value else "No")


def _rows_for(answers: ReferralAnswers) -> dict[str, list[tuple[str, str]]]:
    """Each page's rows: (question, answer as shown)."""
    when = (
        _date(answers.get("exploitation_started_on"))
        + " to "
        + (
            "ongoing"
            if answers.get("exploitation_is_ongoing")
            else _date(answers.get("exploitation_ended_on"))
        )
    )
    return {
        "referrer": [
            ("Your name", answers.get("referring_officer_name") or NOT_GIVEN),
            ("Your email address", answers.get("referring_officer_email") or NOT_GIVEN),
            ("Your phone number", answers.get("referring_officer_phone") or NOT_GIVEN),
        ],
        "age-group": [
            (
                "Age group at exploitation",
                _label(AgeGroup.choices, answers.get("age_group_at_exploitation")),
            )
        ],
        "consent": [("Consents to referral", _yes_no(answers.get("consent_given")))],
        "person": [
            ("Given names", answers.get("given_names") or NOT_GIVEN),
            ("Family name", answers.get("family_name") or NOT_GIVEN),
            ("Other names", ", ".join(answers.get("aliases") or []) or NOT_GIVEN),
        ],
        "date-of-birth": [("Date of birth", _birth_date(answers))],
        "gender-and-nationality": [
            ("Gender", _label(Gender.choices, answers.get("gender"))),
            ("Nationality", _names(Nationality, answers.get("nationalities") or [])),
        ],
        "identifiers": [
            ("Home Office reference", answers.get("home_office_reference") or NOT_GIVEN),
            ("PNC id", answers.get("pnc_id") or NOT_GIVEN),
            ("Passport number", answers.get("passport_number") or NOT_GIVEN),
        ],
        "contact": [
            ("Phone numbers", ", ".join(answers.get("phone_numbers") or []) or NOT_GIVEN),
            ("Address", "; ".join(answers.get("addresses") or []) or NOT_GIVEN),
        ],
        "exploitation-types": [
            (
                "Types of exploitation",
                _names(ExploitationType, answers.get("exploitation_types") or []),
            ),
            ("County lines", _yes_no(answers.get("county_lines"))),
        ],
        "where": [
            ("Where", _label(ExploitationLocation.choices, answers.get("exploitation_location")))
        ],
        "places": [("Places", _places(answers))],
        "when": [("When", when)],
        "immigration-status": [
            (
                "Immigration status",
                _label(ImmigrationStatus.choices, answers.get("immigration_status")),
            )
        ],
        "indicators": [("Indicators", _names(IloIndicator, answers.get("ilo_indicators") or []))],
        "narrative": [("What happened", answers.get("narrative") or NOT_GIVEN)],
        "police-reference": [
            ("Police crime reference", answers.get("police_crime_reference") or NOT_GIVEN)
        ],
    }


def summary_rows(
    reference: str | None, answers: ReferralAnswers, steps: list[type[StepForm]]
) -> list[dict[str, str]]:
    """Rows for the pages this referral uses; with a draft's reference, each has a Change link."""
    by_step = _rows_for(answers)
    rows = []
    for step in steps:
        href = (
            reverse("referrals:step", args=[reference, step.slug]) + "?return=check"
            if reference
            else ""
        )
        for key, value in by_step.get(step.slug, []):
            rows.append({"key": key, "value": value, "href": href})
    return rows
