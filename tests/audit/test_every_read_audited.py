"""Every page and endpoint that shows a person's record leaves an audit event.

The test walks the URL configuration as tests/test_default_deny.py does. Each route is
declared here once: in ``SHOWS_PERSONAL_RECORDS``, with a permitted user and real
parameters, so that requesting it must answer 200 and append an event that names that
user and the record read; or in ``SHOWS_NO_PERSONAL_RECORD``, with the reason. A new route
is in neither table and fails the completeness test until someone decides which it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from django.db.models import Max, Model
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role, User
from msht.audit.models import AuditEvent, AuditEventType
from msht.decisions.models import Decision, DecisionStage
from msht.ingest.models import QuarantinedRow
from msht.ingest.services import batch_ingest
from msht.intelligence.models import IntelligenceReport, NetworkRun, SuspectRecord
from msht.intelligence.services import network_run
from msht.linkage.models import ClericalPair
from msht.referrals.models import PersonEntity, PersonRecord, Referral
from msht.referrals.services import referral_draft_save
from tests.accounts.factories import (
    AdministratorFactory,
    DecisionMakerFactory,
    QualityAssurerFactory,
    UserFactory,
    sign_in_verified,
)
from tests.decisions.factories import (
    AwaitingAssuranceRgDecisionFactory,
    NegativeRgDecisionFactory,
    PendingRgDecisionFactory,
)
from tests.ingest.exports import police_row, write_police
from tests.intelligence.factories import IntelligenceReportFactory, SuspectRecordFactory
from tests.linkage.factories import person_pair
from tests.referrals.factories import PersonRecordFactory, ReferralFactory
from tests.test_default_deny import ROUTES


class World:
    """A small world, each part made the first time a route needs it."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path

    @cached_property
    def first_responder(self) -> User:
        return UserFactory.create(role=Role.FIRST_RESPONDER)

    @cached_property
    def decision_maker(self) -> User:
        return DecisionMakerFactory.create()

    @cached_property
    def quality_assurer(self) -> User:
        return QualityAssurerFactory.create()

    @cached_property
    def investigator(self) -> User:
        return UserFactory.create(role=Role.INVESTIGATOR)

    @cached_property
    def administrator(self) -> User:
        return AdministratorFactory.create()

    @cached_property
    def referral(self) -> Referral:
        """Submitted by the first responder's organisation, not yet decided."""
        return ReferralFactory.create(
            first_responder_organisation=self.first_responder.organisation
        )

    @cached_property
    def draft(self) -> Referral:
        return referral_draft_save(self.first_responder, answers={"family_name": "Popescu"})

    @cached_property
    def negative_rg(self) -> Decision:
        """An issued negative RG on a referral of the first responder's organisation."""
        return NegativeRgDecisionFactory.create(
            referral__first_responder_organisation=self.first_responder.organisation
        )

    @cached_property
    def reconsideration(self) -> Decision:
        return PendingRgDecisionFactory.create(
            referral=self.negative_rg.referral,
            stage=DecisionStage.RG_RECONSIDERATION,
            reconsideration_of=self.negative_rg,
            request_reasons="New evidence from the support provider.",
        )

    @cached_property
    def awaiting_assurance(self) -> Decision:
        return AwaitingAssuranceRgDecisionFactory.create()

    @cached_property
    def quarantined_row(self) -> QuarantinedRow:
        path = write_police(self.tmp_path / "police.csv", [police_row(7, DOB="31/02/1990")])
        batch_ingest(None, source_code="police", path=path)
        return QuarantinedRow.objects.get()

    @cached_property
    def person_pair(self) -> ClericalPair:
        return person_pair()

    @cached_property
    def suspect(self) -> SuspectRecord:
        return SuspectRecordFactory.create(phone_numbers=["07700 900123"])

    @cached_property
    def report(self) -> IntelligenceReport:
        """Handling code P, naming no suspect: every investigator may read it."""
        return IntelligenceReportFactory.create(summary="Workers collected at 5am.")

    @cached_property
    def network(self) -> NetworkRun:
        """Two suspects sharing a phone, one linked to a referred victim: network 1."""
        recruiter = SuspectRecordFactory.create(phone_numbers=["07700 900999"])
        SuspectRecordFactory.create(phone_numbers=["+447700900999"])
        recruiter.linked_referrals.set([ReferralFactory.create()])
        return network_run(None).run

    @cached_property
    def person_entity(self) -> PersonEntity:
        entity = PersonEntity.objects.create()
        PersonRecordFactory.create(entity=entity)
        return entity


