"""Linkage pages: who may see runs and review pairs, the audited side-by-side view, and a
decision kept."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role, User
from msht.audit.models import AuditEvent, AuditEventType
from msht.intelligence.models import SuspectRecord
from msht.linkage import launcher
from msht.linkage.forms import DECISION_REQUIRED, KIND_REQUIRED
from msht.linkage.models import (
    ClericalDecision,
    ClericalPair,
    LinkageKind,
    LinkageRun,
    LinkageRunStatus,
)
from msht.linkage.services import RUN_PROCESS_GONE
from msht.referrals.models import PersonRecord
from tests.accounts.factories import (
    DecisionMakerFactory,
    OrganisationFactory,
    UserFactory,
    sign_in_verified,
)
from tests.linkage.factories import linkage_run, person_pair

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(reverse("linkage:runs"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ANALYST, 200), (Role.ADMINISTRATOR, 200), (Role.FIRST_RESPONDER, 403)],
)
def test_runs_are_for_analysts_and_administrators(role: Role, status: int) -> None:
    run = linkage_run()
    client = _client(UserFactory.create(role=role))
    assert client.get(reverse("linkage:runs")).status_code == status
    assert client.get(reverse("linkage:run", args=[run.pk])).status_code == status


def test_the_run_page_shows_the_match_weights_chart_and_its_table() -> None:
    run = linkage_run()
    response = _client(UserFactory.create(role=Role.ANALYST)).get(
        reverse("linkage:run", args=[run.pk])
    )
    page = response.content.decode()
    assert 'data-testid="match-weights-chart"' in page
    assert "<desc" in page
    assert "Same names" in page
    # log2(0.6 / 0.001) = 9.23
    assert "9.23" in page
    # The chart is drawn by the server: no script, no inline style.
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main
    assert "style=" not in main


def test_decision_makers_review_person_pairs_but_not_suspect_pairs() -> None:
    client = _client(DecisionMakerFactory.create())
    assert client.get(reverse("linkage:queue-persons")).status_code == 200
    assert client.get(reverse("linkage:queue-suspects")).status_code == 403


def test_investigators_review_suspect_pairs_but_not_person_pairs() -> None:
    client = _client(UserFactory.create(role=Role.INVESTIGATOR))
    assert client.get(reverse("linkage:queue-suspects")).status_code == 200
    assert client.get(reverse("linkage:queue-persons")).status_code == 403


def test_an_analyst_cannot_see_a_pair_of_victims() -> None:
    pair = person_pair()
    client = _client(UserFactory.create(role=Role.ANALYST))
    assert client.get(reverse("linkage:pair", args=[pair.pk])).status_code == 403
    assert not AuditEvent.objects.filter(event_type=AuditEventType.RECORD_VIEWED).exists()


def test_viewing_a_pair_shows_both_records_and_audits_each_read() -> None:
    pair = person_pair()
    reviewer = DecisionMakerFactory.create()
    response = _client(reviewer).get(reverse("linkage:pair", args=[pair.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ana" in page
    assert "Anna" in page
    assert "Names nearly the same" in page
    viewed = AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_VIEWED, actor_id=reviewer.pk
    ).values_list("object_id", flat=True)
    assert sorted(viewed) == sorted([str(pair.record_l_id), str(pair.record_r_id)])


def test_a_decision_is_saved_audited_and_the_pair_leaves_the_queue() -> None:
    pair = person_pair()
    reviewer = DecisionMakerFactory.create()
    client = _client(reviewer)
    response = client.post(reverse("linkage:pair", args=[pair.pk]), {"decision": "not_match"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == ClericalDecision.NOT_MATCH
    assert pair.reviewer == reviewer
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.CLERICAL_DECISION, object_id=str(pair.pk)
    ).exists()
    queue = client.get(reverse("linkage:queue-persons")).content.decode()
    assert "0 pairs waiting" in queue


def test_a_decision_must_be_chosen() -> None:
    pair = person_pair()
    response = _client(DecisionMakerFactory.create()).post(
        reverse("linkage:pair", args=[pair.pk]), {}
    )
    assert response.status_code == 400
    assert DECISION_REQUIRED in response.content.decode()


def test_a_decided_pair_cannot_be_decided_again() -> None:
    pair = person_pair()
    _client(DecisionMakerFactory.create()).post(
        reverse("linkage:pair", args=[pair.pk]), {"decision": "match"}
    )
    response = _client(DecisionMakerFactory.create()).post(
        reverse("linkage:pair", args=[pair.pk]), {"decision": "not_match"}
    )
    assert response.status_code == 409
    pair.refresh_from_db()
    assert pair.decision == ClericalDecision.MATCH


def test_an_investigator_decides_a_suspect_pair() -> None:
    organisation = OrganisationFactory.create()
    first, second = (
        SuspectRecord.objects.create(source_organisation=organisation, given_names=name)
        for name in ("Kamaran", "Kamran")
    )
    pair = ClericalPair.objects.create(
        kind=LinkageKind.SUSPECTS,
        record_l_id=first.pk,
        record_r_id=second.pk,
        match_probability=0.6,
        match_weight=0.5,
    )
    client = _client(UserFactory.create(role=Role.INVESTIGATOR))
    assert client.get(reverse("linkage:pair", args=[pair.pk])).status_code == 200
    response = client.post(reverse("linkage:pair", args=[pair.pk]), {"decision": "match"})
    assert response.status_code == 302
    assert response["Location"] == reverse("linkage:queue-suspects")


def test_a_pair_whose_record_is_gone_is_not_found() -> None:
    pair = person_pair()
    PersonRecord.objects.filter(pk=pair.record_r_id).delete()
    response = _client(DecisionMakerFactory.create()).get(reverse("linkage:pair", args=[pair.pk]))
    assert response.status_code == 404


def test_the_runs_page_offers_analysts_a_form_to_start_alinkage_run() -> None:
    page = _client(UserFactory.create(role=Role.ANALYST)).get(reverse("linkage:runs"))
    content = page.content.decode()
    assert 'data-testid="start-run"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'value="persons"' in content
    assert 'value="suspects"' in content


def test_starting_a_run_queues_it_audits_it_and_starts_the_command_after_commit(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    started: list[dict[str, Any]] = []

    def start_detached(*, run_pk: int, kind: str) -> int:
        started.append({"run_pk": run_pk, "kind": kind})
        return 4242

    monkeypatch.setattr(launcher, "start_detached", start_detached)
    analyst = UserFactory.create(role=Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(analyst).post(reverse("linkage:run-start"), {"kind": "suspects"})
    run = LinkageRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("linkage:run", args=[run.pk])
    assert run.kind == LinkageKind.SUSPECTS
    assert run.status == LinkageRunStatus.QUEUED
    assert run.started_by == analyst
    assert run.process_id == 4242
    assert started == [{"run_pk": run.pk, "kind": "suspects"}]
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.LINKAGE_RUN, object_id=str(run.pk), actor_id=analyst.pk
    ).exists()
    page = _client(analyst).get(response["Location"]).content.decode()
    assert "Waiting to start" in page
    assert 'data-testid="run-in-progress"' in page
    assert 'data-testid="match-weights-chart"' not in page


def test_the_command_the_page_starts_is_msht_link_for_thatlinkage_run() -> None:
    command = launcher.command_for(run_pk=7, kind="persons")
    assert command[1:] == ["-m", "msht.cli", "link", "persons", "--run", "7"]


def test_a_second_run_of_a_kind_is_refused_while_one_is_unfinished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(launcher, "start_detached", lambda *, run_pk, kind: 1)
    client = _client(UserFactory.create(role=Role.ANALYST))
    client.post(reverse("linkage:run-start"), {"kind": "persons"})
    response = client.post(reverse("linkage:run-start"), {"kind": "persons"})
    assert response.status_code == 409
    assert "has not finished yet" in response.content.decode()
    assert LinkageRun.objects.count() == 1


def test_a_run_must_say_which_records_it_links() -> None:
    response = _client(UserFactory.create(role=Role.ANALYST)).post(
        reverse("linkage:run-start"), {"kind": "everyone"}
    )
    assert response.status_code == 400
    assert KIND_REQUIRED in response.content.decode()
    assert not LinkageRun.objects.exists()


@pytest.mark.parametrize("role", [Role.FIRST_RESPONDER, Role.DECISION_MAKER, Role.INVESTIGATOR])
def test_only_analysts_and_administrators_may_start_a_run(
    role: Role, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher, "start_detached", lambda *, run_pk, kind: 1)
    response = _client(UserFactory.create(role=role)).post(
        reverse("linkage:run-start"), {"kind": "persons"}
    )
    assert response.status_code == 403
    assert not LinkageRun.objects.exists()


def test_a_run_whose_process_cannot_start_is_marked_failed_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def start_detached(*, run_pk: int, kind: str) -> int:
        raise OSError("no such interpreter")

    monkeypatch.setattr(launcher, "start_detached", start_detached)
    client = _client(UserFactory.create(role=Role.ADMINISTRATOR))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("linkage:run-start"), {"kind": "persons"})
    run = LinkageRun.objects.get()
    assert run.status == LinkageRunStatus.FAILED
    assert "no such interpreter" in run.error
    page = client.get(reverse("linkage:run", args=[run.pk])).content.decode()
    assert "Why it failed" in page


def test_a_run_whose_process_has_gone_does_not_block_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gone = linkage_run()
    LinkageRun.objects.filter(pk=gone.pk).update(
        status=LinkageRunStatus.RUNNING, process_id=_a_finished_process_id()
    )
    monkeypatch.setattr(launcher, "start_detached", lambda *, run_pk, kind: 1)
    response = _client(UserFactory.create(role=Role.ANALYST)).post(
        reverse("linkage:run-start"), {"kind": "persons"}
    )
    assert response.status_code == 302
    gone.refresh_from_db()
    assert gone.status == LinkageRunStatus.FAILED
    assert gone.error == RUN_PROCESS_GONE


def _a_finished_process_id() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
