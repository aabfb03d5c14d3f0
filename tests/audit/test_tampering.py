"""The database refuses changes to the audit trail, and `audit verify` catches all six
tamperings of someone who gets past the triggers: edit, delete, reorder, insert, truncate and
a complete rewrite of the chain. A rewrite without the audit key shows in the chain itself; a
truncation, or a rewrite by someone who also holds the key, only through the checkpoints
outside the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from msht.audit.append_only import MAINTENANCE_TABLE, maintenance_window
from msht.audit.chain import audit_key
from msht.audit.checkpoints import checkpoints_read
from msht.audit.models import AuditChainHead, AuditEvent, AuditEventType
from msht.audit.services import (
    CHECKPOINT_MISMATCH,
    CHECKPOINT_MISSING,
    GENESIS_HASH,
    NOTHING_KEYED,
    WRONG_HASH,
    audit_record,
    audit_verify,
)
from tests.audit.tampering import WRONG_KEY, drop_append_only_triggers, forged_hash

TABLE = AuditEvent._meta.db_table
HEAD_TABLE = AuditChainHead._meta.db_table
EVENTS = 6


def _execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _commit_events(capture: Callable[..., Any], count: int = EVENTS) -> None:
    """Write events in separate transactions whose commits write checkpoints."""
    for number in range(count):
        with capture(execute=True), transaction.atomic():
            audit_record(
                None,
                event_type=AuditEventType.RECORD_VIEWED,
                object_type="referrals.referral",
                object_id=str(number),
                details={"number": number},
            )


def _rows() -> list[dict[str, Any]]:
    return [dict(row) for row in AuditEvent.objects.order_by("sequence").values()]


def _edit() -> None:
    _execute(f"UPDATE {TABLE} SET object_id = %s WHERE sequence = 2", ["edited"])  # noqa: S608


def _delete() -> None:
    _execute(f"DELETE FROM {TABLE} WHERE sequence = 3")  # noqa: S608


def _reorder() -> None:
    # Through a free number: sequence is unique.
    _execute(f"UPDATE {TABLE} SET sequence = 1000 WHERE sequence = 2")  # noqa: S608
    _execute(f"UPDATE {TABLE} SET sequence = 2 WHERE sequence = 3")  # noqa: S608
    _execute(f"UPDATE {TABLE} SET sequence = 3 WHERE sequence = 1000")  # noqa: S608


def _insert() -> None:
    """A forged event 4, correctly chained to event 3; the later events move up one."""
    rows = _rows()
    for row in reversed(rows[3:]):
        _execute(
            f"UPDATE {TABLE} SET sequence = %s WHERE id = %s",  # noqa: S608
            [row["sequence"] + 1, row["id"]],
        )
    forged = {**rows[3], "object_id": "forged", "sequence": 4}
    forged_with = forged_hash(forged, rows[2]["event_hash"], WRONG_KEY)
    AuditEvent.objects.create(
        **{key: value for key, value in forged.items() if key not in {"id", "event_hash"}}
        | {"previous_hash": rows[2]["event_hash"], "event_hash": forged_with}
    )
    _execute(f"UPDATE {HEAD_TABLE} SET last_sequence = %s", [EVENTS + 1])  # noqa: S608


def _truncate() -> None:
    """Everything gone, and the head put back to the start so the trail looks new."""
    if connection.vendor == "postgresql":
        _execute(f"TRUNCATE {TABLE}")
    else:
        _execute(f"DELETE FROM {TABLE}")  # noqa: S608
    _execute(f"UPDATE {HEAD_TABLE} SET last_sequence = 0, last_hash = %s", [GENESIS_HASH])  # noqa: S608


def _rewrite_with(key: bytes | None) -> None:
    """Every event altered and every hash recomputed, head included: a consistent chain,
    signed with ``key`` (None: plain hashes, marked as written before the chain was keyed)."""
    previous_hash = GENESIS_HASH
    for row in _rows():
        row["object_id"] = f"rewritten-{row['object_id']}"
        forged = forged_hash(row, previous_hash, key)
        _execute(
            f"UPDATE {TABLE} SET object_id = %s, previous_hash = %s, event_hash = %s, "  # noqa: S608
            "hash_version = %s WHERE id = %s",
            [
                row["object_id"],
                previous_hash,
                forged,
                row["hash_version"] if key else None,
                row["id"],
            ],
        )
        previous_hash = forged
    _execute(f"UPDATE {HEAD_TABLE} SET last_hash = %s", [previous_hash])  # noqa: S608


def _rewrite() -> None:
    """The attacker does not hold the audit key: they sign with another."""
    _rewrite_with(WRONG_KEY)


def _rewrite_plain() -> None:
    """The attacker passes every event off as written before the chain was keyed."""
    _rewrite_with(None)


def _rewrite_with_the_key() -> None:
    """An insider who holds the audit key as well as database access."""
    _rewrite_with(audit_key())


TAMPERINGS: dict[str, tuple[Callable[[], None], str]] = {
    "edit": (_edit, "event 2 has been altered"),
    "delete": (_delete, "event 3 is missing"),
    "reorder": (_reorder, "event 2 does not follow"),
    "insert": (_insert, "event 5 does not follow"),
    "truncate": (_truncate, CHECKPOINT_MISSING.format(first=1, last=EVENTS, count=EVENTS)),
    "rewrite": (_rewrite, CHECKPOINT_MISMATCH.format(first=1, last=EVENTS, count=EVENTS)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_every_tampering_past_the_triggers_is_detected(
    tampering: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    _commit_events(django_capture_on_commit_callbacks)
    assert audit_verify().ok
    tamper, expected = TAMPERINGS[tampering]

    drop_append_only_triggers()
    tamper()

    result = audit_verify()
    assert not result.ok
    assert any(expected in problem for problem in result.problems), result.problems


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rewrite", "expected"),
    [
        (_rewrite, [WRONG_HASH.format(sequence=n) for n in range(1, EVENTS + 1)]),
        (_rewrite_plain, [NOTHING_KEYED.format(last=EVENTS)]),
    ],
    ids=["another-key", "plain-hashes"],
)
def test_a_rewrite_without_the_key_is_detected_without_the_checkpoints(
    rewrite: Callable[[], None],
    expected: list[str],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The chain is keyed: a forger without the key cannot make a chain that verifies, even
    when the checkpoint file is gone too."""
    _commit_events(django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    rewrite()

    Path(settings.AUDIT_CHECKPOINT_FILE).unlink()

    assert list(audit_verify().problems) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("tampering", [_truncate, _rewrite_with_the_key])
def test_truncation_and_a_rewrite_with_the_key_are_seen_only_through_the_checkpoints(
    tampering: Callable[[], None], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Without the file the chain itself looks whole: the checkpoints are what catch these."""
    _commit_events(django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    tampering()
    assert not audit_verify().ok

    Path(settings.AUDIT_CHECKPOINT_FILE).unlink()

    assert audit_verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET object_id = 'x'",  # noqa: S608
        f"DELETE FROM {TABLE}",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE sequence = 1",  # noqa: S608
    ],
)
def test_the_database_refuses_update_and_delete(
    statement: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    _commit_events(django_capture_on_commit_callbacks, count=2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(statement)

    assert AuditEvent.objects.count() == 2
    assert audit_verify().ok


@pytest.mark.django_db
def test_postgresql_refuses_truncate(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite's DELETE FROM is refused above")
    _commit_events(django_capture_on_commit_callbacks, count=2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"TRUNCATE {TABLE}")

    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_maintenance_window_lets_a_wipe_through_and_closes_before_commit(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _commit_events(django_capture_on_commit_callbacks, count=2)

    with maintenance_window(reason="test"):
        _execute(f"DELETE FROM {TABLE}")  # noqa: S608

    assert AuditEvent.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {MAINTENANCE_TABLE}")  # noqa: S608
        assert cursor.fetchone() == (0,)
    _commit_events(django_capture_on_commit_callbacks, count=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"DELETE FROM {TABLE}")  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_moves_the_checkpoints_aside() -> None:
    """The test suite's flush and `msht flush` pass the triggers; the trail then starts anew."""
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED)
    checkpoint_file = Path(settings.AUDIT_CHECKPOINT_FILE)
    assert checkpoint_file.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.count() == 0
    assert not checkpoint_file.exists()
    assert list(checkpoint_file.parent.glob(f"{checkpoint_file.name}.*.flushed"))
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED)
    assert audit_verify().ok
    with pytest.raises(DatabaseError, match="append-only"):
        _execute(f"DELETE FROM {TABLE}")  # noqa: S608


