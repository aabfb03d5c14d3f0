"""Everything MSHT holds about one person, gathered from every app (UK GDPR art. 15).

A person is a *person entity*: the stable id record linkage gives every description of
one real person (DOMAIN.md, 'Records and entities'). A person referred by three agencies
has three person records and three referrals under one entity; the export follows each.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model, Q

from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEvent
from msht.core.errors import ValidationError
from msht.decisions.models import Decision, DecisionStage
from msht.ingest.models import IngestedRecord, QuarantinedRow
from msht.intelligence.models import CandidateNetwork, IntelligenceReport, SuspectRecord
from msht.linkage.models import ClericalPair, EntityChange, LinkageKind
from msht.referrals.models import PersonEntity, PersonRecord, Referral, ReferralIdempotencyKey

NO_SUCH_PERSON = "No person entity has the id {person_id}."
NOT_A_PERSON_ID = "'{value}' is not a person id (a UUID from record linkage)."

RECONSIDERATION_STAGES = (DecisionStage.RG_RECONSIDERATION, DecisionStage.CG_RECONSIDERATION)

# Sections that hold what other people said or did (suspects, intelligence): the data
# protection officer reviews them for third-party data and the crime-prevention exemption
# (DPA 2018 Sch. 2 para. 2) before anything is released to the person.
REVIEW_BEFORE_RELEASE = ("intelligence_mentions", "suspects_linked", "networks")

SECTION_TITLES = {
    "person_records": "Descriptions of the person (person records)",
    "referrals": "Referrals, with their places of exploitation and amendments",
    "decisions": "Reasonable and Conclusive Grounds decisions",
    "reconsiderations": "Reconsiderations",
    "api_submission_answers": "Answers kept for a day to repeat them to a retried API submission",
    "ingest_records": "Rows of agency exports, with their earlier versions",
    "quarantined_rows": "Rows of agency exports held in quarantine",
    "linkage_clerical_pairs": "Record pairs reviewed by a person (record linkage)",
    "linkage_entity_changes": "Merges and splits of the person's entity (record linkage)",
    "intelligence_mentions": "Intelligence reports that name the person",
    "suspects_linked": "Suspect records linked to the person's referrals",
    "networks": "Candidate perpetrator networks the person is part of",
    "audit_events": "The audit trail of every read, change and disclosure of these records",
}


def _value(value: Any) -> Any:
    """A JSON-ready copy of a field value (dates as ISO text, UUIDs and decimals as text)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def model_row(instance: Model, *, many: Iterable[str] = ()) -> dict[str, Any]:
    """Every concrete field of ``instance`` (foreign keys as ids), and the codes or ids of
    the many-to-many fields named in ``many``."""
    row: dict[str, Any] = {}
    for model_field in instance._meta.concrete_fields:
        row[model_field.attname] = _value(getattr(instance, model_field.attname))
    for name in many:
        related = getattr(instance, name).all()
        row[name] = sorted(str(getattr(item, "code", item.pk)) for item in related)
    return row


@dataclass
class SubjectAccessBundle:
    """Every section of one person's export, each a list of rows (dicts)."""

    person_id: str
    person_created_at: str
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.sections.items()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "person_created_at": self.person_created_at,
            "review_before_release": list(REVIEW_BEFORE_RELEASE),
            "counts": self.counts(),
            "sections": self.sections,
        }


def person_id_parse(value: str) -> uuid.UUID:
    """A person entity id from text, or a ValidationError naming the value."""
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise ValidationError(NOT_A_PERSON_ID.format(value=value)) from None


def _referral_rows(referrals: Iterable[Referral]) -> list[dict[str, Any]]:
    rows = []
    for referral in referrals:
        row = model_row(referral, many=("exploitation_types", "ilo_indicators"))
        row["exploitation_places"] = [model_row(p) for p in referral.exploitation_places.all()]
        row["amendments"] = [model_row(a) for a in referral.amendments.all()]
        rows.append(row)
    return rows


