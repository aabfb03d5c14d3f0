"""Each indicator computed on a hand-built world and compared with the value worked out by
hand (issue 9, 'What it must show')."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from msht.accounts.models import Organisation, Role
from msht.core.periods import Quarter
from msht.decisions.models import DecisionOutcome
from msht.governance import indicators
from msht.governance.models import IndicatorValue, InspectionReport
from msht.governance.services import indicator_values_compute
from msht.ingest.models import Source
from msht.intelligence.models import (
    HandlingCode,
    IntelligenceReport,
    PursueOutcome,
    SuspectRecord,
)
from msht.quality.models import Dimension, Measurement, QualityRun
from msht.referrals.models import ReferralStatus
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.decisions.factories import PendingCgDecisionFactory, PositiveRgDecisionFactory
from tests.governance.factories import InspectionReportFactory, OpenActionFactory
from tests.intelligence.factories import PursueOutcomeFactory, SuspectRecordFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

Q3 = Quarter(2024, 3)
AFTER_Q3 = dt.date(2024, 12, 31)


def _organisation(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def _by_breakdown(readings: list[indicators.Reading]) -> dict[str, Decimal | None]:
    return {reading.breakdown: reading.value for reading in readings}


def _rg(referred_on: dt.date, decided_on: dt.date) -> None:
    PositiveRgDecisionFactory.create(
        referral__referred_on=referred_on, started_on=referred_on, decided_on=decided_on
    )


def test_rg_within_five_working_days_counts_working_days_and_bank_holidays() -> None:
    _rg(dt.date(2024, 7, 1), dt.date(2024, 7, 8))  # Monday to the 5th working day: within
    _rg(dt.date(2024, 7, 1), dt.date(2024, 7, 9))  # the 6th working day: late
    # 26 August 2024 is a bank holiday in England, so the 5th working day is the 30th.
    _rg(dt.date(2024, 8, 22), dt.date(2024, 8, 30))
    _rg(dt.date(2024, 6, 1), dt.date(2024, 6, 3))  # decided in Q2: not counted

    [reading] = indicators.rg_within_target(Q3, AFTER_Q3)

    assert (reading.numerator, reading.denominator) == (2, 3)
    assert reading.value == Decimal("66.67")


def test_rg_within_target_says_no_data_when_there_were_no_decisions() -> None:
    [reading] = indicators.rg_within_target(Q3, AFTER_Q3)

    assert reading.value is None
    assert "no RG decision" in reading.note


def test_median_days_to_cg_is_over_cg_decisions_made_in_the_quarter() -> None:
    for days in (100, 200, 400):
        decided_on = dt.date(2024, 8, 1)
        PendingCgDecisionFactory.create(
            referral__referred_on=decided_on - dt.timedelta(days=days),
            started_on=decided_on - dt.timedelta(days=days - 40),
            outcome=DecisionOutcome.POSITIVE,
            decided_on=decided_on,
        )
    PendingCgDecisionFactory.create(  # still pending: not counted
        referral__referred_on=dt.date(2023, 1, 1), started_on=dt.date(2023, 2, 1)
    )

    [reading] = indicators.median_days_to_cg(Q3, AFTER_Q3)

    assert reading.value == Decimal(200)
    assert reading.denominator == 3


def test_referrals_are_counted_per_directorate_leaving_out_drafts_and_other_quarters() -> None:
    border_force, ukvi = _organisation("border-force"), _organisation("ukvi")
    for _ in range(3):
        ReferralFactory.create(
            first_responder_organisation=border_force, referred_on=dt.date(2024, 8, 5)
        )
    ReferralFactory.create(first_responder_organisation=ukvi, referred_on=dt.date(2024, 9, 30))
    ReferralFactory.create(
        first_responder_organisation=border_force, referred_on=dt.date(2024, 6, 30)
    )
    ReferralFactory.create(
        first_responder_organisation=border_force,
        referred_on=dt.date(2024, 8, 5),
        status=ReferralStatus.DRAFT,
        reference="DRAFT-GOV-1",
    )
    ReferralFactory.create(referred_on=dt.date(2024, 8, 5))  # a police force: no directorate

    values = _by_breakdown(indicators.referrals_by_directorate(Q3, AFTER_Q3))

    assert values == {
        "": Decimal(4),
        "border_force": Decimal(3),
        "immigration_enforcement": Decimal(0),
        "ukvi": Decimal(1),
    }


def test_pursue_outcomes_are_counted_per_directorate_in_the_quarter() -> None:
    enforcement, border_force = (
        _organisation("immigration-enforcement"),
        _organisation("border-force"),
    )
    for agency, day in (
        (enforcement, dt.date(2024, 7, 2)),
        (enforcement, dt.date(2024, 9, 2)),
        (border_force, dt.date(2024, 8, 2)),
        (enforcement, dt.date(2024, 10, 2)),
    ):
        PursueOutcome.objects.create(
            outcome_type="arrest", agency=agency, network_reference="NET-1", occurred_on=day
        )

    values = _by_breakdown(indicators.pursue_outcomes_by_directorate(Q3, AFTER_Q3))

    assert values["immigration_enforcement"] == Decimal(2)
    assert values["border_force"] == Decimal(1)
    assert values["ukvi"] == Decimal(0)
    assert values[""] == Decimal(3)


def _intelligence(
    reference: str,
    originator: Organisation,
    code: str,
    *permitted: Organisation,
    suspects: tuple[SuspectRecord, ...] = (),
    received_on: dt.date = dt.date(2024, 8, 1),
) -> None:
    report = IntelligenceReport.objects.create(
        reference=reference,
        originating_organisation=originator,
        received_on=received_on,
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code=code,
        handling_conditions="" if code == HandlingCode.PERMITTED else "Named agencies only.",
        summary="A test report.",
    )
    report.permitted_organisations.set(permitted)
    report.suspects.set(suspects)


def _investigators(*organisations: Organisation) -> None:
    for organisation in organisations:
        UserFactory.create(role=Role.INVESTIGATOR, organisation=organisation)


def test_intelligence_is_shared_when_another_agency_may_read_it() -> None:
    border_force = _organisation("border-force")
    enforcement = _organisation("immigration-enforcement")
    ukvi, nca = _organisation("ukvi"), _organisation("nca")
    # Intelligence is read by investigators: the NCA's is the other agency reached.
    _investigators(nca)
    _intelligence("INT-1", border_force, HandlingCode.PERMITTED)
    _intelligence("INT-2", enforcement, HandlingCode.CONDITIONS, nca)
    _intelligence("INT-3", enforcement, HandlingCode.CONDITIONS, enforcement)
    _intelligence("INT-4", ukvi, HandlingCode.CONDITIONS)

    readings = indicators.intelligence_shared(Q3, AFTER_Q3)
    values = _by_breakdown(readings)

    assert values == {
        "": Decimal(50),
        "border_force": Decimal(100),
        "immigration_enforcement": Decimal(50),
        "ukvi": Decimal(0),
    }
    assert (readings[0].numerator, readings[0].denominator) == (2, 4)


def test_intelligence_shared_counts_what_the_sharing_rule_lets_another_agency_read() -> None:
    """Every report below is code P or code C naming another agency, so counting handling
    codes alone would give 100%; by the rule only four of the six reach anyone else."""
    border_force = _organisation("border-force")
    enforcement = _organisation("immigration-enforcement")
    ukvi, nca = _organisation("ukvi"), _organisation("nca")
    kent = OrganisationFactory.create(code="kent-shared", name="Kent Police (shared)")
    essex = OrganisationFactory.create(code="essex-shared", name="Essex Police (shared)")
    _investigators(kent, nca, border_force, enforcement)  # none at Essex or UKVI
    worked_by_kent = SuspectRecordFactory.create(source_organisation=kent)
    worked_by_border_force = SuspectRecordFactory.create(source_organisation=border_force)
    worked_by_essex = SuspectRecordFactory.create(source_organisation=essex)
    permitted = HandlingCode.PERMITTED
    # Border Force: one reaches Kent, working the suspect; one is about its own suspect only.
    _intelligence("INT-S1", border_force, permitted, suspects=(worked_by_kent,))
    _intelligence("INT-S2", border_force, permitted, suspects=(worked_by_border_force,))
    # Immigration Enforcement: Essex works the suspect but has no investigator to read it;
    # naming no suspect goes to every investigator (Kent, the NCA, Border Force); code C
    # reaches the NCA it names.
    _intelligence("INT-S3", enforcement, permitted, suspects=(worked_by_essex,))
    _intelligence("INT-S4", enforcement, permitted)
    _intelligence("INT-S5", enforcement, HandlingCode.CONDITIONS, nca)
    # UKVI: about Border Force's suspect, so Border Force reads it.
    _intelligence("INT-S6", ukvi, permitted, suspects=(worked_by_border_force,))
    # Received before the quarter: not counted.
    _intelligence(
        "INT-S7", ukvi, permitted, suspects=(worked_by_kent,), received_on=dt.date(2024, 6, 30)
    )

    readings = indicators.intelligence_shared(Q3, AFTER_Q3)

    assert _by_breakdown(readings) == {
        "": Decimal("66.67"),
        "border_force": Decimal(50),
        "immigration_enforcement": Decimal("66.67"),
        "ukvi": Decimal(100),
    }
    assert [(r.numerator, r.denominator, r.note) for r in readings] == [
        (4, 6, "6 report-organisation pairs reached"),
        (1, 2, "1 report-organisation pair reached"),
        (2, 3, "4 report-organisation pairs reached"),
        (1, 1, "1 report-organisation pair reached"),
    ]


def test_a_report_counts_as_shared_once_another_agency_works_its_suspect() -> None:
    border_force, kent = _organisation("border-force"), OrganisationFactory.create()
    _investigators(kent)
    suspect = SuspectRecordFactory.create(source_organisation=border_force)
    _intelligence("INT-W1", border_force, HandlingCode.PERMITTED, suspects=(suspect,))

    [before, *_] = indicators.intelligence_shared(Q3, AFTER_Q3)
    PursueOutcomeFactory.create(agency=kent, suspect_record=suspect)
    [after, *_] = indicators.intelligence_shared(Q3, AFTER_Q3)

    assert (before.value, before.numerator) == (Decimal(0), 0)
    assert (after.value, after.numerator) == (Decimal(100), 1)


def test_data_quality_says_no_data_when_no_figures_are_stored() -> None:
    [national] = indicators.data_quality_by_source(Q3, AFTER_Q3)

    assert national.value is None
    assert national.note == indicators.NO_QUALITY_FIGURES


def _run(day: dt.datetime, source: Source, figures: list[tuple[str, str, float]]) -> None:
    run = QualityRun.objects.create(measured_at=day)
    for dimension, field, value in figures:
        Measurement.objects.create(
            run=run, source=source, dimension=dimension, field=field, value=value
        )


def test_data_quality_score_is_the_mean_of_the_share_dimensions_of_the_quarters_last_run() -> None:
    source = Source.objects.create(
        code="police",
        name="Police export",
        organisation=OrganisationFactory.create(),
        mapping_version="x",
    )
    august = timezone.make_aware(dt.datetime(2024, 8, 1, 12))  # noqa: DTZ001
    _run(august - dt.timedelta(days=70), source, [(Dimension.COMPLETENESS, "a", 0.1)])  # Q2
    _run(
        august,
        source,
        [
            (Dimension.COMPLETENESS, "gender", 0.8),
            (Dimension.COMPLETENESS, "birth_date", 1.0),
            (Dimension.VALIDITY, "", 0.7),
            (Dimension.TIMELINESS, "", 30.0),  # in days: not a share, left out
        ],
    )

    values = _by_breakdown(indicators.data_quality_by_source(Q3, AFTER_Q3))

    # completeness mean 0.9, validity 0.7: the score is their mean, 80%.
    assert values == {"": Decimal(80), "source:police": Decimal(80)}


def test_overdue_inspection_actions_are_counted_at_the_end_of_the_quarter() -> None:
    border_force = _organisation("border-force")
    enforcement = _organisation("immigration-enforcement")
    OpenActionFactory.create(owner=border_force, due_on=dt.date(2024, 8, 1))  # overdue
    OpenActionFactory.create(
        owner=border_force, due_on=dt.date(2024, 8, 1), completed_on=dt.date(2024, 7, 30)
    )
    # Completed only after the quarter ended: overdue at its end.
    OpenActionFactory.create(
        owner=enforcement, due_on=dt.date(2024, 8, 1), completed_on=dt.date(2024, 10, 5)
    )
    OpenActionFactory.create(owner=border_force, due_on=dt.date(2024, 10, 10))  # not yet due

    values = _by_breakdown(indicators.overdue_inspection_actions(Q3, AFTER_Q3))

    assert values == {
        "": Decimal(2),
        "border_force": Decimal(1),
        "immigration_enforcement": Decimal(1),
        "ukvi": Decimal(0),
    }


def test_late_inspection_responses_count_late_and_still_awaited_responses() -> None:
    InspectionReport.objects.all().delete()  # the example the migrations load: a world of our own
    InspectionReportFactory.create(
        received_on=dt.date(2024, 1, 1), published_on=dt.date(2024, 3, 10)
    )
    InspectionReportFactory.create(
        received_on=dt.date(2024, 1, 1), published_on=dt.date(2024, 2, 20)
    )
    InspectionReportFactory.create(received_on=dt.date(2024, 6, 1))  # due 27 July, still awaited
    InspectionReportFactory.create(received_on=dt.date(2024, 9, 1))  # due after the quarter

    [reading] = indicators.late_inspection_responses(Q3, AFTER_Q3)

    assert reading.value == Decimal(2)


def test_a_quarter_still_running_is_read_up_to_today() -> None:
    OpenActionFactory.create(owner=_organisation("ukvi"), due_on=dt.date(2024, 8, 10))

    early = _by_breakdown(indicators.overdue_inspection_actions(Q3, dt.date(2024, 8, 1)))
    late = _by_breakdown(indicators.overdue_inspection_actions(Q3, dt.date(2024, 8, 20)))

    assert (early[""], late[""]) == (Decimal(0), Decimal(1))


def test_computing_stores_every_indicator_for_the_period_and_keeps_other_periods() -> None:
    ReferralFactory.create(
        first_responder_organisation=_organisation("ukvi"), referred_on=dt.date(2024, 4, 5)
    )
    indicator_values_compute(None, period=Q3.shifted(-1), as_of=AFTER_Q3)
    ReferralFactory.create(
        first_responder_organisation=_organisation("ukvi"), referred_on=dt.date(2024, 4, 6)
    )

    indicator_values_compute(None, period=Q3, as_of=AFTER_Q3)
    indicator_values_compute(None, period=Q3.shifted(-1), as_of=AFTER_Q3, replace=False)

    codes = set(
        IndicatorValue.objects.filter(period="2024Q3").values_list("indicator__code", flat=True)
    )
    assert codes == {definition.code for definition in indicators.INDICATORS}
    stored_q2 = IndicatorValue.objects.get(
        indicator__code="referrals-by-directorate", period="2024Q2", breakdown="ukvi"
    )
    # The second quarter was stored before the second referral and was not recomputed.
    assert stored_q2.value == Decimal(1)


def test_the_rg_stage_filter_leaves_out_cg_decisions() -> None:
    PendingCgDecisionFactory.create(
        referral__referred_on=dt.date(2024, 1, 1),
        started_on=dt.date(2024, 2, 1),
        outcome=DecisionOutcome.POSITIVE,
        decided_on=dt.date(2024, 8, 1),
    )

    [reading] = indicators.rg_within_target(Q3, AFTER_Q3)

    assert reading.denominator == 0
