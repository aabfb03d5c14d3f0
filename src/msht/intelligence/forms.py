"""The investigator's intelligence report form: the 3x5x2 grading and what the report names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from msht.intelligence.models import (
    HandlingCode,
    IntelligenceAssessment,
    Offence,
    PursueOutcomeType,
    SourceEvaluation,
)
from msht.intelligence.services import IntelligenceAnswers, PursueOutcomeAnswers
from msht.referrals.forms import DateGroup

LINES_HINT = "One per line."


def _lines(label: str, hint: str = LINES_HINT) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=hint, widget=forms.Textarea(attrs={"rows": 3})
    )


def _part(label: str, low: int, high: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": "Enter the date the intelligence was received",
            "invalid": f"{label} must be a number",
            "min_value": f"{label} must be between {low} and {high}",
            "max_value": f"{label} must be between {low} and {high}",
        },
    )


def _split(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class IntelligenceForm(forms.Form):
    date_groups = (DateGroup("received", "When was it received?", "For example, 27 3 2024"),)
    received_day = _part("Day received", 1, 31)
    received_month = _part("Month received", 1, 12)
    received_year = _part("Year received", 2000, 2100)
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", choices=SourceEvaluation.choices, widget=forms.RadioSelect
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment",
        choices=IntelligenceAssessment.choices,
        widget=forms.RadioSelect,
    )
    handling_code = forms.ChoiceField(
        label="Handling code", choices=HandlingCode.choices, widget=forms.RadioSelect
    )
    handling_conditions = forms.CharField(
        label="Handling conditions",
        required=False,
        help_text="Required for handling code C: who may see it and how it may be used.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    permitted_organisations = _lines(
        "Organisations permitted to see it (handling code C)",
        "Organisation codes, one per line, for example police-west-yorkshire.",
    )
    summary = forms.CharField(
        label="What the intelligence says", widget=forms.Textarea(attrs={"rows": 6})
    )
    suspect_references = _lines(
        "Suspect records it names", "Suspect record references, one per line."
    )
    phone_numbers = _lines("Phone numbers")
    addresses = _lines("Addresses")
    vehicles = _lines("Vehicle registration marks")
    organisations_named = _lines("Businesses and groups it names")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["received_on"] = _clean_date(self, data, "received")
        return data

    def answers(self) -> IntelligenceAnswers:
        data = self.cleaned_data
        return IntelligenceAnswers(
            received_on=data["received_on"],
            source_evaluation=data["source_evaluation"],
            intelligence_assessment=data["intelligence_assessment"],
            handling_code=data["handling_code"],
            summary=data["summary"],
            handling_conditions=data["handling_conditions"],
            permitted_organisations=_split(data["permitted_organisations"]),
            suspect_references=_split(data["suspect_references"]),
            phone_numbers=_split(data["phone_numbers"]),
            addresses=_split(data["addresses"]),
            vehicles=_split(data["vehicles"]),
            organisations_named=_split(data["organisations_named"]),
        )


class PursueOutcomeForm(forms.Form):
    date_groups = (DateGroup("occurred", "When did it happen?", "For example, 27 3 2024"),)
    outcome_type = forms.ChoiceField(
        label="Outcome", choices=PursueOutcomeType.choices, widget=forms.RadioSelect
    )
    occurred_day = _part("Day", 1, 31)
    occurred_month = _part("Month", 1, 12)
    occurred_year = _part("Year", 2000, 2100)
    suspect_reference = forms.CharField(
        label="Suspect record", required=False, help_text="The suspect record's reference."
    )
    network_reference = forms.CharField(
        label="Operation",
        required=False,
        help_text="Your agency's own reference for the operation, when the outcome is against it.",
    )
    offence = forms.ChoiceField(label="Offence", choices=Offence.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["occurred_on"] = _clean_date(self, data, "occurred")
        return data

    def answers(self) -> PursueOutcomeAnswers:
        data = self.cleaned_data
        return PursueOutcomeAnswers(
            outcome_type=data["outcome_type"],
            occurred_on=data["occurred_on"],
            suspect_reference=data["suspect_reference"].strip(),
            network_reference=data["network_reference"],
            offence=data["offence"],
            notes=data["notes"],
        )


def _clean_date(form: forms.Form, data: dict[str, Any], prefix: str) -> dt.date | None:
    """The date of a day, month and year group; 'Enter a real date' when the three parts
    are given but make no date (31 February)."""
    year, month, day = (data.get(f"{prefix}_{part}") for part in ("year", "month", "day"))
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        form.add_error(f"{prefix}_day", "Enter a real date")
        return None
