"""After a restore the old checkpoints are moved aside and the restored head checkpointed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from msht.audit.checkpoints import checkpoint_append, checkpoints_read
from msht.audit.models import AuditEventType
from msht.audit.services import audit_checkpoints_restart, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _archived() -> list[Path]:
    checkpoint_file = Path(settings.AUDIT_CHECKPOINT_FILE)
    return list(checkpoint_file.parent.glob(f"{checkpoint_file.name}.*.restored"))


def test_a_restored_trail_is_checkpointed_afresh_at_its_head(
    django_capture_on_commit_callbacks: Any,
) -> None:
    checkpoint_append(40, "f" * 64)  # the trail that the restore replaced
    with transaction.atomic():
        events = [audit_record(None, event_type=AuditEventType.DATA_LOADED) for _ in range(2)]

    audit_checkpoints_restart(sender=None)

    checkpoints, problems = checkpoints_read()
    assert problems == []
    assert [(c.sequence, c.event_hash) for c in checkpoints] == [(2, events[1].event_hash)]
    assert len(_archived()) == 1
    assert audit_verify().ok


def test_restoring_an_empty_store_leaves_no_checkpoint() -> None:
    checkpoint_append(3, "e" * 64)

    audit_checkpoints_restart(sender=None, using="default")

    assert checkpoints_read() == ([], [])
    assert len(_archived()) == 1
