"""Concurrent writers append to one unbroken chain (PostgreSQL: real row locks)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from msht.audit.models import AuditEvent, AuditEventType
from msht.audit.services import audit_record, audit_verify

WRITERS = 4
EVENTS_PER_WRITER = 25


def _write_events(writer: int) -> None:
    try:
        for number in range(EVENTS_PER_WRITER):
            with transaction.atomic():
                audit_record(
                    None,
                    event_type=AuditEventType.RECORD_VIEWED,
                    object_type="test",
                    object_id=f"{writer}-{number}",
                )
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_intact() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL; SQLite serialises writers itself")

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(_write_events, range(WRITERS)))

    assert AuditEvent.objects.count() == WRITERS * EVENTS_PER_WRITER
    result = audit_verify()
    assert result.ok, result.problems
