"""A large upload is queued and ingested by ``msht ingest-queued`` in the background, as the
administrator who uploaded it; a small one is still ingested while the page waits."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role, User
from msht.audit.models import AuditEvent, AuditEventType
from msht.core import detached
from msht.ingest import queued
from msht.ingest.models import Batch, BatchState, IngestedRecord
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.django_db

Started = list[tuple[list[str], Path]]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> Started:
    """Commands the page starts, recorded instead of run; the var folder in tmp_path."""
    settings.VAR_DIR = tmp_path / "var"
    calls: Started = []

    def start_detached(command: list[str], *, log: Path) -> int:
        calls.append((command, log))
        return 1

    monkeypatch.setattr(detached, "start_detached", start_detached)
    return calls


def _administrator() -> tuple[Client, User]:
    user = UserFactory.create(role=Role.ADMINISTRATOR)
    client = Client()
    sign_in_verified(client, user)
    return client, user


def _upload(client: Client, tmp_path: Path, rows: int) -> Any:
    export = write_police(tmp_path / "force.csv", [police_row(n) for n in range(1, rows + 1)])
    upload = SimpleUploadedFile("force.csv", export.read_bytes(), content_type="text/csv")
    return client.post(reverse("ingest:upload"), {"source": "police", "file": upload})


def _queued_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int) -> Batch:
    """A batch an administrator's upload of ``rows`` rows queued (every upload is large)."""
    monkeypatch.setattr(queued, "QUEUE_FROM_ROWS", 1)
    client, _ = _administrator()
    _upload(client, tmp_path, rows=rows)
    return Batch.objects.get()


def test_a_large_upload_is_queued_then_ingested_by_the_command_as_its_uploader(
    started: Started,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(queued, "QUEUE_FROM_ROWS", 3)
    client, user = _administrator()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, tmp_path, rows=3)
    batch = Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ingest:batch", args=[batch.pk])
    assert batch.state == BatchState.QUEUED
    assert batch.started_by == user
    assert not IngestedRecord.objects.exists()
    spooled = queued.spool_path(batch)
    assert spooled.read_bytes() == (tmp_path / "force.csv").read_bytes()
    assert [command[-2:] for command, _ in started] == [["ingest-queued", str(batch.pk)]]
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.INGEST_BATCH,
        actor_id=user.pk,
        object_type="ingest.batch",
        object_id=str(batch.pk),
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "being ingested in the background" in page

    call_command("ingest-queued", str(batch.pk), stdout=io.StringIO())
    batch.refresh_from_db()
    assert (batch.state, batch.rows, batch.loaded) == (BatchState.COMPLETE, 3, 3)
    assert IngestedRecord.objects.count() == 3
    assert not spooled.exists()
    assert (
        AuditEvent.objects.filter(
            event_type=AuditEventType.INGEST_BATCH,
            actor_id=user.pk,
            object_type="ingest.batch",
            object_id=str(batch.pk),
        ).count()
        == 2
    )
    assert "being ingested" not in client.get(response["Location"]).content.decode()


def test_a_small_upload_is_still_ingested_while_the_page_waits(
    started: Started, tmp_path: Path
) -> None:
    client, _ = _administrator()
    _upload(client, tmp_path, rows=2)
    batch = Batch.objects.get()
    assert (batch.state, batch.loaded) == (BatchState.COMPLETE, 2)
    assert started == []


def test_a_batch_whose_process_cannot_start_is_rejected_with_the_reason(
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.VAR_DIR = tmp_path / "var"

    def start_detached(command: list[str], *, log: Path) -> int:
        raise OSError("no such interpreter")

    monkeypatch.setattr(detached, "start_detached", start_detached)
    monkeypatch.setattr(queued, "QUEUE_FROM_ROWS", 1)
    client, _ = _administrator()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, tmp_path, rows=1)
    batch = Batch.objects.get()
    assert batch.state == BatchState.REJECTED
    assert "no such interpreter" in batch.problems[0]
    # Nothing will ingest the export now, so no copy of it is kept.
    assert not queued.spool_path(batch).exists()
    rejected = AuditEvent.objects.filter(
        event_type=AuditEventType.INGEST_BATCH, object_id=str(batch.pk)
    ).last()
    assert rejected is not None
    assert rejected.details["state"] == BatchState.REJECTED


def test_a_batch_stopped_half_way_is_completed_by_running_the_command_again(
    started: Started, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _queued_batch(tmp_path, monkeypatch, rows=2)
    Batch.objects.filter(pk=batch.pk).update(state=BatchState.RUNNING)
    call_command("ingest-queued", str(batch.pk), stdout=io.StringIO())
    batch.refresh_from_db()
    assert (batch.state, batch.loaded) == (BatchState.COMPLETE, 2)


def test_the_command_refuses_a_batch_that_is_not_waiting(started: Started, tmp_path: Path) -> None:
    client, _ = _administrator()
    _upload(client, tmp_path, rows=1)
    batch = Batch.objects.get()
    with pytest.raises(CommandError, match="is not waiting to be ingested"):
        call_command("ingest-queued", str(batch.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no batch 999"):
        call_command("ingest-queued", "999", stdout=io.StringIO())


def test_an_uploader_who_may_no_longer_ingest_gets_nothing_ingested(
    started: Started, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _queued_batch(tmp_path, monkeypatch, rows=2)
    assert batch.started_by is not None
    User.objects.filter(pk=batch.started_by.pk).update(role=Role.ANALYST)
    with pytest.raises(CommandError, match="may no longer ingest exports"):
        call_command("ingest-queued", str(batch.pk), stdout=io.StringIO())
    batch.refresh_from_db()
    assert batch.state == BatchState.REJECTED
    assert not IngestedRecord.objects.exists()
    assert not queued.spool_path(batch).exists()


def test_a_queued_file_that_has_gone_is_reported(
    started: Started, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _queued_batch(tmp_path, monkeypatch, rows=1)
    queued.spool_path(batch).unlink()
    with pytest.raises(CommandError, match="no longer in the spool folder"):
        call_command("ingest-queued", str(batch.pk), stdout=io.StringIO())


def test_spreadsheets_are_queued_by_size_and_unknown_files_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = tmp_path / "force.xlsx"
    sheet.write_bytes(b"x" * 100)
    assert not queued.is_large(sheet, "force.xlsx")
    monkeypatch.setattr(queued, "QUEUE_FROM_BYTES", 100)
    assert queued.is_large(sheet, "force.xlsx")
    assert not queued.is_large(sheet, "force.pdf")


def test_the_page_starts_msht_ingest_queued_with_this_interpreter() -> None:
    command = detached.msht_command("ingest-queued", "7")
    assert command[1:] == ["-m", "msht.cli", "ingest-queued", "7"]
