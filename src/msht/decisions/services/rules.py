"""The rules of the NRM decision workflow: deadlines, the recovery period, the
reconsideration window, and the guards each service checks (DOMAIN.md, NRM 3-7).
"""

from __future__ import annotations

import datetime as dt

from msht.accounts.models import Organisation, User
from msht.accounts.rules import Action, Actor, can
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

# The CG target is a policy rule (core/policy.py, cg_target_days).
CG_TARGET_DAYS = policy.CG_TARGET_DAYS.default

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
DECISION_AWAITING_ASSURANCE = (
    "A negative decision at this stage is awaiting quality assurance: a quality assurer "
    "approves it, or sends it back to be decided again, before another can be recorded."
)
ASSURER_IS_DECISION_MAKER = (
    "You cannot assure this decision: quality assurance needs a second person, not the "
    "decision maker."
)
NOT_AN_ASSURER = "Only a quality assurer of a competent authority can assure a decision."
REJECTION_NOTES_MISSING = "Enter why the decision is sent back."
ASSURANCE_OF_WITHDRAWN = (
    "This referral has been withdrawn or closed without a decision: its decisions can no "
    "longer be quality assured or issued."
)

OPEN_STATUSES = {ReferralStatus.SUBMITTED, ReferralStatus.RG_POSITIVE}
ISSUED_NEGATIVE_STATUS = {
    DecisionStage.REASONABLE_GROUNDS: ReferralStatus.RG_NEGATIVE,
    DecisionStage.RG_RECONSIDERATION: ReferralStatus.RG_NEGATIVE,
    DecisionStage.CONCLUSIVE_GROUNDS: ReferralStatus.CG_NEGATIVE,
    DecisionStage.CG_RECONSIDERATION: ReferralStatus.CG_NEGATIVE,
}
RECONSIDERATION_OF = {
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


def guard_may_decide(actor: Actor, referral: Referral) -> Organisation:
    reason = decision_refusal_reason(actor, referral)
    if reason is not None:
        raise PermissionDeniedError(reason)
    if not isinstance(actor, User) or actor.organisation is None:
        raise PermissionDeniedError(NOT_A_DECISION_MAKER)
    return actor.organisation


def guard_outcome(outcome: str, reasons: str) -> None:
    problems = []
    if outcome not in {DecisionOutcome.POSITIVE, DecisionOutcome.NEGATIVE}:
        problems.append(OUTCOME_INVALID)
    if not reasons.strip():
        problems.append(REASONS_MISSING)
    if problems:
        raise ValidationError(problems[0], problems)


def guard_status(referral: Referral, status: ReferralStatus, message: str) -> None:
    if referral.status != status:
        raise ValidationError(message, [message])


def guard_none_awaiting_assurance(referral: Referral, stage: DecisionStage) -> None:
    """One decision per stage at a time (DOMAIN.md, NRM 6): a negative one awaiting quality
    assurance leaves the referral's status as it was, so without this a second decision
    could be recorded beside it, and approving the first would then undo the second."""
    awaiting = Decision.objects.filter(
        referral=referral, stage=stage, assurance_status=AssuranceStatus.AWAITING
    )
    if awaiting.exists():
        raise ValidationError(DECISION_AWAITING_ASSURANCE, [DECISION_AWAITING_ASSURANCE])


def guard_cg_not_too_early(rg: Decision | None, today: dt.date) -> dt.date:
    if rg is None or rg.recovery_period_ends_on is None:
        raise ValidationError(CG_NOT_AWAITED, [CG_NOT_AWAITED])
    if today < rg.recovery_period_ends_on:
        message = CG_TOO_EARLY.format(earliest=rg.recovery_period_ends_on)
        raise ValidationError(message, [message])
    return rg.recovery_period_ends_on


def guard_reconsiderable(decision: Decision) -> None:
    if (
        decision.stage not in RECONSIDERATION_OF
        or decision.outcome != DecisionOutcome.NEGATIVE
        or not decision.is_issued
    ):
        raise ValidationError(RECONSIDERATION_ONLY_OF_NEGATIVE, [RECONSIDERATION_ONLY_OF_NEGATIVE])
    if decision.reconsiderations.exists():
        raise ValidationError(RECONSIDERATION_ALREADY_OPEN, [RECONSIDERATION_ALREADY_OPEN])


def guard_within_window(decision: Decision, today: dt.date, exceptional: str) -> None:
    closes = reconsideration_window_closes(decision)
    if today > closes and not exceptional.strip():
        message = RECONSIDERATION_LATE.format(closed=closes)
        raise ValidationError(message, [message])


def guard_not_withdrawn(referral: Referral) -> None:
    """A withdrawn referral is closed without a decision (DOMAIN.md, NRM 7): no decision
    awaiting quality assurance may be issued on it afterwards and reopen the case."""
    if referral.status == ReferralStatus.WITHDRAWN:
        raise ValidationError(ASSURANCE_OF_WITHDRAWN, [ASSURANCE_OF_WITHDRAWN])


def guard_may_assure(actor: Actor, decision: Decision) -> None:
    if decision.assurance_status != AssuranceStatus.AWAITING:
        raise ValidationError(NOT_AWAITING_ASSURANCE, [NOT_AWAITING_ASSURANCE])
    if not can(actor, Action.DECISION_ASSURE):
        raise PermissionDeniedError(NOT_AN_ASSURER)
    if not can(actor, Action.DECISION_ASSURE, decision):
        raise PermissionDeniedError(ASSURER_IS_DECISION_MAKER)
