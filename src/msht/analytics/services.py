"""Writes of the analytics app: refreshing the store and publishing statistics (audited)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from msht.accounts.rules import Action, Actor, require
from msht.analytics.engine.pseudonym import derive_key
from msht.analytics.engine.snapshot import SnapshotSummary, build_snapshot
from msht.analytics.extract import database_vendor
from msht.analytics.sources import extract_store
from msht.analytics.store import default_store_path
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record


def pseudonym_key() -> bytes:
    """The analytics pseudonym key, derived from SECRET_KEY so keys are stable across refreshes."""
    return derive_key(str(settings.SECRET_KEY))


def analytics_refresh(
    actor: Actor | None,
    *,
    out: Path | None = None,
    progress: object | None = None,
) -> SnapshotSummary:
    """Snapshot the operational store into the pseudonymised analytics store (ARCHITECTURE.md,
    'The flow of data'); the command line (actor None) runs as the operator.

    Args:
        actor: who refreshes; must be allowed ANALYTICS_REFRESH unless None.
        out: the DuckDB file to write (default VAR_DIR/analytics.duckdb).
        progress: a callable told the name of each step.

    Returns:
        The rows written per table and the share of referrals whose person is linked.
    """
    if actor is not None:
        require(actor, Action.ANALYTICS_REFRESH)
    destination = out or default_store_path()
    refreshed_at = timezone.now()
    raw = extract_store()
    summary = build_snapshot(
        raw,
        key=pseudonym_key(),
        destination=destination,
        source=database_vendor(),
        refreshed_at=refreshed_at,
        progress=progress if callable(progress) else None,
    )
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.ANALYTICS_REFRESHED,
            object_type="analytics.store",
            object_id=destination.name,
            details={
                "rows": summary.rows,
                "linked_share": round(summary.linked_share, 6),
                "refreshed_at": refreshed_at.isoformat(),
            },
        )
    return summary
