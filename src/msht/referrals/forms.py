"""The referral form, one question (or a few close ones) per page, with GOV.UK error messages.

Forms only check the shape of an answer (a number is a number, a date is a real date); the
rules of a referral are the services' (every problem is reported on the check answers page).
Each step turns its cleaned data into ``ReferralAnswers`` and back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms

from msht.core.models import ExploitationType, IloIndicator, Nationality, PoliceForceArea
from msht.core.reference import AgeGroup, ExploitationLocation, Gender, ImmigrationStatus
from msht.referrals.answers import PlaceAnswer, ReferralAnswers
from msht.referrals.services import MAX_PLACES, UK_NATIONALITY

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]
DATE_NOT_REAL = "{label} must be a real date"
DATE_INCOMPLETE = "{label} must include a day, month and year"
NUMBER_NEEDED = "{label} must be a number"


@dataclass(frozen=True)
class DateGroup:
    """Three inputs (day, month, year) shown as one GOV.UK date input."""

    prefix: str
    legend: str
    hint: str


def _text(label: str, max_length: int = 200, *, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=hint,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
    )


def _lines(label: str, *, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=hint, widget=forms.Textarea(attrs={"rows": 3})
    )


def _part(label: str, low: int, high: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={
            "invalid": NUMBER_NEEDED.format(label=label),
            "min_value": f"{label} must be between {low} and {high}",
            "max_value": f"{label} must be between {low} and {high}",
        },
    )


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _choices_of(model: type[Any]) -> list[tuple[str, str]]:
    return [(row.code, row.name) for row in model.objects.all()]


class StepForm(forms.Form):
    """One page of the referral form."""

    slug: ClassVar[str]
    title: ClassVar[str]
    identifying: ClassVar[bool] = False  # skipped on the Duty to Notify branch
    date_groups: ClassVar[tuple[DateGroup, ...]] = ()

    def to_answers(self) -> ReferralAnswers:
        return cast(ReferralAnswers, dict(self.cleaned_data))

    @classmethod
    def initial_from(cls, answers: ReferralAnswers) -> dict[str, Any]:
        values = dict(answers)
        return {name: values.get(name) for name in cls.base_fields if name in values}

    def date_from(self, prefix: str, label: str, *, partial: bool) -> dt.date | None:
        """A date from three parts; ``partial`` leaves the check of an incomplete date out."""
        day, month, year = (
            self.cleaned_data.get(f"{prefix}_{part}") for part in ("day", "month", "year")
        )
        if day is None and month is None and year is None:
            return None
        if day is None or month is None or year is None:
            if not partial:
                self.add_error(f"{prefix}_day", DATE_INCOMPLETE.format(label=label))
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            self.add_error(f"{prefix}_day", DATE_NOT_REAL.format(label=label))
            return None


class ReferrerForm(StepForm):
    slug = "referrer"
    title = "About you, the referrer"
    referring_officer_name = _text("Your full name")
    referring_officer_email = forms.EmailField(
        label="Your email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk"
        },
    )
    referring_officer_phone = _text("Your phone number", 40)


class AgeGroupForm(StepForm):
    slug = "age-group"
    title = "How old was the person when they were exploited?"
    age_group_at_exploitation = forms.ChoiceField(
        label=title,
        choices=AgeGroup.choices,
        required=False,
        help_text="A child is under 18. If you are not sure, choose 'Not known'.",
    )


class ConsentForm(StepForm):
    slug = "consent"
    title = "Does the person consent to being referred to the National Referral Mechanism?"
    consent_given = forms.ChoiceField(
        label=title,
        choices=YES_NO,
        required=False,
        help_text="An adult must give informed consent. If they do not, you will report them "
        "under Duty to Notify instead, without details that identify them.",
    )

    def to_answers(self) -> ReferralAnswers:
        value = self.cleaned_data.get("consent_given")
        return {"consent_given": None if not value else value == YES}

    @classmethod
    def initial_from(cls, answers: ReferralAnswers) -> dict[str, Any]:
        consent = answers.get("consent_given")
        return {"consent_given": "" if consent is None else (YES if consent else NO)}


class PersonForm(StepForm):
    slug = "person"
    title = "The person's name"
    identifying = True
    given_names = _text("Given names")
    family_name = _text("Family name")
    aliases = _lines("Other names they are known by (optional)", hint="One name per line.")

    def to_answers(self) -> ReferralAnswers:
        data = self.cleaned_data
        return {
            "given_names": data["given_names"],
            "family_name": data["family_name"],
            "aliases": _split_lines(data["aliases"]),
        }

    @classmethod
    def initial_from(cls, answers: ReferralAnswers) -> dict[str, Any]:
        initial = super().initial_from(answers)
        initial["aliases"] = "\n".join(answers.get("aliases") or [])
        return initial


class BirthDateForm(StepForm):
    slug = "date-of-birth"
    title = "What is the person's date of birth?"
    identifying = True
    date_groups = (DateGroup("birth", title, "Enter what you know, for example 1994 or 3 1994."),)
    birth_day = _part("Day of birth", 1, 31)
    birth_month = _part("Month of birth", 1, 12)
    birth_year = _part("Year of birth", 1900, 2100)
    birth_date_is_estimated = forms.BooleanField(
        label="The date of birth is estimated", required=False
    )


class GenderNationalityForm(StepForm):
    slug = "gender-and-nationality"
    title = "The person's gender and nationality"
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, required=False)
    nationality = forms.ChoiceField(label="Nationality", required=False)
    second_nationality = forms.ChoiceField(label="Second nationality (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Select a nationality"), *_choices_of(Nationality)]
        for name in ("nationality", "second_nationality"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices

    def to_answers(self) -> ReferralAnswers:
        data = self.cleaned_data
        codes = [data["nationality"], data["second_nationality"]]
        return {
            "gender": data["gender"],
            "nationalities": list(dict.fromkeys(c for c in codes if c)),
        }

    @classmethod
    def initial_from(cls, answers: ReferralAnswers) -> dict[str, Any]:
        codes = [*(answers.get("nationalities") or []), "", ""]
        return {
            "gender": answers.get("gender"),
            "nationality": codes[0],
            "second_nationality": codes[1],
        }


class IdentifiersForm(StepForm):
    slug = "identifiers"
    title = "The person's identifiers"
    identifying = True
    home_office_reference = _text("Home Office reference (optional)", 40)
    pnc_id = _text("Police National Computer (PNC) id (optional)", 40)
    passport_number = _text("Passport number (optional)", 40)


class ContactForm(StepForm):
    slug = "contact"
    title = "How to contact the person"
    identifying = True
    phone_numbers = _lines("Phone numbers (optional)", hint="One number per line.")
    addresses = _lines("Address (optional)", hint="Where the person can be contacted safely.")

    def to_answers(self) -> ReferralAnswers:
        data = self.cleaned_data
        address = ", ".join(_split_lines(data["addresses"]))
        return {
            "phone_numbers": _split_lines(data["phone_numbers"]),
            "addresses": [address] if address else [],
        }

    @classmethod
    def initial_from(cls, answers: ReferralAnswers) -> dict[str, Any]:
        return {
            "phone_numbers": "\n".join(answers.get("phone_numbers") or []),
            "addresses": "\n".join(answers.get("addresses") or []),
        }


class ExploitationTypesForm(StepForm):
    slug = "exploitation-types"
    title = "What type of exploitation?"
    exploitation_types = forms.MultipleChoiceField(
        label=title, required=False, help_text="Select all that apply."
    )
    county_lines = forms.BooleanField(
        label="County lines (a kind of criminal exploitation)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["exploitation_types"]).choices = _choices_of(
            ExploitationType
        )


class WhereForm(StepForm):
    slug = "where"
    title = "Where did the exploitation take place?"
    exploitation_location = forms.ChoiceField(
        label=title, choices=ExploitationLocation.choices, required=False
    )


class PlacesForm(StepForm):
    slug = "places"
    title = "Places of exploitation"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = [(f"uk:{code}", name) for code, name in _choices_of(PoliceForceArea)]
        # The UK is chosen by its police force areas, never as a country overseas.
        countries = [
            (f"overseas:{code}", name)
            for code, name in _choices_of(Nationality)
            if code != UK_NATIONALITY
        ]
        choices: list[Any] = [
            ("", "Select a place"),
            ("UK police force areas", areas),
            ("Countries overseas", countries),
        ]
        for number in range(1, MAX_PLACES + 1):
            self.fields[f"place_{number}"] = forms.ChoiceField(
                label=f"Place {number}" + (" (optional)" if number > 1 else ""),
                choices=choices,
                required=False,
            )

    def to_answers(self) -> ReferralAnswers:
        places: list[PlaceAnswer] = []
        for number in range(1, MAX_PLACES + 1):
            value = self.cleaned_data.get(f"place_{number}") or ""
            kind, _, code = value.partition(":")
            if kind == "uk":
                places.append({"police_force_area": code})
            elif kind == "overseas":
                places.append({"country": code})
        return {"places": places}

    @classmethod
    def initial_from(cls, answers: ReferralAnswers) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for number, place in enumerate(answers.get("places") or [], start=1):
            area, country = place.get("police_force_area"), place.get("country")
            initial[f"place_{number}"] = f"uk:{area}" if area else f"overseas:{country}"
        return initial


class WhenForm(StepForm):
    slug = "when"
    title = "When did the exploitation take place?"
    date_groups = (
        DateGroup("started", "When did it start? (optional)", "For example, 27 3 2024"),
        DateGroup("ended", "When did it end? (optional)", "Leave blank if it has not ended."),
    )
    started_day = _part("Start day", 1, 31)
    started_month = _part("Start month", 1, 12)
    started_year = _part("Start year", 1900, 2100)
    ended_day = _part("End day", 1, 31)
    ended_month = _part("End month", 1, 12)
    ended_year = _part("End year", 1900, 2100)
    exploitation_is_ongoing = forms.BooleanField(
        label="The exploitation is ongoing", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["exploitation_started_on"] = self.date_from("started", "The start date", partial=False)
        data["exploitation_ended_on"] = self.date_from("ended", "The end date", partial=False)
        return data

    def to_answers(self) -> ReferralAnswers:
        data = self.cleaned_data
        return {
            "exploitation_started_on": data["exploitation_started_on"],
            "exploitation_ended_on": data["exploitation_ended_on"],
            "exploitation_is_ongoing": data["exploitation_is_ongoing"],
        }

    @classmethod
    def initial_from(cls, answers: ReferralAnswers) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "exploitation_is_ongoing": answers.get("exploitation_is_ongoing")
        }
        for prefix, name in (
            ("started", "exploitation_started_on"),
            ("ended", "exploitation_ended_on"),
        ):
            value: Any = answers.get(name)
            if isinstance(value, dt.date):
                initial.update(
                    {
                        f"{prefix}_day": value.day,
                        f"{prefix}_month": value.month,
                        f"{prefix}_year": value.year,
                    }
                )
        return initial


class ImmigrationStatusForm(StepForm):
    slug = "immigration-status"
    title = "What is the person's immigration status?"
    immigration_status = forms.ChoiceField(
        label=title, choices=ImmigrationStatus.choices, required=False
    )


class IndicatorsForm(StepForm):
    slug = "indicators"
    title = "Which indicators of forced labour did you see?"
    ilo_indicators = forms.MultipleChoiceField(
        label=title, required=False, help_text="Select all that apply (the ILO indicators)."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["ilo_indicators"]).choices = _choices_of(
            IloIndicator
        )


class NarrativeForm(StepForm):
    slug = "narrative"
    title = "What happened to the person?"
    identifying = True
    narrative = forms.CharField(
        label=title,
        required=False,
        help_text="Describe how they were recruited, moved, controlled and exploited.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class PoliceReferenceForm(StepForm):
    slug = "police-reference"
    title = "Police crime reference (optional)"
    identifying = True
    police_crime_reference = _text(title, 64)


STEPS: tuple[type[StepForm], ...] = (
    ReferrerForm,
    AgeGroupForm,
    ConsentForm,
    PersonForm,
    BirthDateForm,
    GenderNationalityForm,
    IdentifiersForm,
    ContactForm,
    ExploitationTypesForm,
    WhereForm,
    PlacesForm,
    WhenForm,
    ImmigrationStatusForm,
    IndicatorsForm,
    NarrativeForm,
    PoliceReferenceForm,
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def is_duty_to_notify(answers: ReferralAnswers) -> bool:
    """An adult who said no to consent: the form becomes a Duty to Notify report."""
    return (
        answers.get("age_group_at_exploitation") == AgeGroup.ADULT
        and answers.get("consent_given") is False
    )


def steps_for(answers: ReferralAnswers) -> list[type[StepForm]]:
    """The pages this draft needs: consent for adults only; no identifying pages on the Duty
    to Notify branch; places only when the location is known."""
    steps: list[type[StepForm]] = []
    for step in STEPS:
        if step is ConsentForm and answers.get("age_group_at_exploitation") != AgeGroup.ADULT:
            continue
        if step.identifying and is_duty_to_notify(answers):
            continue
        if step is PlacesForm and answers.get("exploitation_location") in (
            None,
            "",
            ExploitationLocation.NOT_KNOWN,
        ):
            continue
        steps.append(step)
    return steps


# Where each answer is asked: links from the check answers page and its error summary.
STEP_OF_ANSWER: dict[str, str] = {
    "referring_officer_name": "referrer",
    "referring_officer_email": "referrer",
    "referring_officer_phone": "referrer",
    "age_group_at_exploitation": "age-group",
    "consent_given": "consent",
    "given_names": "person",
    "family_name": "person",
    "aliases": "person",
    "birth_year": "date-of-birth",
    "birth_month": "date-of-birth",
    "birth_day": "date-of-birth",
    "gender": "gender-and-nationality",
    "nationalities": "gender-and-nationality",
    "home_office_reference": "identifiers",
    "pnc_id": "identifiers",
    "passport_number": "identifiers",
    "phone_numbers": "contact",
    "addresses": "contact",
    "exploitation_types": "exploitation-types",
    "county_lines": "exploitation-types",
    "exploitation_location": "where",
    "places": "places",
    "exploitation_started_on": "when",
    "exploitation_ended_on": "when",
    "exploitation_is_ongoing": "when",
    "immigration_status": "immigration-status",
    "ilo_indicators": "indicators",
    "narrative": "narrative",
    "police_crime_reference": "police-reference",
}
# The input an answer's error links to, where it is not the answer's own name.
ANCHOR_OF_ANSWER = {
    "nationalities": "nationality",
    "places": "place_1",
    "exploitation_started_on": "started_day",
    "exploitation_ended_on": "ended_day",
}


class AmendForm(forms.Form):
    """The answers a first responder most often puts right, and why."""

    given_names = _text("Given names")
    family_name = _text("Family name")
    immigration_status = forms.ChoiceField(
        label="Immigration status", choices=ImmigrationStatus.choices, required=False
    )
    narrative = forms.CharField(
        label="What happened to the person",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    police_crime_reference = _text("Police crime reference", 64)
    reason = forms.CharField(
        label="Why are you amending the referral?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def to_answers(self) -> ReferralAnswers:
        return cast(ReferralAnswers, {k: v for k, v in self.cleaned_data.items() if k != "reason"})
