"""Idempotency keys for ``POST /api/referrals/`` (docs/reliability.md, 'Idempotency keys').

A connection lost during COMMIT leaves the server unable to know whether a referral was
stored, so a client that retries could store it twice. With an ``Idempotency-Key`` the key,
a digest of the request and the answer are stored in the transaction that stores the
referral: a retry with the same key and body gets the first answer again and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from msht.accounts.models import User
from msht.accounts.rules import Action, Actor, referrals_visible_to, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.errors import ValidationError
from msht.referrals.models import Referral, ReferralIdempotencyKey

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
# How long a key is kept. A client retries a failed submission within minutes (a 503 says
# Retry-After: 30), and a day also covers a client that is itself down overnight. The stored
# answer copies the referral's answers, so it is kept no longer than retries need.
KEY_LIFETIME = dt.timedelta(hours=24)

KEY_EMPTY = f"{KEY_HEADER} is empty: send 1 to {KEY_MAX_LENGTH} printable ASCII characters"
KEY_TOO_LONG = (
    f"{KEY_HEADER} is longer than {KEY_MAX_LENGTH} characters: send 1 to {KEY_MAX_LENGTH} "
    "printable ASCII characters"
)
KEY_NOT_PRINTABLE = (
    f"{KEY_HEADER} holds a character that is not printable ASCII: use only the characters "
    "from space to ~ (a UUID is a good key)"
)
KEY_REUSED = (
    f"This {KEY_HEADER} was used with a different request body: send a new key for a new "
    "referral, or the same body to get the first answer again"
)


class IdempotencyKeyInvalidError(ValidationError):
    """The ``Idempotency-Key`` header is not 1 to 255 printable ASCII characters."""


class IdempotencyKeyReusedError(ValidationError):
    """The key was stored with a request of a different body."""


@dataclass(frozen=True)
class KeyedAnswer:
    """The answer to a keyed request: the stored one when ``replayed``."""

    status: int
    body: dict[str, Any]
    replayed: bool


def idempotency_key_check(value: str) -> str:
    """The key, when it is 1 to 255 printable ASCII characters (space to ~); else raises."""
    if not value:
        raise IdempotencyKeyInvalidError(KEY_EMPTY, [KEY_EMPTY])
    if len(value) > KEY_MAX_LENGTH:
        raise IdempotencyKeyInvalidError(KEY_TOO_LONG, [KEY_TOO_LONG])
    if any(not " " <= character <= "~" for character in value):
        raise IdempotencyKeyInvalidError(KEY_NOT_PRINTABLE, [KEY_NOT_PRINTABLE])
    return value


def request_digest(body: object) -> str:
    """SHA-256 of the body as canonical JSON: keys sorted, no spaces, so that the same
    request sent with other spacing or key order has the same digest."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # JSON may escape a lone surrogate (\ud800), which UTF-8 cannot encode: hash it anyway,
    # so that the body's validation, not the digest, answers (400, by field).
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _claim(user: User, key: str, digest: str) -> tuple[ReferralIdempotencyKey, bool]:
    """Insert the key, or find the one already stored: (row, True when this request owns it).

    The unique constraint decides between concurrent requests: on PostgreSQL a second insert
    waits for the first request's transaction and fails once it commits; it succeeds if the
    first rolled back. An expired key is deleted first, so that it can be used again.
    """
    ReferralIdempotencyKey.objects.filter(
        user=user, key=key, created_at__lt=timezone.now() - KEY_LIFETIME
    ).delete()
    try:
        with transaction.atomic():  # a savepoint: the insert may collide
            row = ReferralIdempotencyKey.objects.create(user=user, key=key, request_sha256=digest)
    except IntegrityError:
        return ReferralIdempotencyKey.objects.get(user=user, key=key), False
    return row, True


def _replay(actor: Actor, row: ReferralIdempotencyKey, digest: str) -> KeyedAnswer:
    """The stored answer, if the body is the same and the referral still visible; audited
    as a read of the person's record, which the answer shows again."""
    if row.request_sha256 != digest:
        raise IdempotencyKeyReusedError(KEY_REUSED, [KEY_REUSED])
    # Both the referral and the answer were stored with the key, in one commit.
    assert row.referral_id is not None  # noqa: S101
    assert row.response_status is not None  # noqa: S101
    visible = referrals_visible_to(actor, Referral.objects.select_related("person_record"))
    referral = visible.get(pk=row.referral_id)
    require(actor, Action.PERSON_RECORD_VIEW, referral.person_record)
    audit_record(
        actor,
        event_type=AuditEventType.RECORD_VIEWED,
        obj=referral.person_record,
        details={"via": "idempotent replay", "referral": referral.reference},
    )
    return KeyedAnswer(row.response_status, json.loads(row.response_body), replayed=True)


def referral_create_keyed(
    actor: Actor,
    *,
    key: str,
    body: object,
    create: Callable[[], tuple[Referral, int, dict[str, Any]]],
) -> KeyedAnswer:
    """Run ``create`` once per key of the actor (REFERRAL_CREATE; docs/reliability.md).

    Args:
        actor: the user submitting; keys are theirs alone.
        key: the ``Idempotency-Key`` header, already checked by idempotency_key_check.
        body: the parsed request body; its digest tells a retry from a different request.
        create: stores the referral and returns it with the answer's status and body.

    The key, the digest and the answer are stored in the transaction of the referral, so a
    commit stores both or neither. A request that fails (a 400) stores no key, so the client
    may correct it and send it again with the same key.

    Examples:
        >>> referral_create_keyed(user, key="3f1c...", body=data, create=submit)  # doctest: +SKIP
    """
    require(actor, Action.REFERRAL_CREATE)
    assert isinstance(actor, User)  # noqa: S101 - require() has let only active users through
    digest = request_digest(body)
    with transaction.atomic():
        row, owned = _claim(actor, key, digest)
        if not owned:
            return _replay(actor, row, digest)
        referral, status, answer = create()
        text = json.dumps(answer, cls=DjangoJSONEncoder)
        row.referral = referral
        row.response_status = status
        row.response_body = text
        row.save(update_fields=["referral", "response_status", "response_body"])
        return KeyedAnswer(status, json.loads(text), replayed=False)


def _expired(now: dt.datetime | None) -> tuple[dt.datetime, QuerySet[ReferralIdempotencyKey]]:
    """The cutoff and the keys older than KEY_LIFETIME at ``now``."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    return cutoff, ReferralIdempotencyKey.objects.filter(created_at__lt=cutoff)


def idempotency_keys_expired(*, now: dt.datetime | None = None) -> int:
    """How many keys are older than KEY_LIFETIME (24 hours): what a purge would delete."""
    return _expired(now)[1].count()


def idempotency_keys_purge(actor: Actor | None = None, *, now: dt.datetime | None = None) -> int:
    """Delete the keys older than KEY_LIFETIME (24 hours); referrals are untouched.
    Returns how many were deleted."""
    cutoff, expired = _expired(now)
    with transaction.atomic():
        deleted, _ = expired.delete()
        if deleted:
            # The stored answers were copies of referrals' answers: their deletion is recorded.
            audit_record(
                actor,
                event_type=AuditEventType.RECORD_ERASED,
                object_type=ReferralIdempotencyKey._meta.label_lower,
                details={"deleted": deleted, "older_than": cutoff.isoformat()},
            )
    return deleted
