"""Reads of referrals and person records: scoped by accounts.rules, every read audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from msht.accounts.rules import (
    Action,
    Actor,
    can,
    person_records_visible_to,
    referrals_visible_to,
    require,
)
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.referrals.models import PersonRecord, Referral, ReferralStatus


def referral_list_visible(actor: Actor) -> QuerySet[Referral]:
    """Referrals the actor may see (REFERRAL_VIEW); a list shows no personal details."""
    referrals = Referral.objects.select_related(
        "first_responder_organisation", "competent_authority"
    )
    return referrals_visible_to(actor, referrals)


def referral_get(actor: Actor, *, reference: str) -> Referral:
    """One referral with its subject's record; the read of the person's record is audited.

    Raises Referral.DoesNotExist when the referral is absent *or* not visible, so that
    another organisation's referral cannot be told apart from a missing one.
    """
    referral = referral_list_visible(actor).select_related("person_record").get(reference=reference)
    require(actor, Action.PERSON_RECORD_VIEW, referral.person_record)
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            obj=referral.person_record,
            details={"via": "referral", "referral": referral.reference},
        )
    return referral


def person_record_get(actor: Actor, *, pk: int) -> PersonRecord:
    """One person record the actor may see (PERSON_RECORD_VIEW); the read is audited."""
    records = PersonRecord.objects.select_related("source_organisation", "entity")
    record = person_records_visible_to(actor, records).get(pk=pk)
    with transaction.atomic():
        audit_record(actor, event_type=AuditEventType.RECORD_VIEWED, obj=record)
    return record


def referral_list_organisation(actor: Actor) -> QuerySet[Referral]:
    """Submitted referrals the actor may see, drafts left out: for a first responder, their
    organisation's (REFERRAL_VIEW). A list shows no personal details, so it is not audited."""
    return referral_list_visible(actor).exclude(status=ReferralStatus.DRAFT)


def referral_list_drafts(actor: Actor) -> QuerySet[Referral]:
    """The actor's own drafts (REFERRAL_CREATE), newest first."""
    if not can(actor, Action.REFERRAL_CREATE):
        return Referral.objects.none()
    return (
        referral_list_visible(actor)
        .filter(status=ReferralStatus.DRAFT, referring_officer_id=actor.pk)
        .select_related("person_record")
        .order_by("-updated_at")
    )


def referral_list_drafts_read(actor: Actor) -> list[Referral]:
    """The actor's drafts for the drafts page (``referral_list_drafts``). Each row names its
    person, so every person record listed is an audited read, one event each."""
    drafts = list(referral_list_drafts(actor))
    with transaction.atomic():
        audit_record_many(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            object_type=PersonRecord._meta.label_lower,
            object_ids=[str(draft.person_record_id) for draft in drafts],
            details={"page": "drafts"},
        )
    return drafts


def referral_get_draft(actor: Actor, *, reference: str) -> Referral:
    """One of the actor's drafts; the read of the person's details in it is audited.

    Raises Referral.DoesNotExist for anything else (another user's draft, a submitted one).
    """
    referral = referral_list_drafts(actor).get(reference=reference)
    with transaction.atomic():
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            obj=referral.person_record,
            details={"via": "draft", "referral": referral.reference},
        )
    return referral
