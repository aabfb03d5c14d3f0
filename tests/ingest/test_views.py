"""Ingest pages: upload, batch, quarantine list and correction, by role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role, User
from msht.audit.models import AuditEvent, AuditEventType
from msht.ingest.models import Batch, IngestedRecord, QuarantinedRow, QuarantineStatus
from msht.ingest.services import batch_ingest
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.django_db


def _client(role: Role) -> tuple[Client, User]:
    user = UserFactory.create(role=role)
    client = Client()
    sign_in_verified(client, user)
    return client, user


def _csv(tmp_path: Path, rows: list[dict[str, str]]) -> bytes:
    return write_police(tmp_path / "p.csv", rows).read_bytes()


@pytest.mark.parametrize("name", ["ingest:upload", "ingest:quarantine"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.ANALYST, 403),
        (Role.FIRST_RESPONDER, 403),
        (Role.DECISION_MAKER, 403),
        (Role.GOVERNANCE, 403),
    ],
)
def test_ingest_pages_answer_administrators_only(name: str, role: Role, status: int) -> None:
    client, _ = _client(role)
    assert client.get(reverse(name)).status_code == status


def test_an_upload_is_ingested_and_its_batch_shown(tmp_path: Path) -> None:
    client, user = _client(Role.ADMINISTRATOR)
    rows = [police_row(1), police_row(2, SEX="Q")]
    upload = SimpleUploadedFile("force.csv", _csv(tmp_path, rows), content_type="text/csv")
    response = client.post(reverse("ingest:upload"), {"source": "police", "file": upload})
    batch = Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ingest:batch", args=[batch.pk])
    assert (batch.file_name, batch.loaded, batch.quarantined) == ("force.csv", 1, 1)
    assert batch.started_by == user
    page = client.get(response["Location"]).content.decode()
    assert "force.csv" in page
    assert "is not one of the values" in page


def test_an_upload_of_the_wrong_kind_says_so(tmp_path: Path) -> None:
    client, _ = _client(Role.ADMINISTRATOR)
    upload = SimpleUploadedFile("force.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(reverse("ingest:upload"), {"source": "police", "file": upload})
    assert response.status_code == 400
    assert "must be a CSV, XLSX, ODS or JSON Lines export" in response.content.decode()
    assert not Batch.objects.exists()


def test_an_analyst_cannot_upload(tmp_path: Path) -> None:
    client, _ = _client(Role.ANALYST)
    upload = SimpleUploadedFile("force.csv", _csv(tmp_path, [police_row(1)]))
    response = client.post(reverse("ingest:upload"), {"source": "police", "file": upload})
    assert response.status_code == 403
    assert not Batch.objects.exists()


def test_a_quarantined_row_is_corrected_from_its_page_and_the_read_audited(
    tmp_path: Path,
) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(7, DOB="31/02/1990")])
    batch_ingest(None, source_code="police", path=path)
    row = QuarantinedRow.objects.get()
    client, user = _client(Role.ADMINISTRATOR)
    listing = client.get(reverse("ingest:quarantine")).content.decode()
    assert "not a date" in listing
    url = reverse("ingest:quarantine-correct", args=[row.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_VIEWED, object_id=str(row.pk), actor_id=user.pk
    ).exists()
    cells = {f"cell_{index}": value for index, value in enumerate(row.raw.values())}
    dob = f"cell_{list(row.raw).index('DOB')}"
    still_bad = client.post(url, {**cells, dob: "30/02/1990"})
    assert still_bad.status_code == 400
    assert "not a date" in still_bad.content.decode()
    done = client.post(url, {**cells, dob: "28/02/1990"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.status == QuarantineStatus.RESUBMITTED
    assert IngestedRecord.objects.get().fields["birth_date"] == "1990-02-28"


def test_the_home_page_links_administrators_to_ingest_and_quarantine() -> None:
    client, _ = _client(Role.ADMINISTRATOR)
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("ingest:upload") in page
    assert reverse("ingest:quarantine") in page
    assert reverse("quality:national") in page
