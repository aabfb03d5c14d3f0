"""Writes of the NRM decision workflow (DOMAIN.md, NRM steps 3-7 and 'Who decides').

Each service checks its guards, writes in one transaction and records an audit event in
it. A negative decision waits for a second person's quality assurance before it is
issued; only an issued decision changes the referral's status.

The rules and guards live in ``services.rules``; this module holds the writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from msht.accounts.models import Organisation, User
from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core import policy
from msht.core.calendar import add_working_days
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.reference import UkNation
from msht.decisions.models import AssuranceStatus, Decision, DecisionOutcome, DecisionStage
from msht.decisions.services.rules import (
    ASSURANCE_OF_WITHDRAWN,
    ASSURER_IS_DECISION_MAKER,
    CG_NOT_AWAITED,
    CG_TARGET_DAYS,
    CG_TOO_EARLY,
    DECISION_AWAITING_ASSURANCE,
    IMMIGRATION_ENFORCEMENT_REFUSED,
    ISSUED_NEGATIVE_STATUS,
    NOT_A_DECISION_MAKER,
    NOT_AN_ASSURER,
    NOT_AWAITING_ASSURANCE,
    OPEN_STATUSES,
    OUTCOME_INVALID,
    OWN_REFERRAL_REFUSED,
    REASONS_MISSING,
    RECONSIDERATION_ALREADY_OPEN,
    RECONSIDERATION_LATE,
    RECONSIDERATION_NOT_PENDING,
    RECONSIDERATION_OF,
    RECONSIDERATION_ONLY_OF_NEGATIVE,
    REJECTION_NOTES_MISSING,
    REQUEST_REASONS_MISSING,
    RG_NOT_AWAITED,
    WITHDRAW_NOT_OPEN,
    WITHDRAW_REASON_MISSING,
    decision_refusal_reason,
    guard_cg_not_too_early,
    guard_may_assure,
    guard_may_decide,
    guard_none_awaiting_assurance,
    guard_not_withdrawn,
    guard_outcome,
    guard_reconsiderable,
    guard_status,
    guard_within_window,
    reconsideration_window_closes,
    recovery_period_days,
    recovery_period_end,
    rg_deadline,
)
from msht.referrals.models import Referral, ReferralStatus

__all__ = [
    "ASSURANCE_OF_WITHDRAWN",
    "ASSURER_IS_DECISION_MAKER",
    "CG_NOT_AWAITED",
    "CG_TARGET_DAYS",
    "CG_TOO_EARLY",
    "DECISION_AWAITING_ASSURANCE",
    "IMMIGRATION_ENFORCEMENT_REFUSED",
    "NOT_AN_ASSURER",
    "NOT_AWAITING_ASSURANCE",
    "NOT_A_DECISION_MAKER",
    "OUTCOME_INVALID",
    "OWN_REFERRAL_REFUSED",
    "REASONS_MISSING",
    "RECONSIDERATION_ALREADY_OPEN",
    "RECONSIDERATION_LATE",
    "RECONSIDERATION_NOT_PENDING",
    "RECONSIDERATION_ONLY_OF_NEGATIVE",
    "REJECTION_NOTES_MISSING",
    "REQUEST_REASONS_MISSING",
    "RG_NOT_AWAITED",
    "WITHDRAW_NOT_OPEN",
    "WITHDRAW_REASON_MISSING",
    "decision_assure",
    "decision_record_cg",
    "decision_record_reconsideration",
    "decision_record_rg",
    "decision_refusal_reason",
    "decision_rg_open",
    "reconsideration_request",
    "reconsideration_window_closes",
    "recovery_period_days",
    "recovery_period_end",
    "referral_withdraw",
    "rg_deadline",
]


# Helpers ----------------------------------------------------------------------------------


def _user(actor: Actor) -> User:
    if not isinstance(actor, User):
        raise PermissionDeniedError(NOT_A_DECISION_MAKER)
    return actor


def _today() -> dt.date:
    return timezone.localdate()


def _pending(referral: Referral, stage: DecisionStage) -> Decision | None:
    return (
        Decision.objects.select_for_update()
        .filter(referral=referral, stage=stage, outcome="")
        .order_by("pk")
        .first()
    )


def _locked_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _audit(actor: Actor, obj: Any, action: str, **details: Any) -> None:
    created = action in {"decision.opened", "reconsideration.requested"}
    event_type = AuditEventType.RECORD_CREATED if created else AuditEventType.RECORD_CHANGED
    audit_record(actor, event_type=event_type, obj=obj, details={"action": action, **details})


def _set_status(actor: Actor, referral: Referral, status: ReferralStatus) -> None:
    previous = referral.status
    referral.status = status
    referral.save(update_fields=["status", "updated_at"])
    audit_record(
        actor,
        event_type=AuditEventType.RECORD_CHANGED,
        obj=referral,
        details={"action": "referral.status_changed", "from": previous, "to": status},
    )


def _decide(
    decision: Decision,
    *,
    actor: Actor,
    unit: Organisation,
    outcome: str,
    reasons: str,
    today: dt.date,
) -> None:
    """Fill in the decision; a negative one waits for quality assurance (DOMAIN.md, NRM 6)."""
    decision.outcome = outcome
    decision.reasons = reasons.strip()
    decision.decided_on = today
    decision.decision_maker = _user(actor)
    decision.decision_making_unit = unit
    decision.rules_version = policy.rules_version_on(today)
    decision.quality_assurer = None
    decision.assured_on = None
    decision.assurance_status = (
        AssuranceStatus.AWAITING
        if outcome == DecisionOutcome.NEGATIVE
        else AssuranceStatus.NOT_REQUIRED
    )
    decision.full_clean()
    decision.save()


def _start_recovery(actor: Actor, referral: Referral, rg: Decision, unit: Organisation) -> None:
    """A positive RG starts the recovery period and opens the CG decision (NRM 3-5)."""
    assert rg.decided_on is not None  # noqa: S101 - set by _decide
    rg.recovery_period_ends_on = recovery_period_end(referral, rg.decided_on)
    rg.save(update_fields=["recovery_period_ends_on"])
    cg = Decision.objects.create(
        referral=referral,
        stage=DecisionStage.CONCLUSIVE_GROUNDS,
        decision_making_unit=unit,
        started_on=rg.recovery_period_ends_on,
        deadline=rg.decided_on + dt.timedelta(days=CG_TARGET_DAYS),
        rules_version=policy.rules_version_on(rg.decided_on),
    )
    _audit(actor, cg, "decision.opened", stage=cg.stage)
    _set_status(actor, referral, ReferralStatus.RG_POSITIVE)


def _issue(actor: Actor, referral: Referral, decision: Decision, unit: Organisation) -> None:
    """An issued decision moves the referral on (positive now; negative once assured)."""
    if decision.outcome == DecisionOutcome.NEGATIVE:
        _set_status(actor, referral, ISSUED_NEGATIVE_STATUS[DecisionStage(decision.stage)])
    elif decision.stage in {DecisionStage.CONCLUSIVE_GROUNDS, DecisionStage.CG_RECONSIDERATION}:
        _set_status(actor, referral, ReferralStatus.CG_POSITIVE)
    else:
        _start_recovery(actor, referral, decision, unit)


# Services ---------------------------------------------------------------------------------


def decision_rg_open(*, actor: Actor, referral: Referral) -> Decision:
    """Open the pending RG decision of a submitted referral, due in RG_DECISION_WORKING_DAYS."""
    with transaction.atomic():
        referral = _locked_referral(referral)
        guard_status(referral, ReferralStatus.SUBMITTED, RG_NOT_AWAITED)
        existing = _pending(referral, DecisionStage.REASONABLE_GROUNDS)
        if existing is not None:
            return existing
        unit = referral.competent_authority or getattr(actor, "organisation", None)
        if unit is None:
            raise ValidationError(NOT_A_DECISION_MAKER, [NOT_A_DECISION_MAKER])
        decision = Decision.objects.create(
            referral=referral,
            stage=DecisionStage.REASONABLE_GROUNDS,
            decision_making_unit=unit,
            started_on=referral.referred_on,
            deadline=rg_deadline(referral),
            rules_version=policy.rules_version_on(referral.referred_on),
        )
        _audit(actor, decision, "decision.opened", stage=decision.stage)
        return decision


def decision_record_rg(*, actor: Actor, referral: Referral, outcome: str, reasons: str) -> Decision:
    """Record a Reasonable Grounds decision (DOMAIN.md, NRM 3); negative ones await assurance.

    Deadline: RG_DECISION_WORKING_DAYS working days from the referral in its UK nation. A
    positive RG starts the recovery period (RECOVERY_PERIOD_DAYS and the nation rules).
    """
    with transaction.atomic():
        referral = _locked_referral(referral)
        unit = guard_may_decide(actor, referral)
        guard_status(referral, ReferralStatus.SUBMITTED, RG_NOT_AWAITED)
        guard_none_awaiting_assurance(referral, DecisionStage.REASONABLE_GROUNDS)
        guard_outcome(outcome, reasons)
        decision = _pending(referral, DecisionStage.REASONABLE_GROUNDS) or Decision(
            referral=referral,
            stage=DecisionStage.REASONABLE_GROUNDS,
            started_on=referral.referred_on,
        )
        decision.deadline = rg_deadline(referral)
        _decide(decision, actor=actor, unit=unit, outcome=outcome, reasons=reasons, today=_today())
        if referral.competent_authority_id is None:
            referral.competent_authority = unit
            referral.save(update_fields=["competent_authority", "updated_at"])
        _audit(actor, decision, "decision.recorded", stage=decision.stage, outcome=outcome)
        if decision.is_issued:
            _issue(actor, referral, decision, unit)
        return decision


def decision_record_cg(*, actor: Actor, referral: Referral, outcome: str, reasons: str) -> Decision:
    """Record a Conclusive Grounds decision, not before the recovery period's minimum has
    passed since the positive RG decision (DOMAIN.md, NRM 5; RECOVERY_PERIOD_DAYS)."""
    with transaction.atomic():
        referral = _locked_referral(referral)
        unit = guard_may_decide(actor, referral)
        guard_status(referral, ReferralStatus.RG_POSITIVE, CG_NOT_AWAITED)
        guard_none_awaiting_assurance(referral, DecisionStage.CONCLUSIVE_GROUNDS)
        guard_outcome(outcome, reasons)
        today = _today()
        rg = (
            Decision.objects.filter(
                referral=referral,
                stage__in=[DecisionStage.REASONABLE_GROUNDS, DecisionStage.RG_RECONSIDERATION],
                outcome=DecisionOutcome.POSITIVE,
            )
            .order_by("-decided_on", "-pk")
            .first()
        )
        earliest = guard_cg_not_too_early(rg, today)
        decision = _pending(referral, DecisionStage.CONCLUSIVE_GROUNDS) or Decision(
            referral=referral,
            stage=DecisionStage.CONCLUSIVE_GROUNDS,
            started_on=earliest,
        )
        _decide(decision, actor=actor, unit=unit, outcome=outcome, reasons=reasons, today=today)
        _audit(actor, decision, "decision.recorded", stage=decision.stage, outcome=outcome)
        if decision.is_issued:
            _issue(actor, referral, decision, unit)
        return decision


def reconsideration_request(
    *, actor: Actor, decision: Decision, reasons: str, exceptional_circumstances: str = ""
) -> Decision:
    """Request reconsideration of an issued negative RG or CG decision within
    RECONSIDERATION_WINDOW_DAYS, later only with exceptional circumstances (DOMAIN.md, NRM 6)."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        referral = decision.referral
        require(actor, Action.REFERRAL_VIEW, referral)
        require(actor, Action.DECISION_VIEW, decision)
        guard_reconsiderable(decision)
        if not reasons.strip():
            raise ValidationError(REQUEST_REASONS_MISSING, [REQUEST_REASONS_MISSING])
        today = _today()
        guard_within_window(decision, today, exceptional_circumstances)
        stage = RECONSIDERATION_OF[DecisionStage(decision.stage)]
        if stage == DecisionStage.RG_RECONSIDERATION:
            days = policy.RG_DECISION_WORKING_DAYS.value_on(today)
            deadline = add_working_days(today, days, UkNation(referral.nation))
        else:
            deadline = today + dt.timedelta(days=CG_TARGET_DAYS)
        reconsideration = Decision.objects.create(
            referral=referral,
            stage=stage,
            decision_making_unit=decision.decision_making_unit,
            reconsideration_of=decision,
            started_on=today,
            deadline=deadline,
            request_reasons=reasons.strip(),
            exceptional_circumstances=exceptional_circumstances.strip(),
            rules_version=policy.rules_version_on(today),
        )
        _audit(
            actor,
            reconsideration,
            "reconsideration.requested",
            of=decision.pk,
            late=today > reconsideration_window_closes(decision),
        )
        return reconsideration


