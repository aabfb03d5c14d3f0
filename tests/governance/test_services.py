"""Governance writes: response deadlines, actions from accepted recommendations, the matrix
with its history, training expiry; each audited."""

from __future__ import annotations

import datetime as dt

import pytest

from msht.accounts.models import Organisation, Role, User
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.models import Strand
from msht.governance.models import ActionStatus, RaciChange, RaciRole, ResponseKind
from msht.governance.selectors import response_is_overdue
from msht.governance.services import (
    action_create,
    action_update,
    inspection_report_record,
    raci_set,
    recommendation_respond,
    training_record_add,
)
from tests.accounts.factories import UserFactory
from tests.governance.factories import (
    AcceptedRecommendationFactory,
    CompetencyFactory,
    OpenActionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def governance_user() -> User:
    return UserFactory.create(role=Role.GOVERNANCE)


def test_the_response_is_due_eight_weeks_after_receipt_by_the_policy_rule(
    governance_user: User,
) -> None:
    report = inspection_report_record(
        governance_user,
        title="An inspection",
        inspectorate="ICIBI",
        received_on=dt.date(2024, 1, 8),
    )

    assert report.response_due_on == dt.date(2024, 3, 4)
    assert report.rules_version == "inspection_response_weeks=2014"
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_CREATED, object_id=str(report.pk)
    ).exists()


def test_a_response_published_nine_weeks_after_the_report_is_flagged_overdue() -> None:
    received = dt.date(2024, 1, 8)
    late = inspection_report_record(
        None,
        title="Late",
        inspectorate="ICIBI",
        received_on=received,
        published_on=received + dt.timedelta(weeks=9),
    )
    on_time = inspection_report_record(
        None,
        title="On time",
        inspectorate="ICIBI",
        received_on=received,
        published_on=received + dt.timedelta(weeks=8),
    )

    assert response_is_overdue(late, today=dt.date(2024, 12, 1))
    assert not response_is_overdue(on_time, today=dt.date(2024, 12, 1))


def test_an_unpublished_response_is_overdue_once_the_window_has_passed() -> None:
    report = inspection_report_record(
        None, title="Awaited", inspectorate="ICIBI", received_on=dt.date(2024, 1, 8)
    )

    assert not response_is_overdue(report, today=dt.date(2024, 3, 4))
    assert response_is_overdue(report, today=dt.date(2024, 3, 5))


def test_only_an_accepted_recommendation_becomes_actions() -> None:
    owner = Organisation.objects.get(code="border-force")
    rejected = AcceptedRecommendationFactory.create(response=ResponseKind.NOT_ACCEPTED)
    accepted = AcceptedRecommendationFactory.create(response=ResponseKind.PARTIALLY_ACCEPTED)

    with pytest.raises(ValidationError, match="only an accepted"):
        action_create(
            None, recommendation=rejected, description="x", owner=owner, due_on=dt.date(2025, 1, 1)
        )
    action = action_create(
        None, recommendation=accepted, description="Do it", owner=owner, due_on=dt.date(2025, 1, 1)
    )

    assert action.status == ActionStatus.NOT_STARTED
    assert action.is_overdue_on(dt.date(2025, 1, 2))


def test_a_response_is_recorded_with_its_date_and_cannot_predate_the_report() -> None:
    recommendation = AcceptedRecommendationFactory.create(response="")

    with pytest.raises(ValidationError, match="cannot predate"):
        recommendation_respond(
            None,
            recommendation=recommendation,
            response=ResponseKind.ACCEPTED,
            response_text="",
            responded_on=recommendation.report.received_on - dt.timedelta(days=1),
        )
    recommendation_respond(
        None,
        recommendation=recommendation,
        response=ResponseKind.ACCEPTED,
        response_text="We accept.",
        responded_on=dt.date(2024, 2, 1),
    )

    recommendation.refresh_from_db()
    assert (recommendation.response, recommendation.responded_on) == (
        ResponseKind.ACCEPTED,
        dt.date(2024, 2, 1),
    )


def test_completing_an_action_needs_evidence_and_stops_it_being_overdue() -> None:
    action = OpenActionFactory.create(due_on=dt.date(2024, 8, 1))

    with pytest.raises(ValidationError, match="needs its evidence"):
        action_update(
            None, action=action, status=ActionStatus.COMPLETE, evidence="", completed_on=None
        )
    action_update(
        None,
        action=action,
        status=ActionStatus.COMPLETE,
        evidence="Matrix published on the intranet.",
        completed_on=dt.date(2024, 7, 20),
    )

    assert not action.is_overdue_on(dt.date(2024, 9, 1))


def test_the_matrix_keeps_who_changed_what_and_when(governance_user: User) -> None:
    organisation = Organisation.objects.get(code="ukvi")
    pursue = Strand.objects.get(code="pursue")

    raci_set(governance_user, organisation=organisation, strand=pursue, role=RaciRole.INFORMED)
    raci_set(governance_user, organisation=organisation, strand=pursue, role=RaciRole.RESPONSIBLE)
    unchanged = raci_set(
        governance_user, organisation=organisation, strand=pursue, role=RaciRole.RESPONSIBLE
    )
    raci_set(governance_user, organisation=organisation, strand=pursue, role=None)

    assert unchanged is None
    changes = list(RaciChange.objects.order_by("pk").values_list("previous_role", "new_role"))
    assert changes == [("", "I"), ("I", "R"), ("R", "")]
    assert RaciChange.objects.filter(changed_by=governance_user).count() == 3
    assert (
        AuditEvent.objects.filter(
            event_type=AuditEventType.RECORD_CHANGED, object_type="governance.racichange"
        ).count()
        == 3
    )


def test_only_governance_users_edit() -> None:
    analyst = UserFactory.create(role=Role.ANALYST)

    with pytest.raises(PermissionDeniedError):
        raci_set(
            analyst,
            organisation=Organisation.objects.get(code="ukvi"),
            strand=Strand.objects.get(code="pursue"),
            role=RaciRole.INFORMED,
        )


def test_training_lapses_after_the_competencys_renewal_period() -> None:
    competency = CompetencyFactory.create(renew_after_months=12)

    record = training_record_add(
        None, user=UserFactory.create(), competency=competency, completed_on=dt.date(2024, 2, 29)
    )

    assert record.expires_on == dt.date(2025, 2, 28)
