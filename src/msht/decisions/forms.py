"""Forms of the decision pages: parse input only; the rules live in decisions.services."""

from __future__ import annotations

from django import forms

from msht.accounts.models import OrganisationType
from msht.core.reference import UkNation
from msht.decisions.models import DecisionOutcome
from msht.decisions.selectors import QUEUE_SORTS, QUEUE_STAGE_LABELS, QueueFilters

# GOV.UK error messages: say what to do (design-system.service.gov.uk, 'Error message').
OUTCOME_MISSING = "Select whether the decision is positive or negative"
REASONS_MISSING = "Enter the reasons for the decision"
WITHDRAW_REASONS_MISSING = "Enter why the referral is withdrawn or closed"
REQUEST_REASONS_MISSING = "Enter why reconsideration is requested"
VERDICT_MISSING = "Select whether you approve the decision or send it back"

OUTCOME_CHOICES = [
    (DecisionOutcome.POSITIVE.value, "Positive"),
    (DecisionOutcome.NEGATIVE.value, "Negative"),
]
APPROVE, REJECT = "approve", "reject"
VERDICT_CHOICES = [(APPROVE, "Approve: issue the decision"), (REJECT, "Send it back")]


class DecisionForm(forms.Form):
    """An RG, CG or reconsideration decision: outcome and reasons."""

    outcome = forms.ChoiceField(
        choices=OUTCOME_CHOICES, error_messages={"required": OUTCOME_MISSING}
    )
    reasons = forms.CharField(
        max_length=20000, error_messages={"required": REASONS_MISSING}, strip=True
    )


class WithdrawForm(forms.Form):
    reasons = forms.CharField(
        max_length=20000, error_messages={"required": WITHDRAW_REASONS_MISSING}
    )


class ReconsiderationRequestForm(forms.Form):
    reasons = forms.CharField(
        max_length=20000, error_messages={"required": REQUEST_REASONS_MISSING}
    )
    exceptional_circumstances = forms.CharField(max_length=20000, required=False)


class AssuranceForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=VERDICT_CHOICES, error_messages={"required": VERDICT_MISSING}
    )
    notes = forms.CharField(max_length=20000, required=False)


class QueueFilterForm(forms.Form):
    """The work queue's filters, read from the query string (a plain GET form)."""

    stage = forms.ChoiceField(choices=[("", "Any"), *QUEUE_STAGE_LABELS.items()], required=False)
    competent_authority = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    nation = forms.ChoiceField(choices=[("", "Any"), *UkNation.choices], required=False)
    first_responder_type = forms.ChoiceField(
        choices=[("", "Any"), *OrganisationType.choices], required=False
    )
    overdue = forms.BooleanField(required=False)
    sort = forms.ChoiceField(choices=[(key, key) for key in QUEUE_SORTS], required=False)
    order = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)

    def __init__(self, *args: object, authorities: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["competent_authority"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "Any"), *authorities]

    def filters(self) -> QueueFilters:
        """The valid filters; anything that does not parse is ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(
            stage=data.get("stage") or "",
            competent_authority=data.get("competent_authority"),
            nation=data.get("nation") or "",
            overdue_only=bool(data.get("overdue")),
            first_responder_type=data.get("first_responder_type") or "",
            sort=data.get("sort") or "deadline",
            descending=data.get("order") == "desc",
        )
