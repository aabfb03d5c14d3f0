"""Writing and verifying the audit trail (STYLE.md: audit_record inside every write)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import timezone

from msht.audit.chain import KEYED, audit_key, canonical, hash_for, keyed_hash, plain_hash
from msht.audit.checkpoints import (
    Checkpoint,
    checkpoint_after_commit,
    checkpoint_append,
    checkpoints_archive,
    checkpoints_scan,
)
from msht.audit.models import AuditChainHead, AuditEvent, AuditEventType

if TYPE_CHECKING:
    from msht.accounts.rules import Actor

GENESIS_HASH = "0" * 64
NOT_IN_TRANSACTION = "audit_record must run inside the transaction of the write it records"
MISSING_EVENT = "event {sequence} is missing (expected after {previous})"
WRONG_PREVIOUS_HASH = "event {sequence} does not follow the event before it (reordered or altered)"
WRONG_HASH = "event {sequence} has been altered: its content does not match its hash"
PLAIN_AFTER_KEYED = (
    "event {sequence} carries a plain hash after keyed events (rewritten without the key)"
)
NOTHING_KEYED = (
    "events 1 to {last} carry plain hashes and no keyed event follows them (rewritten without "
    "the key, or a store from before keying that `msht migrate` has not yet keyed)"
)
HEAD_MISMATCH = "the newest events were removed: the trail ends at {sequence}, the head at {head}"
CHECKPOINT_MISSING = (
    "events {first} to {last} are missing, but {count} checkpoint(s) outside the database "
    "recorded them (trail deleted, truncated or renumbered)"
)
CHECKPOINT_MISMATCH = (
    "events {first} to {last} differ from {count} checkpoint(s) outside the database "
    "(trail rewritten or altered)"
)


def event_hash(
    *,
    sequence: int,
    occurred_at: str,
    actor_id: int | None,
    actor_username: str,
    event_type: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
    previous_hash: str,
    key: bytes | None,
) -> str:
    """The event's hash over its canonical JSON, chained to the previous hash: HMAC-SHA256
    under ``key``, or the plain SHA-256 of the events written before keying when ``key`` is
    None (msht.audit.chain)."""
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at,
        "actor_id": actor_id,
        "actor_username": actor_username,
        "event_type": event_type,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
        "previous_hash": previous_hash,
    }
    return plain_hash(payload) if key is None else keyed_hash(payload, key)


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "event_type": event.event_type,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "previous_hash": event.previous_hash,
    }


def _hash_of(event: AuditEvent, key: bytes) -> str:
    """The hash ``event`` must carry under its own version (plain, or keyed with ``key``)."""
    return hash_for(_payload(event), event.hash_version, key)


def _lock_head() -> AuditChainHead:
    """The chain head, locked so that concurrent writers append one after another."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    actor: Actor | None,
    *,
    event_type: AuditEventType,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain; must run inside the caller's write transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError(NOT_IN_TRANSACTION)
    key = audit_key()
    head = _lock_head()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    authenticated = actor is not None and actor.is_authenticated
    # Round-trip through JSON so the stored details hash the same way when read back.
    clean_details = json.loads(canonical(details or {}))
    event = AuditEvent(
        sequence=head.last_sequence + 1,
        occurred_at=timezone.now(),
        actor_id=actor.pk if authenticated and actor is not None else None,
        actor_username=actor.get_username() if authenticated and actor is not None else "",
        event_type=event_type,
        object_type=object_type,
        object_id=object_id,
        details=clean_details,
        previous_hash=head.last_hash,
        hash_version=KEYED,
    )
    event.event_hash = _hash_of(event, key)
    event.save()
    head.last_sequence = event.sequence
    head.last_hash = event.event_hash
    head.save(update_fields=["last_sequence", "last_hash"])
    _checkpoint_on_commit(event.sequence, event.event_hash)
    return event


