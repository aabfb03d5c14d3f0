"""``msht flush``: Django's flush, through the audit trail's maintenance window.

The audit table refuses DELETE and TRUNCATE (migration 0003). Emptying the whole database is
the one deliberate exception, so this command (which also serves the test suite's flush,
since an app's command replaces Django's own of the same name) opens the maintenance window
for the flush's transaction, then moves the checkpoint file aside: it vouched for a trail
that no longer exists.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from msht.audit.append_only import maintenance_window
from msht.audit.checkpoints import checkpoints_archive
from msht.audit.models import AuditEvent


class Command(flush.Command):
    help = (
        "Remove ALL data from the database, audit trail included (the audit table's "
        "append-only triggers are passed for this transaction only), and move the audit "
        "checkpoint file aside."
    )

    def handle(self, **options: Any) -> None:
        with maintenance_window(reason="flush", using=options["database"]):
            super().handle(**options)
        # Answering "no" to Django's question leaves the trail, and so its checkpoints, alone.
        if not AuditEvent.objects.using(options["database"]).exists():
            checkpoints_archive("flushed")
