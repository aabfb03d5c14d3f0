"""Read the operational store as Arrow through ADBC, for the pipelines (ARCHITECTURE.md).

Django's connection is row-at-a-time; ADBC hands whole columnar batches to DuckDB,
Splink and the statistics without a Python object per value. The extract opens its
own connection from ``settings.DATABASES["default"]``, so it sees committed data
only: tests that extract must commit (``django_db(transaction=True)``), and on SQLite
the test database is a file (settings.py) because another connection cannot open
an in-memory one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from django.conf import settings

from msht.core.errors import ConfigurationError

# SQLite columns have no fixed type: the driver infers each column's Arrow type
# from the first batch, so a batch large enough to see a non-null value matters.
SQLITE_BATCH_ROWS = 65_536


def _database() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def database_vendor() -> str:
    """``sqlite`` or ``postgresql``: the SQL dialect extract queries must speak."""
    engine = _database()["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine == "django.db.backends.postgresql":
        return "postgresql"
    raise ConfigurationError(f"No Arrow extract for database engine {engine}.")


def _postgres_uri(database: dict[str, Any]) -> str:
    user = database.get("USER") or ""
    password = database.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgresql://{credentials}{host}{port}/{database['NAME']}"


def _current_database_name(database: dict[str, Any]) -> str:
    # Under the test runner Django renames the database; the live connection knows the name.
    from django.db import connection

    name = connection.settings_dict.get("NAME") or database["NAME"]
    return str(name)


@contextmanager
def adbc_connection() -> Iterator[Any]:
    """An ADBC DB-API connection to the operational store, closed on exit."""
    database = dict(_database())
    database["NAME"] = _current_database_name(database)
    if database_vendor() == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite_adbc

        if str(database["NAME"]).startswith((":memory:", "file:memorydb")):
            raise ConfigurationError("An in-memory SQLite database cannot be read through ADBC.")
        connection = sqlite_adbc.connect(str(database["NAME"]))
    else:
        import adbc_driver_postgresql.dbapi as postgres_adbc

        connection = postgres_adbc.connect(_postgres_uri(database))
    try:
        yield connection
    finally:
        connection.close()


def _cursor(connection: Any) -> Any:
    cursor = connection.cursor()
    if database_vendor() == "sqlite":
        from adbc_driver_sqlite import StatementOptions

        cursor.adbc_statement.set_options(
            **{StatementOptions.BATCH_ROWS.value: str(SQLITE_BATCH_ROWS)}
        )
    return cursor


def arrow_from_query(sql: str) -> pa.Table:
    """The whole result of ``sql`` as one Arrow table (for results that fit in memory)."""
    with adbc_connection() as connection:
        cursor = _cursor(connection)
        try:
            cursor.execute(sql)
            table: pa.Table = cursor.fetch_arrow_table()
        finally:
            cursor.close()
    return table


def batches_from_query(sql: str) -> Iterator[pa.RecordBatch]:
    """The result of ``sql`` batch by batch, in constant memory."""
    with adbc_connection() as connection:
        cursor = _cursor(connection)
        try:
            cursor.execute(sql)
            reader: pa.RecordBatchReader = cursor.fetch_record_batch()
            yield from reader
        finally:
            cursor.close()
