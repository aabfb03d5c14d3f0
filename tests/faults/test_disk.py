"""A read-only or full disk under the store (or under a backup's target) gives a clear error:
a referral submitted over the API or from its page answers 503 (JSON or the GOV.UK page,
no traceback), ``msht ingest`` and ``msht backup`` end with exit code 1 and one plain line,
and nothing is left half-written. Once the disk is writable again the same ingest loads
every row.

The disks are real: a small tmpfs mounted for the test, remounted read-only, or filled to
the last byte. Mounting needs root (as in CI's container); elsewhere the tests skip.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from msht.cli import STORE_UNAVAILABLE
from msht.core.errorpages import RETRY_AFTER_SECONDS, UNAVAILABLE
from msht.core.ops.backup import BACKUP_FAILED
from tests.faults.support import ROOT, msht_environment, msht_run, query
from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.slow

FAULTS = ["read-only", "full"]
TRACEBACK_SIGNS = ("Traceback", 'File "/', "sqlite3.", "django.db")
EXPORT_ROWS = 300
UNAVAILABLE_PAGE = "Sorry, the service is unavailable"


def _mount(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["mount", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def small_disk(size: str = "32m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on a new directory, unmounted and removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    directory = Path(tempfile.mkdtemp(prefix="msht-disk-"))
    mounted = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(directory))
    if mounted.returncode != 0:
        directory.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "--lazy", str(directory)], check=False)
        directory.rmdir()


def _fill(directory: Path) -> Path:
    """Write until the file system has not one byte left."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as handle:
        for block in (1 << 20, 1 << 12, 1):
            while True:
                try:
                    handle.write(b"\0" * block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    return filler


@contextmanager
def broken(directory: Path, fault: str) -> Iterator[None]:
    """The disk at ``directory`` read-only or full for the block, writable afterwards."""
    if fault == "read-only":
        assert _mount("-o", "remount,ro", str(directory)).returncode == 0
        try:
            yield
        finally:
            assert _mount("-o", "remount,rw", str(directory)).returncode == 0
    else:
        filler = _fill(directory)
        try:
            yield
        finally:
            filler.unlink()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store, copied by each test."""
    directory = tmp_path_factory.mktemp("migrated")
    database = directory / "msht.sqlite3"
    msht_run(msht_environment(database, directory / "audit.checkpoints"), "migrate", "-v0")
    return database


def _store_on(disk: Path, migrated: Path) -> tuple[Path, dict[str, str]]:
    database = disk / "msht.sqlite3"
    shutil.copyfile(migrated, database)
    environment = msht_environment(database, disk / "audit.checkpoints")
    # Django's own var directory (secret key) stays off the disk under test.
    environment["MSHT_VAR_DIR"] = str(migrated.parent / "var")
    return database, environment


def _inprocess(environment: dict[str, str], *arguments: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.inprocess", *arguments],
        env={**environment, "DJANGO_SETTINGS_MODULE": "tests.faults.plain_static_settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _counts(database: Path) -> dict[str, Any]:
    return {
        "referrals by status": query(
            database, "SELECT status, count(*) FROM referrals_referral GROUP BY 1 ORDER BY 1"
        ),
        "audit events": query(database, "SELECT count(*) FROM audit_auditevent"),
    }


def _clean(text: str) -> None:
    assert not any(sign in text for sign in TRACEBACK_SIGNS), text[-3000:]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_referral_on_a_broken_disk_answers_503_and_stores_nothing(
    fault: str, migrated: Path
) -> None:
    with small_disk() as disk:
        database, environment = _store_on(disk, migrated)
        prepared = _inprocess(environment, "prepare")
        before = _counts(database)
        with broken(disk, fault):
            answers = _inprocess(
                environment, "submit", prepared["token"], prepared["draft"], prepared["session"]
            )
        after = _counts(database)
    print(f"\nfaults injected: {fault} disk under 2 referral submissions (API and page)")
    api, page = answers
    assert (api["status"], api["retry_after"]) == (503, str(RETRY_AFTER_SECONDS))
    assert api["content_type"].startswith("application/json")
    assert json.loads(api["body"]) == {"detail": UNAVAILABLE}
    assert (page["status"], page["retry_after"]) == (503, str(RETRY_AFTER_SECONDS))
    assert page["content_type"].startswith("text/html")
    assert UNAVAILABLE_PAGE in page["body"]
    for answer in answers:
        _clean(answer["body"])
    # Nothing half-written: no new referral, the draft still a draft, no audit event.
    assert after == before


def _ingest(environment: dict[str, str], export: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msht.cli", "ingest", "police", str(export), "--json"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("fault", FAULTS)
def test_an_ingest_on_a_broken_disk_fails_plainly_and_a_rerun_loads_every_row(
    fault: str, migrated: Path, tmp_path: Path
) -> None:
    export = write_police(tmp_path / "police.csv", [police_row(n) for n in range(EXPORT_ROWS)])
    with small_disk() as disk:
        database, environment = _store_on(disk, migrated)
        with broken(disk, fault):
            failed = _ingest(environment, export)
            written = query(database, "SELECT count(*) FROM ingest_ingestedrecord")
            people = query(database, "SELECT count(*) FROM referrals_personrecord")
        print(f"\nfaults injected: {fault} disk under msht ingest")
        assert failed.returncode == 1, failed.stderr[-3000:]
        message = STORE_UNAVAILABLE.split("{error}")[0].format(command="ingest")
        assert message in failed.stderr
        _clean(failed.stderr + failed.stdout)
        assert (written, people) == ([(0,)], [(0,)])

        rerun = _ingest(environment, export)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        summary = json.loads(rerun.stdout.strip().splitlines()[-1])
        assert (summary["rows"], summary["loaded"]) == (EXPORT_ROWS, EXPORT_ROWS)
        assert query(database, "SELECT count(*) FROM referrals_personrecord") == [(EXPORT_ROWS,)]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_backup_to_a_broken_disk_fails_plainly_and_leaves_no_file(
    fault: str, migrated: Path, tmp_path: Path
) -> None:
    database = tmp_path / "msht.sqlite3"
    shutil.copyfile(migrated, database)
    environment = msht_environment(database, tmp_path / "audit.checkpoints")
    with small_disk("1m") as disk:
        target = disk / "msht.backup"
        with broken(disk, fault):
            failed = subprocess.run(
                [sys.executable, "-m", "msht.cli", "backup", str(target)],
                env=environment,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            left = sorted(path.name for path in disk.iterdir())
    print(f"\nfaults injected: {fault} disk under msht backup")
    assert failed.returncode == 1, failed.stderr[-3000:]
    assert BACKUP_FAILED.split(":")[0].format(path=target) in failed.stderr
    _clean(failed.stderr + failed.stdout)
    # No backup and no partial file: only the test's own filler, when the disk was full.
    assert left == ([] if fault == "read-only" else ["filler"])
