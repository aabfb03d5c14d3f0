"""Helpers for the fault tests: run ``msht`` as a process of its own, kill it with SIGKILL
when a chosen point is reached, and digest tables without the values that legitimately
differ between runs (autoincrement ids, timestamps, random entity ids)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent

AUDIT_KEY = "fault-tests-audit-key-not-a-secret"

# How a kill point is reached: seconds after the start, the first time the command's live
# progress display names a step, or the first time the SQLite rollback journal reaches a size
# (a write transaction holds that many bytes of changed pages).
AFTER_START = "after start"
STEP_SHOWN = "step shown"
JOURNAL_BYTES = "journal bytes"


@dataclass(frozen=True)
class KillPoint:
    """Where a run is killed: when ``trigger`` reaches ``value``, ``delay`` seconds later."""

    trigger: str
    value: str | int | float
    delay: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.trigger} {self.value} +{self.delay:g}s"


@dataclass(frozen=True)
class KillOutcome:
    """``killed`` is False when the command ended before the point was reached."""

    killed: bool
    seconds: float
    returncode: int | None
    output: str


def msht_environment(database: Path, checkpoints: Path) -> dict[str, str]:
    """A store of the test's own: its SQLite file, its audit checkpoints, its var directory.

    Rich is told the output is an interactive terminal, so that the progress display names
    each step as it starts (the kill points read it)."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "MSHT_AUDIT_CHECKPOINT_FILE": str(checkpoints),
        "MSHT_VAR_DIR": str(database.parent / "var"),
        # One audit key for every copy of a store (in development each var/ makes its own).
        "MSHT_AUDIT_KEY": AUDIT_KEY,
        "DJANGO_SETTINGS_MODULE": "msht.settings",
        "PYTHONUNBUFFERED": "1",
        "TTY_INTERACTIVE": "1",
        "TTY_COMPATIBLE": "1",
        "COLUMNS": "120",
    }


def msht_command(*args: str) -> list[str]:
    # Django's system checks cost seconds of start-up per process and check nothing a
    # fault touches; the fault tests start hundreds of processes.
    return [sys.executable, "-m", "msht.cli", *args, "--skip-checks"]


def msht_run(environment: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run ``msht`` to completion; fail the test with its output unless it exits 0."""
    result = subprocess.run(
        msht_command(*args),
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"msht {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


class _Output:
    """Collects a process's output on a thread, so that the test can watch it as it comes."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.text = ""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        while chunk := os.read(process.stdout.fileno(), 65536):
            with self._lock:
                self.text += chunk.decode("utf-8", "replace")

    def seen(self, needle: str) -> bool:
        with self._lock:
            return needle in self.text

    def finish(self) -> str:
        self._thread.join(timeout=30)
        return self.text


def _reached(point: KillPoint, started: float, output: _Output, journal: Path) -> bool:
    if point.trigger == AFTER_START:
        return time.monotonic() - started >= float(point.value)
    if point.trigger == STEP_SHOWN:
        return output.seen(str(point.value))
    try:
        return journal.stat().st_size >= int(point.value)
    except FileNotFoundError:
        return False


def run_and_kill(
    environment: dict[str, str],
    args: Sequence[str],
    point: KillPoint,
    *,
    journal: Path,
    timeout: float = 300,
) -> KillOutcome:
    """Start ``msht args`` and SIGKILL it at ``point``, unless it ends first."""
    started = time.monotonic()
    process = subprocess.Popen(
        msht_command(*args),
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = _Output(process)
    try:
        while process.poll() is None and not _reached(point, started, output, journal):
            assert time.monotonic() - started < timeout, f"{point.label} never came"
            time.sleep(0.005)
        if point.delay and process.poll() is None:
            time.sleep(point.delay)
        killed = process.poll() is None
        if killed:
            os.kill(process.pid, signal.SIGKILL)
        returncode = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
    text = output.finish()
    if killed:
        assert returncode == -signal.SIGKILL, text[-2000:]
    else:
        assert returncode == 0, f"msht {' '.join(args)} failed unkilled:\n{text[-3000:]}"
    return KillOutcome(killed, time.monotonic() - started, returncode, text)


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the SQLite file, opened read-only."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def query_after_crash(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` as the next process will find them, leaving the store untouched.

    A killed writer leaves a hot journal that only a read-write opening rolls back; that is
    done on a copy, so that the command run next recovers the store itself."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / database.name
        shutil.copyfile(database, copy)
        journal = Path(f"{database}-journal")
        if journal.exists():
            shutil.copyfile(journal, Path(f"{copy}-journal"))
        connection = sqlite3.connect(copy)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()


def digest(database: Path, queries: dict[str, str]) -> dict[str, str]:
    """A SHA-256 per named query over its rows, sorted: equal digests, equal contents."""
    found = {}
    for name, sql in queries.items():
        rows = sorted(repr(row) for row in query(database, sql))
        found[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
    return found


_RUN_MANY = "import sys; from msht.cli import main; [main(a.split('\\x1f')) for a in sys.argv[1:]]"


def msht_run_many(
    environment: dict[str, str], *commands: Sequence[str], timeout: float = 600
) -> str:
    """Run several ``msht`` commands one after another in one process (one start-up)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _RUN_MANY,
            *("\x1f".join([*command, "--skip-checks"]) for command in commands),
        ],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"msht {commands} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def differences(database: Path, expected: Path, queries: dict[str, str]) -> dict[str, Any]:
    """For each query whose rows differ: a few rows found only here, and only in ``expected``."""
    found = {}
    for name, sql in queries.items():
        here = {repr(row)[:400] for row in query(database, sql)}
        there = {repr(row)[:400] for row in query(expected, sql)}
        if here != there:
            found[name] = {
                "only here": sorted(here - there)[:3],
                "only expected": sorted(there - here)[:3],
            }
    return found