def _checkpoint_on_commit(sequence: int, event_hash: str) -> None:
    """Write the new head outside the database once (and only if) the write commits."""
    transaction.on_commit(lambda: checkpoint_after_commit(sequence, event_hash))


def audit_record_many(
    actor: Actor | None,
    *,
    event_type: AuditEventType,
    object_type: str,
    object_ids: Iterable[str],
    details: dict[str, Any] | None = None,
    batch_size: int = 5000,
) -> int:
    """Append one chained event per object (bulk loads: every record written is audited)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError(NOT_IN_TRANSACTION)
    key = audit_key()
    head = _lock_head()
    authenticated = actor is not None and actor.is_authenticated
    actor_id = actor.pk if authenticated and actor is not None else None
    actor_username = actor.get_username() if authenticated and actor is not None else ""
    clean_details = json.loads(canonical(details or {}))
    occurred_at = timezone.now()
    sequence, previous_hash = head.last_sequence, head.last_hash
    batch: list[AuditEvent] = []
    written = 0
    for object_id in object_ids:
        sequence += 1
        event = AuditEvent(
            sequence=sequence,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_username=actor_username,
            event_type=event_type,
            object_type=object_type,
            object_id=str(object_id),
            details=clean_details,
            previous_hash=previous_hash,
            hash_version=KEYED,
        )
        event.event_hash = previous_hash = _hash_of(event, key)
        batch.append(event)
        if len(batch) >= batch_size:
            written += len(AuditEvent.objects.bulk_create(batch))
            batch = []
    written += len(AuditEvent.objects.bulk_create(batch))
    head.last_sequence, head.last_hash = sequence, previous_hash
    head.save(update_fields=["last_sequence", "last_hash"])
    if written:
        _checkpoint_on_commit(sequence, previous_hash)
    return written


@dataclass(frozen=True)
class AuditVerification:
    """What ``audit_verify`` found: how many events and checkpoints it checked and every
    break in the chain."""

    events_checked: int
    problems: tuple[str, ...]
    checkpoints_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _CheckpointRuns:
    """Consecutive checkpoints with one kind of problem, reported as one line per run: a
    truncated or rewritten trail of a million events is one problem, not a million."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.first: int | None = None
        self.last = 0
        self.count = 0
        self.running = False

    def add(self, sequence: int) -> Iterator[str]:
        if self.first is not None and not self.running:
            yield from self.flush()  # a checkpoint without this problem came between
        if self.first is None:
            self.first = sequence
        self.last = sequence
        self.count += 1
        self.running = True

    def interrupt(self) -> None:
        self.running = False

    def flush(self) -> Iterator[str]:
        if self.first is not None:
            yield self.message.format(first=self.first, last=self.last, count=self.count)
        self.first, self.last, self.count, self.running = None, 0, 0, False


def _link_problems(
    event: AuditEvent, expected_sequence: int, previous_hash: str, key: bytes, keyed_before: bool
) -> Iterator[str]:
    """What is wrong with one event: its place in the sequence, its link to the event before
    it, and its own hash (plain hashes only before the first keyed event)."""
    if event.sequence != expected_sequence:
        yield MISSING_EVENT.format(sequence=expected_sequence, previous=expected_sequence - 1)
    if event.previous_hash != previous_hash:
        yield WRONG_PREVIOUS_HASH.format(sequence=event.sequence)
    if keyed_before and event.hash_version is None:
        yield PLAIN_AFTER_KEYED.format(sequence=event.sequence)
    if _hash_of(event, key) != event.event_hash:
        yield WRONG_HASH.format(sequence=event.sequence)


