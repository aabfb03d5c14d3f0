"""`msht backup` and `msht restore` round-trip a populated store exactly: every table, row
for row (count and a checksum over every row), the audit trail included."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from msht.accounts.models import User
from msht.audit.checkpoints import checkpoints_read
from msht.audit.models import AuditChainHead, AuditEvent, AuditEventType
from msht.audit.services import audit_record, audit_verify
from msht.core.errors import ConfigurationError
from msht.core.ops.backup import BACKUP_EXISTS, NOT_A_BACKUP, _run_tool, backup_write
from tests.accounts.factories import UserFactory

TableFingerprint = tuple[int, str]


def _fingerprint() -> dict[str, TableFingerprint]:
    """Every table's row count and a checksum over all its rows, whatever their order."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        fingerprint = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            digests = sorted(hashlib.sha256(repr(row).encode()).hexdigest() for row in cursor)
            fingerprint[table] = (
                len(digests),
                hashlib.sha256("".join(digests).encode()).hexdigest(),
            )
    return fingerprint


def _populate(tmp_path: Path) -> None:
    """A small synthetic world loaded through the real commands, plus users and audit events."""
    world = tmp_path / "world"
    call_command("synth", referrals=60, seed=3, out=str(world), stdout=io.StringIO())
    call_command("load", str(world), stdout=io.StringIO())
    UserFactory.create_batch(3)
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED, details={"note": "é ünïcode"})


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_every_table_exactly(tmp_path: Path) -> None:
    _populate(tmp_path)
    before = _fingerprint()
    populated = [table for table, (rows, _) in before.items() if rows]
    assert len(populated) >= 10, populated
    assert before[AuditEvent._meta.db_table][0] > 0
    backup = tmp_path / "store.backup"

    call_command("backup", str(backup), stdout=io.StringIO())
    # Change the store in every way a restore must undo: new rows, changed rows, new events.
    UserFactory.create_batch(2)
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.RECORD_VIEWED, object_id="after backup")
    User.objects.update(first_name="changed")
    assert _fingerprint() != before

    call_command("restore", str(backup), "--no-input", stdout=io.StringIO())

    after = _fingerprint()
    assert after.keys() == before.keys()
    differing = [table for table in before if before[table] != after[table]]
    assert differing == []
    assert audit_verify().ok, audit_verify().problems


@pytest.mark.django_db(transaction=True)
def test_a_restore_restarts_the_audit_checkpoints_from_the_restored_head(tmp_path: Path) -> None:
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED)
    backup = tmp_path / "store.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED)

    call_command("restore", str(backup), "--no-input", stdout=io.StringIO())

    checkpoints, problems = checkpoints_read()
    head = AuditChainHead.objects.get(pk=1)
    assert problems == []
    assert [(c.sequence, c.event_hash) for c in checkpoints] == [(1, head.last_hash)]
    checkpoint_file = Path(settings.AUDIT_CHECKPOINT_FILE)
    assert list(checkpoint_file.parent.glob(f"{checkpoint_file.name}.*.restored"))
    assert audit_verify().ok


@pytest.mark.django_db
def test_backup_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "store.backup"
    existing.write_text("keep me")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(existing), stdout=io.StringIO())

    assert existing.read_text() == "keep me"
    assert BACKUP_EXISTS.format(path=existing).startswith(str(existing))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("just some notes")
    vendor = "sqlite" if connection.vendor == "sqlite" else "postgresql"

    with pytest.raises(CommandError) as raised:
        call_command("restore", str(not_a_backup), "--no-input", stdout=io.StringIO())

    assert str(raised.value) == NOT_A_BACKUP.format(path=not_a_backup, vendor=vendor)


@pytest.mark.django_db
def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nowhere.backup"), "--no-input")


@pytest.mark.django_db
def test_restore_asks_first_and_changes_nothing_without_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    out = io.StringIO()

    call_command("restore", str(tmp_path / "any.backup"), stdout=out)

    assert "Restore cancelled" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_restore_goes_ahead_when_the_answer_is_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = tmp_path / "store.backup"
    backup_write(backup)  # straight through the service: no progress callback
    UserFactory.create()
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    out = io.StringIO()

    call_command("restore", str(backup), stdout=out)

    assert "Store restored" in out.getvalue()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_database_other_than_sqlite_or_postgresql_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "vendor", "oracle")

    with pytest.raises(ConfigurationError, match="not oracle"):
        backup_write(tmp_path / "store.backup")


def test_a_missing_or_failing_client_tool_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="no-such-pg-tool is not installed"):
        _run_tool("no-such-pg-tool", [], {})
    with pytest.raises(ConfigurationError, match=r"false failed \(exit 1\)"):
        _run_tool("false", [], {})
