"""One person seeded across every app that can hold something about them.

Each row is made with the project's factories where one exists (referrals, decisions,
intelligence) and directly where none does (ingest, linkage, networks). ``Seeded`` keeps
the ids, so a test can look for each app's rows in an export and prove another person's
rows are absent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from msht.accounts.models import Organisation
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.models import PoliceForceArea
from msht.decisions.models import Decision, DecisionOutcome, DecisionStage
from msht.ingest.models import (
    Batch,
    BatchState,
    IngestedRecord,
    IngestedRecordVersion,
    QuarantinedRow,
    Source,
)
from msht.intelligence.models import CandidateNetwork, IntelligenceReport, NetworkRun
from msht.linkage.models import (
    ClericalPair,
    EntityChange,
    EntityChangeKind,
    LinkageKind,
    LinkageRun,
)
from msht.referrals.models import (
    ExploitationPlace,
    PersonEntity,
    PersonRecord,
    PersonRecordSource,
    Referral,
    ReferralAmendment,
    ReferralStatus,
)
from tests.accounts.factories import OrganisationFactory
from tests.decisions.factories import NegativeRgDecisionFactory, PositiveRgDecisionFactory
from tests.intelligence.factories import IntelligenceReportFactory, SuspectRecordFactory
from tests.referrals.factories import PersonRecordFactory, ReferralFactory


@dataclass
class Seeded:
    """The ids of one person's rows, app by app."""

    entity: PersonEntity
    records: list[PersonRecord] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    reconsideration: Decision | None = None
    ingested: IngestedRecord | None = None
    quarantined: QuarantinedRow | None = None
    clerical_pair: ClericalPair | None = None
    entity_change: EntityChange | None = None
    report: IntelligenceReport | None = None
    suspect_id: int = 0
    network: CandidateNetwork | None = None
    marker: str = ""


def _source(organisation: Organisation) -> Source:
    source, _ = Source.objects.get_or_create(
        code=f"seed-{organisation.code}",
        defaults={"name": "Seed export", "organisation": organisation, "mapping_version": "x"},
    )
    return source


def _batch(source: Source, name: str) -> Batch:
    now = timezone.now()
    return Batch.objects.create(
        source=source,
        file_name=name,
        file_sha256=f"{source.pk}{name}".ljust(64, "0")[:64],
        mapping_version="x",
        state=BatchState.COMPLETE,
        started_at=now,
        finished_at=now,
    )


def _linkage_run() -> LinkageRun:
    now = timezone.now()
    return LinkageRun.objects.create(
        kind=LinkageKind.PERSONS,
        engine="duckdb",
        started_at=now,
        finished_at=now,
        upper_threshold=0.9,
        lower_threshold=0.5,
    )


def _ingest(seeded: Seeded, organisation: Organisation, marker: str, closed_on: dt.date) -> None:
    record = PersonRecordFactory.create(
        source=PersonRecordSource.AGENCY_EXPORT,
        source_organisation=organisation,
        entity=seeded.entity,
        given_names=f"{marker} Agency",
        passport_number=f"P{marker}",
    )
    seeded.records.append(record)
    source = _source(organisation)
    first, second = _batch(source, "export-1.csv"), _batch(source, "export-2.csv")
    updated_at = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(12)))
    seeded.ingested = IngestedRecord.objects.create(
        source=source,
        record_key=f"KEY-{seeded.entity.pk}",
        content_hash="b" * 64,
        version=2,
        first_batch=first,
        last_batch=second,
        row_number=2,
        fields={"given_names": f"{marker} Agency", "gender": "female", "age_group": "adult"},
        raw={"Forename": f"{marker} Agency", "Sex": "F"},
        person_record=record,
        created_at=updated_at,
        updated_at=updated_at,
    )
    IngestedRecordVersion.objects.create(
        record=seeded.ingested,
        version=1,
        batch=first,
        content_hash="a" * 64,
        fields={"given_names": f"{marker} Agencie"},
        raw={"Forename": f"{marker} Agencie"},
        superseded_by=second,
    )
    seeded.quarantined = QuarantinedRow.objects.create(
        source=source,
        batch=second,
        row_key=f"row-{seeded.entity.pk}",
        file_name="export-2.csv",
        row_number=3,
        field="birth_date",
        value=f"31/02/{marker}",
        reason="not a date",
        problems=[{"field": "birth_date", "value": f"31/02/{marker}", "reason": "not a date"}],
        raw={"Forename": f"{marker} Agency", "DOB": f"31/02/{marker}"},
        created_at=updated_at,
        record=seeded.ingested,
    )


