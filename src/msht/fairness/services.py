"""Running decision monitoring and the second-review consistency checks (issue 8)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from msht.accounts.models import User
from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.policy import RULES_VERSION
from msht.decisions.models import Decision, DecisionOutcome
from msht.fairness.engine.monitoring import NEGATIVE, POSITIVE, MonitoringSettings, monitor
from msht.fairness.engine.periods import Period, parse_period
from msht.fairness.engine.sampling import stratified_sample
from msht.fairness.extract import decision_table
from msht.fairness.models import MonitoringRun, SecondReview

# Bumped when the monitoring method changes, so runs made under another method show it.
MONITORING_VERSION = "1"
SAME_REVIEWER = "A second review needs a decision maker other than the one who decided."
ALREADY_REVIEWED = "This decision's second review is already recorded."
NOT_AN_OUTCOME = "A second review's outcome is positive or negative, not {outcome!r}."


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except ValueError as bad:
        raise ValidationError(str(bad)) from bad


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


def monitoring_run(
    actor: Actor | None, *, period: str, settings: MonitoringSettings | None = None
) -> MonitoringRun:
    """Monitor the decisions of a period and store the run (issue 8; DOMAIN.md 'Who decides').

    Args:
        actor: who asks (None for the operator at the command line); governance and the
            competent authority's quality assurers may (Action.FAIRNESS_VIEW).
        period: ``2024``, ``2024Q3`` or ``2017-2024``.
        settings: minimum group size, false discovery rate, material ratio.

    Returns:
        The stored run: aggregates only, with its settings and rules version.
    """
    if actor is not None:
        require(actor, Action.FAIRNESS_VIEW)
    span = _period(period)
    settings = settings or MonitoringSettings()
    frame = decision_table(span.start, span.end)
    report = monitor(frame, period_start=span.start, period_end=span.end, settings=settings)
    with transaction.atomic():
        run = MonitoringRun.objects.create(
            period=span.label,
            period_start=span.start,
            period_end=span.end,
            run_at=timezone.now(),
            run_by=_user(actor),
            rules_version=f"{RULES_VERSION};monitoring={MONITORING_VERSION}",
            settings=settings.as_dict(),
            decisions=report.decisions,
            findings_count=len(report.findings),
            report=report.as_dict(),
        )
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CREATED,
            obj=run,
            details={
                "period": span.label,
                "decisions": report.decisions,
                "findings": len(report.findings),
            },
        )
    return run


def second_review_draw(
    actor: Actor | None, *, period: str, share: float, minimum: int, seed: int
) -> list[SecondReview]:
    """Draw decisions made in the period for a second review, at random within each stratum
    of stage, unit and outcome (issue 8, consistency checks)."""
    if actor is not None:
        require(actor, Action.FAIRNESS_VIEW)
    span = _period(period)
    frame = decision_table(span.start, span.end)
    if not frame.empty:
        made = frame["outcome"].isin([POSITIVE, NEGATIVE]) & frame["decided_on"].between(
            span.start.isoformat(), span.end.isoformat()
        )
        frame = frame[made]
    if frame.empty:
        return []
    sample = stratified_sample(
        frame, strata=["stage", "unit", "outcome"], share=share, minimum=minimum, seed=seed
    )
    now = timezone.now()
    with transaction.atomic():
        reviews = SecondReview.objects.bulk_create(
            [
                SecondReview(
                    decision_id=int(row.decision_id),
                    stratum=str(row.stratum)[:200],
                    drawn_at=now,
                    drawn_by=_user(actor),
                    first_outcome=str(row.outcome),
                )
                for row in sample.itertuples()
            ]
        )
        audit_record_many(
            actor,
            event_type=AuditEventType.RECORD_CREATED,
            object_type="fairness.secondreview",
            object_ids=[str(review.decision_id) for review in reviews],
            details={"period": span.label, "seed": seed, "share": share},
        )
    return reviews


def second_review_record(
    actor: Actor, *, review: SecondReview, outcome: str, notes: str = ""
) -> SecondReview:
    """Record a second decision maker's outcome; never the first decision maker's own."""
    require(actor, Action.DECISION_ASSURE)
    if outcome not in {DecisionOutcome.POSITIVE, DecisionOutcome.NEGATIVE}:
        raise ValidationError(NOT_AN_OUTCOME.format(outcome=outcome))
    with transaction.atomic():
        review = SecondReview.objects.select_for_update().get(pk=review.pk)
        if review.is_recorded:
            raise ValidationError(ALREADY_REVIEWED)
        decision = Decision.objects.get(pk=review.decision_id)
        if decision.decision_maker_id is not None and decision.decision_maker_id == actor.pk:
            raise PermissionDeniedError(SAME_REVIEWER)
        review.second_outcome = outcome
        review.reviewer = actor  # type: ignore[assignment]
        review.reviewed_on = timezone.localdate()
        review.notes = notes
        review.save(update_fields=["second_outcome", "reviewer", "reviewed_on", "notes"])
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=review,
            details={"decision": review.decision_id, "agrees": outcome == review.first_outcome},
        )
    return review