@dataclass(frozen=True)
class Visit:
    """One request by a permitted user, and the record its audit event must name."""

    user: User
    path: str
    reads: tuple[str, str]  # (object_type, object_id) of the record read
    post: dict[str, str] | None = None  # the form to POST, when a GET shows no record
    event_type: AuditEventType = AuditEventType.RECORD_VIEWED


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _person_of(referral: Referral) -> tuple[str, str]:
    return _label(PersonRecord), str(referral.person_record_id)


def _decision(decision: Decision) -> tuple[str, str]:
    return _label(Decision), str(decision.pk)


def _suspect_visit(w: World) -> Visit:
    key = f"record-{w.suspect.pk}"
    path = reverse("intelligence:suspect", kwargs={"key": key})
    return Visit(w.investigator, path, (_label(SuspectRecord), str(w.suspect.pk)))


def _network_visit(w: World) -> Visit:
    run = w.network
    recruiter = SuspectRecord.objects.filter(linked_referrals__isnull=False).get()
    path = reverse("intelligence:network", kwargs={"number": 1})
    assert run.networks.filter(number=1).exists()
    return Visit(w.investigator, path, (_label(SuspectRecord), str(recruiter.pk)))


def _subject_access_visit(w: World) -> Visit:
    form = {
        "person_id": str(w.person_entity.pk),
        "justification": "Subject access request received 1 July 2024",
        "recipient": "The data subject",
        "export_format": "json",
    }
    return Visit(
        w.administrator,
        reverse("privacy:subject-access"),
        (_label(PersonEntity), str(w.person_entity.pk)),
        post=form,
        event_type=AuditEventType.RECORD_DISCLOSED,
    )


def _decision_page(name: str, w: World, referral: Referral, pk: int | None = None) -> Visit:
    kwargs: dict[str, object] = {"reference": referral.reference}
    if pk is not None:
        kwargs["pk"] = pk
    return Visit(w.decision_maker, reverse(name, kwargs=kwargs), _person_of(referral))


