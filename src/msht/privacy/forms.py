"""The subject access form: parse input only; the rules live in privacy.services."""

from __future__ import annotations

from django import forms

# GOV.UK error messages say what to do (design-system.service.gov.uk, 'Error message').
PERSON_ID_MISSING = "Enter the person id"
PERSON_ID_INVALID = (
    "Enter the person id as record linkage shows it, like 0f8fad5b-d9cb-469f-a165-70867728950e"
)
JUSTIFICATION_MISSING = "Enter why the export is made"
RECIPIENT_MISSING = "Enter who receives the export"
FORMAT_MISSING = "Select the format of the export"


class SubjectAccessForm(forms.Form):
    """Who the request is about, why it is answered, who receives it, in which format."""

    person_id = forms.UUIDField(
        error_messages={"required": PERSON_ID_MISSING, "invalid": PERSON_ID_INVALID}
    )
    justification = forms.CharField(
        max_length=1000, error_messages={"required": JUSTIFICATION_MISSING}
    )
    recipient = forms.CharField(max_length=300, error_messages={"required": RECIPIENT_MISSING})
    export_format = forms.ChoiceField(
        choices=(("html", "A web page (HTML) to read"), ("json", "A data file (JSON)")),
        error_messages={"required": FORMAT_MISSING},
    )
