"""A run queued from the runs page is carried out by ``msht link <kind> --run N``: the
command the page starts moves the run's row to finished with its figures, as the
requester, or to failed with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.linkage import launcher
from msht.linkage.models import LinkageKind, LinkageRun, LinkageRunStatus
from msht.linkage.services import linkage_run_request
from msht.referrals.models import PersonRecord
from msht.synth.engine import generate_world
from msht.synth.services import world_load
from tests.accounts.factories import UserFactory
from tests.reference_data import load_reference_data

pytestmark = pytest.mark.django_db(transaction=True)


def _queued(monkeypatch: pytest.MonkeyPatch, kind: str) -> LinkageRun:
    """A run queued by an analyst, its process not started (the test runs the command)."""
    monkeypatch.setattr(launcher, "start_detached", lambda *, run_pk, kind: 1)
    return linkage_run_request(UserFactory.create(role=Role.ANALYST), kind=kind)


@pytest.mark.slow
def test_the_command_finishes_a_queued_run_as_its_requester(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    load_reference_data()
    generate_world(tmp_path, referrals=300, seed=3)
    world_load(None, directory=tmp_path)
    run = _queued(monkeypatch, LinkageKind.PERSONS)
    call_command("link", "persons", "--run", str(run.pk), stdout=open_devnull())
    run.refresh_from_db()
    assert run.status == LinkageRunStatus.FINISHED
    assert run.finished_at is not None
    assert run.counts["records"] == PersonRecord.objects.count() == 300
    assert run.model["comparisons"]
    assert LinkageRun.objects.count() == 1
    assert not PersonRecord.objects.filter(entity=None).exists()
    # The run and each record it placed are audited as the analyst who asked for it.
    assert (
        AuditEvent.objects.filter(
            event_type=AuditEventType.LINKAGE_RUN,
            actor_id=run.started_by_id,
            object_type="linkage.linkagerun",
            object_id=str(run.pk),
        ).count()
        == 2
    )
    assert (
        AuditEvent.objects.filter(
            event_type=AuditEventType.LINKAGE_RUN,
            actor_id=run.started_by_id,
            object_type="referrals.personrecord",
        ).count()
        == 300
    )


def test_the_command_refuses_a_run_of_another_kind_or_not_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = _queued(monkeypatch, LinkageKind.SUSPECTS)
    with pytest.raises(CommandError, match="links suspects, not persons"):
        call_command("link", "persons", "--run", str(run.pk), stdout=open_devnull())
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRunStatus.FINISHED)
    with pytest.raises(CommandError, match="is Finished, not waiting to start"):
        call_command("link", "suspects", "--run", str(run.pk), stdout=open_devnull())
    with pytest.raises(CommandError, match="No linkage run 999999"):
        call_command("link", "suspects", "--run", "999999", stdout=open_devnull())


def test_a_run_that_fails_says_why_on_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    run = _queued(monkeypatch, LinkageKind.PERSONS)

    def no_store(kind: str) -> None:
        raise RuntimeError("the store could not be read")

    monkeypatch.setattr("msht.linkage.services.store_records", no_store)
    with pytest.raises(RuntimeError):
        call_command("link", "persons", "--run", str(run.pk), stdout=open_devnull())
    run.refresh_from_db()
    assert run.status == LinkageRunStatus.FAILED
    assert run.error == "RuntimeError: the store could not be read"
    assert run.finished_at is not None


def open_devnull() -> object:
    """Somewhere for the command's progress bar to go."""
    import io

    return io.StringIO()
