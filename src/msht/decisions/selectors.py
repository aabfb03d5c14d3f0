"""Reads of the NRM decision workflow: the work queue, assurance, overdue cases, case pages.

Every selector takes the actor and filters through accounts.rules: decision makers and
quality assurers of a competent authority see every case; the referring first responder
sees their own referral's case and its issued outcome, never decision-maker-only data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from msht.accounts.models import Organisation, OrganisationType
from msht.accounts.rules import Action, Actor, can, referrals_visible_to, require
from msht.audit.models import AuditEvent, AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.core.calendar import working_days_between
from msht.core.reference import UkNation
from msht.decisions.models import AssuranceStatus, Decision, DecisionOutcome, DecisionStage
from msht.referrals.models import Referral, ReferralStatus
from msht.referrals.selectors import referral_get


class QueueStage(StrEnum):
    """The queue's stage filter: what kind of decision is due."""

    RG = "rg"
    CG = "cg"
    RECONSIDERATION = "reconsideration"


QUEUE_STAGE_LABELS = {
    QueueStage.RG.value: "Reasonable Grounds",
    QueueStage.CG.value: "Conclusive Grounds",
    QueueStage.RECONSIDERATION.value: "Reconsideration",
}

_STAGES_OF = {
    QueueStage.RG: [DecisionStage.REASONABLE_GROUNDS],
    QueueStage.CG: [DecisionStage.CONCLUSIVE_GROUNDS],
    QueueStage.RECONSIDERATION: [
        DecisionStage.RG_RECONSIDERATION,
        DecisionStage.CG_RECONSIDERATION,
    ],
}

# Sort keys the queue page offers, each a database ordering (the deadline index serves it).
QUEUE_SORTS = {
    "deadline": ("deadline", "pk"),
    "due": ("started_on", "pk"),
    "reference": ("referral__reference",),
    "stage": ("stage", "deadline", "pk"),
}


@dataclass(frozen=True)
class QueueFilters:
    """The filters of the work queue; empty means 'any'."""

    stage: str = ""
    competent_authority: int | None = None
    nation: str = ""
    overdue_only: bool = False
    first_responder_type: str = ""
    sort: str = "deadline"
    descending: bool = False


def _today() -> dt.date:
    return timezone.localdate()


def working_days_remaining(decision: Decision, today: dt.date | None = None) -> int | None:
    """Working days from today to the deadline in the referral's nation (negative: overdue)."""
    if decision.deadline is None:
        return None
    return working_days_between(
        today or _today(), decision.deadline, UkNation(decision.referral.nation)
    )


def decision_list_queue(
    actor: Actor, *, filters: QueueFilters | None = None, today: dt.date | None = None
) -> QuerySet[Decision]:
    """The decision maker's work queue (DOMAIN.md, NRM 3-6), by deadline: RG due, CG due once
    the recovery period's minimum has passed (RECOVERY_PERIOD_DAYS), reconsiderations."""
    require(actor, Action.DECISION_MAKE)
    filters = filters or QueueFilters()
    today = today or _today()
    # A pending decision belongs to an open referral: the services close every pending
    # decision when a referral is decided or withdrawn, so the queue needs no join on the
    # referral's status to filter or count (the count stays an index scan at national scale).
    queue = (
        Decision.objects.filter(outcome="")
        .exclude(stage=DecisionStage.CONCLUSIVE_GROUNDS, started_on__gt=today)
        .select_related(
            "referral",
            "referral__first_responder_organisation",
            "decision_making_unit",
        )
    )
    if filters.stage in QueueStage.__members__.values():
        queue = queue.filter(stage__in=_STAGES_OF[QueueStage(filters.stage)])
    if filters.competent_authority:
        queue = queue.filter(decision_making_unit_id=filters.competent_authority)
    if filters.nation:
        queue = queue.filter(referral__nation=filters.nation)
    if filters.overdue_only:
        queue = queue.filter(deadline__lt=today)
    if filters.first_responder_type:
        queue = queue.filter(
            referral__first_responder_organisation__organisation_type=filters.first_responder_type
        )
    ordering = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["deadline"])
    if filters.descending:
        ordering = tuple(f"-{key}" for key in ordering)
    return queue.order_by(*ordering)


def decision_list_awaiting_assurance(actor: Actor) -> QuerySet[Decision]:
    """Negative decisions awaiting a second person's quality assurance (DOMAIN.md, NRM 6)."""
    require(actor, Action.DECISION_ASSURE)
    return (
        Decision.objects.filter(assurance_status=AssuranceStatus.AWAITING)
        .exclude(decision_maker_id=actor.pk)
        .select_related("referral", "decision_maker", "decision_making_unit")
        .order_by("decided_on", "pk")
    )