def decision_record_reconsideration(
    *, actor: Actor, reconsideration: Decision, outcome: str, reasons: str
) -> Decision:
    """Decide a reconsideration (DOMAIN.md, NRM 6): positive RG restarts recovery; a negative
    one awaits quality assurance like any negative decision."""
    with transaction.atomic():
        reconsideration = Decision.objects.select_for_update().get(pk=reconsideration.pk)
        referral = _locked_referral(reconsideration.referral)
        unit = guard_may_decide(actor, referral)
        if reconsideration.reconsideration_of_id is None or not reconsideration.is_pending:
            raise ValidationError(RECONSIDERATION_NOT_PENDING, [RECONSIDERATION_NOT_PENDING])
        guard_outcome(outcome, reasons)
        _decide(
            reconsideration,
            actor=actor,
            unit=unit,
            outcome=outcome,
            reasons=reasons,
            today=_today(),
        )
        _audit(actor, reconsideration, "decision.recorded", stage=reconsideration.stage)
        if reconsideration.is_issued:
            _issue(actor, referral, reconsideration, unit)
        return reconsideration


def referral_withdraw(*, actor: Actor, referral: Referral, reasons: str) -> Decision:
    """Close an open referral without a decision: outcome withdrawn, with reasons (NRM 7)."""
    with transaction.atomic():
        referral = _locked_referral(referral)
        unit = guard_may_decide(actor, referral)
        if referral.status not in OPEN_STATUSES:
            raise ValidationError(WITHDRAW_NOT_OPEN, [WITHDRAW_NOT_OPEN])
        if not reasons.strip():
            raise ValidationError(WITHDRAW_REASON_MISSING, [WITHDRAW_REASON_MISSING])
        today = _today()
        # A negative decision awaiting quality assurance has not been issued, so the case is
        # still without a decision: the withdrawal closes it too, and takes it off the
        # assurers' queue (approving it later would overturn the withdrawal).
        pending = list(
            Decision.objects.select_for_update()
            .filter(Q(outcome="") | Q(assurance_status=AssuranceStatus.AWAITING), referral=referral)
            .order_by("pk")
        )
        stage = (
            DecisionStage.REASONABLE_GROUNDS
            if referral.status == ReferralStatus.SUBMITTED
            else DecisionStage.CONCLUSIVE_GROUNDS
        )
        if not pending:
            pending = [
                Decision(
                    referral=referral, stage=stage, started_on=min(today, referral.referred_on)
                )
            ]
        for decision in pending:
            superseded = decision.outcome
            decision.started_on = min(decision.started_on, today)
            decision.outcome = DecisionOutcome.WITHDRAWN
            decision.reasons = reasons.strip()
            decision.decided_on = today
            decision.decision_maker = _user(actor)
            decision.decision_making_unit = unit
            decision.rules_version = policy.rules_version_on(today)
            decision.assurance_status = AssuranceStatus.NOT_REQUIRED
            decision.save()
            # A negative awaiting assurance is closed too: the audit says what it replaced.
            extra = {"superseded_unassured": superseded} if superseded else {}
            _audit(actor, decision, "decision.withdrawn", stage=decision.stage, **extra)
        _set_status(actor, referral, ReferralStatus.WITHDRAWN)
        return pending[0]


