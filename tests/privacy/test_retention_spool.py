"""Retention of spooled uploads: a copy of an agency export that no upload or queued or
running batch needs is deleted by ``msht retention``, once, with a ``record.erased`` event;
one that may still be needed is kept (ingest.queued.spool_orphans, SPOOL_GRACE)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from msht.accounts.models import Role, User
from msht.audit.models import AuditEvent, AuditEventType
from msht.core import detached
from msht.ingest import queued
from msht.ingest.models import Batch, BatchState
from msht.ingest.services import batch_ingest
from msht.privacy.retention import spool_summary
from msht.privacy.services import SPOOL_OBJECT_TYPE, spool_files_purge
from tests.accounts.factories import UserFactory
from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.django_db

OLD = queued.SPOOL_GRACE + dt.timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _nothing_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """A queued batch's process is never started by these tests."""
    monkeypatch.setattr(detached, "start_detached", lambda command, *, log: 1)


@pytest.fixture
def administrator() -> User:
    user: User = UserFactory.create(role=Role.ADMINISTRATOR)
    return user


def _queue(actor: User, tmp_path: Path, name: str = "force.csv") -> Batch:
    export = write_police(tmp_path / name, [police_row(1), police_row(2)])
    return queued.batch_queue(actor, source_code="police", path=export, file_name=name)


def _queue_then_roll_back(actor: User, tmp_path: Path, opened: list[Batch]) -> None:
    """Queue an upload inside a transaction that then fails: the rename into the batch's
    name happens inside it, so the rollback takes the batch and leaves its file."""
    with transaction.atomic():
        opened.append(_queue(actor, tmp_path))
        raise RuntimeError("rolled back")


def _spooled(name: str, *, age: dt.timedelta = dt.timedelta(0)) -> Path:
    """A file in the spool folder, last written ``age`` ago."""
    folder = queued.spool_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"PERSON_URN,FORENAME\nURN1,Given1\n")
    _age(path, age)
    return path


def _age(path: Path, age: dt.timedelta) -> None:
    when = (timezone.now() - age).timestamp()
    os.utime(path, (when, when))


def _run(*arguments: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("retention", *arguments, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _spool_events() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type=AuditEventType.RECORD_ERASED, object_type=SPOOL_OBJECT_TYPE
        )
    )


def test_an_old_upload_copy_no_batch_claimed_is_deleted_and_a_fresh_one_kept() -> None:
    old = _spooled("incoming-" + "a" * 32, age=OLD)
    fresh = _spooled("incoming-" + "b" * 32)  # an upload being copied in now

    purge = spool_files_purge(None, now=timezone.now())

    assert purge.deleted == {"incoming": 1}
    assert purge.failures == []
    assert not old.exists()
    assert fresh.exists()


def test_a_queued_or_running_batchs_file_is_kept_however_old(
    administrator: User, tmp_path: Path
) -> None:
    waiting = _queue(administrator, tmp_path)
    stopped = _queue(administrator, tmp_path, "other.csv")
    Batch.objects.filter(pk=stopped.pk).update(state=BatchState.RUNNING)
    for batch in (waiting, stopped):
        _age(queued.spool_path(batch), dt.timedelta(days=30))

    assert spool_files_purge(None, now=timezone.now()).deleted == {}

    assert queued.spool_path(waiting).exists()
    assert queued.spool_path(stopped).exists()
    assert _spool_events() == []


def test_the_file_of_a_batch_whose_transaction_rolled_back_is_deleted_after_the_grace(
    administrator: User, tmp_path: Path
) -> None:
    opened: list[Batch] = []
    with pytest.raises(RuntimeError, match="rolled back"):
        _queue_then_roll_back(administrator, tmp_path, opened)
    [batch] = opened
    left = queued.spool_path(batch)
    assert left.exists()
    assert not Batch.objects.filter(pk=batch.pk).exists()

    # Until the grace ends it may be a batch whose transaction has not committed yet.
    assert spool_files_purge(None, now=timezone.now()).deleted == {}
    assert left.exists()

    _age(left, OLD)
    assert spool_files_purge(None, now=timezone.now()).deleted == {"no_batch": 1}
    assert not left.exists()


@pytest.mark.parametrize("state", [BatchState.COMPLETE, BatchState.REJECTED])
def test_the_file_a_finished_batch_left_behind_is_deleted_at_once(
    administrator: User, tmp_path: Path, state: BatchState
) -> None:
    batch = _queue(administrator, tmp_path)
    Batch.objects.filter(pk=batch.pk).update(state=state)

    assert spool_files_purge(None, now=timezone.now()).deleted == {"finished_batch": 1}

    assert not queued.spool_path(batch).exists()


