"""Large uploads are ingested in the background, not inside the web request.

At about 1,300 rows a second (docs/ingest.md), an export of 100,000 rows takes more than a
minute: longer than a browser or a proxy waits for a page. The upload page therefore
ingests a small file at once and queues a large one: the file is kept in the spool
folder, a batch is opened in the state "queued", and ``msht ingest-queued BATCH`` is
started detached (``msht.core.detached``). That command ingests the file exactly as
``msht ingest`` would, as the administrator who uploaded it, then deletes the spooled
copy. A process stopped half-way leaves the batch "running" and the file in place; the
same command run again completes it. A copy that no upload or batch needs any more (a
process killed before its batch committed, a batch that finished without deleting it) is
found by ``spool_orphans`` and deleted by ``msht retention``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from msht.accounts.rules import Action, Actor, can, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core import detached
from msht.core.errors import ValidationError
from msht.ingest.engine.mapping import mapping_for
from msht.ingest.engine.readers import file_format_of
from msht.ingest.models import Batch, BatchState
from msht.ingest.services import (
    IngestResult,
    ProgressCallback,
    batch_ingest,
    estimate_rows,
    file_digest,
    source_ensure,
)

# About eight seconds of ingest: smaller files are done while the page waits.
QUEUE_FROM_ROWS = 10_000
# Spreadsheets cannot be counted without reading them: their size decides instead.
QUEUE_FROM_BYTES = 5 * 1024 * 1024
# How long a spooled file no batch claims is left alone. An upload is copied in and renamed
# in its batch's transaction within seconds (copying even a 1 GB export takes well under a
# minute), but until that transaction commits its batch is invisible to any other process.
# An hour leaves ample room for a slow disk or a transaction waiting for the database's write
# lock, and still deletes an abandoned copy of an export the same day.
SPOOL_GRACE = dt.timedelta(hours=1)
INCOMING_PREFIX = "incoming-"
BATCH_PREFIX = "batch-"
# A batch's number, as spool_path writes it; longer numbers than a database key can hold are
# no batch's.
_BATCH_NUMBER = re.compile(r"batch-(\d{1,18})")
# A batch in these states still needs its file: it waits, or was stopped and is run again.
LIVE_STATES = frozenset({BatchState.QUEUED, BatchState.RUNNING})

NOT_QUEUED = "batch {pk} is not waiting to be ingested (it is {state})"
SPOOL_MISSING = "the uploaded file of batch {pk} is no longer in the spool folder"
NOT_STARTED = "The ingest could not be started: {error}. Upload the file again."
UPLOADER_MAY_NOT = (
    "The administrator who uploaded the file may no longer ingest exports, so it was not ingested."
)


def spool_folder() -> Path:
    """Where queued uploads wait (inside the var folder, never under the web root)."""
    return Path(settings.VAR_DIR) / "ingest" / "spool"


def spool_path(batch: Batch) -> Path:
    """The spooled copy of a queued batch's file (named by the batch, keeping its ending)."""
    return spool_folder() / f"batch-{batch.pk}{Path(batch.file_name).suffix.lower()}"


class SpoolOrphanReason(models.TextChoices):
    INCOMING = "incoming", "An upload's copy whose batch was never committed"
    NO_BATCH = "no_batch", "A batch's file whose batch does not exist"
    FINISHED = "finished_batch", "The file of a batch that is complete or rejected"


@dataclass(frozen=True)
class SpoolOrphan:
    """A spooled file no upload or batch needs any more, and why."""

    path: Path
    reason: SpoolOrphanReason


