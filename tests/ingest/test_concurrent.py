"""Two ``msht ingest`` processes at once: the second waits and adds nothing, or, told not
to wait, stops with a clear message (msht.ingest.locks). Real processes, on SQLite and, on
the PostgreSQL pass, PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from msht.ingest.locks import lock_key
from tests.ingest.exports import police_row, write_police
from tests.ingest.processes import Store, msht, store_for

ROWS = 20_000
BUSY = "another ingest of source 'police' is running"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated database of the test's own."""
    for store in store_for(request.param, tmp_path, "msht_concurrent"):
        assert msht(store.url, "migrate", "-v0").wait(timeout=300) == 0
        yield store


def _finish(process: subprocess.Popen[str]) -> tuple[dict[str, Any], str]:
    output, errors = process.communicate(timeout=900)
    assert process.returncode == 0, errors
    return json.loads(output.strip().splitlines()[-1]), errors


def test_two_ingests_of_one_file_at_once_load_it_exactly_once(
    database: Store, tmp_path: Path
) -> None:
    export = write_police(tmp_path / "police.csv", [police_row(n) for n in range(ROWS)])

    first = msht(database.url, "ingest", "police", str(export), "--json")
    second = msht(database.url, "ingest", "police", str(export), "--json")
    (one, one_said), (two, two_said) = _finish(first), _finish(second)

    # They really overlapped: one of them found the other holding the source and waited.
    assert f"waiting: {BUSY}" in one_said + two_said
    assert sorted([one["loaded"], two["loaded"]]) == [0, ROWS]
    assert sorted([one["unchanged"], two["unchanged"]]) == [0, ROWS]
    assert one["batch"] != two["batch"]
    query = database.query
    assert query("SELECT state, count(*) FROM ingest_batch GROUP BY state") == [("complete", 2)]
    keys = query("SELECT count(*), count(DISTINCT record_key) FROM ingest_ingestedrecord")
    assert keys == [(ROWS, ROWS)]
    assert query("SELECT count(*) FROM referrals_personrecord") == [(ROWS,)]
    # The waiting one began only after the first had committed.
    finished, started = query(
        "SELECT a.finished_at, b.started_at FROM ingest_batch a, ingest_batch b "  # noqa: S608 - a constant
        f"WHERE a.loaded = {ROWS} AND b.unchanged = {ROWS}"
    )[0]
    assert started >= finished
    assert query("SELECT count(*) FROM ingest_ingestlock") == [(0,)]


def _hold_lock(database: Store) -> Any:
    """Take the police source's lock as another live process would; returns the holder."""
    if database.vendor == "postgresql":
        import psycopg

        holder = psycopg.connect(database.url, autocommit=True)
        holder.execute("SELECT pg_advisory_lock(%s, %s)", lock_key("police"))
        return holder
    database.query(
        "INSERT INTO ingest_ingestlock (source_code, pid, host, process_started, acquired_at) "  # noqa: S608 - this process
        f"VALUES ('police', {os.getpid()}, '{socket.gethostname()}', '', '2026-01-01')"
    )
    return None


def test_an_ingest_told_not_to_wait_stops_clearly_and_writes_nothing(
    database: Store, tmp_path: Path
) -> None:
    export = write_police(tmp_path / "police.csv", [police_row(n) for n in range(50)])
    holder = _hold_lock(database)

    refused = msht(database.url, "ingest", "police", str(export), "--json", "--wait", "0")
    _, errors = refused.communicate(timeout=300)

    assert refused.returncode != 0
    assert BUSY in " ".join(errors.split())
    assert "Run it again when that one has finished" in " ".join(errors.split())
    assert database.query("SELECT count(*) FROM ingest_batch") == [(0,)]
    assert database.query("SELECT count(*) FROM ingest_ingestedrecord") == [(0,)]

    if holder is not None:
        holder.close()  # the session ends, and PostgreSQL lets the lock go
    else:
        database.query("DELETE FROM ingest_ingestlock")
    summary, _ = _finish(msht(database.url, "ingest", "police", str(export), "--json"))
    assert summary["loaded"] == 50
