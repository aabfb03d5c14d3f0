"""Forms of the ingest pages: an upload, and the corrections of a quarantined row."""

from __future__ import annotations

from typing import Any

from django import forms

from msht.ingest.engine.mapping import available_sources, mapping_for
from msht.ingest.engine.readers import FORMATS

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
WRONG_ENDING = "The file must be a CSV, XLSX, ODS or JSON Lines export ({endings})"
TOO_LARGE = "The file must be smaller than 200 MB; use msht ingest for larger exports"


class UploadForm(forms.Form):
    """Which source the export comes from, and the file."""

    source = forms.ChoiceField(
        label="Which source is the export from?",
        error_messages={"required": "Select the source of the export"},
    )
    file = forms.FileField(
        label="Upload the export",
        error_messages={"required": "Select an export file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "Select a source")] + [
            (code, mapping_for(code).name) for code in available_sources()
        ]

    def clean_file(self) -> Any:
        """Only the export formats ingest reads, and no larger than an upload should be."""
        upload = self.cleaned_data["file"]
        ending = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if ending not in FORMATS:
            raise forms.ValidationError(WRONG_ENDING.format(endings=", ".join(sorted(FORMATS))))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return upload


class CorrectionForm(forms.Form):
    """One text box per cell of the quarantined row, holding its current value."""

    def __init__(self, *args: Any, cells: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = list(cells)
        for index, (column, value) in enumerate(cells.items()):
            self.fields[f"cell_{index}"] = forms.CharField(
                label=column, initial=value, required=False, strip=False
            )

    def corrections(self, original: dict[str, str]) -> dict[str, str]:
        """The cells whose value changed, by column name."""
        changed = {}
        for index, column in enumerate(self.columns):
            value = self.cleaned_data.get(f"cell_{index}", "")
            if value != original.get(column, ""):
                changed[column] = value
        return changed
