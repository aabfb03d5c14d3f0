"""The analyst's request for an estimate."""

from __future__ import annotations

from django import forms

from msht.estimation.engine.estimate import SELECTIONS
from msht.estimation.models import ListGrouping

SELECTION_LABELS = {
    "stepwise": "Stepwise by significance (as for the 2013 UK estimate)",
    "aic": "Akaike information criterion",
    "bic": "Bayesian information criterion",
}


class EstimateForm(forms.Form):
    period = forms.CharField(
        max_length=16,
        error_messages={"required": "Enter a year, like 2024, or a quarter, like 2024Q3"},
    )
    grouping = forms.ChoiceField(choices=ListGrouping.choices, initial=ListGrouping.SECTOR)
    selection = forms.ChoiceField(
        choices=[(value, SELECTION_LABELS[value]) for value in SELECTIONS], initial="stepwise"
    )