def _ingest_rows(records: Iterable[IngestedRecord]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        row = model_row(record)
        row["versions"] = [model_row(version) for version in record.versions.all()]
        rows.append(row)
    return rows


def _intelligence_rows(reports: Iterable[IntelligenceReport]) -> list[dict[str, Any]]:
    rows = []
    for report in reports:
        row = model_row(report, many=("permitted_organisations",))
        # The suspects a report names are other people: ids only, for the reviewer.
        row["suspect_record_ids"] = sorted(report.suspects.values_list("pk", flat=True))
        rows.append(row)
    return rows


def _suspect_rows(suspects: Iterable[SuspectRecord]) -> list[dict[str, Any]]:
    """Other people: only what links them to this person's case, never their identity."""
    return [
        {
            "id": suspect.pk,
            "role": suspect.role,
            "source_organisation_id": suspect.source_organisation_id,
            "linked_referral_ids": sorted(suspect.linked_referrals.values_list("pk", flat=True)),
        }
        for suspect in suspects
    ]


def _network_rows(networks: Iterable[CandidateNetwork], keys: set[str]) -> list[dict[str, Any]]:
    """A network's size and activity, and which of the person's keys are in it; the other
    members are other people and stay out."""
    return [
        {
            "run_id": network.run_id,
            "number": network.number,
            "person_keys": sorted(keys & set(network.victims)),
            "suspects": len(network.suspects),
            "victims": len(network.victims),
            "referral_count": network.referral_count,
            "has_pursue_activity": network.has_pursue_activity,
        }
        for network in networks
    ]


def _audit_rows(
    entity_id: str,
    record_ids: list[int],
    referral_ids: list[int],
    decision_ids: list[int],
    ingest_ids: list[int],
) -> list[dict[str, Any]]:
    """Audit events whose object is one of the person's rows (DPA 2018 s.62 logs)."""
    about = (
        Q(object_type="referrals.personentity", object_id=entity_id)
        | Q(object_type="referrals.personrecord", object_id__in=[str(i) for i in record_ids])
        | Q(object_type="referrals.referral", object_id__in=[str(i) for i in referral_ids])
        | Q(object_type="decisions.decision", object_id__in=[str(i) for i in decision_ids])
        | Q(object_type="ingest.ingestedrecord", object_id__in=[str(i) for i in ingest_ids])
    )
    events = AuditEvent.objects.filter(about).order_by("sequence")
    return [model_row(event) for event in events.iterator(chunk_size=2000)]


def subject_access_collect(actor: Actor, *, person_id: uuid.UUID) -> SubjectAccessBundle:
    """Everything held about one person entity, from every app (UK GDPR art. 15; issue 10);
    only for those rules allow (privacy.subject_access_export)."""
    require(actor, Action.SUBJECT_ACCESS_EXPORT)
    entity = PersonEntity.objects.filter(pk=person_id).first()
    if entity is None:
        raise ValidationError(NO_SUCH_PERSON.format(person_id=person_id))
    records = list(
        PersonRecord.objects.filter(entity=entity).prefetch_related("nationalities").order_by("pk")
    )
    record_ids = [record.pk for record in records]
    referrals = list(
        Referral.objects.filter(person_record_id__in=record_ids)
        .prefetch_related("exploitation_types", "ilo_indicators")
        .order_by("pk")
    )
    referral_ids = [referral.pk for referral in referrals]
    decisions = list(Decision.objects.filter(referral_id__in=referral_ids).order_by("pk"))
    ingested = list(IngestedRecord.objects.filter(person_record_id__in=record_ids).order_by("pk"))
    ingest_ids = [record.pk for record in ingested]
    keys = {f"victim:entity-{entity.pk}"} | {f"victim:record-{pk}" for pk in record_ids}
    network_filter = Q(pk__in=[])
    for key in sorted(keys):
        network_filter |= Q(victims__icontains=f'"{key}"')
    sections: dict[str, list[dict[str, Any]]] = {
        "person_records": [model_row(r, many=("nationalities",)) for r in records],
        "referrals": _referral_rows(referrals),
        "decisions": [model_row(d) for d in decisions if d.stage not in RECONSIDERATION_STAGES],
        "reconsiderations": [model_row(d) for d in decisions if d.stage in RECONSIDERATION_STAGES],
        # The answers kept for a day so that a retried API submission is answered alike.
        "api_submission_answers": [
            model_row(key)
            for key in ReferralIdempotencyKey.objects.filter(referral_id__in=referral_ids).order_by(
                "pk"
            )
        ],
        "ingest_records": _ingest_rows(ingested),
        "quarantined_rows": [
            model_row(row)
            for row in QuarantinedRow.objects.filter(record_id__in=ingest_ids).order_by("pk")
        ],
        "linkage_clerical_pairs": [
            model_row(pair)
            for pair in ClericalPair.objects.filter(
                Q(record_l_id__in=record_ids) | Q(record_r_id__in=record_ids),
                kind=LinkageKind.PERSONS,
            ).order_by("pk")
        ],
        "linkage_entity_changes": [
            model_row(change)
            for change in EntityChange.objects.filter(
                Q(entity_id=entity.pk) | Q(other_entity_ids__icontains=str(entity.pk)),
                run__kind=LinkageKind.PERSONS,
            ).order_by("pk")
        ],
        "intelligence_mentions": _intelligence_rows(
            IntelligenceReport.objects.filter(persons__in=record_ids).distinct().order_by("pk")
        ),
        "suspects_linked": _suspect_rows(
            SuspectRecord.objects.filter(linked_referrals__in=referral_ids)
            .distinct()
            .order_by("pk")
        ),
        "networks": _network_rows(
            CandidateNetwork.objects.filter(network_filter).order_by("run_id", "number"), keys
        ),
        "audit_events": _audit_rows(
            str(entity.pk), record_ids, referral_ids, [d.pk for d in decisions], ingest_ids
        ),
    }
    return SubjectAccessBundle(
        person_id=str(entity.pk),
        person_created_at=entity.created_at.isoformat(),
        sections=sections,
    )
