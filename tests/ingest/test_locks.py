"""The source lock in one process: busy, stale, released (msht.ingest.locks). Two real
processes at once are in test_concurrent.py."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from msht.ingest.engine.mapping import mapping_for
from msht.ingest.locks import IngestBusyError, lock_key, source_lock
from msht.ingest.models import Batch, IngestedRecord, IngestLock, QuarantinedRow
from msht.ingest.services import batch_ingest, quarantine_resubmit, source_ensure
from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.django_db


def test_a_sources_lock_key_is_two_signed_32_bit_numbers_of_its_own() -> None:
    keys = {lock_key(code) for code in ("police", "ctdc", "htcds", "ngo", "border_force")}
    assert len(keys) == 5
    assert all(-(2**31) <= part < 2**31 for key in keys for part in key)
    assert lock_key("police") == lock_key("police")


@pytest.fixture
def held_elsewhere() -> Iterator[Any]:
    """The police source's lock, held by another live process with a running batch."""
    source = source_ensure(mapping_for("police"))
    Batch.objects.create(
        source=source,
        file_name="other.csv",
        file_sha256="0" * 64,
        mapping_version="x",
        started_at=timezone.now(),
    )
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        holder = psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or None,
            autocommit=True,
        )
        holder.execute("SELECT pg_advisory_lock(%s, %s)", lock_key("police"))
        yield holder
        holder.close()
        return
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    IngestLock.objects.create(
        source_code="police",
        pid=sleeper.pid,
        host=socket.gethostname(),
        acquired_at=timezone.now(),
    )
    yield sleeper
    sleeper.kill()
    sleeper.wait()


def test_an_ingest_that_will_not_wait_names_the_batch_holding_the_source(
    held_elsewhere: Any, tmp_path: Path
) -> None:
    path = write_police(tmp_path / "police.csv", [police_row(1)])
    with pytest.raises(IngestBusyError) as raised:
        batch_ingest(None, source_code="police", path=path, lock_timeout=0)
    message = str(raised.value)
    assert "another ingest of source 'police' is running" in message
    assert "file other.csv" in message
    assert raised.value.problems == [message]
    assert not IngestedRecord.objects.exists()


def test_a_bounded_wait_tells_why_it_waits_then_gives_up(held_elsewhere: Any) -> None:
    told: list[str] = []
    with (
        pytest.raises(IngestBusyError),
        source_lock("police", timeout=0.6, waiting=told.append),
    ):
        pass
    assert len(told) == 1
    assert "file other.csv" in told[0]


def test_other_sources_are_not_held_up(held_elsewhere: Any, tmp_path: Path) -> None:
    with source_lock("ngo", timeout=0):
        pass


def test_a_quarantined_row_is_not_resubmitted_while_its_source_is_ingested(
    tmp_path: Path,
) -> None:
    path = write_police(tmp_path / "police.csv", [police_row(1, SEX="?")])
    batch_ingest(None, source_code="police", path=path)
    quarantined = QuarantinedRow.objects.get()
    with source_lock("police"), pytest.raises(IngestBusyError):
        # Locks do not nest: this process's own ingest holds the source too.
        quarantine_resubmit(None, quarantined_id=quarantined.pk, corrections={"SEX": "F"})
    quarantine_resubmit(None, quarantined_id=quarantined.pk, corrections={"SEX": "F"})
    assert IngestedRecord.objects.count() == 1


def _sqlite_only() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL ends a dead session's advisory locks itself")


def test_a_lock_left_by_a_process_that_died_is_taken_over(tmp_path: Path) -> None:
    _sqlite_only()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    IngestLock.objects.create(
        source_code="police", pid=dead.pid, host=socket.gethostname(), acquired_at=timezone.now()
    )
    path = write_police(tmp_path / "police.csv", [police_row(1)])
    result = batch_ingest(None, source_code="police", path=path, lock_timeout=0)
    assert result.counts.loaded == 1
    assert not IngestLock.objects.exists()


def test_a_lock_held_on_another_machine_is_respected() -> None:
    _sqlite_only()
    IngestLock.objects.create(
        source_code="police", pid=1, host="another-machine", acquired_at=timezone.now()
    )
    with pytest.raises(IngestBusyError), source_lock("police", timeout=0):
        pass
    assert IngestLock.objects.get().host == "another-machine"