# Routes that show a person's record (a referral, a case and its decisions, a person or
# suspect record, a linkage pair, an intelligence report, a quarantined row, a subject
# access export), each with a request that must leave an event naming the record read.
SHOWS_PERSONAL_RECORDS: dict[str, Callable[[World], Visit]] = {
    # Staff are people too: the users list shows names, emails and roles.
    "accounts:users": lambda w: Visit(
        w.administrator,
        reverse("accounts:users"),
        (_label(User), str(w.first_responder.pk)),
    ),
    "referrals:drafts": lambda w: Visit(
        w.first_responder, reverse("referrals:drafts"), _person_of(w.draft)
    ),
    "referrals:step": lambda w: Visit(
        w.first_responder,
        reverse("referrals:step", args=[w.draft.reference, "person"]),
        _person_of(w.draft),
    ),
    "referrals:check": lambda w: Visit(
        w.first_responder,
        reverse("referrals:check", args=[w.draft.reference]),
        _person_of(w.draft),
    ),
    "referrals:confirmation": lambda w: Visit(
        w.first_responder,
        reverse("referrals:confirmation", args=[w.referral.reference]),
        _person_of(w.referral),
    ),
    "referrals:detail": lambda w: Visit(
        w.first_responder,
        reverse("referrals:detail", args=[w.referral.reference]),
        _person_of(w.referral),
    ),
    "referrals:amend": lambda w: Visit(
        w.first_responder,
        reverse("referrals:amend", args=[w.referral.reference]),
        _person_of(w.referral),
    ),
    "api:referral-detail": lambda w: Visit(
        w.first_responder,
        reverse("api:referral-detail", args=[w.referral.reference]),
        _person_of(w.referral),
    ),
    "decisions:case": lambda w: _decision_page("decisions:case", w, w.referral),
    "decisions:record-rg": lambda w: _decision_page("decisions:record-rg", w, w.referral),
    "decisions:record-cg": lambda w: _decision_page("decisions:record-cg", w, w.referral),
    "decisions:withdraw": lambda w: _decision_page("decisions:withdraw", w, w.referral),
    "decisions:record-reconsideration": lambda w: _decision_page(
        "decisions:record-reconsideration", w, w.negative_rg.referral, w.reconsideration.pk
    ),
    "decisions:reconsideration-request": lambda w: Visit(
        w.first_responder,
        reverse(
            "decisions:reconsideration-request",
            kwargs={"reference": w.negative_rg.referral.reference, "pk": w.negative_rg.pk},
        ),
        _person_of(w.negative_rg.referral),
    ),
    "decisions:assure": lambda w: Visit(
        w.quality_assurer,
        reverse("decisions:assure", args=[w.awaiting_assurance.pk]),
        _decision(w.awaiting_assurance),
    ),
    "api:decision-list": lambda w: Visit(
        w.first_responder,
        reverse("api:decision-list", args=[w.negative_rg.referral.reference]),
        _decision(w.negative_rg),
    ),
    "ingest:quarantine-correct": lambda w: Visit(
        w.administrator,
        reverse("ingest:quarantine-correct", args=[w.quarantined_row.pk]),
        (_label(QuarantinedRow), str(w.quarantined_row.pk)),
    ),
    "linkage:pair": lambda w: Visit(
        w.decision_maker,
        reverse("linkage:pair", args=[w.person_pair.pk]),
        (_label(PersonRecord), str(w.person_pair.record_l_id)),
    ),
    "intelligence:suspect": _suspect_visit,
    "intelligence:network": _network_visit,
    "intelligence:reports": lambda w: Visit(
        w.investigator,
        reverse("intelligence:reports"),
        (_label(IntelligenceReport), str(w.report.pk)),
    ),
    "intelligence:report": lambda w: Visit(
        w.investigator,
        reverse("intelligence:report", kwargs={"reference": w.report.reference}),
        (_label(IntelligenceReport), str(w.report.pk)),
    ),
    "api:intelligence-reports": lambda w: Visit(
        w.investigator,
        reverse("api:intelligence-reports"),
        (_label(IntelligenceReport), str(w.report.pk)),
    ),
    "api:intelligence-report": lambda w: Visit(
        w.investigator,
        reverse("api:intelligence-report", kwargs={"reference": w.report.reference}),
        (_label(IntelligenceReport), str(w.report.pk)),
    ),
    # The GET is the request form; the export, a disclosure, is the POST.
    "privacy:subject-access": _subject_access_visit,
}

_OWN_ACCOUNT = "the signed-in user's own account and second factor"
_AGGREGATE = "aggregate statistics: counts and rates, no record"
_GOVERNANCE = "governance records (indicators, plans, recommendations, staff roles)"
_WRITE_ONLY = "POST only: a write, audited by its service (record.created or record.changed)"

