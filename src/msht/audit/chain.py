"""How an audit event's hash is made: the two schemes, frozen (docs/audit.md, decision 2).

Events written before the chain was keyed carry a plain SHA-256 of their canonical JSON
(``hash_version`` empty). Since then every event carries an HMAC-SHA256 of the same JSON plus
its version, under a key held outside the database (``settings.AUDIT_KEY``, from
``MSHT_AUDIT_KEY`` or ``MSHT_AUDIT_KEY_FILE``): someone who can write to the database but
does not hold the key can no longer recompute a consistent chain. Old events are never
rewritten (the database refuses UPDATE on the trail); the first keyed event chains to the last
plain one, so the key vouches for everything before it too.

Neither scheme may change once events carry it: a new scheme is a new version number.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

from msht.core.errors import ConfigurationError

# The version stored with every event written since the chain was keyed.
KEYED = 2
MISSING_AUDIT_KEY = (
    "The audit trail needs its key: set MSHT_AUDIT_KEY or MSHT_AUDIT_KEY_FILE "
    "(docs/security.md, 'The audit trail')"
)


def canonical(payload: dict[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, anything else as its string."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def plain_hash(payload: dict[str, Any]) -> str:
    """The scheme of the events written before keying: SHA-256 of the canonical JSON."""
    return hashlib.sha256(canonical(payload)).hexdigest()


def keyed_hash(payload: dict[str, Any], key: bytes) -> str:
    """The keyed scheme: HMAC-SHA256 under ``key`` of the canonical JSON and its version."""
    return hmac.new(key, canonical({**payload, "hash_version": KEYED}), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    """The key of the chain (``settings.AUDIT_KEY``); refuses to go on without one."""
    key = str(getattr(settings, "AUDIT_KEY", "") or "")
    if not key:
        raise ConfigurationError(MISSING_AUDIT_KEY)
    return key.encode()


def hash_for(payload: dict[str, Any], version: int | None, key: bytes) -> str:
    """The hash an event of ``version`` must carry: plain for none, keyed for ``KEYED``, and
    for any other version a value no hex digest equals (an unknown scheme never verifies)."""
    if version is None:
        return plain_hash(payload)
    if version == KEYED:
        return keyed_hash(payload, key)
    return f"unknown hash version {version}"
