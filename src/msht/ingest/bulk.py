"""Writing many rows at once: PostgreSQL COPY, or SQLite executemany, inside the caller's
transaction (ARCHITECTURE.md: large files stream; no row-by-row ORM saves).

Ids are handed out before the rows are written so that related rows (a person record and
the ingested record pointing at it) can be written in one pass each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import DateField, DateTimeField, Field, JSONField, Model

Row = dict[str, Any]


class IdAllocator:
    """Hands out primary keys for one model while the caller holds the write transaction.

    PostgreSQL draws them from the table's sequence; SQLite, which lets one writer in at a
    time, counts on from the largest id in use (or ever used, for AUTOINCREMENT tables).
    """

    def __init__(self, model: type[Model]) -> None:
        self.table = model._meta.db_table
        self._next: int | None = None

    def take(self, count: int) -> list[int]:
        """``count`` new ids, in increasing order."""
        if count == 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return sorted(int(row[0]) for row in cursor.fetchall())
            if self._next is None:
                cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{self.table}"')  # noqa: S608 - table name from the model
                largest = int(cursor.fetchone()[0])
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                found = cursor.fetchone()
                self._next = max(largest, int(found[0]) if found else 0) + 1
        first = self._next
        self._next = first + count
        return list(range(first, first + count))


def _identity(value: Any) -> Any:
    return value


def _json(value: Any) -> Any:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _adapter(field: Field[Any, Any]) -> Any:
    """One function per column that turns a Python value into what the driver takes."""
    if isinstance(field, JSONField):
        return _json
    if isinstance(field, DateTimeField):
        # Every row of a chunk carries the same timestamp: adapt each distinct one once.
        cache: dict[dt.datetime, Any] = {}

        def adapt_datetime(value: Any) -> Any:
            if value is None:
                return None
            if value not in cache:
                cache[value] = connection.ops.adapt_datetimefield_value(value)
            return cache[value]

        return adapt_datetime
    if isinstance(field, DateField):
        return lambda value: None if value is None else connection.ops.adapt_datefield_value(value)
    return _identity


def _values(fields: list[Field[Any, Any]], rows: Iterable[Row]) -> Iterator[tuple[Any, ...]]:
    adapters = [(field.attname, _adapter(field)) for field in fields]
    for row in rows:
        yield tuple(adapt(row[name]) for name, adapt in adapters)


def _columns(model: type[Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return [fields[name] for name in names]


def complete_rows(model: type[Model], rows: list[Row]) -> tuple[list[str], list[Row]]:
    """Every concrete column, with the field default where a row does not give a value."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    defaults = {
        field.attname: field.get_default() for field in fields if field.attname not in {"id"}
    }
    return names, [{**defaults, **row} for row in rows]


def insert_rows(model: type[Model], rows: list[Row]) -> int:
    """Insert ``rows`` (every concrete column given) with COPY or executemany."""
    if not rows:
        return 0
    names, full = complete_rows(model, rows)
    fields = _columns(model, names)
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    values = _values(fields, full)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw_cursor: Any = cursor.cursor
            with raw_cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            ) as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",  # noqa: S608 - names from the model
                list(values),
            )
    return len(rows)


def insert_ignoring_conflicts(model: type[Model], rows: list[Row]) -> int:
    """Insert rows, skipping any that break a unique constraint (the same bad row again)."""
    if not rows:
        return 0
    names, full = complete_rows(model, rows)
    names = [name for name in names if name != "id"]
    fields = _columns(model, names)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = list(_values(fields, full))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({quoted}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608 - names from the model
            values,
        )
    return len(rows)


def update_rows(model: type[Model], names: Sequence[str], rows: list[Row]) -> int:
    """Set columns ``names`` on each row, found by its ``id``."""
    fields = _columns(model, names)
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(
        f"{connection.ops.quote_name(str(field.column))} = %s" for field in fields
    )
    values = [
        (*adapted, row["id"]) for adapted, row in zip(_values(fields, rows), rows, strict=True)
    ]
    if not values:
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", values)  # noqa: S608 - names from the model
    return len(values)
