"""Governance writes: indicator values, inspection responses and actions, the roles and
responsibilities matrix, the delivery plan and training records (STYLE.md, section 2).

Each service checks the actor (None is the operator at the command line), runs one
transaction and records an audit event inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from msht.accounts.models import Organisation, User
from msht.accounts.rules import Action as Permission
from msht.accounts.rules import Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core import policy
from msht.core.errors import ValidationError
from msht.core.models import Strand
from msht.core.periods import Quarter
from msht.governance.indicators import INDICATORS, IndicatorDefinition
from msht.governance.models import (
    Action,
    ActionStatus,
    Competency,
    DeliveryPlanItem,
    DeliveryStatus,
    Indicator,
    IndicatorValue,
    InspectionReport,
    RaciAssignment,
    RaciChange,
    RaciRole,
    Recommendation,
    ResponseKind,
    TrainingRecord,
)

NOT_ACCEPTED_NO_ACTIONS = (
    "recommendation {number}: only an accepted or partially accepted recommendation has actions"
)
COMPLETE_NEEDS_EVIDENCE = "action {pk}: a complete action needs its evidence and completion date"
RESPONSE_BEFORE_RECEIPT = "recommendation {number}: the response cannot predate the report"
EXPIRY_BEFORE_COMPLETION = "training record: the expiry date cannot precede completion"
MILESTONE_OF_OBJECTIVE = "a milestone belongs to an objective of the same strand"
UNKNOWN_OWNER = "indicator {code}: owner organisation {owner!r} does not exist"
UNKNOWN_STRAND = "indicator {code}: strand {strand!r} does not exist"


def _require_edit(actor: Actor | None) -> None:
    if actor is not None:
        require(actor, Permission.GOVERNANCE_EDIT)


def _indicator_row(definition: IndicatorDefinition) -> Indicator:
    """The stored copy of a registry entry, kept equal to the registry."""
    owner = Organisation.objects.filter(code=definition.owner).first()
    if owner is None:
        raise ValidationError(UNKNOWN_OWNER.format(code=definition.code, owner=definition.owner))
    strand = Strand.objects.filter(code=definition.strand).first()
    if strand is None:
        raise ValidationError(UNKNOWN_STRAND.format(code=definition.code, strand=definition.strand))
    indicator, _ = Indicator.objects.update_or_create(
        code=definition.code,
        defaults={
            "name": definition.name,
            "definition": definition.definition,
            "unit": definition.unit,
            "direction": definition.direction,
            "target": definition.target,
            "amber_margin": definition.amber_margin,
            "frequency": definition.frequency,
            "strand": strand,
            "owner": owner,
        },
    )
    return indicator


def indicator_values_compute(
    actor: Actor | None,
    *,
    period: Quarter,
    as_of: dt.date | None = None,
    replace: bool = True,
) -> list[IndicatorValue]:
    """Compute every registry indicator for ``period`` and store the readings, so the trend
    shows values as they were computed; ``replace=False`` only fills quarters not stored."""
    _require_edit(actor)
    today = as_of or timezone.localdate()
    stored: list[IndicatorValue] = []
    with transaction.atomic():
        for definition in INDICATORS:
            indicator = _indicator_row(definition)
            existing = IndicatorValue.objects.filter(indicator=indicator, period=str(period))
            if not replace and existing.exists():
                stored.extend(existing)
                continue
            existing.delete()
            now = timezone.now()
            stored.extend(
                IndicatorValue.objects.bulk_create(
                    IndicatorValue(
                        indicator=indicator,
                        period=str(period),
                        breakdown=reading.breakdown,
                        breakdown_label=reading.label,
                        value=reading.value,
                        numerator=reading.numerator,
                        denominator=reading.denominator,
                        note=reading.note,
                        computed_at=now,
                    )
                    for reading in definition.compute(period, today)
                )
            )
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CREATED,
            object_type="governance.indicatorvalue",
            object_id=str(period),
            details={"period": str(period), "values": len(stored), "replace": replace},
        )
    return stored


def inspection_report_record(
    actor: Actor | None,
    *,
    title: str,
    inspectorate: str,
    received_on: dt.date,
    published_on: dt.date | None = None,
) -> InspectionReport:
    """Record a report received; its response is due within the policy window
    (inspection_response_weeks) of receipt."""
    _require_edit(actor)
    weeks = policy.INSPECTION_RESPONSE_WEEKS.value_on(received_on)
    with transaction.atomic():
        report = InspectionReport.objects.create(
            title=title,
            inspectorate=inspectorate,
            received_on=received_on,
            response_due_on=received_on + dt.timedelta(weeks=weeks),
            published_on=published_on,
            rules_version=(
                f"{policy.INSPECTION_RESPONSE_WEEKS.name}="
                f"{policy.INSPECTION_RESPONSE_WEEKS.version_on(received_on)}"
            ),
        )
        audit_record(actor, event_type=AuditEventType.RECORD_CREATED, obj=report)
    return report


def recommendation_respond(
    actor: Actor | None,
    *,
    recommendation: Recommendation,
    response: ResponseKind,
    response_text: str,
    responded_on: dt.date,
) -> Recommendation:
    """Record the department's response (accepted, partially accepted, not accepted)."""
    _require_edit(actor)
    if responded_on < recommendation.report.received_on:
        raise ValidationError(RESPONSE_BEFORE_RECEIPT.format(number=recommendation.number))
    with transaction.atomic():
        previous = recommendation.response
        recommendation.response = response
        recommendation.response_text = response_text
        recommendation.responded_on = responded_on
        recommendation.save(update_fields=["response", "response_text", "responded_on"])
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=recommendation,
            details={"response": {"from": previous, "to": str(response)}},
        )
    return recommendation


