"""What an attacker with write access to the database does first: take the triggers away.

Both vendors run DDL inside a transaction, so in a test the triggers come back when the
test's transaction rolls back.
"""

from __future__ import annotations

from django.db import connection

SQLITE_TRIGGERS = ("audit_auditevent_refuse_update", "audit_auditevent_refuse_delete")


def drop_append_only_triggers() -> None:
    """Disable the audit table's append-only triggers on this connection's database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
