"""Writes of the privacy app: a subject access disclosure, one retention erasure, and the
deletion of spooled uploads no batch needs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.errors import ValidationError
from msht.decisions.models import Decision
from msht.ingest.models import IngestedRecord, IngestedRecordVersion, QuarantinedRow
from msht.ingest.queued import SPOOL_GRACE, spool_orphans
from msht.intelligence.models import IntelligenceReport, SuspectRecord
from msht.linkage.models import ClericalPair, LinkageKind
from msht.privacy.documents import export_html, export_json
from msht.privacy.models import Erasure, ErasureAction
from msht.privacy.retention import RetentionGroup
from msht.privacy.selectors import subject_access_collect
from msht.referrals.models import (
    ExploitationPlace,
    PersonRecord,
    Referral,
    ReferralAmendment,
)

JUSTIFICATION_REQUIRED = "State why the export is made (the justification)."
RECIPIENT_REQUIRED = "Name who receives the export (the recipient)."
UNKNOWN_GROUP = "No retention rule erases {object_type}."
STILL_REFERENCED = (
    "{object_type} {object_id} was not erased: {count} other row(s) still refer to it "
    "({tables}); nothing of the group was changed"
)
SPOOL_FILE_NOT_DELETED = "The spooled upload {name} could not be deleted: {error}"
# What the audit trail calls the spooled copies of uploaded exports (they have no table).
SPOOL_OBJECT_TYPE = "ingest.spoolfile"

# What identifies a person in a description (core.records.DescribedPerson). Gender and
# nationalities stay: the national statistics count them (DOMAIN.md, 'The national picture').
IDENTIFYING_PERSON_FIELDS: dict[str, Any] = {
    "source_reference": "",
    "given_names": "",
    "family_name": "",
    "aliases": [],
    "birth_year": None,
    "birth_month": None,
    "birth_day": None,
    "home_office_reference": "",
    "pnc_id": "",
    "passport_number": "",
    "phone_numbers": [],
    "addresses": [],
}
IDENTIFYING_REFERRAL_FIELDS: dict[str, Any] = {
    "referring_officer_name": "",
    "referring_officer_email": "",
    "referring_officer_phone": "",
    "narrative": "",
    "police_crime_reference": "",
}
IDENTIFYING_DECISION_FIELDS: dict[str, Any] = {
    "reasons": "",
    "assurance_notes": "",
    "request_reasons": "",
    "exceptional_circumstances": "",
}
# The canonical fields of an agency export row that identify no one (ingest mapping).
NON_IDENTIFYING_INGEST_FIELDS = frozenset(
    {
        "gender",
        "nationalities",
        "age_group",
        "age_group_reported",
        "age_band",
        "exploitation_types",
        "year_of_registration",
        "recorded_on",
        "exploitation_started_on",
        "country_of_exploitation",
        "police_force_area",
        "immigration_status",
    }
)


@dataclass(frozen=True)
class SubjectAccessExport:
    """One export, in both forms, and the audit event that disclosed it."""

    person_id: str
    json: str
    html: str
    counts: dict[str, int]
    audit_sequence: int


def subject_access_export(
    actor: Actor, *, person_id: uuid.UUID, justification: str, recipient: str
) -> SubjectAccessExport:
    """Everything held about a person, as JSON and HTML, disclosed with a ``record.disclosed``
    audit event naming the justification and recipient (DPA 2018 s.62; issue 10)."""
    require(actor, Action.SUBJECT_ACCESS_EXPORT)
    problems = [
        message
        for value, message in (
            (justification, JUSTIFICATION_REQUIRED),
            (recipient, RECIPIENT_REQUIRED),
        )
        if not value.strip()
    ]
    if problems:
        raise ValidationError(" ".join(problems), problems)
    with transaction.atomic():
        bundle = subject_access_collect(actor, person_id=person_id)
        event = audit_record(
            actor,
            event_type=AuditEventType.RECORD_DISCLOSED,
            object_type="referrals.personentity",
            object_id=bundle.person_id,
            details={
                "export": "subject_access",
                "justification": justification.strip(),
                "recipient": recipient.strip(),
                "counts": bundle.counts(),
            },
        )
    disclosure = {
        "exported_at": event.occurred_at.isoformat(),
        "exported_by": event.actor_username,
        "justification": justification.strip(),
        "recipient": recipient.strip(),
        "audit_sequence": event.sequence,
    }
    return SubjectAccessExport(
        person_id=bundle.person_id,
        json=export_json(bundle, disclosure=disclosure),
        html=export_html(bundle, disclosure=disclosure),
        counts=bundle.counts(),
        audit_sequence=event.sequence,
    )


def _anonymise_person_records(records: Q) -> int:
    return PersonRecord.objects.filter(records).update(**IDENTIFYING_PERSON_FIELDS)


def _drop_clerical_pairs(kind: LinkageKind, record_ids: list[int]) -> int:
    deleted, _ = ClericalPair.objects.filter(
        Q(record_l_id__in=record_ids) | Q(record_r_id__in=record_ids), kind=kind
    ).delete()
    return deleted


def _erase_referral(referral_id: int) -> Counter[str]:
    """Clear what identifies the person, the officer and the story; keep the case's facts."""
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    rows: Counter[str] = Counter()
    rows["referrals.personrecord"] = _anonymise_person_records(Q(pk=referral.person_record_id))
    rows["referrals.referral"] = Referral.objects.filter(pk=referral.pk).update(
        **IDENTIFYING_REFERRAL_FIELDS
    )
    rows["referrals.exploitationplace"] = ExploitationPlace.objects.filter(
        referral=referral
    ).update(town_or_city="")
    for amendment in ReferralAmendment.objects.filter(referral=referral):
        # Which fields changed stays; what they said does not.
        amendment.changes = dict.fromkeys(amendment.changes)
        amendment.reason = ""
        amendment.save(update_fields=["changes", "reason"])
        rows["referrals.referralamendment"] += 1
    rows["decisions.decision"] = Decision.objects.filter(referral=referral).update(
        **IDENTIFYING_DECISION_FIELDS
    )
    return rows


