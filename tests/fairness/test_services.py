"""Monitoring runs read committed decisions through ADBC, store aggregates and audit."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.reference import ImmigrationStatus
from msht.decisions.models import Decision
from msht.fairness import selectors, services
from msht.fairness.models import MonitoringRun, SecondReview
from tests.accounts.factories import (
    CompetentAuthorityFactory,
    DecisionMakerFactory,
    QualityAssurerFactory,
    UserFactory,
)
from tests.decisions.factories import NegativeRgDecisionFactory, PositiveRgDecisionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _decisions() -> list[Decision]:
    """Six RG decisions made in 2024 by two units, one outside 2024."""
    first = CompetentAuthorityFactory.create(name="Unit One")
    second = CompetentAuthorityFactory.create(name="Unit Two")
    made: list[Decision] = []
    for number, (factory, unit) in enumerate(
        [
            (PositiveRgDecisionFactory, first),
            (PositiveRgDecisionFactory, first),
            (NegativeRgDecisionFactory, first),
            (PositiveRgDecisionFactory, second),
            (NegativeRgDecisionFactory, second),
            (NegativeRgDecisionFactory, second),
        ]
    ):
        made.append(
            factory.create(
                decision_making_unit=unit,
                referral__referred_on=dt.date(2024, 2, 1) + dt.timedelta(days=number),
                referral__immigration_status=ImmigrationStatus.ASYLUM_SEEKER,
            )
        )
    PositiveRgDecisionFactory.create(
        decision_making_unit=first, referral__referred_on=dt.date(2023, 3, 1)
    )
    return made


def test_a_run_stores_the_tables_of_the_period_and_is_audited() -> None:
    _decisions()
    governance = UserFactory.create(role=Role.GOVERNANCE)
    run = services.monitoring_run(governance, period="2024")
    assert run.decisions == 6
    units = next(t for t in run.report["tables"] if t["key"] == "rg|unit|")
    rows = {row["level"]: row for row in units["rows"]}
    assert (rows["Unit One"]["decisions"], rows["Unit One"]["positive"]) == (3, 2)
    assert (rows["Unit Two"]["decisions"], rows["Unit Two"]["positive"]) == (3, 1)
    statuses = next(t for t in run.report["tables"] if t["key"] == "rg|immigration_status|")
    assert [row["level"] for row in statuses["rows"]] == ["Asylum seeker"]
    # Six decisions are far below the minimum group: nothing is judged, nothing is found.
    assert run.findings_count == 0
    assert {c["status"] for c in run.report["comparisons"]} == {"too small"}
    assert run.run_by == governance
    event = AuditEvent.objects.get(event_type=AuditEventType.RECORD_CREATED, object_id=str(run.pk))
    assert event.details["decisions"] == 6


def test_a_first_responder_may_not_run_monitoring() -> None:
    with pytest.raises(PermissionDeniedError):
        services.monitoring_run(UserFactory.create(role=Role.FIRST_RESPONDER), period="2024")
    assert not MonitoringRun.objects.exists()


def test_a_period_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a year"):
        services.monitoring_run(None, period="twenty24")


def test_second_reviews_are_drawn_recorded_and_give_kappa() -> None:
    decisions = _decisions()
    assurer = QualityAssurerFactory.create()
    drawn = services.second_review_draw(assurer, period="2024", share=1.0, minimum=1, seed=3)
    assert sorted(review.decision_id for review in drawn) == sorted(d.pk for d in decisions)
    for review in SecondReview.objects.all():
        services.second_review_record(
            assurer, review=review, outcome=review.first_outcome, notes="agree"
        )
    agreement = selectors.second_review_agreement(assurer)
    assert (agreement.drawn, agreement.recorded, agreement.agreed) == (6, 6, 6)
    assert agreement.kappa == pytest.approx(1.0)


def test_the_first_decision_maker_cannot_give_the_second_review() -> None:
    decision = PositiveRgDecisionFactory.create(referral__referred_on=dt.date(2024, 5, 1))
    review = services.second_review_draw(None, period="2024", share=1.0, minimum=1, seed=1)[0]
    assert review.decision_id == decision.pk
    maker = decision.decision_maker
    assert maker is not None
    maker.role = Role.QUALITY_ASSURER
    maker.save()
    with pytest.raises(PermissionDeniedError, match="other than the one who decided"):
        services.second_review_record(maker, review=review, outcome="negative")


def test_a_second_review_outcome_is_positive_or_negative() -> None:
    PositiveRgDecisionFactory.create(referral__referred_on=dt.date(2024, 5, 1))
    review = services.second_review_draw(None, period="2024", share=1.0, minimum=1, seed=1)[0]
    with pytest.raises(ValidationError, match="not 'maybe'"):
        services.second_review_record(
            QualityAssurerFactory.create(), review=review, outcome="maybe"
        )


def test_a_decision_maker_may_not_read_monitoring() -> None:
    with pytest.raises(PermissionDeniedError):
        selectors.monitoring_run_list(DecisionMakerFactory.create())


def test_the_command_prints_the_run_and_draws_a_sample() -> None:
    _decisions()
    out = StringIO()
    call_command("fairness", "--period", "2024", "--sample", "0.5", stdout=out)
    text = out.getvalue()
    assert "6 decisions, 0 findings" in text
    assert "too small to judge" in text
    assert "Drew " in text
    assert SecondReview.objects.count() >= 2


def test_the_command_refuses_a_bad_period() -> None:
    with pytest.raises(CommandError, match="not a year"):
        call_command("fairness", "--period", "2024Q9", stdout=StringIO())
