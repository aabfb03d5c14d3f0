"""Forms of the statistics pages: parse input only."""

from __future__ import annotations

from typing import cast

from django import forms

from msht.analytics.engine.periods import Quarter
from msht.core.errors import ValidationError as MshtValidationError
from msht.core.reference import UkNation

PERIOD_INVALID = "Enter the quarter like 2024Q3"
ANY = ""


class DashboardFilterForm(forms.Form):
    """A dashboard's filters, read from the query string (a plain GET form)."""

    period = forms.ChoiceField(required=False)
    nation = forms.ChoiceField(required=False)
    exploitation_type = forms.ChoiceField(required=False)

    def __init__(
        self,
        data: object,
        *,
        quarters: list[Quarter],
        exploitation_types: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        choices = {
            "period": [(str(q), f"{q.label} ({q})") for q in quarters],
            "nation": [(ANY, "All nations"), *UkNation.choices],
            "exploitation_type": [(ANY, "All types"), *exploitation_types],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options


class PublishForm(forms.Form):
    """Publish a quarter's statistics."""

    period = forms.CharField(max_length=7, error_messages={"required": PERIOD_INVALID})
    round_to_five = forms.BooleanField(required=False)

    def clean_period(self) -> str:
        text = str(self.cleaned_data["period"]).strip().upper()
        try:
            return str(Quarter.parse(text))
        except MshtValidationError as error:
            raise forms.ValidationError(PERIOD_INVALID) from error