SHOWS_NO_PERSONAL_RECORD: dict[str, str] = {
    "accounts:sign-in": "the sign-in form, before anyone is known",
    "accounts:sign-out": "ends the session (audited as session.signed_out)",
    "accounts:home": "the user's own tasks and recovery-code count",
    "accounts:second-factor": _OWN_ACCOUNT,
    "accounts:second-factor-enrol": _OWN_ACCOUNT,
    "accounts:second-factor-replace": _OWN_ACCOUNT,
    "accounts:recovery-codes": _OWN_ACCOUNT,
    "accounts:recovery-code-used": _OWN_ACCOUNT,
    "accounts:second-factor-reset": (
        "one staff account's name, reached from the audited users list; the reset is audited"
    ),
    "api:schema": "the OpenAPI description",
    "api:docs": "the API documentation page",
    "api:referrals": "references, status and dates only (POST creates, audited)",
    "api:referral-submit": _WRITE_ONLY,
    "api:referral-amend": _WRITE_ONLY,
    "api:duty-to-notify-create": _WRITE_ONLY,
    "api:decision-rg-record": _WRITE_ONLY,
    "api:decision-cg-record": _WRITE_ONLY,
    "api:pursue-outcome-record": _WRITE_ONLY,
    "referrals:start": "an empty form: nothing is stored until it is answered",
    "referrals:duty-to-notify": "the start page of a report, before any answer",
    "referrals:list": "references, dates and status only",
    "decisions:queue": "references, stages, deadlines and first responders only",
    "decisions:reconsiderations": "references, stages, deadlines and first responders only",
    "decisions:overdue": "references, deadlines and competent authorities only",
    "decisions:assurance-queue": "references, stages, outcomes and dates only",
    "ingest:upload": "the upload form and recent batches' counts",
    "ingest:batch": "a batch's counts and file-level problems; rows without their values",
    "ingest:quarantine": "file, row, field and reason; values only on the audited row page",
    "linkage:runs": "runs and their figures",
    "linkage:run-start": "the form that starts a run",
    "linkage:run": "a run's model, figures and pseudonymous entity ids",
    "linkage:queue-persons": "record ids and match scores; records only on the pair page",
    "linkage:queue-suspects": "record ids and match scores; records only on the pair page",
    "intelligence:networks": "network numbers and counts (docs/pursue.md)",
    "intelligence:report-new": "the form for a new report",
    "intelligence:outcome-new": "the form for a new Pursue outcome",
    "analytics:dashboard": _AGGREGATE,
    "analytics:organisation-dashboards": _AGGREGATE,
    "analytics:organisation-dashboard": _AGGREGATE,
    "analytics:publications": _AGGREGATE,
    "analytics:publication": _AGGREGATE,
    "analytics:publication-download": (
        "published aggregate statistics; the download is audited as record.disclosed"
    ),
    "estimation:list": _AGGREGATE,
    "estimation:detail": _AGGREGATE,
    "fairness:monitoring": _AGGREGATE,
    "fairness:run": _AGGREGATE,
    "quality:national": _AGGREGATE,
    "quality:source": _AGGREGATE,
    "governance:indicators": _GOVERNANCE,
    "governance:directorate": _GOVERNANCE,
    "governance:plan": _GOVERNANCE,
    "governance:plan-item": _GOVERNANCE,
    "governance:recommendations": _GOVERNANCE,
    "governance:respond": _GOVERNANCE,
    "governance:action-add": _GOVERNANCE,
    "governance:action": _GOVERNANCE,
    "governance:raci": _GOVERNANCE,
    "governance:skills": _GOVERNANCE,
}


def test_every_route_is_classified_once() -> None:
    names = {name for name, _ in ROUTES}
    personal, other = set(SHOWS_PERSONAL_RECORDS), set(SHOWS_NO_PERSONAL_RECORD)

    assert names - personal - other == set(), "say whether these routes show a person's record"
    assert (personal | other) - names == set(), "these entries name no route any more"
    assert personal & other == set(), "a route is in both tables"


def _last_sequence() -> int:
    return int(AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SHOWS_PERSONAL_RECORDS))
def test_opening_a_personal_record_leaves_an_audit_event_naming_reader_and_record(
    name: str, tmp_path: Path
) -> None:
    visit = SHOWS_PERSONAL_RECORDS[name](World(tmp_path))
    client = sign_in_verified(Client(), visit.user)
    before = _last_sequence()

    send = client.get if visit.post is None else client.post
    response = send(visit.path, visit.post)

    assert response.status_code == 200, f"{name} ({visit.path}) answered {response.status_code}"
    object_type, object_id = visit.reads
    events = AuditEvent.objects.filter(sequence__gt=before, actor_id=visit.user.pk)
    named = events.filter(event_type=visit.event_type, object_type=object_type, object_id=object_id)
    assert named.exists(), (
        f"{name} wrote no {visit.event_type} event for {object_type} {object_id}; "
        f"it wrote {[str(event) for event in events]}"
    )
