"""An ingest killed with SIGKILL part-way leaves nothing; running it again completes it.

The process runs against its own database (a SQLite file; and on the PostgreSQL pass a
scratch PostgreSQL database), so the test sees exactly what a second process would see
after the crash.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.slow

ROWS = 40_000
Query = Callable[[str], list[tuple[Any, ...]]]


def _msht(url: str, *args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "msht.cli", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _sqlite(tmp_path: Path) -> tuple[str, Query, Callable[[], bool]]:
    import sqlite3

    database = tmp_path / "msht.sqlite3"
    journals = [tmp_path / "msht.sqlite3-journal", tmp_path / "msht.sqlite3-wal"]

    def query(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(database) as connection:
            return connection.execute(sql).fetchall()

    def writing() -> bool:
        """Rows are being written inside the batch's transaction: its journal is growing."""
        return any(path.exists() and path.stat().st_size > 64 * 1024 for path in journals)

    return f"sqlite:///{database}", query, writing


def _postgres(url: str, name: str) -> tuple[str, Query, Callable[[], bool]]:
    import psycopg

    scratch = url.rsplit("/", 1)[0] + f"/{name}"

    def query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(scratch) as connection:
            return connection.execute(sql).fetchall()

    def writing() -> bool:
        """The batch row is committed and another session holds an open transaction."""
        try:
            running = query("SELECT count(*) FROM ingest_batch WHERE state = 'running'")
        except psycopg.errors.UndefinedTable:
            return False
        open_transactions = query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND xact_start IS NOT NULL AND pid <> pg_backend_pid() "
            "AND now() - xact_start > interval '1 second'"
        )
        return running == [(1,)] and open_transactions[0][0] > 0

    return scratch, query, writing


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Query, Callable[[], bool]]]:
    """A database of the test's own, migrated by a subprocess."""
    if request.param == "sqlite":
        yield _sqlite(tmp_path)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the PostgreSQL variant runs on the PostgreSQL pass (DATABASE_URL)")
    import psycopg

    name = f"msht_kill_{os.getpid()}"
    # The maintenance database: DATABASE_URL's own may not exist (pytest-django makes test_*).
    url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_killed_ingest_leaves_nothing_and_a_rerun_loads_every_row_once(
    database: tuple[str, Query, Callable[[], bool]], tmp_path: Path
) -> None:
    url, query, writing = database
    assert _msht(url, "migrate", "-v0").wait(timeout=300) == 0
    export = write_police(tmp_path / "police.csv", [police_row(n) for n in range(ROWS)])

    process = _msht(url, "ingest", "police", str(export), "--json")
    deadline = time.monotonic() + 120
    # Part-way: rows are being written inside the batch's transaction, and it has not ended.
    while not writing():
        assert process.poll() is None, "the ingest finished before it could be killed"
        assert time.monotonic() < deadline, "the ingest never started writing"
        time.sleep(0.05)
    assert process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL

    assert query("SELECT count(*) FROM ingest_ingestedrecord") == [(0,)]
    assert query("SELECT count(*) FROM referrals_personrecord") == [(0,)]
    assert query("SELECT id, state FROM ingest_batch") == [(1, "running")]

    rerun = _msht(url, "ingest", "police", str(export), "--json")
    output, errors = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, errors
    summary = json.loads(output.strip().splitlines()[-1])
    assert summary["batch"] == 1
    assert (summary["rows"], summary["loaded"]) == (ROWS, ROWS)

    assert query("SELECT id, state FROM ingest_batch") == [(1, "complete")]
    keys = query("SELECT count(*), count(DISTINCT record_key) FROM ingest_ingestedrecord")
    assert keys == [(ROWS, ROWS)]
    assert query("SELECT count(*) FROM referrals_personrecord") == [(ROWS,)]
