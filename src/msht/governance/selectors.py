"""Governance reads: scorecards with red/amber/green and trend, the delivery plan, inspection
responses and actions, the roles and responsibilities matrix and the skills gaps.

Every selector takes the actor (None is the operator at the command line) and checks
GOVERNANCE_VIEW through accounts.rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from msht.accounts.models import Directorate, Organisation, Role, User
from msht.accounts.rules import Action as Permission
from msht.accounts.rules import Actor, require
from msht.core.models import Strand
from msht.core.periods import Quarter
from msht.governance.engine.charts import trend_chart
from msht.governance.engine.rag import Rag, Trend, rag_status, trend_of
from msht.governance.indicators import BY_CODE, INDICATORS, IndicatorDefinition
from msht.governance.models import (
    Action,
    Competency,
    DeliveryPlanItem,
    IndicatorValue,
    InspectionReport,
    RaciAssignment,
    RaciChange,
    RaciRole,
    Recommendation,
    TrainingRecord,
)

TREND_QUARTERS = 4
LAPSING_WITHIN_DAYS = 90
RAG_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NO_TARGET, Rag.NO_DATA)


def _require_view(actor: Actor | None) -> None:
    if actor is not None:
        require(actor, Permission.GOVERNANCE_VIEW)


@dataclass(frozen=True)
class ScorecardRow:
    """One indicator (or one breakdown of it) in a quarter, with its last quarters."""

    definition: IndicatorDefinition
    breakdown: str
    label: str
    value: Decimal | None
    note: str
    rag: Rag
    trend: Trend
    quarters: list[str]
    history: list[Decimal | None]
    chart: str
    computed_at: dt.datetime | None
    owner_name: str


def _row(
    definition: IndicatorDefinition,
    breakdown: str,
    quarters: list[Quarter],
    stored: dict[tuple[str, str, str], IndicatorValue],
) -> ScorecardRow:
    values = [stored.get((definition.code, str(quarter), breakdown)) for quarter in quarters]
    history = [value.value if value is not None else None for value in values]
    latest = values[-1]
    label = latest.breakdown_label if latest is not None else breakdown or "National"
    rag = rag_status(
        history[-1],
        target=definition.target,
        amber_margin=definition.amber_margin,
        higher_is_better=definition.higher_is_better,
    )
    names = [f"Q{quarter.number} {quarter.year}" for quarter in quarters]
    chart_id = f"chart-{definition.code}-{breakdown.replace(':', '-') or 'national'}"
    chart = trend_chart(
        chart_id,
        f"{definition.name}, {label}, last {len(quarters)} quarters",
        names,
        [None if value is None else float(value) for value in history],
        unit=definition.unit,
        target=None if definition.target is None else float(definition.target),
    )
    return ScorecardRow(
        definition=definition,
        breakdown=breakdown,
        label=label,
        value=history[-1],
        note=latest.note if latest is not None else "not computed for this quarter",
        rag=rag,
        trend=trend_of(history, higher_is_better=definition.higher_is_better),
        quarters=names,
        history=history,
        chart=chart,
        computed_at=latest.computed_at if latest is not None else None,
        owner_name=latest.indicator.owner.name if latest is not None else definition.owner,
    )


def _stored(quarters: list[Quarter]) -> dict[tuple[str, str, str], IndicatorValue]:
    values = IndicatorValue.objects.filter(
        period__in=[str(quarter) for quarter in quarters]
    ).select_related("indicator__owner")
    return {(value.indicator.code, value.period, value.breakdown): value for value in values}


def _worst(rags: list[Rag]) -> Rag:
    coloured = [rag for rag in rags if rag in {Rag.RED, Rag.AMBER, Rag.GREEN}]
    return min(coloured, key=RAG_ORDER.index) if coloured else Rag.NO_DATA


def scorecard(
    actor: Actor | None, *, period: Quarter, directorate: str | None = None
) -> list[ScorecardRow]:
    """The stored indicator values for ``period`` with RAG against target and the trend over
    the last quarters: nationally, or for one directorate (its own rows of each indicator).

    A per-directorate indicator's target is per directorate, so its national row takes the
    worst colour among the directorates.
    """
    _require_view(actor)
    quarters = period.trailing(TREND_QUARTERS)
    stored = _stored(quarters)
    rows = []
    for definition in INDICATORS:
        breakdowns = sorted(
            {key[2] for key in stored if key[0] == definition.code and key[1] == str(period)}
        ) or [""]
        if directorate is not None:
            wanted = directorate if directorate in breakdowns else None
            if wanted is None:
                continue
            rows.append(_row(definition, wanted, quarters, stored))
            continue
        national = _row(definition, "", quarters, stored)
        if definition.per_directorate:
            parts = [_row(definition, d.value, quarters, stored) for d in Directorate]
            national = _replace_rag(national, _worst([part.rag for part in parts]))
        rows.append(national)
    return rows


def scorecard_breakdowns(actor: Actor | None, *, period: Quarter) -> list[ScorecardRow]:
    """Every non-national reading of ``period`` (directorates and sources), for the detail."""
    _require_view(actor)
    quarters = period.trailing(TREND_QUARTERS)
    stored = _stored(quarters)
    keys = sorted({(code, breakdown) for code, p, breakdown in stored if p == str(period)})
    return [
        _row(BY_CODE[code], breakdown, quarters, stored)
        for code, breakdown in keys
        if breakdown and code in BY_CODE
    ]


def _replace_rag(row: ScorecardRow, rag: Rag) -> ScorecardRow:
    if row.value is None:
        return row
    return ScorecardRow(**{**row.__dict__, "rag": rag})


def latest_period(actor: Actor | None) -> Quarter | None:
    """The latest quarter with stored values."""
    _require_view(actor)
    periods = IndicatorValue.objects.values_list("period", flat=True).distinct()
    return max((Quarter.parse(period) for period in periods), default=None)


@dataclass(frozen=True)
class RecommendationLine:
    recommendation: Recommendation
    actions: list[Action]
    overdue_actions: int


@dataclass(frozen=True)
class ReportPicture:
    """A report with its response window, whether the response was late, and its lines."""

    report: InspectionReport
    response_overdue: bool
    weeks_to_response: int | None
    lines: list[RecommendationLine]


def response_is_overdue(report: InspectionReport, today: dt.date) -> bool:
    """Published after its window, or still unpublished once the window has passed."""
    if report.published_on is not None:
        return report.published_on > report.response_due_on
    return today > report.response_due_on


def inspection_reports(actor: Actor | None, *, today: dt.date | None = None) -> list[ReportPicture]:
    """Every report, its response deadline (policy inspection_response_weeks), whether it is
    overdue, and each recommendation's response and actions with the overdue ones counted."""
    _require_view(actor)
    today = today or timezone.localdate()
    pictures = []
    reports = InspectionReport.objects.prefetch_related(
        "recommendations__actions__owner", "recommendations__addressed_to"
    )
    for report in reports:
        lines = []
        for recommendation in report.recommendations.all():
            actions = list(recommendation.actions.all())
            overdue = sum(action.is_overdue_on(today) for action in actions)
            lines.append(RecommendationLine(recommendation, actions, overdue))
        end = report.published_on or None
        weeks = (end - report.received_on).days // 7 if end is not None else None
        pictures.append(ReportPicture(report, response_is_overdue(report, today), weeks, lines))
    return pictures


