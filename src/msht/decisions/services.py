"""Writes of the NRM decision workflow (DOMAIN.md, NRM steps 3-7 and 'Who decides').

Each service checks its guards, writes in one transaction and records an audit event in
it. A negative decision waits for a second person's quality assurance before it is
issued; only an issued decision changes the referral's status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from msht.accounts.models import Organisation, User
from msht.accounts.rules import Action, Actor, can, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core import policy
from msht.core.calendar import add_working_days
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.reference import UkNation
from msht.decisions.models import (
    AssuranceStatus,
    Decision,
    DecisionOutcome,
    DecisionStage,
)
from msht.referrals.models import Referral, ReferralStatus

# A target for Conclusive Grounds decisions, in calendar days after the RG decision. It
# belongs in core/policy.py as CG_TARGET_DAYS (requested); until then it lives here.
CG_TARGET_DAYS = 90

OWN_REFERRAL_REFUSED = (
    "You cannot decide this case: it was referred by your own organisation "
    "(decision makers are independent of the referring organisation)."
)
IMMIGRATION_ENFORCEMENT_REFUSED = (
    "You cannot decide this case: no one working in an immigration enforcement function "
    "may make an NRM decision."
)
NOT_A_DECISION_MAKER = "Only a decision maker of a competent authority can make this decision."
OUTCOME_INVALID = "Choose a positive or negative decision."
REASONS_MISSING = "Enter the reasons for the decision."
RG_NOT_AWAITED = "This referral is not awaiting a Reasonable Grounds decision."
CG_NOT_AWAITED = (
    "This referral is not awaiting a Conclusive Grounds decision: it needs a positive "
    "Reasonable Grounds decision first."
)
CG_TOO_EARLY = (
    "A Conclusive Grounds decision cannot be made before {earliest:%-d %B %Y}: the "
    "recovery period's minimum has not passed since the Reasonable Grounds decision."
)
RECONSIDERATION_ONLY_OF_NEGATIVE = "Only an issued negative RG or CG decision can be reconsidered."
RECONSIDERATION_ALREADY_OPEN = "A reconsideration of this decision is already open."
RECONSIDERATION_LATE = (
    "The window for reconsideration closed on {closed:%-d %B %Y}: a later request needs "
    "exceptional circumstances."
)
RECONSIDERATION_NOT_PENDING = "This reconsideration has already been decided."
REQUEST_REASONS_MISSING = "Enter why reconsideration is requested."
WITHDRAW_NOT_OPEN = "Only a referral awaiting a decision can be withdrawn."
WITHDRAW_REASON_MISSING = "Enter why the referral is withdrawn or closed."
NOT_AWAITING_ASSURANCE = "This decision is not awaiting quality assurance."
ASSURER_IS_DECISION_MAKER = (
    "You cannot assure this decision: quality assurance needs a second person, not the "
    "decision maker."
)
NOT_AN_ASSURER = "Only a quality assurer of a competent authority can assure a decision."
REJECTION_NOTES_MISSING = "Enter why the decision is sent back."

_OPEN_STATUSES = {ReferralStatus.SUBMITTED, ReferralStatus.RG_POSITIVE}
_ISSUED_NEGATIVE_STATUS = {
    DecisionStage.REASONABLE_GROUNDS: ReferralStatus.RG_NEGATIVE,
    DecisionStage.RG_RECONSIDERATION: ReferralStatus.RG_NEGATIVE,
    DecisionStage.CONCLUSIVE_GROUNDS: ReferralStatus.CG_NEGATIVE,
    DecisionStage.CG_RECONSIDERATION: ReferralStatus.CG_NEGATIVE,
}
_RECONSIDERATION_OF = {
    DecisionStage.REASONABLE_GROUNDS: DecisionStage.RG_RECONSIDERATION,
    DecisionStage.CONCLUSIVE_GROUNDS: DecisionStage.CG_RECONSIDERATION,
}


# Rules ------------------------------------------------------------------------------------


def rg_deadline(referral: Referral) -> dt.date:
    """RG target: RG_DECISION_WORKING_DAYS working days from the referral in its nation."""
    days = policy.RG_DECISION_WORKING_DAYS.value_on(referral.referred_on)
    return add_working_days(referral.referred_on, days, UkNation(referral.nation))


def recovery_period_days(nation: str, day: dt.date) -> int:
    """Minimum recovery period after a positive RG on ``day`` (DOMAIN.md, NRM 4; per nation)."""
    if nation == UkNation.SCOTLAND:
        return policy.RECOVERY_PERIOD_DAYS_SCOTLAND.value_on(day)
    if nation == UkNation.NORTHERN_IRELAND:
        return policy.RECOVERY_PERIOD_DAYS_NORTHERN_IRELAND.value_on(day)
    return policy.RECOVERY_PERIOD_DAYS.value_on(day)


def recovery_period_end(referral: Referral, rg_decided_on: dt.date) -> dt.date:
    """The first day a CG decision may be made after a positive RG (DOMAIN.md, NRM 4-5)."""
    return rg_decided_on + dt.timedelta(days=recovery_period_days(referral.nation, rg_decided_on))


def reconsideration_window_closes(decision: Decision) -> dt.date:
    """The last day to request reconsideration of ``decision`` (RECONSIDERATION_WINDOW_DAYS)."""
    assert decision.decided_on is not None  # noqa: S101 - only issued decisions are asked
    days = policy.RECONSIDERATION_WINDOW_DAYS.value_on(decision.decided_on)
    return decision.decided_on + dt.timedelta(days=days)


# Guards -----------------------------------------------------------------------------------


def decision_refusal_reason(actor: Actor, referral: Referral) -> str | None:
    """Why ``actor`` may not decide ``referral`` (accounts.rules DECISION_MAKE), or None."""
    if can(actor, Action.DECISION_MAKE, referral):
        return None
    if not can(actor, Action.DECISION_MAKE):
        organisation: Organisation | None = getattr(actor, "organisation", None)
        if (
            can(actor, Action.DECISION_VIEW, referral)
            and organisation is not None
            and organisation.performs_immigration_enforcement
            and policy.IMMIGRATION_ENFORCEMENT_MAY_NOT_DECIDE.default
        ):
            return IMMIGRATION_ENFORCEMENT_REFUSED
        return NOT_A_DECISION_MAKER
    return OWN_REFERRAL_REFUSED


def _guard_may_decide(actor: Actor, referral: Referral) -> Organisation:
    reason = decision_refusal_reason(actor, referral)
    if reason is not None:
        raise PermissionDeniedError(reason)
    if not isinstance(actor, User) or actor.organisation is None:
        raise PermissionDeniedError(NOT_A_DECISION_MAKER)
    return actor.organisation


def _guard_outcome(outcome: str, reasons: str) -> None:
    problems = []
    if outcome not in {DecisionOutcome.POSITIVE, DecisionOutcome.NEGATIVE}:
        problems.append(OUTCOME_INVALID)
    if not reasons.strip():
        problems.append(REASONS_MISSING)
    if problems:
        raise ValidationError(problems[0], problems)


def _guard_status(referral: Referral, status: ReferralStatus, message: str) -> None:
    if referral.status != status:
        raise ValidationError(message, [message])


def _guard_cg_not_too_early(rg: Decision | None, today: dt.date) -> dt.date:
    if rg is None or rg.recovery_period_ends_on is None:
        raise ValidationError(CG_NOT_AWAITED, [CG_NOT_AWAITED])
    if today < rg.recovery_period_ends_on:
        message = CG_TOO_EARLY.format(earliest=rg.recovery_period_ends_on)
        raise ValidationError(message, [message])
    return rg.recovery_period_ends_on


def _guard_reconsiderable(decision: Decision) -> None:
    if (
        decision.stage not in _RECONSIDERATION_OF
        or decision.outcome != DecisionOutcome.NEGATIVE
        or not decision.is_issued
    ):
        raise ValidationError(RECONSIDERATION_ONLY_OF_NEGATIVE, [RECONSIDERATION_ONLY_OF_NEGATIVE])
    if decision.reconsiderations.exists():
        raise ValidationError(RECONSIDERATION_ALREADY_OPEN, [RECONSIDERATION_ALREADY_OPEN])


def _guard_within_window(decision: Decision, today: dt.date, exceptional: str) -> None:
    closes = reconsideration_window_closes(decision)
    if today > closes and not exceptional.strip():
        message = RECONSIDERATION_LATE.format(closed=closes)
        raise ValidationError(message, [message])


def _guard_may_assure(actor: Actor, decision: Decision) -> None:
    if decision.assurance_status != AssuranceStatus.AWAITING:
        raise ValidationError(NOT_AWAITING_ASSURANCE, [NOT_AWAITING_ASSURANCE])
    if not can(actor, Action.DECISION_ASSURE):
        raise PermissionDeniedError(NOT_AN_ASSURER)
    if not can(actor, Action.DECISION_ASSURE, decision):
        raise PermissionDeniedError(ASSURER_IS_DECISION_MAKER)


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
        _set_status(actor, referral, _ISSUED_NEGATIVE_STATUS[DecisionStage(decision.stage)])
    elif decision.stage in {DecisionStage.CONCLUSIVE_GROUNDS, DecisionStage.CG_RECONSIDERATION}:
        _set_status(actor, referral, ReferralStatus.CG_POSITIVE)
    else:
        _start_recovery(actor, referral, decision, unit)


# Services ---------------------------------------------------------------------------------


def decision_rg_open(*, actor: Actor, referral: Referral) -> Decision:
    """Open the pending RG decision of a submitted referral, due in RG_DECISION_WORKING_DAYS."""
    with transaction.atomic():
        referral = _locked_referral(referral)
        _guard_status(referral, ReferralStatus.SUBMITTED, RG_NOT_AWAITED)
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
        unit = _guard_may_decide(actor, referral)
        _guard_status(referral, ReferralStatus.SUBMITTED, RG_NOT_AWAITED)
        _guard_outcome(outcome, reasons)
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
        unit = _guard_may_decide(actor, referral)
        _guard_status(referral, ReferralStatus.RG_POSITIVE, CG_NOT_AWAITED)
        _guard_outcome(outcome, reasons)
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
        earliest = _guard_cg_not_too_early(rg, today)
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
        _guard_reconsiderable(decision)
        if not reasons.strip():
            raise ValidationError(REQUEST_REASONS_MISSING, [REQUEST_REASONS_MISSING])
        today = _today()
        _guard_within_window(decision, today, exceptional_circumstances)
        stage = _RECONSIDERATION_OF[DecisionStage(decision.stage)]
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
        unit = _guard_may_decide(actor, referral)
        if reconsideration.reconsideration_of_id is None or not reconsideration.is_pending:
            raise ValidationError(RECONSIDERATION_NOT_PENDING, [RECONSIDERATION_NOT_PENDING])
        _guard_outcome(outcome, reasons)
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
        unit = _guard_may_decide(actor, referral)
        if referral.status not in _OPEN_STATUSES:
            raise ValidationError(WITHDRAW_NOT_OPEN, [WITHDRAW_NOT_OPEN])
        if not reasons.strip():
            raise ValidationError(WITHDRAW_REASON_MISSING, [WITHDRAW_REASON_MISSING])
        today = _today()
        pending = list(Decision.objects.select_for_update().filter(referral=referral, outcome=""))
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
            decision.started_on = min(decision.started_on, today)
            decision.outcome = DecisionOutcome.WITHDRAWN
            decision.reasons = reasons.strip()
            decision.decided_on = today
            decision.decision_maker = _user(actor)
            decision.decision_making_unit = unit
            decision.rules_version = policy.rules_version_on(today)
            decision.assurance_status = AssuranceStatus.NOT_REQUIRED
            decision.save()
            _audit(actor, decision, "decision.withdrawn", stage=decision.stage)
        _set_status(actor, referral, ReferralStatus.WITHDRAWN)
        return pending[0]


def decision_assure(
    *, actor: Actor, decision: Decision, approve: bool, notes: str = ""
) -> Decision:
    """Second-person quality assurance of a negative decision (DOMAIN.md, NRM 6): approval
    issues it; rejection sends it back to the decision maker. The assurer is not the maker."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        _guard_may_assure(actor, decision)
        if not approve and not notes.strip():
            raise ValidationError(REJECTION_NOTES_MISSING, [REJECTION_NOTES_MISSING])
        referral = _locked_referral(decision.referral)
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
