"""An ingest killed with SIGKILL part-way leaves nothing; running it again completes it.

The process runs against its own database (a SQLite file; and on the PostgreSQL pass a
scratch PostgreSQL database), so the test sees exactly what a second process would see
after the crash.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest.exports import police_row, write_police
from tests.ingest.processes import Store, msht, store_for

pytestmark = pytest.mark.slow

ROWS = 40_000


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A database of the test's own, migrated by a subprocess."""
    yield from store_for(request.param, tmp_path, "msht_kill")


def test_a_killed_ingest_leaves_nothing_and_a_rerun_loads_every_row_once(
    database: Store, tmp_path: Path
) -> None:
    url, query, writing = database.url, database.query, database.writing
    assert msht(url, "migrate", "-v0").wait(timeout=300) == 0
    export = write_police(tmp_path / "police.csv", [police_row(n) for n in range(ROWS)])

    process = msht(url, "ingest", "police", str(export), "--json")
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

    rerun = msht(url, "ingest", "police", str(export), "--json")
    output, errors = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, errors
    summary = json.loads(output.strip().splitlines()[-1])
    assert summary["batch"] == 1
    assert (summary["rows"], summary["loaded"]) == (ROWS, ROWS)

    assert query("SELECT id, state FROM ingest_batch") == [(1, "complete")]
    keys = query("SELECT count(*), count(DISTINCT record_key) FROM ingest_ingestedrecord")
    assert keys == [(ROWS, ROWS)]
    assert query("SELECT count(*) FROM referrals_personrecord") == [(ROWS,)]