def _casework(seeded: Seeded, marker: str, closed_on: dt.date, positive: bool) -> None:
    first, second = OrganisationFactory.create(), OrganisationFactory.create()
    for organisation in (first, second):
        record = PersonRecordFactory.create(
            source_organisation=organisation,
            entity=seeded.entity,
            given_names=f"{marker} Given",
            family_name=f"{marker} Family",
            phone_numbers=[f"07700 {marker}"],
        )
        referral = ReferralFactory.create(
            first_responder_organisation=organisation,
            person_record=record,
            status=ReferralStatus.CG_POSITIVE if positive else ReferralStatus.RG_NEGATIVE,
            narrative=f"{marker} narrative",
            referring_officer_name=f"{marker} Officer",
        )
        ExploitationPlace.objects.create(
            referral=referral,
            police_force_area=PoliceForceArea.objects.get(code="kent"),
            town_or_city=f"{marker}ton",
        )
        seeded.records.append(record)
        seeded.referrals.append(referral)
    referral = seeded.referrals[0]
    ReferralAmendment.objects.create(
        referral=referral,
        amended_at=timezone.now(),
        changes={"narrative": ["old", f"{marker} narrative"]},
        reason=f"{marker} amendment reason",
    )
    factory = PositiveRgDecisionFactory if positive else NegativeRgDecisionFactory
    rg = factory.create(referral=referral, reasons=f"{marker} reasons")
    rg.decided_on = closed_on
    rg.started_on = closed_on - dt.timedelta(days=3)
    rg.save()
    seeded.decisions.append(rg)
    seeded.reconsideration = Decision.objects.create(
        referral=referral,
        stage=DecisionStage.RG_RECONSIDERATION,
        outcome=DecisionOutcome.NEGATIVE if not positive else DecisionOutcome.POSITIVE,
        decision_making_unit=rg.decision_making_unit,
        reconsideration_of=rg,
        started_on=closed_on,
        decided_on=closed_on,
        request_reasons=f"{marker} request",
        rules_version="test",
    )
    second_rg = factory.create(referral=seeded.referrals[1], reasons=f"{marker} second")
    second_rg.decided_on = closed_on
    second_rg.save()
    seeded.decisions.append(second_rg)


def _linkage_and_intelligence(seeded: Seeded, marker: str) -> None:
    run = _linkage_run()
    low, high = sorted(record.pk for record in seeded.records[:2])
    seeded.clerical_pair = ClericalPair.objects.create(
        kind=LinkageKind.PERSONS,
        record_l_id=low,
        record_r_id=high,
        run=run,
        match_probability=0.7,
        match_weight=2.0,
    )
    seeded.entity_change = EntityChange.objects.create(
        run=run,
        change=EntityChangeKind.MERGED,
        entity_id=seeded.entity.pk,
        other_entity_ids=[],
        records=2,
    )
    suspect = SuspectRecordFactory.create(family_name=f"{marker} Suspect")
    suspect.linked_referrals.add(seeded.referrals[0])
    seeded.suspect_id = suspect.pk
    report = IntelligenceReportFactory.create(
        summary=f"{marker} intelligence summary", received_on=dt.date(2024, 7, 1)
    )
    report.persons.add(seeded.records[0])
    report.suspects.add(suspect)
    seeded.report = report
    network_run = NetworkRun.objects.create(counts={})
    seeded.network = CandidateNetwork.objects.create(
        run=network_run,
        number=1,
        suspects=[f"suspect:record-{suspect.pk}"],
        victims=[f"victim:entity-{seeded.entity.pk}"],
        referral_count=2,
    )


def seed_person(
    marker: str, *, closed_on: dt.date = dt.date(2024, 7, 10), positive: bool = False
) -> Seeded:
    """A person known to two first responders, one agency export, linkage, intelligence
    and a network, with audit events about their records; ``marker`` is in every name."""
    seeded = Seeded(entity=PersonEntity.objects.create(), marker=marker)
    _casework(seeded, marker, closed_on, positive)
    _ingest(seeded, OrganisationFactory.create(), marker, closed_on)
    _linkage_and_intelligence(seeded, marker)
    with transaction.atomic():
        audit_record(
            None,
            event_type=AuditEventType.RECORD_VIEWED,
            obj=seeded.records[0],
            details={"marker": marker},
        )
        audit_record(
            None,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=seeded.referrals[0],
            details={"marker": marker},
        )
    return seeded
