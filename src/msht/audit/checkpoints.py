"""Checkpoints of the audit chain head, kept outside the database.

Someone with write access to the database can drop the append-only triggers and rewrite the
whole chain with fresh hashes, which the chain alone cannot reveal. After each audit write
commits, the head's sequence and hash are appended to a file (``settings.AUDIT_CHECKPOINT_FILE``)
that the database account cannot touch; ``audit verify`` then checks that every event the file
names is still in the trail with the same hash. Each line is chained to the line before it, so
an edit in the file itself shows too. Ship the file to write-once storage in production.

Line format: ``<sequence> <event hash> <line hash>`` where the line hash is SHA-256 over
``<previous line hash> <sequence> <event hash>``, starting from 64 zeros.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

GENESIS_LINE_HASH = "0" * 64
MALFORMED_LINE = "checkpoint file line {line}: malformed ({reason})"
BROKEN_LINE_CHAIN = "checkpoint file line {line}: does not follow the line before it (edited)"
# The tail of the file read to find the last line: far longer than one line.
_TAIL_BYTES = 4096


@dataclass(frozen=True)
class Checkpoint:
    """One line of the file: the chain head (sequence, event hash) after a commit."""

    line: int
    sequence: int
    event_hash: str
    line_hash: str


def checkpoint_path() -> Path:
    """The file (setting ``AUDIT_CHECKPOINT_FILE``, env ``MSHT_AUDIT_CHECKPOINT_FILE``)."""
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def line_hash(previous_line_hash: str, sequence: int, event_hash: str) -> str:
    """The hash that chains one checkpoint line to the one before it."""
    return hashlib.sha256(f"{previous_line_hash} {sequence} {event_hash}".encode()).hexdigest()


def _last_line(handle: int) -> tuple[int, str]:
    """The sequence and line hash of the file's last line, or (0, genesis) for an empty file."""
    size = os.lseek(handle, 0, os.SEEK_END)
    if size == 0:
        return 0, GENESIS_LINE_HASH
    start = max(0, size - _TAIL_BYTES)
    os.lseek(handle, start, os.SEEK_SET)
    tail = os.read(handle, size - start).decode()
    last = tail.rstrip("\n").rsplit("\n", 1)[-1].split()
    return int(last[0]), last[2]


def checkpoint_append(sequence: int, event_hash: str) -> None:
    """Append the head (sequence, hash) unless a later head is already there.

    Concurrent writers commit in any order: under an exclusive file lock, a head older than
    the file's last line is skipped (the later line vouches for the chain up to it).
    """
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        last_sequence, last_line_hash = _last_line(handle)
        if sequence <= last_sequence:
            return
        chained = line_hash(last_line_hash, sequence, event_hash)
        # One write of a short line on an O_APPEND file: no reader sees half a line.
        os.write(handle, f"{sequence} {event_hash} {chained}\n".encode())
    finally:
        os.close(handle)  # closing releases the lock


def checkpoint_after_commit(sequence: int, event_hash: str) -> None:
    """The on_commit callback: a failure to write is logged, never raised after a commit."""
    try:
        checkpoint_append(sequence, event_hash)
    except OSError:
        logger.exception("could not write the audit checkpoint for event %s", sequence)


def checkpoints_scan(problems: list[str]) -> Iterator[Checkpoint]:
    """Each checkpoint in file order, read lazily; problems with the file itself (a malformed
    line, a line that does not follow the one before, a sequence that goes back) are appended
    to ``problems``."""
    path = checkpoint_path()
    if not path.exists():
        return
    previous_hash, previous_sequence = GENESIS_LINE_HASH, 0
    for number, text in enumerate(_lines(path), start=1):
        fields = text.split()
        if len(fields) != 3 or not fields[0].isdigit():
            problems.append(MALFORMED_LINE.format(line=number, reason="expected 3 fields"))
            continue
        sequence, event_hash, chained = int(fields[0]), fields[1], fields[2]
        if line_hash(previous_hash, sequence, event_hash) != chained:
            problems.append(BROKEN_LINE_CHAIN.format(line=number))
        previous_hash = chained
        if sequence <= previous_sequence:
            problems.append(MALFORMED_LINE.format(line=number, reason="sequence goes back"))
            continue
        previous_sequence = sequence
        yield Checkpoint(number, sequence, event_hash, chained)


def checkpoints_read() -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file, and every problem with the file itself."""
    problems: list[str] = []
    checkpoints = list(checkpoints_scan(problems))
    return checkpoints, problems


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="ascii", errors="replace") as handle:
        for text in handle:
            if text.strip():
                yield text


def checkpoints_archive(reason: str) -> Path | None:
    """Move the file aside (after a deliberate wipe or a restore), keeping it for inspection.

    The trail it vouched for no longer exists, so verifying against it would only report the
    wipe again and again; the archived copy is named with the time and the reason.
    """
    path = checkpoint_path()
    if not path.exists():
        return None
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archived = path.with_name(f"{path.name}.{stamp}.{reason}")
    path.rename(archived)
    return archived
