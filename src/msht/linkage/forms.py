"""The reviewer's decision on a pair."""

from __future__ import annotations

from django import forms

from msht.linkage.models import ClericalDecision, LinkageKind

DECISION_REQUIRED = "Select whether these records are the same person"
KIND_REQUIRED = "Select which records to link"


class ClericalDecisionForm(forms.Form):
    """Match or not a match: one question, two answers (GOV.UK radios)."""

    decision = forms.ChoiceField(
        choices=[
            (ClericalDecision.MATCH, "Yes, the same person"),
            (ClericalDecision.NOT_MATCH, "No, different people"),
        ],
        error_messages={"required": DECISION_REQUIRED, "invalid_choice": DECISION_REQUIRED},
    )


class LinkageRunStartForm(forms.Form):
    """Which records a new run links (GOV.UK radios)."""

    kind = forms.ChoiceField(
        choices=[
            (LinkageKind.PERSONS, "Person records (potential victims)"),
            (LinkageKind.SUSPECTS, "Suspect records"),
        ],
        error_messages={"required": KIND_REQUIRED, "invalid_choice": KIND_REQUIRED},
    )
