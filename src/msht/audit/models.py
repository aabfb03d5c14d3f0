"""The audit trail: one row per event, each carrying the hash of the one before it."""

from __future__ import annotations

from typing import Any

from django.db import models

from msht.core.errors import MshtError

APPEND_ONLY = "Audit events are append-only: they cannot be changed or deleted."


class AuditEventType(models.TextChoices):
    """Every kind of event the trail records; docs/audit.md lists each one."""

    RECORD_VIEWED = "record.viewed", "A person's record was read"
    RECORD_CREATED = "record.created", "A record was created"
    RECORD_CHANGED = "record.changed", "A record was changed"
    RECORD_EXPORTED = "record.exported", "Records were exported"
    RECORD_DISCLOSED = (
        "record.disclosed",
        "Records were disclosed (a subject access export, a download of published "
        "statistics), with justification and recipient",
    )
    RECORD_ERASED = "record.erased", "A record was deleted or anonymised under the retention rules"
    SIGNED_IN = "session.signed_in", "A user signed in"
    SIGNED_OUT = "session.signed_out", "A user signed out"
    SIGN_IN_FAILED = "session.sign_in_failed", "A sign-in failed"
    PERMISSION_REFUSED = "permission.refused", "An action was refused"
    USER_CREATED = "user.created", "A user was created"
    DATA_LOADED = "data.loaded", "A data set was loaded"
    INGEST_BATCH = "ingest.batch", "An agency export was ingested"
    QUARANTINE_RESUBMITTED = "ingest.quarantine_resubmitted", "A quarantined row was corrected"
    LINKAGE_RUN = "linkage.run", "Records were combined by a linkage run"
    ENTITY_MERGED = "linkage.entity_merged", "Two entities were merged by linkage"
    ENTITY_SPLIT = "linkage.entity_split", "An entity was split by linkage"
    CLERICAL_DECISION = "linkage.clerical_decision", "A reviewer decided a record pair"
    ANALYTICS_REFRESHED = "analytics.refreshed", "The pseudonymised analytics store was refreshed"
    STATISTICS_PUBLISHED = "statistics.published", "Statistics were published"
    CHAIN_KEYED = "audit.chain_keyed", "The audit trail's hashes were keyed from this event on"


class AuditEvent(models.Model):
    """One event. ``sequence`` has no gaps; ``event_hash`` covers the previous hash and is
    keyed (``hash_version``) with a secret held outside the database."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    event_type = models.CharField(max_length=64, choices=AuditEventType.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    event_hash = models.CharField(max_length=64, unique=True)
    # How event_hash is made (msht.audit.chain): empty for the events written before the
    # chain was keyed (plain SHA-256), chain.KEYED (HMAC-SHA256) for every event since.
    hash_version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("sequence",)
        indexes = [models.Index(fields=("object_type", "object_id"))]

    def __str__(self) -> str:
        return f"{self.sequence} {self.event_type} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise MshtError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise MshtError(APPEND_ONLY)


class AuditChainHead(models.Model):
    """A single row holding the last sequence and hash: locked by each writer, and it lets
    ``audit verify`` detect the deletion of the newest events."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at {self.last_sequence}"