def recommendation_get(actor: Actor | None, *, pk: int) -> Recommendation:
    """One recommendation with its report."""
    _require_view(actor)
    return Recommendation.objects.select_related("report").get(pk=pk)


def plan_item_get(actor: Actor | None, *, pk: int) -> DeliveryPlanItem:
    """One objective or milestone with its strand and owner."""
    _require_view(actor)
    return DeliveryPlanItem.objects.select_related("strand", "owner", "parent").get(pk=pk)


def action_get(actor: Actor | None, *, pk: int) -> Action:
    """One action with its recommendation and owner."""
    _require_view(actor)
    return Action.objects.select_related("recommendation__report", "owner").get(pk=pk)


@dataclass
class RaciMatrix:
    """Organisations by strands; gaps (no one responsible) and overlaps (several accountable)."""

    strands: list[Strand]
    organisations: list[Organisation]
    cells: dict[tuple[int, int], str]
    gaps: list[Strand] = field(default_factory=list)
    overlaps: list[tuple[Strand, list[Organisation]]] = field(default_factory=list)
    history: list[RaciChange] = field(default_factory=list)

    def role_of(self, organisation: Organisation, strand: Strand) -> str:
        return self.cells.get((organisation.pk, strand.pk), "")

    @property
    def rows(self) -> list[tuple[Organisation, list[str]]]:
        """Each organisation with its role letter per strand, in the strands' order."""
        return [
            (organisation, [self.role_of(organisation, strand) for strand in self.strands])
            for organisation in self.organisations
        ]


HISTORY_SHOWN = 50


def raci_matrix(actor: Actor | None) -> RaciMatrix:
    """The roles and responsibilities matrix: the BICS directorates' units and every
    organisation with a role in it, against the four strands."""
    _require_view(actor)
    strands = list(Strand.objects.order_by("pk"))
    assignments = list(RaciAssignment.objects.select_related("organisation", "strand"))
    organisation_ids = {assignment.organisation_id for assignment in assignments}
    organisations = list(
        Organisation.objects.filter(Q(directorate__gt="") | Q(pk__in=organisation_ids)).order_by(
            "name"
        )
    )
    cells = {(a.organisation_id, a.strand_id): a.role for a in assignments}
    matrix = RaciMatrix(strands, organisations, cells)
    for strand in strands:
        roles = [a for a in assignments if a.strand_id == strand.pk]
        if not any(a.role == RaciRole.RESPONSIBLE for a in roles):
            matrix.gaps.append(strand)
        accountable = [a.organisation for a in roles if a.role == RaciRole.ACCOUNTABLE]
        if len(accountable) > 1:
            matrix.overlaps.append((strand, accountable))
    matrix.history = list(
        RaciChange.objects.select_related("organisation", "strand", "changed_by")[:HISTORY_SHOWN]
    )
    return matrix


