"""Factories for suspect records, intelligence reports and Pursue outcomes."""

from __future__ import annotations

import datetime as dt

from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory

from msht.intelligence.models import (
    HandlingCode,
    IntelligenceReport,
    PursueOutcome,
    PursueOutcomeType,
    SuspectRecord,
)
from tests.accounts.factories import OrganisationFactory


class SuspectRecordFactory(DjangoModelFactory[SuspectRecord]):
    class Meta:
        model = SuspectRecord

    source_organisation = SubFactory(OrganisationFactory)
    source_reference = Sequence(lambda n: f"SUS-{n}")
    given_names = "Alex"
    family_name = Sequence(lambda n: f"Suspect{n}")


class IntelligenceReportFactory(DjangoModelFactory[IntelligenceReport]):
    class Meta:
        model = IntelligenceReport

    reference = Sequence(lambda n: f"INT-{n}")
    originating_organisation = SubFactory(OrganisationFactory)
    received_on = dt.date(2024, 7, 1)
    source_evaluation = "2"
    intelligence_assessment = "B"
    handling_code = HandlingCode.PERMITTED
    summary = "A network is active."


class PursueOutcomeFactory(DjangoModelFactory[PursueOutcome]):
    class Meta:
        model = PursueOutcome

    outcome_type = PursueOutcomeType.ARREST
    agency = SubFactory(OrganisationFactory)
    suspect_record = SubFactory(SuspectRecordFactory)
    occurred_on = dt.date(2024, 8, 1)
