"""The audit trail: appended inside transactions, and tampering of any kind is detected."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from msht.audit.models import APPEND_ONLY, AuditChainHead, AuditEvent, AuditEventType
from msht.audit.services import (
    GENESIS_HASH,
    NOT_IN_TRANSACTION,
    audit_record,
    audit_record_many,
    audit_verify,
)
from msht.core.errors import MshtError
from tests.accounts.factories import UserFactory
from tests.audit.tampering import drop_append_only_triggers

pytestmark = pytest.mark.django_db


def _record_events(count: int) -> list[AuditEvent]:
    actor = UserFactory.create()
    events = []
    with transaction.atomic():
        for number in range(count):
            events.append(
                audit_record(
                    actor,
                    event_type=AuditEventType.RECORD_VIEWED,
                    object_type="referrals.referral",
                    object_id=str(number),
                    details={"page": "referral detail", "number": number},
                )
            )
    return events


def _raw_update(sql: str, params: list[str | int]) -> None:
    """Tamper with the table behind the model's back, as an attacker with database access would
    (the append-only triggers dropped first: tests/audit/test_tampering.py tests them)."""
    drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_chain_from_genesis_with_contiguous_sequence() -> None:
    events = _record_events(3)

    assert [event.sequence for event in events] == [1, 2, 3]
    assert events[0].previous_hash == GENESIS_HASH
    assert events[1].previous_hash == events[0].event_hash
    assert events[2].previous_hash == events[1].event_hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (3, events[2].event_hash)


def test_intact_trail_verifies() -> None:
    _record_events(5)

    result = audit_verify()

    assert result.ok
    assert result.events_checked == 5


def test_audit_record_outside_a_transaction_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test itself runs inside a transaction; make the connection look as it does outside one.
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError, match=NOT_IN_TRANSACTION):
        audit_record(None, event_type=AuditEventType.DATA_LOADED)


def test_rolled_back_write_leaves_no_audit_event() -> None:
    def write_then_fail() -> None:
        with transaction.atomic():
            audit_record(None, event_type=AuditEventType.DATA_LOADED)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        write_then_fail()

    assert AuditEvent.objects.count() == 0
    assert audit_verify().ok


def test_events_cannot_be_changed_or_deleted_through_the_model() -> None:
    event = _record_events(1)[0]

    event.details = {"changed": True}
    with pytest.raises(MshtError, match=APPEND_ONLY):
        event.save()
    with pytest.raises(MshtError, match=APPEND_ONLY):
        event.delete()


def test_altered_event_is_detected() -> None:
    events = _record_events(4)
    table = AuditEvent._meta.db_table

    _raw_update(f"UPDATE {table} SET object_id = %s WHERE id = %s", ["999", events[1].pk])  # noqa: S608

    result = audit_verify()
    assert not result.ok
    assert any("event 2 has been altered" in problem for problem in result.problems)


def test_deleted_event_in_the_middle_is_detected() -> None:
    events = _record_events(4)
    table = AuditEvent._meta.db_table

    _raw_update(f"DELETE FROM {table} WHERE id = %s", [events[1].pk])  # noqa: S608

    result = audit_verify()
    assert any("event 2 is missing" in problem for problem in result.problems)


def test_deleted_newest_event_is_detected_by_the_head() -> None:
    events = _record_events(3)
    table = AuditEvent._meta.db_table

    _raw_update(f"DELETE FROM {table} WHERE id = %s", [events[2].pk])  # noqa: S608

    result = audit_verify()
    assert any("newest events were removed" in problem for problem in result.problems)


def test_reordered_events_are_detected() -> None:
    events = _record_events(3)
    table = AuditEvent._meta.db_table

    # Swap the sequence numbers of events 1 and 2 (through a free number: sequence is unique).
    _raw_update(f"UPDATE {table} SET sequence = %s WHERE id = %s", [1000, events[0].pk])  # noqa: S608
    _raw_update(f"UPDATE {table} SET sequence = %s WHERE id = %s", [1, events[1].pk])  # noqa: S608
    _raw_update(f"UPDATE {table} SET sequence = %s WHERE id = %s", [2, events[0].pk])  # noqa: S608

    result = audit_verify()
    assert not result.ok
    assert any("does not follow" in problem for problem in result.problems)


def test_event_rewritten_with_a_fresh_hash_breaks_the_next_link() -> None:
    """Even someone holding the key who recomputes one event's hash breaks the chain after it."""
    from msht.audit.chain import audit_key
    from msht.audit.services import event_hash

    events = _record_events(3)
    target = AuditEvent.objects.get(pk=events[0].pk)
    forged = event_hash(
        sequence=target.sequence,
        occurred_at=target.occurred_at.isoformat(),
        actor_id=target.actor_id,
        actor_username=target.actor_username,
        event_type=target.event_type,
        object_type=target.object_type,
        object_id="forged",
        details=target.details,
        previous_hash=target.previous_hash,
        key=audit_key(),
    )
    table = AuditEvent._meta.db_table
    _raw_update(
        f"UPDATE {table} SET object_id = %s, event_hash = %s WHERE id = %s",  # noqa: S608
        ["forged", forged, target.pk],
    )

    result = audit_verify()
    assert any("event 2 does not follow" in problem for problem in result.problems)


