"""Who may run and read the pipelines: ingest, data quality, linkage, analytics, statistics."""

from __future__ import annotations

import pytest

from msht.accounts.models import Role
from msht.accounts.rules import Action, can
from tests.accounts.factories import (
    DecisionMakerFactory,
    OrganisationFactory,
    QualityAssurerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Which roles each pipeline action allows, with no object in question.
EXPECTED: dict[Action, set[Role]] = {
    Action.INGEST_RUN: {Role.ADMINISTRATOR},
    Action.QUARANTINE_MANAGE: {Role.ADMINISTRATOR},
    Action.DATA_QUALITY_VIEW: {Role.ANALYST, Role.GOVERNANCE, Role.ADMINISTRATOR},
    Action.LINKAGE_RUN: {Role.ANALYST, Role.ADMINISTRATOR},
    Action.LINKAGE_REVIEW_SUSPECTS: {Role.INVESTIGATOR},
    Action.ANALYTICS_REFRESH: {Role.ANALYST, Role.ADMINISTRATOR},
    Action.STATISTICS_PUBLISH: {Role.ANALYST},
}


@pytest.mark.parametrize("action", list(EXPECTED))
def test_pipeline_actions_allow_only_their_roles(action: Action) -> None:
    allowed = {role for role in Role if can(UserFactory.create(role=role), action)}

    assert allowed == EXPECTED[action]


def test_person_pair_review_is_for_competent_authority_caseworkers_only() -> None:
    """Two victims' identities side by side: only those who already read every case."""
    assert can(DecisionMakerFactory.create(), Action.LINKAGE_REVIEW_PERSONS)
    assert can(QualityAssurerFactory.create(), Action.LINKAGE_REVIEW_PERSONS)
    # A decision maker role outside a competent authority reads no case, so reviews none.
    assert not can(UserFactory.create(role=Role.DECISION_MAKER), Action.LINKAGE_REVIEW_PERSONS)
    for role in (Role.FIRST_RESPONDER, Role.ANALYST, Role.ADMINISTRATOR, Role.INVESTIGATOR):
        assert not can(UserFactory.create(role=role), Action.LINKAGE_REVIEW_PERSONS), role


def test_organisation_dashboard_shows_a_user_their_own_organisation_only() -> None:
    own = OrganisationFactory.create()
    other = OrganisationFactory.create()
    first_responder = UserFactory.create(role=Role.FIRST_RESPONDER, organisation=own)

    assert can(first_responder, Action.ORGANISATION_DASHBOARD_VIEW, own)
    assert not can(first_responder, Action.ORGANISATION_DASHBOARD_VIEW, other)


def test_analysts_and_governance_see_every_organisation_dashboard() -> None:
    other = OrganisationFactory.create()
    for role in (Role.ANALYST, Role.GOVERNANCE):
        user = UserFactory.create(role=role)
        assert can(user, Action.ORGANISATION_DASHBOARD_VIEW, other), role


def test_a_user_without_an_organisation_sees_no_organisation_dashboard() -> None:
    user = UserFactory.create(role=Role.FIRST_RESPONDER, organisation=None)

    assert not can(user, Action.ORGANISATION_DASHBOARD_VIEW)


def test_decision_monitoring_is_for_governance_and_competent_authority_assurers() -> None:
    assert can(UserFactory.create(role=Role.GOVERNANCE), Action.FAIRNESS_VIEW)
    assert can(QualityAssurerFactory.create(), Action.FAIRNESS_VIEW)
    assert not can(UserFactory.create(role=Role.QUALITY_ASSURER), Action.FAIRNESS_VIEW)
    for role in (Role.FIRST_RESPONDER, Role.DECISION_MAKER, Role.ANALYST, Role.INVESTIGATOR):
        assert not can(UserFactory.create(role=role), Action.FAIRNESS_VIEW), role