def _erase_ingested_record(record_id: int) -> Counter[str]:
    """Keep the non-identifying canonical fields; drop the raw row and earlier versions."""
    record = IngestedRecord.objects.select_for_update().get(pk=record_id)
    rows: Counter[str] = Counter()
    record.fields = {
        key: value for key, value in record.fields.items() if key in NON_IDENTIFYING_INGEST_FIELDS
    }
    record.raw = {}
    record.save(update_fields=["fields", "raw"])
    rows["ingest.ingestedrecord"] = 1
    rows["ingest.ingestedrecordversion"], _ = IngestedRecordVersion.objects.filter(
        record=record
    ).delete()
    for row in QuarantinedRow.objects.filter(record=record):
        row.raw, row.value = {}, ""
        row.problems = [
            {key: value for key, value in problem.items() if key != "value"}
            for problem in row.problems
            if isinstance(problem, dict)
        ]
        row.save(update_fields=["raw", "value", "problems"])
        rows["ingest.quarantinedrow"] += 1
    if record.person_record_id is not None:
        rows["referrals.personrecord"] = _anonymise_person_records(Q(pk=record.person_record_id))
    return rows


def _erase_intelligence_report(report_id: int) -> Counter[str]:
    _, per_model = IntelligenceReport.objects.filter(pk=report_id).delete()
    return Counter({label.lower(): count for label, count in per_model.items()})


def _erase_suspect(suspect_id: int, action: ErasureAction) -> Counter[str]:
    """Delete a suspect no outcome counts; otherwise clear who they are and keep the row."""
    rows: Counter[str] = Counter()
    rows["linkage.clericalpair"] = _drop_clerical_pairs(LinkageKind.SUSPECTS, [suspect_id])
    suspects = SuspectRecord.objects.filter(pk=suspect_id)
    if action == ErasureAction.DELETED:
        _, per_model = suspects.delete()
        rows.update({label.lower(): count for label, count in per_model.items()})
    else:
        rows["intelligence.suspectrecord"] = suspects.update(
            **IDENTIFYING_PERSON_FIELDS, vehicles=[]
        )
    return rows


