"""Invariants of intelligence reports and Pursue outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from msht.intelligence.models import HandlingCode, IntelligenceReport, PursueOutcome
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_handling_code_c_must_state_its_conditions() -> None:
    report = IntelligenceReport(
        reference="INT-1",
        originating_organisation=OrganisationFactory.create(),
        received_on=dt.date(2024, 7, 1),
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code=HandlingCode.CONDITIONS,
        summary="s",
    )
    with pytest.raises(ValidationError, match="must state its conditions"):
        report.clean()
    report.handling_conditions = "Police Scotland only."
    report.clean()
    assert report.grading == "1AC"


def test_pursue_outcome_names_a_suspect_or_a_network() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PursueOutcome.objects.create(
            outcome_type="arrest",
            agency=OrganisationFactory.create(),
            occurred_on=dt.date(2024, 1, 1),
        )
