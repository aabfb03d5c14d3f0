"""The HTCDS v2.0 data-entry template reads through the htcds mapping."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from msht.ingest.models import IngestedRecord, QuarantinedRow
from msht.ingest.services import batch_ingest
from tests.ingest.shared_data import shared_file

pytestmark = pytest.mark.django_db

TEMPLATE = "htcds/HTCDS_Excel_Spreadsheet_v2.0.xlsx"


def test_the_blank_template_is_a_complete_batch_of_no_rows() -> None:
    result = batch_ingest(None, source_code="htcds", path=shared_file(TEMPLATE))
    assert result.batch.state == "complete"
    assert result.counts.rows == 0
    # The numbering column and the one column without a system name are named, not lost.
    assert any("has no name" in warning for warning in result.batch.problems)


def test_filled_template_rows_load_and_criminal_is_never_invented(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    shutil.copy(shared_file(TEMPLATE), path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [
        {
            "prs_FirstName": "Ana",
            "prs_SecondName": "Pop",
            "prs_Gender": "Feminine",
            "prs_Citizenship": "RO;MD",
            "prs_Birthdate": "1994-05-06",
            "vic_TypeOfExploitation": "SexualExploitation;Other",
            "cas_IncomingReferralDate": "2024-02-01",
        },
        {
            "prs_FirstName": "Tom",
            "prs_SecondName": "Li",
            "prs_Gender": "Unknown value",
            "vic_TypeOfExploitation": "ForcedBegging",
        },
    ]
    for offset, values in enumerate(rows):
        for name, value in values.items():
            sheet.cell(row=3 + offset, column=header.index(name) + 1, value=value)
    workbook.save(path)
    result = batch_ingest(None, source_code="htcds", path=path)
    assert (result.counts.loaded, result.counts.quarantined) == (1, 1)
    record = IngestedRecord.objects.get()
    assert record.fields["exploitation_types"] == ["not_specified", "sexual"]
    assert record.fields["nationalities"] == ["ROU", "MDA"]
    bad = QuarantinedRow.objects.get()
    assert (bad.row_number, bad.field) == (4, "prs_Gender")
