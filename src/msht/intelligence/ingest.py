"""Bulk ingest of intelligence logs: each checked row becomes a graded intelligence report.

``msht ingest intelligence_log FILE`` reads an agency's intelligence log through its
mapping (ingest/mappings/intelligence_log.yaml). Ingest keeps the batch, each row's
history, idempotence and the quarantine; this writer adds the checks only the store can
answer (organisations, suspect records and referrals the row names, handling code C's
conditions) and writes the reports, each one audited as created or changed, inside the
batch's one transaction (ARCHITECTURE.md, ingest).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from msht.accounts.models import Organisation
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.ingest.engine.mapping import SourceMapping
from msht.ingest.engine.validate import CheckedRow, Problem
from msht.ingest.loader import TargetRow
from msht.ingest.models import Batch, Source
from msht.intelligence.models import HandlingCode, IntelligenceReport, SuspectRecord
from msht.referrals.models import Referral
from msht.referrals.references import next_reference

REQUIRED = "is empty; an intelligence report must give it"
NO_CONDITIONS = "is empty, but handling code C must state its conditions"
NOT_RESTRICTED = "names organisations, but only handling code C restricts a report to some"
UNKNOWN_ORGANISATION = "names no organisation MSHT knows ('{code}')"
UNKNOWN_SUSPECT = (
    "names no suspect record MSHT knows ('{reference}'); load the suspect record first or "
    "correct the reference"
)
UNKNOWN_REFERRAL = "names no referral MSHT knows ('{reference}')"
FUTURE = "is in the future"
MUST_GIVE = (
    "received_on",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "summary",
)


@dataclass(frozen=True)
class _Named:
    """What a row names in the store, found while checking it."""

    permitted: list[int]
    suspects: list[int]
    persons: list[int]


class IntelligenceLogWriter:
    """The target writer of ``target: intelligence`` mappings (msht.ingest.loader)."""

    def __init__(self, *, mapping: SourceMapping, source: Source, batch: Batch) -> None:
        self.mapping = mapping
        self.source = source
        self.batch = batch
        # The batch's starter (None at the command line): who wrote the reports.
        self.actor = batch.started_by
        self.organisations = dict(Organisation.objects.values_list("code", "id"))
        self.named: dict[str, _Named] = {}

    def _column(self, name: str) -> str:
        rule = self.mapping.fields.get(name)
        return rule.source_columns[0] if rule is not None else name

    def check(self, row: CheckedRow, organisation_id: int) -> None:
        """Quarantine what the store contradicts, naming the column, value and reason."""
        fields = row.fields
        problems = [
            Problem(self._column(name), "", REQUIRED) for name in MUST_GIVE if not fields.get(name)
        ]
        code = fields.get("handling_code")
        permitted_codes: list[str] = fields.get("permitted_organisations") or []
        if code == HandlingCode.CONDITIONS and not str(fields.get("handling_conditions", "")):
            problems.append(Problem(self._column("handling_conditions"), "", NO_CONDITIONS))
        if code == HandlingCode.PERMITTED and permitted_codes:
            shown = "; ".join(permitted_codes)
            problems.append(Problem(self._column("permitted_organisations"), shown, NOT_RESTRICTED))
        received = fields.get("received_on")
        if isinstance(received, str) and dt.date.fromisoformat(received) > timezone.localdate():
            problems.append(Problem(self._column("received_on"), received, FUTURE))
        problems += [
            Problem(
                self._column("permitted_organisations"),
                code,
                UNKNOWN_ORGANISATION.format(code=code),
            )
            for code in permitted_codes
            if code not in self.organisations
        ]
        suspects = self._suspects(fields.get("suspect_references") or [])
        problems += [
            Problem(
                self._column("suspect_references"),
                reference,
                UNKNOWN_SUSPECT.format(reference=reference),
            )
            for reference in fields.get("suspect_references") or []
            if reference not in suspects
        ]
        persons = self._persons(fields.get("person_references") or [])
        problems += [
            Problem(
                self._column("person_references"),
                reference,
                UNKNOWN_REFERRAL.format(reference=reference),
            )
            for reference in fields.get("person_references") or []
            if reference not in persons
        ]
        row.problems.extend(problems)
        if not problems:
            self.named[row.content_hash] = _Named(
                permitted=sorted({self.organisations[code] for code in permitted_codes}),
                suspects=sorted({pk for pks in suspects.values() for pk in pks}),
                persons=sorted(set(persons.values())),
            )

    @staticmethod
    def _suspects(references: list[str]) -> dict[str, list[int]]:
        """Every suspect record with each reference (a reference may recur across agencies,
        as on the web form and the API, where all are named)."""
        found: dict[str, list[int]] = {}
        rows = SuspectRecord.objects.filter(source_reference__in=references)
        for reference, pk in rows.values_list("source_reference", "pk"):
            found.setdefault(reference, []).append(pk)
        return found

    @staticmethod
    def _persons(references: list[str]) -> dict[str, int]:
        rows = Referral.objects.filter(reference__in=references)
        return dict(rows.values_list("reference", "person_record_id"))

    def _values(self, item: TargetRow) -> dict[str, Any]:
        fields = item.row.fields
        return {
            "originating_organisation_id": item.organisation_id,
            "received_on": dt.date.fromisoformat(fields["received_on"]),
            "source_evaluation": fields["source_evaluation"],
            "intelligence_assessment": fields["intelligence_assessment"],
            "handling_code": fields["handling_code"],
            "handling_conditions": str(fields.get("handling_conditions", "")),
            "summary": fields["summary"],
            "phone_numbers": list(fields.get("phone_numbers") or []),
            "addresses": list(fields.get("addresses") or []),
            "vehicles": list(fields.get("vehicles") or []),
            "organisations_named": list(fields.get("organisations_named") or []),
        }

    def _key(self, item: TargetRow) -> str:
        return f"{self.source.code}:{item.key}"[:240]

    def _named(self, item: TargetRow) -> _Named:
        named = self.named.get(item.row.content_hash)
        if named is None:  # a row checked by another loader (a corrected quarantined row)
            self.check(item.row, item.organisation_id)
            named = self.named[item.row.content_hash]
        return named

    def _link(self, report: IntelligenceReport, item: TargetRow) -> None:
        named = self._named(item)
        report.permitted_organisations.set(named.permitted)
        report.suspects.set(named.suspects)
        report.persons.set(named.persons)

    def insert(self, rows: list[TargetRow]) -> None:
        """One report per new row, with its own INT reference, audited as created."""
        for item in rows:
            values = self._values(item)
            report = IntelligenceReport.objects.create(
                reference=next_reference("INT", values["received_on"].year),
                ingest_key=self._key(item),
                **values,
            )
            self._link(report, item)
            self._audit(report, item, AuditEventType.RECORD_CREATED)

    def update(self, rows: list[TargetRow]) -> None:
        """A later log with a changed row rewrites its report (ingest keeps the old row)."""
        existing = {
            report.ingest_key: report
            for report in IntelligenceReport.objects.filter(
                ingest_key__in=[self._key(item) for item in rows]
            )
        }
        missing = [item for item in rows if self._key(item) not in existing]
        self.insert(missing)
        for item in rows:
            report = existing.get(self._key(item))
            if report is None:
                continue
            for name, value in self._values(item).items():
                setattr(report, name, value)
            report.save()
            self._link(report, item)
            self._audit(report, item, AuditEventType.RECORD_CHANGED)

    def _audit(self, report: IntelligenceReport, item: TargetRow, event: AuditEventType) -> None:
        audit_record(
            self.actor,
            event_type=event,
            obj=report,
            details={
                "batch": self.batch.pk,
                "source": self.source.code,
                "row": item.row.number,
                "grading": report.grading,
            },
        )