def _erase_intelligence_person(record_id: int) -> Counter[str]:
    rows: Counter[str] = Counter()
    rows["linkage.clericalpair"] = _drop_clerical_pairs(LinkageKind.PERSONS, [record_id])
    _, per_model = PersonRecord.objects.filter(pk=record_id).delete()
    rows.update({label.lower(): count for label, count in per_model.items()})
    return rows


def _erase(group: RetentionGroup) -> Counter[str]:
    if group.object_type == "referrals.referral":
        return _erase_referral(group.object_id)
    if group.object_type == "ingest.ingestedrecord":
        return _erase_ingested_record(group.object_id)
    if group.object_type == "intelligence.intelligencereport":
        return _erase_intelligence_report(group.object_id)
    if group.object_type == "intelligence.suspectrecord":
        return _erase_suspect(group.object_id, group.action)
    if group.object_type == "referrals.personrecord":
        return _erase_intelligence_person(group.object_id)
    raise ValidationError(UNKNOWN_GROUP.format(object_type=group.object_type))


def retention_erase(actor: Actor | None, *, group: RetentionGroup) -> dict[str, int]:
    """Anonymise or delete one record group past its retention period, in one transaction
    with its ``record.erased`` audit event (core.policy retention_* rules; issue 10).
    A group already erased is left alone: a second run changes nothing."""
    try:
        return _erase_in_transaction(actor, group)
    except ProtectedError as error:
        tables = sorted({obj._meta.label_lower for obj in error.protected_objects})
        raise ValidationError(
            STILL_REFERENCED.format(
                object_type=group.object_type,
                object_id=group.object_id,
                count=len(error.protected_objects),
                tables=", ".join(tables),
            )
        ) from error


def _erase_in_transaction(actor: Actor | None, group: RetentionGroup) -> dict[str, int]:
    with transaction.atomic():
        object_id = group.erasure_key
        if Erasure.objects.filter(object_type=group.object_type, object_id=object_id).exists():
            return {}
        rows = {table: count for table, count in sorted(_erase(group).items()) if count}
        Erasure.objects.create(
            object_type=group.object_type,
            object_id=object_id,
            action=group.action,
            rule=group.rule.name,
            rule_version=group.rule.version,
            due_on=group.due_on,
            erased_at=timezone.now(),
            rows=rows,
        )
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_ERASED,
            object_type=group.object_type,
            object_id=str(group.object_id),
            details={
                "action": str(group.action),
                "rule": group.rule.name,
                "rule_version": group.rule.version,
                "due_on": group.due_on.isoformat(),
                "rows": rows,
            },
        )
    return rows


@dataclass(frozen=True)
class SpoolPurge:
    """Spooled files deleted, per reason (ingest.queued.SpoolOrphanReason), and any that
    could not be, each with its reason."""

    deleted: dict[str, int]
    failures: list[str]


def spool_files_purge(actor: Actor | None, *, now: dt.datetime) -> SpoolPurge:
    """Delete the spooled uploads no upload or batch needs (ingest.queued.spool_orphans,
    SPOOL_GRACE): copies of agency exports kept for no purpose. One ``record.erased`` event
    counts them; a second run finds nothing and records nothing."""
    deleted: Counter[str] = Counter()
    names: list[str] = []
    failures: list[str] = []
    with transaction.atomic():
        # A deleted file cannot come back with a rollback, so the event is written after the
        # deletions and names only the files this run deleted.
        for orphan in spool_orphans(now=now):
            try:
                orphan.path.unlink()
            except FileNotFoundError:
                continue  # its own upload or batch deleted it meanwhile
            except OSError as error:
                failures.append(SPOOL_FILE_NOT_DELETED.format(name=orphan.path.name, error=error))
                continue
            deleted[str(orphan.reason)] += 1
            names.append(orphan.path.name)
        if names:
            audit_record(
                actor,
                event_type=AuditEventType.RECORD_ERASED,
                object_type=SPOOL_OBJECT_TYPE,
                details={
                    "deleted": len(names),
                    "reasons": dict(sorted(deleted.items())),
                    "files": names,
                    "grace_hours": SPOOL_GRACE.total_seconds() / 3600,
                },
            )
    return SpoolPurge(dict(sorted(deleted.items())), failures)
