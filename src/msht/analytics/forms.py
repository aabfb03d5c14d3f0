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


FORMAT_CHOICES = (
    ("ods", "Every table as an OpenDocument spreadsheet (ODS)"),
    ("csv_zip", "Every table as CSV files, in one zip file"),
    ("csv_table", "One table as a CSV file"),
    ("html", "The release page (HTML)"),
)
FORMAT_MISSING = "Choose what to download"
TABLE_MISSING = "Choose the table to download as CSV"
RECIPIENT_MISSING = "Enter who the statistics are for"
JUSTIFICATION_MISSING = "Enter why the statistics are being released"


class PublicationDownloadForm(forms.Form):
    """What to download from a publication, for whom and why (a disclosure)."""

    file_format = forms.ChoiceField(
        choices=FORMAT_CHOICES, error_messages={"required": FORMAT_MISSING}
    )
    table = forms.ChoiceField(required=False)
    recipient = forms.CharField(max_length=200, error_messages={"required": RECIPIENT_MISSING})
    justification = forms.CharField(
        max_length=1000, error_messages={"required": JUSTIFICATION_MISSING}
    )

    def __init__(self, data: object = None, *, tables: list[tuple[str, str]]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["table"]).choices = [("", "Choose a table"), *tables]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("file_format") == "csv_table" and not cleaned.get("table"):
            self.add_error("table", TABLE_MISSING)
        return cleaned
