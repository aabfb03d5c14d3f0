"""Invariants of a decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from msht.decisions.models import Decision, DecisionOutcome, DecisionStage
from tests.accounts.factories import CompetentAuthorityFactory, DecisionMakerFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _decision(**overrides: object) -> Decision:
    fields: dict[str, object] = {
        "referral": ReferralFactory.create(),
        "stage": DecisionStage.REASONABLE_GROUNDS,
        "decision_making_unit": CompetentAuthorityFactory.create(),
        "started_on": dt.date(2024, 7, 1),
        "rules_version": "test",
    }
    fields.update(overrides)
    return Decision(**fields)


def test_outcome_and_decision_date_come_together() -> None:
    with pytest.raises(ValidationError, match="outcome and a decision date"):
        _decision(outcome=DecisionOutcome.POSITIVE).clean()
    _decision(outcome=DecisionOutcome.POSITIVE, decided_on=dt.date(2024, 7, 3)).clean()


def test_decision_cannot_predate_its_start() -> None:
    with pytest.raises(ValidationError, match="before it was due"):
        _decision(outcome=DecisionOutcome.NEGATIVE, decided_on=dt.date(2024, 6, 1)).clean()


def test_reconsideration_names_what_it_reconsiders() -> None:
    with pytest.raises(ValidationError, match="names the decision"):
        _decision(stage=DecisionStage.RG_RECONSIDERATION).clean()


def test_quality_assurance_needs_a_second_person() -> None:
    decision_maker = DecisionMakerFactory.create()
    with pytest.raises(ValidationError, match="second person"):
        _decision(decision_maker=decision_maker, quality_assurer=decision_maker).clean()
