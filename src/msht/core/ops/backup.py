"""Backup and restore of the whole operational store, exactly.

SQLite: the SQLite online backup API, a consistent page-by-page copy even while others write;
the backup is itself a SQLite database. PostgreSQL: ``pg_dump --format=custom`` and
``pg_restore --clean --single-transaction``, so a failed restore changes nothing. Either
way the restore replaces every table, the audit trail included, with the backup's; the
``store_restored`` signal then lets the audit app start its checkpoints from the restored
head (core depends on no other app, so it announces rather than calls).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import Signal

from msht.core.errors import ConfigurationError, ValidationError

# Called with (pages or steps done, total) as the copy goes.
Progress = Callable[[int, int], None]

store_restored = Signal()  # sent with using=<alias> after a restore succeeds

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
UNSUPPORTED_VENDOR = "backup and restore support SQLite and PostgreSQL, not {vendor}"
NOT_A_BACKUP = "{path} is not a {vendor} backup made by msht backup (its first bytes do not match)"
BACKUP_MISSING = "{path} does not exist"
BACKUP_EXISTS = "{path} exists already: give another name, or remove it first"
TOOL_MISSING = "{tool} is not installed: PostgreSQL backups need the PostgreSQL client tools"
TOOL_FAILED = "{tool} failed (exit {code}): {stderr}"
BACKUP_FAILED = "the backup could not be written to {path}: {error}; no backup file was left"
_PAGES_PER_STEP = 256


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise ConfigurationError(UNSUPPORTED_VENDOR.format(vendor=vendor))
    return vendor


def _sqlite_connection(using: str) -> sqlite3.Connection:
    connection = connections[using]
    connection.ensure_connection()
    raw: Any = connection.connection
    return raw  # type: ignore[no-any-return]


def _sqlite_progress(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None
    return lambda status, remaining, total: progress(total - remaining, total)


def _pg_environment(using: str) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump / pg_restore from Django's own settings."""
    params = connections[using].settings_dict
    arguments = ["--dbname", str(params["NAME"])]
    if params.get("HOST"):
        arguments += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        arguments += ["--port", str(params["PORT"])]
    if params.get("USER"):
        arguments += ["--username", str(params["USER"])]
    environment = dict(os.environ)
    if params.get("PASSWORD"):
        environment["PGPASSWORD"] = str(params["PASSWORD"])
    return arguments, environment


def _run_tool(tool: str, arguments: list[str], environment: dict[str, str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise ConfigurationError(TOOL_MISSING.format(tool=tool))
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings, no shell
        [executable, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ConfigurationError(
            TOOL_FAILED.format(tool=tool, code=result.returncode, stderr=result.stderr.strip())
        )


def backup_write(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress | None = None
) -> None:
    """Write a consistent copy of the whole store to ``path`` (which must not exist yet).

    Args:
        path: the backup file to create.
        using: the database alias.
        progress: called with (done, total) as the copy goes.

    Examples:
        >>> backup_write(Path("msht-2026-11-24.backup"))  # doctest: +SKIP
    """
    if path.exists():
        raise ValidationError(BACKUP_EXISTS.format(path=path))
    vendor = _vendor(using)
    # Written beside the target, then renamed: a failed backup never looks like a good one.
    partial = path.with_name(path.name + ".partial")
    try:
        # exists() first: unlinking a missing file on a read-only disk fails too.
        if partial.exists():
            partial.unlink()
        if vendor == "sqlite":
            target = sqlite3.connect(partial)
            try:
                _sqlite_connection(using).backup(
                    target, pages=_PAGES_PER_STEP, progress=_sqlite_progress(progress)
                )
            finally:
                target.close()
        else:
            arguments, environment = _pg_environment(using)
            _run_tool(
                "pg_dump", [*arguments, "--format=custom", "--file", str(partial)], environment
            )
        partial.rename(path)
    except (sqlite3.Error, OSError) as error:
        # A full or read-only disk where the backup goes: said plainly, with no traceback.
        raise ValidationError(BACKUP_FAILED.format(path=path, error=error)) from error
    finally:
        if partial.exists():
            partial.unlink()
    if progress is not None:
        progress(1, 1)


def _check_header(path: Path, vendor: str) -> None:
    if not path.exists():
        raise ValidationError(BACKUP_MISSING.format(path=path))
    header = SQLITE_HEADER if vendor == "sqlite" else PG_CUSTOM_HEADER
    with path.open("rb") as handle:
        if handle.read(len(header)) != header:
            raise ValidationError(NOT_A_BACKUP.format(path=path, vendor=vendor))


def backup_restore(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress | None = None
) -> None:
    """Replace the whole store, every table, with the backup at ``path``.

    Stop the web server and workers first: writes made during the restore are lost.
    """
    vendor = _vendor(using)
    _check_header(path, vendor)
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(
                _sqlite_connection(using),
                pages=_PAGES_PER_STEP,
                progress=_sqlite_progress(progress),
            )
        finally:
            source.close()
    else:
        arguments, environment = _pg_environment(using)
        connections[using].close()  # no session of ours holds a lock on a table being replaced
        _run_tool(
            "pg_restore",
            [*arguments, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)],
            environment,
        )
    if progress is not None:
        progress(1, 1)
    store_restored.send(sender=backup_restore, using=using)