def action_create(
    actor: Actor | None,
    *,
    recommendation: Recommendation,
    description: str,
    owner: Organisation,
    due_on: dt.date,
) -> Action:
    """An accepted (or partially accepted) recommendation becomes actions with owners."""
    _require_edit(actor)
    if recommendation.response not in {ResponseKind.ACCEPTED, ResponseKind.PARTIALLY_ACCEPTED}:
        raise ValidationError(NOT_ACCEPTED_NO_ACTIONS.format(number=recommendation.number))
    with transaction.atomic():
        action = Action.objects.create(
            recommendation=recommendation, description=description, owner=owner, due_on=due_on
        )
        audit_record(actor, event_type=AuditEventType.RECORD_CREATED, obj=action)
    return action


def action_update(
    actor: Actor | None,
    *,
    action: Action,
    status: ActionStatus,
    evidence: str,
    completed_on: dt.date | None,
) -> Action:
    """Move an action on; complete needs the evidence and the day it was completed."""
    _require_edit(actor)
    if status == ActionStatus.COMPLETE and (not evidence.strip() or completed_on is None):
        raise ValidationError(COMPLETE_NEEDS_EVIDENCE.format(pk=action.pk))
    with transaction.atomic():
        previous = action.status
        action.status = status
        action.evidence = evidence
        action.completed_on = completed_on if status == ActionStatus.COMPLETE else None
        action.save(update_fields=["status", "evidence", "completed_on"])
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=action,
            details={"status": {"from": previous, "to": str(status)}},
        )
    return action


def raci_set(
    actor: Actor | None,
    *,
    organisation: Organisation,
    strand: Strand,
    role: RaciRole | None,
) -> RaciChange | None:
    """Set (or, with None, clear) one cell of the roles and responsibilities matrix, keeping
    who changed it, from what, and when; an unchanged cell records nothing."""
    _require_edit(actor)
    with transaction.atomic():
        cell = (
            RaciAssignment.objects.select_for_update()
            .filter(organisation=organisation, strand=strand)
            .first()
        )
        previous = cell.role if cell is not None else ""
        new = str(role) if role is not None else ""
        if previous == new:
            return None
        if role is None and cell is not None:
            cell.delete()
        elif cell is None:
            RaciAssignment.objects.create(organisation=organisation, strand=strand, role=new)
        else:
            cell.role = new
            cell.save(update_fields=["role"])
        change = RaciChange.objects.create(
            organisation=organisation,
            strand=strand,
            previous_role=previous,
            new_role=new,
            changed_by=actor if isinstance(actor, User) else None,
            changed_at=timezone.now(),
        )
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=change,
            details={
                "organisation": organisation.code,
                "strand": strand.code,
                "from": previous,
                "to": new,
            },
        )
    return change


