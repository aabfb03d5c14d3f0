"""The indicator registry: every performance indicator defined in one place.

Each indicator has a plain-words definition, a unit, a direction, a target (with the margin
within which a miss is amber, not red), a frequency, an owner and a strand, and a function
that computes its readings for a quarter from the records themselves (never typed in).
Per-directorate indicators give one reading per BICS directorate and a national total.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet

from msht.accounts.models import Directorate, Role, User
from msht.accounts.rules import intelligence_visible_to
from msht.core import policy
from msht.core.calendar import add_working_days
from msht.core.periods import Quarter
from msht.core.reference import UkNation
from msht.decisions.models import Decision, DecisionOutcome, DecisionStage
from msht.governance.models import Action, Direction, Frequency, InspectionReport
from msht.intelligence.models import IntelligenceReport, PursueOutcome
from msht.quality.models import Dimension, Measurement, QualityRun
from msht.referrals.models import Referral, ReferralStatus

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
# Owner of the indicators that are the whole system's, not one directorate's.
MODERN_SLAVERY_UNIT = "home-office-modern-slavery-unit"
NO_QUALITY_FIGURES = "no data quality figures are stored"


@dataclass(frozen=True)
class Reading:
    """One computed value: national (breakdown "") or of one directorate or source."""

    breakdown: str
    label: str
    value: Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""


Compute = Callable[[Quarter, dt.date], list[Reading]]


@dataclass(frozen=True)
class IndicatorDefinition:
    """An indicator as the board agreed it; ``compute(quarter, as_of)`` gives its readings."""

    code: str
    name: str
    definition: str
    unit: str
    direction: Direction
    target: Decimal | None
    amber_margin: Decimal
    frequency: Frequency
    strand: str
    owner: str
    compute: Compute
    per_directorate: bool = False

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER_IS_BETTER


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _share(numerator: int, denominator: int) -> Decimal | None:
    return _rounded(HUNDRED * numerator / denominator) if denominator else None


def _as_of(quarter: Quarter, as_of: dt.date) -> dt.date:
    """A quarter still running is read up to today, not to its last day."""
    return min(quarter.last_day, as_of)


def _per_directorate(counts: Counter[str], unit_note: str = "") -> list[Reading]:
    readings = [
        Reading(directorate.value, directorate.label, Decimal(counts[directorate.value]))
        for directorate in Directorate
    ]
    total = sum(counts[directorate.value] for directorate in Directorate)
    return [Reading("", "All BICS directorates", Decimal(total), note=unit_note), *readings]


def rg_within_target(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Share of RG decisions made in the quarter within the target number of working days of
    the referral (policy rg_decision_working_days, in force on the referral date)."""
    decisions = Decision.objects.filter(
        stage=DecisionStage.REASONABLE_GROUNDS,
        decided_on__range=(quarter.first_day, _as_of(quarter, as_of)),
        outcome__in=(DecisionOutcome.POSITIVE, DecisionOutcome.NEGATIVE),
    ).values_list("decided_on", "referral__referred_on", "referral__nation")
    within = total = 0
    for decided_on, referred_on, nation in decisions:
        if decided_on is None:  # excluded by the filter; narrows the type
            continue
        limit = policy.RG_DECISION_WORKING_DAYS.value_on(referred_on)
        total += 1
        within += decided_on <= add_working_days(referred_on, limit, UkNation(nation))
    note = "" if total else "no RG decision was made in the quarter"
    return [Reading("", "National", _share(within, total), within, total, note)]


