"""Factories for the governance tests, named by state (STYLE.md, section 3)."""

from __future__ import annotations

import datetime as dt

from factory.declarations import LazyAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from msht.governance.models import (
    Action,
    Competency,
    InspectionReport,
    Recommendation,
    ResponseKind,
    TrainingRecord,
)
from tests.accounts.factories import OrganisationFactory, UserFactory


class InspectionReportFactory(DjangoModelFactory[InspectionReport]):
    class Meta:
        model = InspectionReport

    title = Sequence(lambda n: f"Test inspection {n}")
    inspectorate = "Independent Chief Inspector of Borders and Immigration"
    received_on = dt.date(2024, 1, 8)
    response_due_on = LazyAttribute(lambda report: report.received_on + dt.timedelta(weeks=8))
    rules_version = "inspection_response_weeks=2014"


class AcceptedRecommendationFactory(DjangoModelFactory[Recommendation]):
    class Meta:
        model = Recommendation

    report = SubFactory(InspectionReportFactory)
    number = Sequence(lambda n: n + 1)
    text = "Review the roles and responsibilities of each directorate."
    response = ResponseKind.ACCEPTED
    responded_on = LazyAttribute(lambda rec: rec.report.received_on + dt.timedelta(weeks=6))


class OpenActionFactory(DjangoModelFactory[Action]):
    """An action not yet completed."""

    class Meta:
        model = Action

    recommendation = SubFactory(AcceptedRecommendationFactory)
    description = "Publish a matrix of roles and responsibilities per strand."
    owner = SubFactory(OrganisationFactory)
    due_on = dt.date(2024, 8, 1)


class CompetencyFactory(DjangoModelFactory[Competency]):
    class Meta:
        model = Competency
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"test-competency-{n}")
    name = Sequence(lambda n: f"Test competency {n}")
    required_for_roles = LazyAttribute(lambda competency: ["investigator"])
    renew_after_months = 12


class TrainingRecordFactory(DjangoModelFactory[TrainingRecord]):
    class Meta:
        model = TrainingRecord

    user = SubFactory(UserFactory)
    competency = SubFactory(CompetencyFactory)
    completed_on = dt.date(2024, 1, 15)
    expires_on = dt.date(2025, 1, 15)
