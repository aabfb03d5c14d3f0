"""Real ``msht`` processes against a database of the test's own (a SQLite file, or a scratch
PostgreSQL database on the PostgreSQL pass), so that a test sees exactly what a second
process would see."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

Query = Callable[[str], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Store:
    """A database for subprocesses: its URL, a way to query it, and its backend."""

    url: str
    query: Query
    writing: Callable[[], bool]
    vendor: str


def msht(url: str, *args: str) -> subprocess.Popen[str]:
    """Start ``msht ARGS`` against the database at ``url``."""
    environment = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "msht.cli", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sqlite_store(tmp_path: Path) -> Store:
    """A SQLite file in the test's folder."""
    import sqlite3

    database = tmp_path / "msht.sqlite3"
    journals = [tmp_path / "msht.sqlite3-journal", tmp_path / "msht.sqlite3-wal"]

    def query(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(database, timeout=60) as connection:
            return connection.execute(sql).fetchall()

    def writing() -> bool:
        """Rows are being written inside the batch's transaction: its journal is growing."""
        return any(path.exists() and path.stat().st_size > 64 * 1024 for path in journals)

    return Store(f"sqlite:///{database}", query, writing, "sqlite")


def postgres_store(url: str, name: str) -> Store:
    """The scratch PostgreSQL database ``name`` on the server of ``url``."""
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

    return Store(scratch, query, writing, "postgresql")


def store_for(backend: str, tmp_path: Path, prefix: str) -> Iterator[Store]:
    """A migrated-by-nobody-yet database for subprocesses; dropped after (PostgreSQL)."""
    if backend == "sqlite":
        yield sqlite_store(tmp_path)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the PostgreSQL variant runs on the PostgreSQL pass (DATABASE_URL)")
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    # The maintenance database: DATABASE_URL's own may not exist (pytest-django makes test_*).
    url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_store(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
