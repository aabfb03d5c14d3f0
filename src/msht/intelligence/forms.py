"""The investigator's intelligence report form: the 3x5x2 grading and what the report names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from msht.intelligence.models import HandlingCode, IntelligenceAssessment, SourceEvaluation
from msht.intelligence.services import IntelligenceAnswers
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
        parts = [data.get(f"received_{part}") for part in ("year", "month", "day")]
        year, month, day = parts
        if year is not None and month is not None and day is not None:
            try:
                data["received_on"] = dt.date(int(year), int(month), int(day))
            except ValueError:
                self.add_error("received_day", "Enter a real date")
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