def test_audit_verify_command_reports_success_and_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = _record_events(2)
    call_command("audit", "verify")
    assert "2 events, chain intact" in capsys.readouterr().out

    table = AuditEvent._meta.db_table
    _raw_update(f"UPDATE {table} SET details = %s WHERE id = %s", ['{"x": 1}', events[0].pk])  # noqa: S608
    with pytest.raises(CommandError, match="audit trail broken"):
        call_command("audit", "verify")


def test_bulk_append_chains_one_event_per_object_and_verifies() -> None:
    _record_events(2)
    with transaction.atomic():
        written = audit_record_many(
            None,
            event_type=AuditEventType.RECORD_CREATED,
            object_type="referrals.personrecord",
            object_ids=[str(n) for n in range(12)],
            details={"batch": "world-1"},
            batch_size=5,
        )

    assert written == 12
    assert AuditEvent.objects.count() == 14
    assert AuditChainHead.objects.get(pk=1).last_sequence == 14
    result = audit_verify()
    assert result.ok, result.problems
    assert result.events_checked == 14


def test_an_event_about_a_model_instance_names_its_type_and_key() -> None:
    record = UserFactory.create()
    with transaction.atomic():
        event = audit_record(None, event_type=AuditEventType.USER_CREATED, obj=record)
        named = audit_record(
            None, event_type=AuditEventType.USER_CREATED, obj=record, object_id="given"
        )

    assert (event.object_type, event.object_id) == ("accounts.user", str(record.pk))
    assert (named.object_type, named.object_id) == ("accounts.user", "given")
    assert (event.actor_id, event.actor_username) == (None, "")
    assert str(event) == f"1 user.created accounts.user:{record.pk}"
    assert str(AuditChainHead.objects.get(pk=1)) == "audit head at 2"


def test_bulk_append_outside_a_transaction_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError, match=NOT_IN_TRANSACTION):
        audit_record_many(
            None, event_type=AuditEventType.DATA_LOADED, object_type="x", object_ids=[]
        )


def test_bulk_append_of_nothing_writes_no_event_and_no_checkpoint(
    django_capture_on_commit_callbacks: Any,
) -> None:
    events = _record_events(1)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        written = audit_record_many(
            None, event_type=AuditEventType.RECORD_CREATED, object_type="x", object_ids=[]
        )

    assert written == 0
    assert callbacks == []
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (1, events[0].event_hash)


def test_a_bulk_actor_is_named_in_every_event() -> None:
    actor = UserFactory.create()
    with transaction.atomic():
        audit_record_many(
            actor, event_type=AuditEventType.RECORD_CREATED, object_type="x", object_ids=["1", "2"]
        )

    assert set(AuditEvent.objects.values_list("actor_id", "actor_username")) == {
        (actor.pk, actor.username)
    }
