"""One writer per source at a time, across processes (docs/ingest.md, "Two ingests at once").

Two processes ingesting into one source at once would each open a batch and write the
same record keys: on PostgreSQL the second fails on the unique key (or, finding the
first one's batch "running", adopts it as if it had been killed), on SQLite it fails when
the database stays locked. So every ingest and every re-submitted quarantined row holds
its source's lock from before its batch is opened until after it commits. A second
process waits and then finds the file already loaded (every row unchanged), or, told not
to wait, fails at once with a message naming the batch that holds the lock.

PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) keyed by the source, which
the server releases when the holding session ends, however it ends (``kill -9``).
SQLite has nothing like it, so the lock is a row of ``IngestLock`` naming the holding
process; a row left by a process that has died (same machine, process gone) is taken
over. SQLite databases are files on one machine, so the process can be checked.
"""

from __future__ import annotations

import os
import socket
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from msht.core.errors import ValidationError
from msht.ingest.models import Batch, BatchState, IngestLock

# The first key of every ingest advisory lock ("MSHT" in ASCII), so that no other advisory
# lock taken on the same database can collide with a source's.
LOCK_NAMESPACE = 0x4D534854
POLL_SECONDS = 0.25
# How long SQLite may make a probe of the lock row wait while another process writes.
PROBE_BUSY_MILLISECONDS = 200
BUSY = (
    "another ingest of source '{source}' is running{holder}; nothing was read or written. "
    "Run it again when that one has finished (msht ingest waits for it unless told --wait 0)"
)
BUSY_HOLDER = " (batch {batch}, file {file}, started {started:%Y-%m-%d %H:%M:%S})"

Waiting = Callable[[str], None]
# Sources this process holds: a second ingest from the same process (another thread, or a
# nested call) is busy too, though PostgreSQL would grant one session its lock twice.
_held: set[str] = set()


class IngestBusyError(ValidationError):
    """The source's lock is held by another process and the caller chose not to wait."""


def lock_key(source_code: str) -> tuple[int, int]:
    """The two 32-bit keys of a source's advisory lock: the namespace and a CRC of the code."""
    checksum = zlib.crc32(source_code.encode("utf-8"))
    return LOCK_NAMESPACE, checksum - (1 << 32) if checksum >= 1 << 31 else checksum


def _busy_message(source_code: str) -> str:
    running = (
        Batch.objects.filter(source__code=source_code, state=BatchState.RUNNING)
        .order_by("-started_at", "-pk")
        .first()
    )
    holder = ""
    if running is not None:
        started = timezone.localtime(running.started_at)
        holder = BUSY_HOLDER.format(batch=running.pk, file=running.file_name, started=started)
    return BUSY.format(source=source_code, holder=holder)


def _raise_busy(source_code: str) -> None:
    try:
        message = _busy_message(source_code)
    except OperationalError:  # SQLite: the holder is writing and the table cannot be read
        message = BUSY.format(source=source_code, holder="")
    raise IngestBusyError(message, [message])


@contextmanager
def source_lock(
    source_code: str, *, timeout: float | None = None, waiting: Waiting | None = None
) -> Iterator[None]:
    """Hold the source's lock for the block; wait up to ``timeout`` seconds (None: as long
    as it takes; 0: not at all) and call ``waiting`` once with the reason if it must wait.

    Take it outside any transaction: on SQLite the lock row must be committed, so that
    other processes see it, before the batch it protects is opened.

    Raises:
        IngestBusyError: the lock is still held when ``timeout`` runs out.
    """
    take, release = (
        (_pg_try, _pg_release) if connection.vendor == "postgresql" else (_row_try, _row_release)
    )
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while source_code in _held or not take(source_code):
        if deadline is not None and time.monotonic() >= deadline:
            _raise_busy(source_code)
        if waiting is not None and not told:
            try:
                waiting(_busy_message(source_code))
            except OperationalError:
                waiting(BUSY.format(source=source_code, holder=""))
            told = True
        time.sleep(POLL_SECONDS)
    _held.add(source_code)
    try:
        yield
    finally:
        _held.discard(source_code)
        release(source_code)


def _pg_try(source_code: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", lock_key(source_code))
        return bool(cursor.fetchone()[0])


def _pg_release(source_code: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", lock_key(source_code))


def _process_started(pid: int) -> str:
    """When a process started (clock ticks since boot, Linux), to tell a reused process id."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return ""
    return fields[19] if len(fields) > 19 else ""


def _alive(holder: IngestLock) -> bool:
    """False only when the holder is surely gone: on this machine, and no such process."""
    if holder.host != socket.gethostname():
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    started = _process_started(holder.pid)
    return not (holder.process_started and started and started != holder.process_started)


@contextmanager
def _short_busy_timeout() -> Iterator[None]:
    """Probe the lock row without waiting SQLite's whole busy timeout behind a writer."""
    connection.ensure_connection()
    raw = connection.connection
    (previous,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute(f"PRAGMA busy_timeout = {PROBE_BUSY_MILLISECONDS}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(previous)}")


def _row_try(source_code: str) -> bool:
    pid = os.getpid()
    with _short_busy_timeout():
        try:
            holder = IngestLock.objects.filter(source_code=source_code).first()
            if holder is not None:
                if _alive(holder):
                    return False
                # Left by a process that died: take it over, unless another process did first.
                IngestLock.objects.filter(pk=holder.pk, pid=holder.pid).delete()
            with transaction.atomic():
                IngestLock.objects.create(
                    source_code=source_code,
                    pid=pid,
                    host=socket.gethostname()[:255],
                    process_started=_process_started(pid),
                    acquired_at=timezone.now(),
                )
        except IntegrityError:
            return False  # another process took it first
        except OperationalError as error:
            if "locked" not in str(error):
                raise  # a full or read-only disk is no reason to wait: fail with it
            return False  # another process is writing right now ("database is locked")
    return True


def _row_release(source_code: str) -> None:
    # Waits behind any writer (SQLite's busy timeout) rather than leave the lock behind.
    IngestLock.objects.filter(
        source_code=source_code, pid=os.getpid(), host=socket.gethostname()[:255]
    ).delete()