def plan_item_create(
    actor: Actor | None,
    *,
    strand: Strand,
    title: str,
    owner: Organisation,
    due_on: dt.date | None = None,
    parent: DeliveryPlanItem | None = None,
    status: DeliveryStatus = DeliveryStatus.NOT_STARTED,
) -> DeliveryPlanItem:
    """An objective of the delivery plan, or (with ``parent``) one of its milestones: a
    milestone belongs to an objective of the same strand."""
    _require_edit(actor)
    if parent is not None and (parent.parent_id is not None or parent.strand_id != strand.pk):
        raise ValidationError(MILESTONE_OF_OBJECTIVE)
    with transaction.atomic():
        item = DeliveryPlanItem.objects.create(
            strand=strand, title=title, owner=owner, due_on=due_on, parent=parent, status=status
        )
        audit_record(actor, event_type=AuditEventType.RECORD_CREATED, obj=item)
    return item


def plan_item_status_set(
    actor: Actor | None, *, item: DeliveryPlanItem, status: DeliveryStatus
) -> DeliveryPlanItem:
    """Move an objective or milestone on (not started, on track, at risk, off track, done)."""
    _require_edit(actor)
    with transaction.atomic():
        previous = item.status
        item.status = status
        item.save(update_fields=["status"])
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=item,
            details={"status": {"from": previous, "to": str(status)}},
        )
    return item


def training_record_add(
    actor: Actor | None,
    *,
    user: User,
    competency: Competency,
    completed_on: dt.date,
    expires_on: dt.date | None = None,
) -> TrainingRecord:
    """Record training completed; without an expiry date it lapses after the competency's
    renewal period (none means it does not lapse)."""
    _require_edit(actor)
    if expires_on is None and competency.renew_after_months:
        expires_on = _add_months(completed_on, competency.renew_after_months)
    if expires_on is not None and expires_on < completed_on:
        raise ValidationError(EXPIRY_BEFORE_COMPLETION)
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            user=user, competency=competency, completed_on=completed_on, expires_on=expires_on
        )
        audit_record(actor, event_type=AuditEventType.RECORD_CREATED, obj=record)
    return record


TRAINING_COLUMNS = ("username", "competency", "completed_on", "expires_on")
TRAINING_ROWS_REFUSED = "{count} training row(s) refused; nothing was loaded"
ROW_PROBLEM = "row {row}, field {field}: {reason}"


def _parse_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def _training_row_problems(
    row_number: int,
    row: Mapping[str, str | None],
    users: dict[str, User],
    competencies: dict[str, Competency],
) -> list[str]:
    problems = []
    if (row.get("username") or "").strip() not in users:
        problems.append(
            ROW_PROBLEM.format(row=row_number, field="username", reason="no such active user")
        )
    if (row.get("competency") or "").strip() not in competencies:
        problems.append(
            ROW_PROBLEM.format(row=row_number, field="competency", reason="no such competency")
        )
    for name in ("completed_on", "expires_on"):
        text = (row.get(name) or "").strip()
        if name == "expires_on" and not text:
            continue
        try:
            _parse_day(text)
        except ValueError:
            problems.append(
                ROW_PROBLEM.format(
                    row=row_number, field=name, reason=f"{text!r} is not a date like 2024-03-31"
                )
            )
    return problems


def training_records_load(actor: Actor | None, *, rows: Iterable[Mapping[str, str | None]]) -> int:
    """Load staff training records (username, competency code, completed, optional expiry):
    every row is checked first and each bad one named by row, field and reason; any bad row
    and nothing is loaded (STYLE.md, errors)."""
    _require_edit(actor)
    rows = list(rows)
    users = {user.username: user for user in User.objects.filter(is_active=True)}
    competencies = {competency.code: competency for competency in Competency.objects.all()}
    problems = [
        problem
        for number, row in enumerate(rows, start=2)  # row 1 is the header
        for problem in _training_row_problems(number, row, users, competencies)
    ]
    if problems:
        raise ValidationError(TRAINING_ROWS_REFUSED.format(count=len(problems)), problems)
    with transaction.atomic():
        for row in rows:
            competency = competencies[(row["competency"] or "").strip()]
            completed_on = _parse_day(row["completed_on"] or "")
            expires_text = (row.get("expires_on") or "").strip()
            expires_on = _parse_day(expires_text) if expires_text else None
            if expires_on is None and competency.renew_after_months:
                expires_on = _add_months(completed_on, competency.renew_after_months)
            TrainingRecord.objects.create(
                user=users[(row["username"] or "").strip()],
                competency=competency,
                completed_on=completed_on,
                expires_on=expires_on,
            )
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CREATED,
            object_type="governance.trainingrecord",
            details={"loaded": len(rows)},
        )
    return len(rows)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in range(day.day, 0, -1):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a first day")