@dataclass(frozen=True)
class PlanStrand:
    strand: Strand
    objectives: list[DeliveryPlanItem]
    indicators: list[ScorecardRow]


def delivery_plan(actor: Actor | None, *, period: Quarter) -> list[PlanStrand]:
    """Per strand: objectives with their milestones and owners, and the strand's indicators
    with red/amber/green and trend for ``period``."""
    _require_view(actor)
    rows = scorecard(actor, period=period)
    objectives = DeliveryPlanItem.objects.filter(parent=None).select_related("owner", "strand")
    by_strand: dict[int, list[DeliveryPlanItem]] = defaultdict(list)
    for objective in objectives.prefetch_related("milestones__owner"):
        by_strand[objective.strand_id].append(objective)
    return [
        PlanStrand(
            strand,
            by_strand.get(strand.pk, []),
            [row for row in rows if row.definition.strand == strand.code],
        )
        for strand in Strand.objects.order_by("pk")
    ]


@dataclass(frozen=True)
class GapCell:
    """Staff of one organisation and role against one competency."""

    competency: Competency
    required: bool
    staff: int
    trained: int

    @property
    def missing(self) -> int:
        return self.staff - self.trained if self.required else 0


@dataclass(frozen=True)
class GapRow:
    organisation: Organisation
    role: str
    role_label: str
    staff: int
    cells: list[GapCell]


@dataclass(frozen=True)
class Lapsing:
    user: User
    competency: Competency
    expires_on: dt.date


@dataclass(frozen=True)
class SkillsPicture:
    competencies: list[Competency]
    rows: list[GapRow]
    lapsing: list[Lapsing]
    today: dt.date


def _current_training(today: dt.date) -> dict[tuple[int, int], TrainingRecord]:
    """Each person's latest record per competency that has not lapsed by ``today``."""
    latest: dict[tuple[int, int], TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(completed_on__lte=today).select_related(
        "user", "competency"
    ):
        if record.expires_on is not None and record.expires_on < today:
            continue
        key = (record.user_id, record.competency_id)
        kept = latest.get(key)
        if kept is None or (record.expires_on or dt.date.max) > (kept.expires_on or dt.date.max):
            latest[key] = record
    return latest


def skills_gaps(actor: Actor | None, *, today: dt.date | None = None) -> SkillsPicture:
    """The gap matrix by organisation and role (competencies required per role against
    training in date), and the staff whose training lapses in the next 90 days."""
    _require_view(actor)
    today = today or timezone.localdate()
    competencies = list(Competency.objects.order_by("code"))
    current = _current_training(today)
    staff: dict[tuple[int, str], list[User]] = defaultdict(list)
    users = User.objects.filter(is_active=True).exclude(role="").exclude(organisation=None)
    for user in users.select_related("organisation"):
        staff[(user.organisation_id, user.role)].append(user)  # type: ignore[index]
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in={k[0] for k in staff})}
    roles = dict(Role.choices)
    rows = []
    for (organisation_id, role), members in sorted(
        staff.items(), key=lambda item: (organisations[item[0][0]].name, item[0][1])
    ):
        cells = [
            GapCell(
                competency,
                role in competency.required_for_roles,
                len(members),
                sum((member.pk, competency.pk) in current for member in members),
            )
            for competency in competencies
        ]
        rows.append(
            GapRow(organisations[organisation_id], role, roles.get(role, role), len(members), cells)
        )
    horizon = today + dt.timedelta(days=LAPSING_WITHIN_DAYS)
    lapsing = sorted(
        (
            Lapsing(record.user, record.competency, record.expires_on)
            for record in current.values()
            if record.expires_on is not None and record.expires_on <= horizon
        ),
        key=lambda item: (item.expires_on, item.user.username),
    )
    return SkillsPicture(competencies, rows, lapsing, today)


def organisations_for_forms(actor: Actor | None) -> list[Organisation]:
    """Organisations a governance form may name as an owner or a matrix row."""
    _require_view(actor)
    return list(Organisation.objects.order_by("name"))


def strands(actor: Actor | None) -> list[Strand]:
    """The four strands of the strategy."""
    _require_view(actor)
    return list(Strand.objects.order_by("pk"))