def decision_assure(
    *, actor: Actor, decision: Decision, approve: bool, notes: str = ""
) -> Decision:
    """Second-person quality assurance of a negative decision (DOMAIN.md, NRM 6): approval
    issues it; rejection sends it back to the decision maker. The assurer is not the maker."""
    with transaction.atomic():
        # The referral is locked before its decision, in the order referral_withdraw takes.
        referral = _locked_referral(decision.referral)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        guard_not_withdrawn(referral)
        guard_may_assure(actor, decision)
        if not approve and not notes.strip():
            raise ValidationError(REJECTION_NOTES_MISSING, [REJECTION_NOTES_MISSING])
        decision.quality_assurer = _user(actor)
        decision.assured_on = _today()
        decision.assurance_notes = notes.strip()
        if approve:
            decision.assurance_status = AssuranceStatus.APPROVED
            if decision.stage == DecisionStage.CONCLUSIVE_GROUNDS:
                # Negative CG decisions also go to the Multi-Agency Assurance Panel (NRM 6).
                decision.multi_agency_panel_reviewed = True
        else:
            decision.assurance_status = AssuranceStatus.REJECTED
            decision.outcome = ""
            decision.decided_on = None
        decision.full_clean()
        decision.save()
        _audit(actor, decision, "decision.assured", approved=approve)
        if approve:
            _issue(actor, referral, decision, decision.decision_making_unit)
        return decision