def test_a_file_another_batch_number_names_is_no_batchs_file(
    administrator: User, tmp_path: Path
) -> None:
    batch = _queue(administrator, tmp_path)
    # The same number with another ending: a rolled-back batch's, whose number was used again.
    stale = _spooled(f"batch-{batch.pk}.xlsx", age=OLD)
    unparsable = _spooled("batch-" + "9" * 30 + ".csv", age=OLD)

    assert spool_files_purge(None, now=timezone.now()).deleted == {"no_batch": 2}

    assert not stale.exists()
    assert not unparsable.exists()
    assert queued.spool_path(batch).exists()


def test_files_the_spool_never_names_are_left_alone() -> None:
    other = _spooled("README", age=OLD)

    assert spool_files_purge(None, now=timezone.now()).deleted == {}

    assert other.exists()


def test_the_command_deletes_them_with_one_erasure_event_and_a_second_run_changes_nothing(
    administrator: User, tmp_path: Path
) -> None:
    operator = UserFactory.create()
    kept = _queue(administrator, tmp_path)
    _spooled("incoming-" + "a" * 32, age=OLD)
    _spooled("batch-999.csv", age=OLD)

    first = _run("--username", operator.username)

    assert first["spool_files"] == {"incoming": 1, "no_batch": 1}
    assert first["failures"] == []
    [event] = _spool_events()
    assert event.actor_id == operator.pk
    assert event.details["deleted"] == 2
    assert event.details["reasons"] == {"incoming": 1, "no_batch": 1}
    assert sorted(event.details["files"]) == ["batch-999.csv", "incoming-" + "a" * 32]
    assert event.details["grace_hours"] == 1
    assert sorted(path.name for path in queued.spool_folder().iterdir()) == [
        queued.spool_path(kept).name
    ]

    second = _run("--username", operator.username)

    assert second["spool_files"] == {}
    assert len(_spool_events()) == 1


def test_a_dry_run_counts_the_spooled_uploads_it_would_delete_and_deletes_none() -> None:
    orphan = _spooled("incoming-" + "a" * 32, age=OLD)
    out = io.StringIO()

    result = _run("--dry-run")
    call_command("retention", "--dry-run", stdout=out)

    assert result["spool_files"] == {"incoming": 1}
    assert "Spooled uploads no batch needs would be deleted: 1 (incoming 1)" in out.getvalue()
    assert orphan.exists()
    assert _spool_events() == []
    assert spool_summary(now=timezone.now()) == {"incoming": 1}


def test_the_command_prints_how_many_spooled_uploads_it_deleted() -> None:
    _spooled("batch-999.csv", age=OLD)
    out = io.StringIO()

    call_command("retention", stdout=out)

    assert "Spooled uploads no batch needs deleted: 1 (no_batch 1)" in out.getvalue()


def test_a_file_that_cannot_be_deleted_is_named_and_the_others_are_deleted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stuck = _spooled("incoming-" + "a" * 32, age=OLD)
    other = _spooled("incoming-" + "b" * 32, age=OLD)
    unlink = Path.unlink

    def refusing_unlink(self: Path, missing_ok: bool = False) -> None:
        if self == stuck:
            raise PermissionError("permission denied")
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refusing_unlink)

    purge = spool_files_purge(None, now=timezone.now())

    assert purge.deleted == {"incoming": 1}
    assert purge.failures == [
        f"The spooled upload {stuck.name} could not be deleted: permission denied"
    ]
    assert not other.exists()
    assert _spool_events()[0].details["files"] == [other.name]


def test_a_batch_finishing_after_retention_deleted_its_file_still_succeeds(
    administrator: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _queue(administrator, tmp_path)

    def ingest_then_retention(*args: Any, **kwargs: Any) -> Any:
        result = batch_ingest(*args, **kwargs)
        # msht retention runs between the batch's commit and its own deletion of the file.
        assert spool_files_purge(None, now=timezone.now()).deleted == {"finished_batch": 1}
        return result

    monkeypatch.setattr(queued, "batch_ingest", ingest_then_retention)

    result = queued.batch_run_queued(batch.pk)

    assert result.batch.state == BatchState.COMPLETE
    assert not queued.spool_path(batch).exists()
