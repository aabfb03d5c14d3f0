"""What an attacker with write access to the database does first: take the triggers away.

Both vendors run DDL inside a transaction, so in a test the triggers come back when the
test's transaction rolls back.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from msht.audit.services import event_hash

SQLITE_TRIGGERS = ("audit_auditevent_refuse_update", "audit_auditevent_refuse_delete")


def drop_append_only_triggers() -> None:
    """Disable the audit table's append-only triggers on this connection's database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


# What an attacker without the audit key signs a forged chain with.
WRONG_KEY = b"not the audit key"


def forged_hash(row: dict[str, Any], previous_hash: str, key: bytes | None) -> str:
    """The hash a forger computes for ``row`` (a ``values()`` dict) chained to
    ``previous_hash``: keyed with ``key``, or plain (the scheme before keying) for None."""
    return event_hash(
        sequence=row["sequence"],
        occurred_at=row["occurred_at"].isoformat(),
        actor_id=row["actor_id"],
        actor_username=row["actor_username"],
        event_type=row["event_type"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        details=row["details"],
        previous_hash=previous_hash,
        key=key,
    )