def decision_get_for_assurance(actor: Actor, *, pk: int) -> Decision:
    """One decision awaiting assurance that ``actor`` may assure (DECISION_ASSURE); the page
    shows its reasons about the person, so the read is audited."""
    decision = decision_list_awaiting_assurance(actor).get(pk=pk)
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            obj=decision,
            details={"via": "assurance", "referral": decision.referral.reference},
        )
    return decision


@dataclass(frozen=True)
class OverdueSummary:
    """RG decisions past RG_DECISION_WORKING_DAYS and CG decisions past their target."""

    rg_count: int
    cg_count: int
    rg_overdue: QuerySet[Decision]
    cg_overdue: QuerySet[Decision]


def decision_overdue_summary(actor: Actor, *, today: dt.date | None = None) -> OverdueSummary:
    """Overdue decisions for managers (GOVERNANCE_VIEW) and the competent authority."""
    if not (can(actor, Action.GOVERNANCE_VIEW) or can(actor, Action.DECISION_VIEW)):
        require(actor, Action.GOVERNANCE_VIEW)
    today = today or _today()
    overdue = (
        Decision.objects.filter(outcome="", deadline__lt=today)
        .filter(referral__status__in=[ReferralStatus.SUBMITTED, ReferralStatus.RG_POSITIVE])
        .select_related("referral", "decision_making_unit")
        .order_by("deadline", "pk")
    )
    rg = overdue.filter(stage=DecisionStage.REASONABLE_GROUNDS)
    cg = overdue.filter(stage=DecisionStage.CONCLUSIVE_GROUNDS)
    return OverdueSummary(rg_count=rg.count(), cg_count=cg.count(), rg_overdue=rg, cg_overdue=cg)


def decision_maker_data_visible(actor: Actor) -> bool:
    """Decision makers and quality assurers see reasons, assurance and pending work."""
    return can(actor, Action.DECISION_VIEW) and (
        can(actor, Action.DECISION_MAKE) or can(actor, Action.DECISION_ASSURE)
    )


def case_get(actor: Actor, *, reference: str) -> Referral:
    """A case: one referral the actor may see (REFERRAL_VIEW); absent and hidden look alike."""
    return referral_get(actor, reference=reference)


def decision_list_for_referral(actor: Actor, *, referral: Referral) -> QuerySet[Decision]:
    """A referral's decisions (DECISION_VIEW); the referrer sees only issued ones."""
    require(actor, Action.REFERRAL_VIEW, referral)
    decisions = Decision.objects.filter(referral=referral).select_related(
        "decision_making_unit", "decision_maker", "quality_assurer", "reconsideration_of"
    )
    if not decision_maker_data_visible(actor):
        decisions = decisions.exclude(outcome="").filter(
            assurance_status__in=[AssuranceStatus.NOT_REQUIRED, AssuranceStatus.APPROVED]
        )
    return decisions.order_by("started_on", "pk")


def decision_list_for_referral_read(actor: Actor, *, referral: Referral) -> list[Decision]:
    """A referral's decisions for the API (``decision_list_for_referral``); each carries its
    reasons about the person, so every decision listed is an audited read, one event each."""
    decisions = list(decision_list_for_referral(actor, referral=referral))
    with transaction.atomic():
        audit_record_many(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            object_type=Decision._meta.label_lower,
            object_ids=[str(decision.pk) for decision in decisions],
            details={"page": "decisions API", "referral": referral.reference},
        )
    return decisions


def decision_get(actor: Actor, *, pk: int) -> Decision:
    """One decision the actor may see, through a referral they may see (DECISION_VIEW)."""
    visible = referrals_visible_to(actor, Referral.objects.all())
    decision = Decision.objects.select_related("referral").get(pk=pk, referral__in=visible)
    if not can(actor, Action.DECISION_VIEW, decision):
        raise Decision.DoesNotExist
    return decision


def referral_list_linked(actor: Actor, *, referral: Referral) -> QuerySet[Referral]:
    """Other referrals of the same person (the same PersonRecord.entity), as actor may see."""
    entity_id = referral.person_record.entity_id
    if entity_id is None:
        return Referral.objects.none()
    linked = (
        Referral.objects.filter(person_record__entity_id=entity_id)
        .exclude(pk=referral.pk)
        .select_related("first_responder_organisation")
        .order_by("referred_on", "reference")
    )
    return referrals_visible_to(actor, linked)


