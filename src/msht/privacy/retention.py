"""Which records are past their retention period (core.policy retention_* rules).

A *record group* is what one erasure takes away together: a referral with its person
record, places, amendments and decisions; an agency export row with its person record,
versions and quarantined rows; an intelligence report; a suspect record; a person named
only in intelligence. Groups whose rows statistics still count are anonymised (the
identifying fields cleared, the row kept); the others are deleted. Audit events are never
deleted: they are the record of the erasure.

Uploads spooled for a background ingest are not records but copies of agency exports: one
no upload or batch needs any more is deleted at once (``spool_summary``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from msht.core import policy
from msht.core.policy import PolicyRule
from msht.ingest.models import IngestedRecord
from msht.ingest.queued import spool_orphans
from msht.intelligence.models import IntelligenceReport, PursueOutcomeType, SuspectRecord
from msht.privacy.models import Erasure, ErasureAction
from msht.referrals.models import PersonRecord, PersonRecordSource, Referral, ReferralStatus

# A case is closed, and its retention clock starts, at its final decision.
FINAL_STATUSES = (
    ReferralStatus.RG_NEGATIVE,
    ReferralStatus.CG_POSITIVE,
    ReferralStatus.CG_NEGATIVE,
    ReferralStatus.WITHDRAWN,
)


@dataclass(frozen=True)
class RetentionGroup:
    """One record group past its retention period, and what the rules do with it."""

    app: str
    object_type: str
    object_id: int
    action: ErasureAction
    rule: PolicyRule[int]
    due_on: dt.date
    version: int = 0

    @property
    def erasure_key(self) -> str:
        """The id ``Erasure`` keeps: with the version for a row a later export may refill."""
        return f"{self.object_id}:v{self.version}" if self.version else str(self.object_id)


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _erased(object_type: str) -> set[str]:
    return set(Erasure.objects.filter(object_type=object_type).values_list("object_id", flat=True))


def _referral_groups(today: dt.date) -> Iterator[RetentionGroup]:
    """Closed cases: 25 years after a positive CG, 6 after a negative or withdrawn end
    (retention_years_positive_cg, retention_years_negative); anonymised, because the
    national statistics count every referral."""
    erased = _erased("referrals.referral")
    referrals = (
        Referral.objects.filter(status__in=FINAL_STATUSES)
        .annotate(
            closed_on=Max("decisions__decided_on"),
            pending=Count("decisions", filter=Q(decisions__outcome="")),
        )
        .filter(pending=0)
        .order_by("pk")
        .values_list("pk", "status", "closed_on", "updated_at")
    )
    for pk, status, closed_on, updated_at in referrals.iterator(chunk_size=2000):
        if str(pk) in erased:
            continue
        rule = (
            policy.RETENTION_YEARS_POSITIVE_CG
            if status == ReferralStatus.CG_POSITIVE
            else policy.RETENTION_YEARS_NEGATIVE
        )
        due_on = years_after(closed_on or updated_at.date(), rule.default)
        if due_on <= today:
            yield RetentionGroup(
                "referrals", "referrals.referral", pk, ErasureAction.ANONYMISED, rule, due_on
            )


def _ingest_groups(today: dt.date) -> Iterator[RetentionGroup]:
    """Agency export rows no export has changed for 6 years (retention_years_agency_export);
    anonymised, because data quality and linkage figures count them."""
    erased = _erased("ingest.ingestedrecord")
    rule = policy.RETENTION_YEARS_AGENCY_EXPORT
    rows = IngestedRecord.objects.order_by("pk").values_list("pk", "version", "updated_at")
    for pk, version, updated_at in rows.iterator(chunk_size=2000):
        due_on = years_after(updated_at.date(), rule.default)
        # A later export that changed the row made a new version: its clock starts again.
        group = RetentionGroup(
            "ingest", "ingest.ingestedrecord", pk, ErasureAction.ANONYMISED, rule, due_on, version
        )
        if due_on <= today and group.erasure_key not in erased:
            yield group


def _convicted_suspects() -> set[int]:
    return set(
        SuspectRecord.objects.filter(outcomes__outcome_type=PursueOutcomeType.CONVICTION)
        .values_list("pk", flat=True)
        .distinct()
    )


def _intelligence_report_groups(today: dt.date, convicted: set[int]) -> Iterator[RetentionGroup]:
    """Intelligence is deleted 6 years after it was received (MoPI group 3 review,
    retention_years_intelligence), unless it names a convicted suspect (MoPI group 1)."""
    rule = policy.RETENTION_YEARS_INTELLIGENCE
    reports = IntelligenceReport.objects.order_by("pk").prefetch_related("suspects")
    for report in reports.iterator(chunk_size=500):
        due_on = years_after(report.received_on, rule.default)
        names_convicted = any(suspect.pk in convicted for suspect in report.suspects.all())
        if due_on <= today and not names_convicted:
            yield RetentionGroup(
                "intelligence",
                "intelligence.intelligencereport",
                report.pk,
                ErasureAction.DELETED,
                rule,
                due_on,
            )


def _suspect_due(suspect: SuspectRecord, convicted: bool) -> tuple[dt.date | None, PolicyRule[int]]:
    if convicted:
        rule = policy.RETENTION_CONVICTED_SUSPECT_AGE
        if suspect.birth_year is None:
            return None, rule  # MoPI group 1 without a known age: kept for review by hand
        return dt.date(suspect.birth_year + rule.default, 1, 1), rule
    rule = policy.RETENTION_YEARS_INTELLIGENCE
    # The last information about them: the latest report or outcome, or when the record
    # itself arrived if nothing else names them (a load of old data is not new information).
    activity = [
        *(report.received_on for report in suspect.intelligence.all()),
        *(outcome.occurred_on for outcome in suspect.outcomes.all()),
    ]
    last = max(activity) if activity else suspect.created_at.date()
    return years_after(last, rule.default), rule


def _suspect_groups(today: dt.date, convicted: set[int]) -> Iterator[RetentionGroup]:
    """Suspects with no conviction: 6 years after the last intelligence or outcome (MoPI
    group 3); convicted: until the age of 100 (MoPI group 1). A suspect a Pursue outcome
    counts is anonymised (the Pursue indicators count outcomes); any other is deleted."""
    erased = _erased("intelligence.suspectrecord")
    suspects = SuspectRecord.objects.order_by("pk").prefetch_related("intelligence", "outcomes")
    for suspect in suspects.iterator(chunk_size=500):
        if str(suspect.pk) in erased:
            continue
        due_on, rule = _suspect_due(suspect, suspect.pk in convicted)
        if due_on is None or due_on > today:
            continue
        action = ErasureAction.ANONYMISED if suspect.outcomes.all() else ErasureAction.DELETED
        yield RetentionGroup(
            "intelligence", "intelligence.suspectrecord", suspect.pk, action, rule, due_on
        )


def _intelligence_person_groups(today: dt.date) -> Iterator[RetentionGroup]:
    """A person known only from intelligence goes with the intelligence: 6 years after the
    last report naming them, or after the record arrived if none does
    (retention_years_intelligence)."""
    rule = policy.RETENTION_YEARS_INTELLIGENCE
    records = (
        # A row of an intelligence log that made the record is anonymised with its export.
        PersonRecord.objects.filter(
            source=PersonRecordSource.INTELLIGENCE, ingested_record__isnull=True
        )
        .annotate(last_report=Max("intelligence__received_on"))
        .order_by("pk")
        .values_list("pk", "created_at", "last_report")
    )
    for pk, created_at, last_report in records.iterator(chunk_size=2000):
        last = last_report or created_at.date()
        due_on = years_after(last, rule.default)
        if due_on <= today:
            yield RetentionGroup(
                "intelligence", "referrals.personrecord", pk, ErasureAction.DELETED, rule, due_on
            )


def retention_plan(*, today: dt.date) -> list[RetentionGroup]:
    """Every record group past its retention period on ``today`` and not yet erased
    (core.policy retention_* rules; issue 10)."""
    convicted = _convicted_suspects()
    return [
        *_referral_groups(today),
        *_ingest_groups(today),
        *_intelligence_report_groups(today, convicted),
        *_suspect_groups(today, convicted),
        *_intelligence_person_groups(today),
    ]


def retention_summary(plan: list[RetentionGroup]) -> dict[str, dict[str, int]]:
    """Groups per app and action: what a run would do, or did."""
    counts = Counter((group.app, str(group.action)) for group in plan)
    summary: dict[str, dict[str, int]] = {}
    for (app, action), count in sorted(counts.items()):
        summary.setdefault(app, {})[action] = count
    return summary


def spool_summary(*, now: dt.datetime) -> dict[str, int]:
    """Spooled uploads no upload or batch needs, per reason: what a run would delete
    (ingest.queued.spool_orphans)."""
    return dict(sorted(Counter(str(orphan.reason) for orphan in spool_orphans(now=now)).items()))
