"""An ingest killed with SIGKILL part-way leaves nothing; running it again completes it.

The process runs against its own SQLite file, so the test sees exactly what a second
process would see after the crash.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.slow

ROWS = 40_000


def _msht(database: Path, *args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.Popen(
        [sys.executable, "-m", "msht.cli", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def test_a_killed_ingest_leaves_nothing_and_a_rerun_loads_every_row_once(tmp_path: Path) -> None:
    database = tmp_path / "msht.sqlite3"
    assert _msht(database, "migrate", "-v0").wait(timeout=300) == 0
    export = write_police(tmp_path / "police.csv", [police_row(n) for n in range(ROWS)])

    process = _msht(database, "ingest", "police", str(export), "--json")
    journals = [tmp_path / "msht.sqlite3-journal", tmp_path / "msht.sqlite3-wal"]
    deadline = time.monotonic() + 120
    # Part-way: rows are being written inside the batch's transaction, and it has not ended.
    while not any(path.exists() and path.stat().st_size > 64 * 1024 for path in journals):
        assert process.poll() is None, "the ingest finished before it could be killed"
        assert time.monotonic() < deadline, "the ingest never started writing"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL

    assert _count(database, "SELECT count(*) FROM ingest_ingestedrecord") == [(0,)]
    assert _count(database, "SELECT count(*) FROM referrals_personrecord") == [(0,)]
    assert _count(database, "SELECT id, state FROM ingest_batch") == [(1, "running")]

    rerun = _msht(database, "ingest", "police", str(export), "--json")
    output, errors = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, errors
    summary = json.loads(output.strip().splitlines()[-1])
    assert summary["batch"] == 1
    assert (summary["rows"], summary["loaded"]) == (ROWS, ROWS)

    assert _count(database, "SELECT id, state FROM ingest_batch") == [(1, "complete")]
    keys = _count(
        database, "SELECT count(*), count(DISTINCT record_key) FROM ingest_ingestedrecord"
    )
    assert keys == [(ROWS, ROWS)]
    assert _count(database, "SELECT count(*) FROM referrals_personrecord") == [(ROWS,)]
