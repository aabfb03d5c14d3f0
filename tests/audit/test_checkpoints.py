"""The checkpoint file outside the database: chained lines, never a step back, never a crash."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from msht.audit.checkpoints import (
    BROKEN_LINE_CHAIN,
    MALFORMED_LINE,
    checkpoint_after_commit,
    checkpoint_append,
    checkpoints_archive,
    checkpoints_read,
    line_hash,
)

HASH_A, HASH_B, HASH_C = "a" * 64, "b" * 64, "c" * 64


def _file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def test_lines_chain_and_read_back() -> None:
    checkpoint_append(1, HASH_A)
    checkpoint_append(4, HASH_B)

    checkpoints, problems = checkpoints_read()

    assert problems == []
    assert [(c.sequence, c.event_hash) for c in checkpoints] == [(1, HASH_A), (4, HASH_B)]
    assert checkpoints[0].line_hash != checkpoints[1].line_hash


def test_a_head_older_than_the_last_line_is_skipped() -> None:
    """Writers commit in any order; the later head already vouches for the earlier one."""
    checkpoint_append(5, HASH_A)
    checkpoint_append(3, HASH_B)
    checkpoint_append(5, HASH_C)

    checkpoints, _ = checkpoints_read()

    assert [(c.sequence, c.event_hash) for c in checkpoints] == [(5, HASH_A)]


def test_an_edited_line_in_the_file_is_detected() -> None:
    checkpoint_append(1, HASH_A)
    checkpoint_append(2, HASH_B)
    text = _file().read_text()
    _file().write_text(text.replace(f"2 {HASH_B}", f"2 {HASH_C}"))

    _, problems = checkpoints_read()

    assert problems == [BROKEN_LINE_CHAIN.format(line=2)]


def test_a_malformed_line_is_reported_with_its_number() -> None:
    checkpoint_append(1, HASH_A)
    with _file().open("a") as handle:
        handle.write("not a checkpoint\n")

    _, problems = checkpoints_read()

    assert problems == [MALFORMED_LINE.format(line=2, reason="expected 3 fields")]


def test_no_file_means_no_checkpoints_yet() -> None:
    assert checkpoints_read() == ([], [])
    assert checkpoints_archive("restored") is None


def test_archive_moves_the_file_aside_with_the_reason() -> None:
    checkpoint_append(1, HASH_A)

    archived = checkpoints_archive("restored")

    assert archived is not None
    assert archived.name.endswith(".restored")
    assert not _file().exists()
    assert archived.read_text().startswith(f"1 {HASH_A} ")


def test_a_failed_checkpoint_write_is_logged_not_raised(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # The parent "directory" is a file: the write fails as a full or read-only disk would.
    settings.AUDIT_CHECKPOINT_FILE = blocker / "checkpoints.log"

    with caplog.at_level(logging.ERROR, logger="msht.audit.checkpoints"):
        checkpoint_after_commit(7, HASH_A)

    assert "could not write the audit checkpoint for event 7" in caplog.text


def test_a_sequence_that_goes_back_in_the_file_is_reported() -> None:
    checkpoint_append(4, HASH_A)
    with _file().open("a") as handle:
        handle.write(f"2 {HASH_B} {line_hash(_file().read_text().split()[2], 2, HASH_B)}\n")

    checkpoints, problems = checkpoints_read()

    assert [c.sequence for c in checkpoints] == [4]
    assert problems == [MALFORMED_LINE.format(line=2, reason="sequence goes back")]


def test_blank_lines_in_the_file_are_ignored() -> None:
    checkpoint_append(1, HASH_A)
    with _file().open("a") as handle:
        handle.write("\n\n")
    checkpoint_append(2, HASH_B)

    checkpoints, problems = checkpoints_read()

    assert problems == []
    assert [c.sequence for c in checkpoints] == [1, 2]


def test_concurrent_writers_keep_the_file_chained_and_in_order() -> None:
    """Commits finish in any order; under the file lock the lines still only go forward."""
    from concurrent.futures import ThreadPoolExecutor

    sequences = list(range(1, 401))
    random.Random(4).shuffle(sequences)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda sequence: checkpoint_append(sequence, f"{sequence:064x}"), sequences))

    checkpoints, problems = checkpoints_read()
    assert problems == []
    written = [c.sequence for c in checkpoints]
    assert written == sorted(set(written))
    assert written[-1] == 400
    assert all(c.event_hash == f"{c.sequence:064x}" for c in checkpoints)
