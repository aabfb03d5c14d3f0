"""Ingest writes: a batch from a file, a corrected quarantined row (ARCHITECTURE.md, ingest).

A batch is one transaction: every row of the file is loaded, updated, found unchanged or
quarantined, and the batch marked complete, together; a process killed half-way leaves
the batch "running" with nothing of its rows, and the next run of the same file completes
that batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from msht.accounts.models import Organisation, OrganisationType
from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.core.errors import ValidationError
from msht.ingest.engine.mapping import SourceMapping, mapping_for
from msht.ingest.engine.readers import ExportReader, RawRow, file_format_of, open_export
from msht.ingest.engine.validate import CheckedRow, check_row
from msht.ingest.loader import BatchLoader, LoadCounts
from msht.ingest.locks import Waiting, source_lock
from msht.ingest.models import (
    Batch,
    BatchState,
    IngestedRecord,
    QuarantinedRow,
    QuarantineStatus,
    Source,
)

ProgressCallback = Callable[[int, int | None], None]

CHUNK_ROWS = 2000
NOT_OPEN = "quarantined row {pk} was already corrected and loaded"
STILL_BAD = "the corrected row still has problems"
UNKNOWN_COLUMN = "'{name}' is not a column of this row"


@dataclass(frozen=True)
class IngestResult:
    """The batch and its counts (rows = loaded + updated + unchanged + quarantined)."""

    batch: Batch
    counts: LoadCounts

    def as_dict(self) -> dict[str, Any]:
        """The figures ``msht ingest --json`` prints."""
        return {
            "batch": self.batch.pk,
            "source": self.batch.source.code,
            "state": self.batch.state,
            "rows": self.counts.rows,
            "loaded": self.counts.loaded,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "quarantined": self.counts.quarantined,
        }


def source_ensure(mapping: SourceMapping) -> Source:
    """The Source row for a mapping, with its organisation (made for an outside source)."""
    spec = mapping.organisation
    organisation = Organisation.objects.filter(code=spec.code).first()
    if organisation is None:
        if not spec.name:
            raise ValidationError(
                f"{mapping.source}: organisation '{spec.code}' does not exist; "
                "give its name and type in the mapping"
            )
        organisation, _ = Organisation.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "organisation_type": spec.organisation_type or OrganisationType.NGO,
            },
        )
    source, _ = Source.objects.update_or_create(
        code=mapping.source,
        defaults={
            "name": mapping.name,
            "organisation": organisation,
            "mapping_version": mapping.version,
        },
    )
    return source


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def estimate_rows(path: Path, file_format: str) -> int | None:
    """Lines in a text export (for the progress bar); None for spreadsheets."""
    if file_format not in {"csv", "jsonl"}:
        return None
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            lines += block.count(b"\n")
    return max(lines - (1 if file_format == "csv" else 0), 0)


def _checked(reader: ExportReader, mapping: SourceMapping) -> Iterator[list[CheckedRow]]:
    rows: Iterator[RawRow] = reader.rows
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield [check_row(row, mapping, encoding=reader.encoding) for row in chunk]


def _reject(
    actor: Actor | None, *, source: Source, batch: Batch, error: ValidationError
) -> IngestResult:
    with transaction.atomic():
        batch.state = BatchState.REJECTED
        batch.finished_at = timezone.now()
        batch.problems = error.problems or [str(error)]
        batch.save(update_fields=["state", "finished_at", "problems"])
        audit_record(
            actor,
            event_type=AuditEventType.INGEST_BATCH,
            obj=batch,
            details={"source": source.code, "state": batch.state, "problems": batch.problems},
        )
    return IngestResult(batch, LoadCounts())


def _open_batch(
    actor: Actor | None,
    *,
    source: Source,
    mapping: SourceMapping,
    path: Path,
    file_name: str,
    queued: Batch | None,
) -> Batch:
    """A batch row, committed at once; a run stopped before the end is picked up again,
    and a batch queued from the upload page (``queued``) is the one this run fills."""
    if queued is not None:
        Batch.objects.filter(pk=queued.pk).update(state=BatchState.RUNNING)
        queued.refresh_from_db()
        return queued
    sha, size = file_digest(path)
    unfinished = Batch.objects.filter(
        source=source, file_sha256=sha, state=BatchState.RUNNING
    ).first()
    if unfinished is not None:
        return unfinished
    return Batch.objects.create(
        source=source,
        file_name=file_name[:255],
        file_sha256=sha,
        file_size=size,
        mapping_version=mapping.version,
        started_by=actor if actor is not None and actor.is_authenticated else None,
        started_at=timezone.now(),
    )


def batch_ingest(
    actor: Actor | None,
    *,
    source_code: str,
    path: Path,
    file_name: str = "",
    file_format: str = "",
    progress: ProgressCallback | None = None,
    lock_timeout: float | None = None,
    waiting: Waiting | None = None,
    queued: Batch | None = None,
) -> IngestResult:
    """Ingest one export of ``source_code``: every row loaded, updated, unchanged or quarantined.

    Args:
        actor: who runs it (None for the operator at the command line); must hold INGEST_RUN.
        source_code: the source's mapping, e.g. ``ctdc`` or ``police``.
        path: the export file (CSV, XLSX, ODS or JSON Lines).
        file_name: the name to record (an uploaded file's original name).
        file_format: override the format told by the file name's ending.
        progress: called with (rows done, rows expected or None) after each chunk.
        lock_timeout: seconds to wait while another process ingests into the same source
            (None: as long as it takes; 0: not at all).
        waiting: called once with the reason when it has to wait.
        queued: the batch the upload page queued for this file (``msht.ingest.queued``).

    Returns:
        The batch, complete or rejected, and its counts.

    Raises:
        IngestBusyError: another process still holds the source when ``lock_timeout`` ends.

    Examples:
        >>> result = batch_ingest(None, source_code="ctdc", path=Path("ctdc.csv"))
        >>> result.counts.rows == result.batch.rows
        True
    """
    if actor is not None:
        require(actor, Action.INGEST_RUN)
    mapping = mapping_for(source_code)
    # One ingest per source at a time, from before its batch is opened to after it commits.
    with source_lock(mapping.source, timeout=lock_timeout, waiting=waiting):
        return _ingest_locked(
            actor,
            mapping=mapping,
            path=path,
            file_name=file_name,
            file_format=file_format,
            progress=progress,
            queued=queued,
        )


def _ingest_locked(
    actor: Actor | None,
    *,
    mapping: SourceMapping,
    path: Path,
    file_name: str,
    file_format: str,
    progress: ProgressCallback | None,
    queued: Batch | None,
) -> IngestResult:
    """The ingest itself, run while this process holds the source's lock."""
    with transaction.atomic():
        source = source_ensure(mapping)
    name = file_name or path.name
    batch = _open_batch(
        actor, source=source, mapping=mapping, path=path, file_name=name, queued=queued
    )
    try:
        kind = file_format_of(Path(name), file_format)
        reader = open_export(path, mapping, kind)
    except ValidationError as error:
        return _reject(actor, source=source, batch=batch, error=error)
    expected = estimate_rows(path, kind)
    with transaction.atomic():
        # Writing the batch row first takes SQLite's write lock for the whole load.
        Batch.objects.filter(pk=batch.pk).update(
            file_format=kind, encoding=reader.encoding, started_at=timezone.now()
        )
        loader = BatchLoader(source=source, batch=batch, mapping=mapping)
        for chunk in _checked(reader, mapping):
            loader.process(chunk)
            _audit_people(actor, loader, batch)
            if progress is not None:
                progress(loader.counts.rows, expected)
        counts = loader.counts
        batch.refresh_from_db()
        batch.state = BatchState.COMPLETE
        batch.finished_at = timezone.now()
        batch.rows, batch.loaded, batch.updated = counts.rows, counts.loaded, counts.updated
        batch.unchanged, batch.quarantined = counts.unchanged, counts.quarantined
        batch.problems = reader.warnings
        batch.profile = loader.profile.as_dict(reader.header)
        batch.save()
        audit_record(
            actor,
            event_type=AuditEventType.INGEST_BATCH,
            obj=batch,
            details={"source": source.code, "file": batch.file_name, **_counts(counts)},
        )
    return IngestResult(batch, counts)


def _audit_people(actor: Actor | None, loader: BatchLoader, batch: Batch) -> None:
    """Every person record written is audited, one chained event each, chunk by chunk."""
    if loader.written_person_ids:
        audit_record_many(
            actor,
            event_type=AuditEventType.INGEST_BATCH,
            object_type="referrals.personrecord",
            object_ids=(str(pk) for pk in loader.written_person_ids),
            details={"batch": batch.pk},
        )
        loader.written_person_ids.clear()


def _counts(counts: LoadCounts) -> dict[str, int]:
    return {
        "rows": counts.rows,
        "loaded": counts.loaded,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "quarantined": counts.quarantined,
    }


def quarantine_resubmit(
    actor: Actor | None,
    *,
    quarantined_id: int,
    corrections: dict[str, str],
    lock_timeout: float | None = 0,
) -> QuarantinedRow:
    """Correct a quarantined row's cells and load it if it is now valid.

    Raises ValidationError naming every remaining problem; the row stays in quarantine
    with the corrections kept (committed), so the next attempt starts from them. While an
    ingest of the row's source runs, raises IngestBusyError at once (``lock_timeout`` 0).
    """
    if actor is not None:
        require(actor, Action.QUARANTINE_MANAGE)
    source_code = (
        QuarantinedRow.objects.filter(pk=quarantined_id)
        .values_list("source__code", flat=True)
        .first()
    )
    if source_code is None:
        raise QuarantinedRow.DoesNotExist(f"no quarantined row {quarantined_id}")
    # The row becomes a record of its source: not while an ingest writes that source.
    with source_lock(source_code, timeout=lock_timeout):
        return _resubmit_locked(actor, quarantined_id=quarantined_id, corrections=corrections)


def _resubmit_locked(
    actor: Actor | None, *, quarantined_id: int, corrections: dict[str, str]
) -> QuarantinedRow:
    with transaction.atomic():
        row = (
            QuarantinedRow.objects.select_for_update()
            .select_related("source", "batch")
            .get(pk=quarantined_id)
        )
        if row.status != QuarantineStatus.OPEN:
            raise ValidationError(NOT_OPEN.format(pk=row.pk))
        unknown = [name for name in corrections if name not in row.raw]
        if unknown:
            raise ValidationError(
                UNKNOWN_COLUMN.format(name=unknown[0]),
                [UNKNOWN_COLUMN.format(name=name) for name in unknown],
            )
        remaining = _correct(actor, row, corrections)
    if remaining:
        raise ValidationError(STILL_BAD, remaining)
    return row


def _correct(actor: Actor | None, row: QuarantinedRow, corrections: dict[str, str]) -> list[str]:
    """Check the corrected row: keep its new problems, or load it; the problems left."""
    mapping = mapping_for(row.source.code)
    raw = {**row.raw, **corrections}
    checked = check_row(RawRow(row.row_number, raw), mapping)
    loader = BatchLoader(source=row.source, batch=row.batch, mapping=mapping)
    if checked.is_valid:
        loader.check_organisation(checked)
    row.raw = raw
    if not checked.is_valid:
        row.problems = [problem.as_dict() for problem in checked.problems]
        first = checked.problems[0]
        row.field, row.value, row.reason = first.column, first.value, first.reason
        row.save(update_fields=["raw", "problems", "field", "value", "reason"])
        return [f"{p.column}: {p.reason} (value '{p.value}')" for p in checked.problems]
    # A corrected row is its own record: keyed like any row of its source.
    loader.valid_copies.update(_copies_of(row.source, checked))
    loader.process([checked])
    record = (
        IngestedRecord.objects.filter(source=row.source, content_hash=checked.content_hash)
        .order_by("-pk")
        .first()
    )
    row.status = QuarantineStatus.RESUBMITTED
    row.resolved_at = timezone.now()
    row.resolved_by = actor if actor is not None and actor.is_authenticated else None
    row.record = record
    row.save()
    audit_record(
        actor,
        event_type=AuditEventType.QUARANTINE_RESUBMITTED,
        obj=row,
        details={
            "source": row.source.code,
            "corrected": sorted(corrections),
            "record": record.pk if record else None,
        },
    )
    audit_record_many(
        actor,
        event_type=AuditEventType.QUARANTINE_RESUBMITTED,
        object_type="referrals.personrecord",
        object_ids=(str(pk) for pk in loader.written_person_ids),
        details={"quarantined_row": row.pk},
    )
    return []


def _copies_of(source: Source, row: CheckedRow) -> dict[str, int]:
    """How many records of this content the source already has (the next copy is one more)."""
    copies = IngestedRecord.objects.filter(source=source, content_hash=row.content_hash).count()
    return {row.content_hash: copies}
