"""Stable pseudonymous keys: HMAC-SHA256 of an id under a key that never leaves the service.

The same id gives the same key at every refresh (so analysts can follow a person over
time), but without the key nobody can go from a pseudonym back to a row of the store.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

import pyarrow as pa

KEY_LENGTH_HEX = 32  # 128 bits of the digest: no collisions at national scale


def derive_key(secret: str, purpose: str = "msht.analytics.pseudonym") -> bytes:
    """A key for one purpose derived from the service secret (rotating the secret rotates it)."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, namespace: str, value: object) -> str:
    """The pseudonym of ``value`` in ``namespace`` (a referral id never equals a person's)."""
    message = f"{namespace}:{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:KEY_LENGTH_HEX]


def pseudonym_column(key: bytes, namespace: str, values: Iterable[object]) -> pa.Array:
    """Pseudonyms of a column of ids, nulls kept null."""
    return pa.array(
        [None if value is None else pseudonym(key, namespace, value) for value in values],
        type=pa.string(),
    )


def pseudonymise(table: pa.Table, key: bytes, columns: dict[str, str]) -> pa.Table:
    """Replace each id column named in ``columns`` (column -> namespace) by its pseudonyms."""
    for column, namespace in columns.items():
        index = table.schema.get_field_index(column)
        values = table.column(column).to_pylist()
        table = table.set_column(index, column, pseudonym_column(key, namespace, values))
    return table