def _record_then_fail() -> None:
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED)
        raise ZeroDivisionError


@pytest.mark.django_db(transaction=True)
def test_committed_writes_leave_chained_checkpoints_and_rolled_back_ones_none() -> None:
    for number in range(3):
        with transaction.atomic():
            audit_record(None, event_type=AuditEventType.DATA_LOADED, object_id=str(number))
    with pytest.raises(ZeroDivisionError):
        _record_then_fail()

    checkpoints, problems = checkpoints_read()

    assert problems == []
    heads = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "event_hash"))
    assert [(c.sequence, c.event_hash) for c in checkpoints] == heads
    assert audit_verify().ok


@pytest.mark.django_db
def test_a_rewritten_tail_is_reported_as_one_run_of_checkpoints(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Events 4 to 6 rewritten with fresh hashes chained from event 3, by someone holding the
    key: whole as a chain, but the three checkpoints that named them disagree, reported as
    one problem."""
    _commit_events(django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    rows = _rows()
    previous_hash = rows[2]["event_hash"]
    for row in rows[3:]:
        row["object_id"] = "rewritten"
        forged = forged_hash(row, previous_hash, audit_key())
        _execute(
            f"UPDATE {TABLE} SET object_id = %s, previous_hash = %s, event_hash = %s "  # noqa: S608
            "WHERE id = %s",
            [row["object_id"], previous_hash, forged, row["id"]],
        )
        previous_hash = forged
    _execute(f"UPDATE {HEAD_TABLE} SET last_hash = %s", [previous_hash])  # noqa: S608

    result = audit_verify()

    assert result.problems == (CHECKPOINT_MISMATCH.format(first=4, last=6, count=3),)


@pytest.mark.django_db
def test_removing_the_newest_events_and_the_head_is_caught_by_the_checkpoints(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _commit_events(django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    rows = _rows()
    _execute(f"DELETE FROM {TABLE} WHERE sequence > 4")  # noqa: S608
    _execute(
        f"UPDATE {HEAD_TABLE} SET last_sequence = 4, last_hash = %s",  # noqa: S608
        [rows[3]["event_hash"]],
    )

    result = audit_verify()

    assert result.problems == (CHECKPOINT_MISSING.format(first=5, last=6, count=2),)


@pytest.mark.django_db
def test_separate_runs_of_problems_are_reported_separately(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Events 2 and 5 given other hashes: two separate runs of checkpoints, not one."""
    _commit_events(django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    _execute(f"UPDATE {TABLE} SET event_hash = %s WHERE sequence = 2", ["f" * 64])  # noqa: S608
    _execute(f"UPDATE {TABLE} SET event_hash = %s WHERE sequence = 5", ["e" * 64])  # noqa: S608

    result = audit_verify()

    mismatches = [problem for problem in result.problems if "differ from" in problem]
    assert mismatches == [
        CHECKPOINT_MISMATCH.format(first=2, last=2, count=1),
        CHECKPOINT_MISMATCH.format(first=5, last=5, count=1),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_flush_answered_no_leaves_the_trail_and_its_checkpoints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    call_command("flush", interactive=True, verbosity=0)

    assert AuditEvent.objects.count() == 1
    assert Path(settings.AUDIT_CHECKPOINT_FILE).exists()
    assert audit_verify().ok


@pytest.mark.django_db
def test_verify_says_how_many_checkpoints_agree_and_warns_when_there_are_none(
    django_capture_on_commit_callbacks: Callable[..., Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _commit_events(django_capture_on_commit_callbacks, count=3)
    call_command("audit", "verify")
    first = capsys.readouterr()

    Path(settings.AUDIT_CHECKPOINT_FILE).unlink()
    call_command("audit", "verify")
    second = capsys.readouterr()

    assert "3 events, chain intact; 3 checkpoints outside the database agree" in first.out
    assert first.err == ""
    assert "0 checkpoints" in second.out
    assert "no checkpoints found in" in second.err
