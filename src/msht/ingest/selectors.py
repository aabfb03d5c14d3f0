"""Reads of batches and quarantined rows, through the permission rules."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.ingest.models import Batch, QuarantinedRow, QuarantineStatus, Source


def batch_list(actor: Actor) -> QuerySet[Batch]:
    """Recent batches, newest first (INGEST_RUN); counts only, so the list is not audited."""
    require(actor, Action.INGEST_RUN)
    return Batch.objects.select_related("source").order_by("-started_at", "-pk")


def batch_get(actor: Actor, *, pk: int) -> Batch:
    """One batch with its counts and problems (INGEST_RUN)."""
    require(actor, Action.INGEST_RUN)
    return Batch.objects.select_related("source", "source__organisation").get(pk=pk)


def source_list(actor: Actor) -> QuerySet[Source]:
    """Sources that have sent exports (INGEST_RUN or QUARANTINE_MANAGE)."""
    require(actor, Action.QUARANTINE_MANAGE)
    return Source.objects.order_by("code")


def quarantine_list(
    actor: Actor, *, source: str = "", status: str = "open"
) -> QuerySet[QuarantinedRow]:
    """Quarantined rows to correct (QUARANTINE_MANAGE). The list shows file, row, field and
    reason; the value can be personal data, so it is shown only on the audited row page."""
    require(actor, Action.QUARANTINE_MANAGE)
    rows = QuarantinedRow.objects.select_related("source", "batch")
    if status in QuarantineStatus.values:
        rows = rows.filter(status=status)
    if source:
        rows = rows.filter(source__code=source)
    return rows.order_by("source__code", "batch_id", "row_number")


def quarantine_get(actor: Actor, *, pk: int) -> QuarantinedRow:
    """One quarantined row with every cell (QUARANTINE_MANAGE); the read is audited."""
    require(actor, Action.QUARANTINE_MANAGE)
    row = QuarantinedRow.objects.select_related("source", "batch").get(pk=pk)
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            obj=row,
            details={"source": row.source.code, "file": row.file_name, "row": row.row_number},
        )
    return row
