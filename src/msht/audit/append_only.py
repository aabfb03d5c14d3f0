"""The one deliberate way past the audit trail's append-only triggers.

Migration 0003 makes the database refuse UPDATE, DELETE and TRUNCATE on the audit table
unless ``audit_maintenance_window`` holds a row. This context manager writes that row inside
the caller's transaction and deletes it again before the transaction ends, so no other
connection ever sees the window open. Only whole-database wipes use it: ``msht flush`` (which
the test suite's flush runs) and ``msht restore``. Someone with database access could do the
same, or drop the triggers; the checkpoints outside the database are what catch that.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

MAINTENANCE_TABLE = "audit_maintenance_window"


@contextmanager
def maintenance_window(*, reason: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the audit table be emptied within one transaction, for a deliberate wipe."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {MAINTENANCE_TABLE} (reason) VALUES (%s)", [reason])  # noqa: S608
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MAINTENANCE_TABLE}")  # noqa: S608