@dataclass(frozen=True)
class TimelineEvent:
    """One entry of a case's timeline (the MOJ timeline pattern)."""

    on: dt.datetime
    title: str
    by: str = ""
    description: str = ""
    details: list[str] = field(default_factory=list)


def _midday(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _decision_events(decision: Decision, full: bool) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    stage = decision.get_stage_display()
    if decision.reconsideration_of_id is not None:
        details = [decision.request_reasons] if full and decision.request_reasons else []
        if full and decision.exceptional_circumstances:
            details.append(f"Exceptional circumstances: {decision.exceptional_circumstances}")
        events.append(
            TimelineEvent(_midday(decision.started_on), f"{stage} requested", details=details)
        )
    if decision.decided_on is not None:
        by = ""
        if full and decision.decision_maker is not None:
            by = decision.decision_maker.get_full_name() or decision.decision_maker.get_username()
        outcome = decision.get_outcome_display()
        events.append(
            TimelineEvent(
                _midday(decision.decided_on),
                f"{stage}: {outcome}",
                by=by,
                description=str(decision.decision_making_unit),
                details=[decision.reasons] if decision.reasons else [],
            )
        )
    if full and decision.assured_on is not None:
        verdict = {
            AssuranceStatus.APPROVED: "approved",
            AssuranceStatus.REJECTED: "sent back",
        }.get(AssuranceStatus(decision.assurance_status), "")
        assurer = decision.quality_assurer
        events.append(
            TimelineEvent(
                _midday(decision.assured_on),
                f"Quality assurance of {stage}: {verdict}",
                by=(assurer.get_full_name() or assurer.get_username()) if assurer else "",
                details=[decision.assurance_notes] if decision.assurance_notes else [],
            )
        )
    return events


def case_timeline(actor: Actor, *, referral: Referral) -> list[TimelineEvent]:
    """The case's history in date order: submitted, amendments (audit trail), decisions,
    assurance and reconsiderations (DOMAIN.md, NRM 1-7)."""
    full = decision_maker_data_visible(actor)
    submitted = referral.submitted_at or _midday(referral.referred_on)
    events = [
        TimelineEvent(
            submitted, "Referral submitted", description=str(referral.first_responder_organisation)
        )
    ]
    amendments = AuditEvent.objects.filter(
        object_type="referrals.referral", object_id=str(referral.pk)
    ).exclude(event_type="record.viewed")
    for event in amendments.order_by("sequence"):
        action = str(event.details.get("action", ""))
        if action == "referral.status_changed":
            continue
        title = "Referral created" if event.event_type == "record.created" else "Referral amended"
        changed = event.details.get("fields") or event.details.get("changed") or []
        details = [f"Changed: {', '.join(map(str, changed))}"] if changed else []
        events.append(
            TimelineEvent(event.occurred_at, title, by=event.actor_username, details=details)
        )
    for decision in decision_list_for_referral(actor, referral=referral):
        events.extend(_decision_events(decision, full))
    return sorted(events, key=lambda item: item.on)


def decision_outcome_label(referral: Referral) -> str:
    """The case's current outcome in words (ReferralStatus)."""
    return ReferralStatus(referral.status).label


def decision_negative_issued(decision: Decision) -> bool:
    """True when ``decision`` is an issued negative RG or CG (reconsideration may be asked)."""
    return (
        decision.outcome == DecisionOutcome.NEGATIVE
        and decision.is_issued
        and decision.stage in {DecisionStage.REASONABLE_GROUNDS, DecisionStage.CONCLUSIVE_GROUNDS}
    )


def case_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Choices for the queue's filters (no personal data)."""
    authorities = Organisation.objects.filter(
        organisation_type=OrganisationType.COMPETENT_AUTHORITY
    ).order_by("name")
    return {
        "stage": list(QUEUE_STAGE_LABELS.items()),
        "competent_authority": [(str(o.pk), o.name) for o in authorities],
        "nation": list(UkNation.choices),
        "first_responder_type": list(OrganisationType.choices),
    }


def referral_get_for_decision(actor: Actor, *, reference: str) -> Referral:
    """A referral the actor may see (REFERRAL_VIEW), without its subject's personal record;
    raises Referral.DoesNotExist when absent or hidden (another organisation's: 404)."""
    referrals = Referral.objects.select_related("first_responder_organisation")
    return referrals_visible_to(actor, referrals).get(reference=reference)
