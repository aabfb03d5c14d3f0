"""Forms of the governance pages: parse input only; the rules live in governance.services."""

from __future__ import annotations

from django import forms

from msht.accounts.models import Organisation
from msht.core.models import Strand
from msht.core.periods import QUARTER_PATTERN
from msht.governance.models import (
    ActionStatus,
    DeliveryPlanItem,
    DeliveryStatus,
    RaciRole,
    ResponseKind,
)

# GOV.UK error messages say what to do (design-system.service.gov.uk, 'Error message').
PERIOD_INVALID = "Enter a quarter like 2024Q3"
RESPONSE_MISSING = "Select whether the recommendation is accepted, partially accepted or not"
RESPONDED_ON_MISSING = "Enter the date of the response"
DESCRIPTION_MISSING = "Enter what the action is"
OWNER_MISSING = "Select who owns the action"
DUE_ON_MISSING = "Enter the date the action is due"
STATUS_MISSING = "Select the status of the action"
ORGANISATION_MISSING = "Select an organisation"
STRAND_MISSING = "Select a strand"
TITLE_MISSING = "Enter the objective or milestone"
DUE_ON_INVALID = "Enter the due date as year-month-day, for example 2025-03-31"
NO_ROLE = ""


class PeriodForm(forms.Form):
    """The quarter a page shows, from the query string."""

    period = forms.RegexField(
        regex=QUARTER_PATTERN, required=False, error_messages={"invalid": PERIOD_INVALID}
    )


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        choices=ResponseKind.choices, error_messages={"required": RESPONSE_MISSING}
    )
    response_text = forms.CharField(max_length=20000, required=False)
    responded_on = forms.DateField(
        error_messages={"required": RESPONDED_ON_MISSING, "invalid": RESPONDED_ON_MISSING}
    )


class ActionForm(forms.Form):
    description = forms.CharField(max_length=5000, error_messages={"required": DESCRIPTION_MISSING})
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        error_messages={"required": OWNER_MISSING, "invalid_choice": OWNER_MISSING},
    )
    due_on = forms.DateField(error_messages={"required": DUE_ON_MISSING, "invalid": DUE_ON_MISSING})


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        choices=ActionStatus.choices, error_messages={"required": STATUS_MISSING}
    )
    evidence = forms.CharField(max_length=20000, required=False)
    completed_on = forms.DateField(required=False)


class RaciForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        error_messages={"required": ORGANISATION_MISSING, "invalid_choice": ORGANISATION_MISSING},
    )
    strand = forms.ModelChoiceField(
        queryset=Strand.objects.order_by("pk"),
        error_messages={"required": STRAND_MISSING, "invalid_choice": STRAND_MISSING},
    )
    role = forms.ChoiceField(
        choices=[(NO_ROLE, "No role (clear the cell)"), *RaciRole.choices], required=False
    )


class PlanItemForm(forms.Form):
    """A new objective, or a milestone of an existing objective."""

    strand = forms.ModelChoiceField(
        queryset=Strand.objects.order_by("pk"),
        error_messages={"required": STRAND_MISSING, "invalid_choice": STRAND_MISSING},
    )
    parent = forms.ModelChoiceField(
        queryset=DeliveryPlanItem.objects.filter(parent=None).order_by("strand", "title"),
        required=False,
        empty_label="None: this is a new objective",
    )
    title = forms.CharField(max_length=300, error_messages={"required": TITLE_MISSING})
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        error_messages={"required": OWNER_MISSING, "invalid_choice": OWNER_MISSING},
    )
    due_on = forms.DateField(required=False, error_messages={"invalid": DUE_ON_INVALID})
    status = forms.ChoiceField(choices=DeliveryStatus.choices, initial=DeliveryStatus.NOT_STARTED)


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=DeliveryStatus.choices, error_messages={"required": STATUS_MISSING}
    )