def _chain_problems(
    events: Iterable[AuditEvent], checkpoints: Iterator[Checkpoint], key: bytes
) -> Iterator[str]:
    """Walk the events and the checkpoints together, both in sequence order."""
    missing = _CheckpointRuns(CHECKPOINT_MISSING)
    mismatched = _CheckpointRuns(CHECKPOINT_MISMATCH)
    checkpoint = next(checkpoints, None)
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    keyed = False
    for event in events:
        yield from _link_problems(event, expected_sequence, previous_hash, key, keyed)
        keyed = keyed or event.hash_version is not None
        while checkpoint is not None and checkpoint.sequence < event.sequence:
            yield from missing.add(checkpoint.sequence)
            mismatched.interrupt()
            checkpoint = next(checkpoints, None)
        if checkpoint is not None and checkpoint.sequence == event.sequence:
            if checkpoint.event_hash != event.event_hash:
                yield from mismatched.add(checkpoint.sequence)
            else:
                mismatched.interrupt()
            missing.interrupt()
            checkpoint = next(checkpoints, None)
        expected_sequence = event.sequence + 1
        previous_hash = event.event_hash
    # Plain hashes are only the prefix written before keying, and the migration that keyed
    # the chain appended a keyed event after them: a trail of plain hashes alone was forged.
    if expected_sequence > 1 and not keyed:
        yield NOTHING_KEYED.format(last=expected_sequence - 1)
    # What is left was checkpointed but is no longer in the trail.
    while checkpoint is not None:
        yield from missing.add(checkpoint.sequence)
        checkpoint = next(checkpoints, None)
    yield from mismatched.flush()
    yield from missing.flush()


def audit_verify() -> AuditVerification:
    """Recompute the chain with its key and compare it with the checkpoints written outside the
    database: detects altered, deleted, reordered, inserted, truncated and wholly rewritten
    events (DOMAIN: audit; docs/security.md); a rewrite without the key shows even without
    the checkpoints. Reads both as streams: memory does not grow with them."""
    key = audit_key()
    problems: list[str] = []
    file_problems: list[str] = []
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    checked = 0

    def counted(source: Iterable[AuditEvent]) -> Iterator[AuditEvent]:
        nonlocal checked
        for event in source:
            checked += 1
            yield event

    checkpoints_checked = 0

    def counted_checkpoints(source: Iterator[Checkpoint]) -> Iterator[Checkpoint]:
        nonlocal checkpoints_checked
        for checkpoint in source:
            checkpoints_checked += 1
            yield checkpoint

    checkpoints = counted_checkpoints(checkpoints_scan(file_problems))
    problems.extend(_chain_problems(counted(events), checkpoints, key))
    problems[:0] = file_problems
    head = AuditChainHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    if head is not None and head.last_sequence != last:
        problems.append(HEAD_MISMATCH.format(sequence=last, head=head.last_sequence))
    return AuditVerification(
        events_checked=checked, problems=tuple(problems), checkpoints_checked=checkpoints_checked
    )


def audit_checkpoints_restart(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After a restore: the old checkpoints vouch for a trail that was replaced, so move them
    aside and checkpoint the restored head (receiver of core.ops.backup.store_restored)."""
    checkpoints_archive("restored")
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    if head is not None and head.last_sequence > 0:
        checkpoint_append(head.last_sequence, head.last_hash)


def audit_chain_seal() -> AuditEvent | None:
    """Key a trail written before the chain was keyed: append one keyed event chained to its
    newest plain event, so the key vouches for all of them (decision 2). Nothing to do when
    the trail is empty or its newest event is keyed already."""
    with transaction.atomic():
        newest = AuditEvent.objects.order_by("-sequence").first()
        if newest is None or newest.hash_version is not None:
            return None
        return audit_record(
            None,
            event_type=AuditEventType.CHAIN_KEYED,
            details={"plain_events": newest.sequence},
        )


def audit_chain_seal_after_migrate(
    sender: Any, *, apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    """Receiver of post_migrate: key the chain once the store's audit tables are at this
    code's state (a migrate that stops short of it leaves the seal to the next one)."""
    migrated = {field.name for field in apps.get_model("audit", "AuditEvent")._meta.fields}
    current = {field.name for field in AuditEvent._meta.fields}
    if using == DEFAULT_DB_ALIAS and migrated == current:
        audit_chain_seal()