def _modified_at(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    except FileNotFoundError:
        return None  # deleted meanwhile by the upload or the batch it belonged to


def _claimed_names(numbers: set[int]) -> dict[str, str]:
    """The spool file name of each of these batches that exists, with the batch's state."""
    batches = Batch.objects.filter(pk__in=numbers).values_list("pk", "file_name", "state")
    return {
        f"{BATCH_PREFIX}{pk}{Path(file_name).suffix.lower()}": state
        for pk, file_name, state in batches
    }


def spool_orphans(*, now: dt.datetime) -> list[SpoolOrphan]:
    """Spooled files no upload or queued or running batch needs (docs/reliability.md,
    'Spooled uploads'): an ``incoming-*`` copy, or a ``batch-*`` file no batch claims, older
    than SPOOL_GRACE; the file of a complete or rejected batch at once.

    A finished batch's file is deleted by ``msht ingest-queued`` itself, so one left behind
    (a process killed after the commit, a process that never started) serves no purpose.
    """
    folder = spool_folder()
    if not folder.is_dir():
        return []
    files = sorted(
        path
        for path in folder.iterdir()
        if path.name.startswith((INCOMING_PREFIX, BATCH_PREFIX)) and path.is_file()
    )
    numbers = {
        int(match[1]) for path in files if (match := _BATCH_NUMBER.match(path.name)) is not None
    }
    claimed = _claimed_names(numbers)
    cutoff = now - SPOOL_GRACE
    orphans: list[SpoolOrphan] = []
    for path in files:
        state = claimed.get(path.name)
        if state in LIVE_STATES:
            continue
        if state is not None:
            orphans.append(SpoolOrphan(path, SpoolOrphanReason.FINISHED))
            continue
        modified_at = _modified_at(path)
        # A younger file may be an upload being copied, or a batch not yet committed.
        if modified_at is None or modified_at > cutoff:
            continue
        reason = (
            SpoolOrphanReason.INCOMING
            if path.name.startswith(INCOMING_PREFIX)
            else SpoolOrphanReason.NO_BATCH
        )
        orphans.append(SpoolOrphan(path, reason))
    return orphans


def log_path(batch_pk: int) -> Path:
    """Where the detached ingest writes its output."""
    return Path(settings.VAR_DIR) / "ingest" / f"batch-{batch_pk}.log"


def is_large(path: Path, file_name: str) -> bool:
    """Whether an upload takes too long to ingest while the page waits."""
    try:
        kind = file_format_of(Path(file_name), "")
    except ValidationError:
        return False  # refused at once, with its reason, by the ingest itself
    rows = estimate_rows(path, kind)
    if rows is None:
        return path.stat().st_size >= QUEUE_FROM_BYTES
    return rows >= QUEUE_FROM_ROWS


def batch_queue(actor: Actor, *, source_code: str, path: Path, file_name: str) -> Batch:
    """Keep the upload at ``path`` in the spool folder, open its batch as queued and start
    ``msht ingest-queued`` for it once the batch is committed."""
    require(actor, Action.INGEST_RUN)
    mapping = mapping_for(source_code)
    sha, size = file_digest(path)
    folder = spool_folder()
    folder.mkdir(parents=True, exist_ok=True)
    # Copied under a name of its own first, so a failed transaction leaves no batch's file.
    incoming = folder / f"incoming-{uuid.uuid4().hex}"
    shutil.copyfile(path, incoming)
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                source=source_ensure(mapping),
                file_name=file_name[:255],
                file_sha256=sha,
                file_size=size,
                mapping_version=mapping.version,
                state=BatchState.QUEUED,
                started_by=actor if actor.is_authenticated else None,
                started_at=timezone.now(),
            )
            audit_record(
                actor,
                event_type=AuditEventType.INGEST_BATCH,
                obj=batch,
                details={"source": source_code, "file": batch.file_name, "state": batch.state},
            )
            os.replace(incoming, spool_path(batch))
            transaction.on_commit(lambda: _start(batch.pk))
    finally:
        incoming.unlink(missing_ok=True)
    return batch


def _start(batch_pk: int) -> None:
    """Start the batch's process; a failure to start rejects the batch with the reason."""
    try:
        detached.start_detached(
            detached.msht_command("ingest-queued", str(batch_pk)), log=log_path(batch_pk)
        )
    except OSError as error:
        _reject(Batch.objects.get(pk=batch_pk), NOT_STARTED.format(error=error))


def batch_run_queued(batch_pk: int, *, progress: ProgressCallback | None = None) -> IngestResult:
    """Ingest the spooled file of a queued batch (or finish one stopped half-way), as the
    administrator who uploaded it, then delete the spooled copy.

    Raises:
        ValidationError: the batch is not queued or running, or its file has gone.
    """
    batch = Batch.objects.select_related("source", "started_by").get(pk=batch_pk)
    if batch.state not in {BatchState.QUEUED, BatchState.RUNNING}:
        raise ValidationError(NOT_QUEUED.format(pk=batch.pk, state=batch.get_state_display()))
    path = spool_path(batch)
    if not path.is_file():
        raise ValidationError(SPOOL_MISSING.format(pk=batch.pk))
    if batch.started_by is None or not can(batch.started_by, Action.INGEST_RUN):
        # Checked again: the account may have changed while the file waited.
        _reject(batch, UPLOADER_MAY_NOT)
        raise ValidationError(UPLOADER_MAY_NOT)
    result = batch_ingest(
        batch.started_by,
        source_code=batch.source.code,
        path=path,
        file_name=batch.file_name,
        progress=progress,
        queued=batch,
    )
    # missing_ok: once the batch is finished, msht retention may have deleted the file first.
    path.unlink(missing_ok=True)
    return result


def _reject(batch: Batch, problem: str) -> None:
    """Reject a queued batch with the reason, audited, and delete its spooled file: nothing
    will ingest it now, and kept it would be an export held for no purpose."""
    with transaction.atomic():
        batch.state = BatchState.REJECTED
        batch.problems = [problem]
        batch.finished_at = timezone.now()
        batch.save(update_fields=["state", "problems", "finished_at"])
        audit_record(
            None,
            event_type=AuditEventType.INGEST_BATCH,
            obj=batch,
            details={"state": batch.state, "problems": batch.problems},
        )
    spool_path(batch).unlink(missing_ok=True)