def median_days_to_cg(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Median calendar days from referral to a CG decision, over CG decisions made in the
    quarter (DOMAIN.md, NRM 5: waiting times)."""
    days = [
        (decided_on - referred_on).days
        for decided_on, referred_on in Decision.objects.filter(
            stage=DecisionStage.CONCLUSIVE_GROUNDS,
            decided_on__range=(quarter.first_day, _as_of(quarter, as_of)),
            outcome__in=(DecisionOutcome.POSITIVE, DecisionOutcome.NEGATIVE),
        ).values_list("decided_on", "referral__referred_on")
        if decided_on is not None
    ]
    if not days:
        return [Reading("", "National", None, 0, 0, "no CG decision was made in the quarter")]
    median = _rounded(Decimal(statistics.median(days)))
    return [Reading("", "National", median, None, len(days))]


def referrals_by_directorate(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Referrals (not drafts) made in the quarter by each BICS directorate's units."""
    rows = (
        Referral.objects.exclude(status=ReferralStatus.DRAFT)
        .filter(referred_on__range=(quarter.first_day, _as_of(quarter, as_of)))
        .exclude(first_responder_organisation__directorate="")
        .values("first_responder_organisation__directorate")
        .annotate(count=Count("pk"))
    )
    return _per_directorate(
        Counter({row["first_responder_organisation__directorate"]: row["count"] for row in rows})
    )


def pursue_outcomes_by_directorate(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Pursue outcomes (investigations, disruptions, arrests, charges, convictions, orders)
    recorded in the quarter by each BICS directorate's units."""
    rows = (
        PursueOutcome.objects.filter(occurred_on__range=(quarter.first_day, _as_of(quarter, as_of)))
        .exclude(agency__directorate="")
        .values("agency__directorate")
        .annotate(count=Count("pk"))
    )
    return _per_directorate(Counter({row["agency__directorate"]: row["count"] for row in rows}))


def _investigators_by_organisation() -> dict[int, User]:
    """One active investigator of each organisation that has any: the readers the sharing
    rule can reach. The rule decides by the reader's organisation alone, so one stands for
    all; an organisation without investigators reads no intelligence at all."""
    readers: dict[int, User] = {}
    investigators = User.objects.filter(
        role=Role.INVESTIGATOR, is_active=True, organisation__isnull=False
    ).order_by("organisation_id", "pk")
    for user in investigators:
        if user.organisation_id is not None:
            readers.setdefault(user.organisation_id, user)
    return readers


def _organisations_reached(reports: QuerySet[IntelligenceReport]) -> dict[int, set[int]]:
    """For each report, the organisations besides its originator whose investigators the
    sharing rule (accounts.rules.intelligence_visible_to, docs/pursue.md) lets read it."""
    reached: dict[int, set[int]] = defaultdict(set)
    for organisation_id, reader in _investigators_by_organisation().items():
        others = reports.exclude(originating_organisation_id=organisation_id)
        for pk in intelligence_visible_to(reader, others).values_list("pk", flat=True):
            reached[pk].add(organisation_id)
    return reached


def intelligence_shared(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Share of intelligence reports received in the quarter that the sharing rule lets at
    least one organisation besides the originator read (docs/pursue.md, sharing by rule),
    nationally and by originating directorate; the note counts organisations reached."""
    reports = IntelligenceReport.objects.filter(
        received_on__range=(quarter.first_day, _as_of(quarter, as_of))
    )
    rows = reports.values_list("pk", "originating_organisation__directorate")
    reached = _organisations_reached(reports)
    # Per originating directorate ("" for organisations outside the three), and nationally:
    # [reports shared, reports received, report-organisation pairs reached].
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pk, directorate in rows:
        organisations = reached.get(pk, set())
        tally[directorate][0] += bool(organisations)
        tally[directorate][1] += 1
        tally[directorate][2] += len(organisations)
    shared, total, pairs = (sum(counts[i] for counts in tally.values()) for i in range(3))
    note = _pairs_note(pairs) if total else "no intelligence report was received in the quarter"
    readings = [Reading("", "All agencies", _share(shared, total), shared, total, note)]
    for directorate in Directorate:
        done, of, reach = tally.get(directorate.value, [0, 0, 0])
        note = _pairs_note(reach) if of else ""
        readings.append(
            Reading(directorate.value, directorate.label, _share(done, of), done, of, note)
        )
    return readings


def _pairs_note(pairs: int) -> str:
    return f"{pairs} report-organisation pair{'s' if pairs != 1 else ''} reached"


def _quality_score(run: QualityRun, source_id: int) -> Decimal | None:
    """Mean over the share-valued dimensions (timeliness is in days, so left out) of each
    dimension's mean over fields, for one source's whole records in one run."""
    by_dimension: dict[str, list[float]] = defaultdict(list)
    for dimension, value in Measurement.objects.filter(
        run=run, source_id=source_id, batch=None, group="", value__isnull=False
    ).values_list("dimension", "value"):
        if dimension != Dimension.TIMELINESS and value is not None:
            by_dimension[dimension].append(value)
    if not by_dimension:
        return None
    means = [statistics.fmean(values) for values in by_dimension.values()]
    return _rounded(HUNDRED * Decimal(statistics.fmean(means)))


def data_quality_by_source(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Each source's data quality score (quality app, latest run measured in the quarter):
    the mean of its completeness, uniqueness, consistency, validity and accuracy shares."""
    runs = QualityRun.objects.filter(
        measured_at__date__range=(quarter.first_day, _as_of(quarter, as_of))
    ).order_by("-measured_at", "-pk")
    sources = (
        Measurement.objects.filter(run__in=runs, batch=None)
        .values_list("source_id", "source__code", "source__name")
        .distinct()
    )
    readings = []
    for source_id, code, name in sorted(set(sources), key=lambda row: row[1]):
        run = runs.filter(measurements__source_id=source_id).first()
        score = _quality_score(run, source_id) if run is not None else None
        readings.append(Reading(f"source:{code}", name, score, note=f"run {run.pk}" if run else ""))
    scores = [reading.value for reading in readings if reading.value is not None]
    if not scores:
        return [Reading("", "All sources", None, note=NO_QUALITY_FIGURES), *readings]
    national = _rounded(sum(scores, Decimal(0)) / len(scores))
    note = f"unweighted mean of {len(scores)} sources"
    return [Reading("", "All sources", national, None, len(scores), note), *readings]


def overdue_inspection_actions(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Actions on inspection recommendations past their deadline and not completed, at the
    end of the quarter (or today, in the quarter still running), by owning directorate."""
    day = _as_of(quarter, as_of)
    overdue = Action.objects.filter(due_on__lt=day).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=day)
    )
    counts = Counter(overdue.values_list("owner__directorate", flat=True))
    readings = _per_directorate(counts)
    total = sum(counts.values())
    return [Reading("", "All owners", Decimal(total), total), *readings[1:]]


def late_inspection_responses(quarter: Quarter, as_of: dt.date) -> list[Reading]:
    """Inspection reports received by the quarter's end whose response was not published
    within the window (policy inspection_response_weeks), counting those still awaited."""
    day = _as_of(quarter, as_of)
    late = InspectionReport.objects.filter(received_on__lte=day, response_due_on__lt=day).filter(
        Q(published_on__isnull=True) | Q(published_on__gt=F("response_due_on"))
    )
    count = late.count()
    return [Reading("", "National", Decimal(count), count)]


INDICATORS: tuple[IndicatorDefinition, ...] = (
    IndicatorDefinition(
        code="rg-within-target",
        name="Reasonable Grounds decisions within 5 working days",
        definition=(
            "Of the RG decisions made in the quarter, the share made within the target number "
            "of working days of the referral (policy rg_decision_working_days; weekends and "
            "the bank holidays of the referral's nation do not count)."
        ),
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        target=Decimal(80),
        amber_margin=Decimal(10),
        frequency=Frequency.QUARTERLY,
        strand="prepare",
        owner="single-competent-authority",
        compute=rg_within_target,
    ),
    IndicatorDefinition(
        code="median-days-to-cg",
        name="Median days from referral to Conclusive Grounds decision",
        definition=(
            "The median number of calendar days from referral to decision, over the CG "
            "decisions made in the quarter."
        ),
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        target=Decimal(180),
        amber_margin=Decimal(90),
        frequency=Frequency.QUARTERLY,
        strand="prepare",
        owner="single-competent-authority",
        compute=median_days_to_cg,
    ),
    IndicatorDefinition(
        code="referrals-by-directorate",
        name="NRM referrals made by each directorate",
        definition=(
            "Referrals (not drafts) made in the quarter by the units of each border, "
            "immigration and citizenship directorate; the target is per directorate."
        ),
        unit="referrals",
        direction=Direction.HIGHER_IS_BETTER,
        target=Decimal(25),
        amber_margin=Decimal(10),
        frequency=Frequency.QUARTERLY,
        strand="protect",
        owner=MODERN_SLAVERY_UNIT,
        compute=referrals_by_directorate,
        per_directorate=True,
    ),
    IndicatorDefinition(
        code="pursue-outcomes-by-directorate",
        name="Pursue outcomes by each directorate",
        definition=(
            "Investigations opened, disruptions, arrests, charges, prosecutions, convictions, "
            "orders and confiscations recorded in the quarter by each directorate's units; "
            "the target is per directorate."
        ),
        unit="outcomes",
        direction=Direction.HIGHER_IS_BETTER,
        target=Decimal(10),
        amber_margin=Decimal(5),
        frequency=Frequency.QUARTERLY,
        strand="pursue",
        owner="immigration-enforcement",
        compute=pursue_outcomes_by_directorate,
        per_directorate=True,
    ),
    IndicatorDefinition(
        code="intelligence-shared",
        name="Intelligence reports shared across agencies",
        definition=(
            "Of the intelligence reports received in the quarter, the share that reached at "
            "least one organisation besides the originator: one whose investigators the sharing "
            "rule lets read it when the quarter is computed (code C: the organisations its "
            "conditions name; code P: those working a suspect it names, or every investigator "
            "when it names none). The note gives the report-organisation pairs reached."
        ),
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        target=Decimal(75),
        amber_margin=Decimal(15),
        frequency=Frequency.QUARTERLY,
        strand="pursue",
        owner="nca",
        compute=intelligence_shared,
    ),
    IndicatorDefinition(
        code="data-quality-by-source",
        name="Data quality score by source",
        definition=(
            "For each source, from the latest data quality run measured in the quarter: the "
            "mean of its completeness, uniqueness, consistency, validity and accuracy shares. "
            "No run in the quarter means no value, not zero."
        ),
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        target=Decimal(90),
        amber_margin=Decimal(10),
        frequency=Frequency.QUARTERLY,
        strand="prepare",
        owner=MODERN_SLAVERY_UNIT,
        compute=data_quality_by_source,
    ),
    IndicatorDefinition(
        code="overdue-inspection-actions",
        name="Overdue inspection actions",
        definition=(
            "Actions on inspection recommendations past their deadline and not completed at "
            "the end of the quarter, by the owner's directorate."
        ),
        unit="actions",
        direction=Direction.LOWER_IS_BETTER,
        target=Decimal(0),
        amber_margin=Decimal(2),
        frequency=Frequency.QUARTERLY,
        strand="pursue",
        owner=MODERN_SLAVERY_UNIT,
        compute=overdue_inspection_actions,
    ),
    IndicatorDefinition(
        code="late-inspection-responses",
        name="Inspection responses later than the window",
        definition=(
            "Inspection reports received whose response was published after the response "
            "window (policy inspection_response_weeks) or is still awaited past it."
        ),
        unit="reports",
        direction=Direction.LOWER_IS_BETTER,
        target=Decimal(0),
        amber_margin=Decimal(0),
        frequency=Frequency.QUARTERLY,
        strand="pursue",
        owner=MODERN_SLAVERY_UNIT,
        compute=late_inspection_responses,
    ),
)

BY_CODE = {definition.code: definition for definition in INDICATORS}
