"""Decision pages: unauthenticated, per role, another organisation's case, and each form."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role, User
from msht.decisions.models import AssuranceStatus, Decision, DecisionStage
from msht.referrals.models import Referral, ReferralStatus
from tests.accounts.factories import (
    DecisionMakerFactory,
    QualityAssurerFactory,
    UserFactory,
    sign_in_verified,
)
from tests.decisions.factories import (
    AwaitingAssuranceRgDecisionFactory,
    NegativeRgDecisionFactory,
    PendingRgDecisionFactory,
    PositiveRgDecisionFactory,
)
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 7, 3, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _client(user: User) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def _user(role: Role) -> User:
    if role == Role.DECISION_MAKER:
        return DecisionMakerFactory.create()
    if role == Role.QUALITY_ASSURER:
        return QualityAssurerFactory.create()
    return UserFactory.create(role=role)


LIST_PAGES = [
    ("decisions:queue", {Role.DECISION_MAKER}),
    ("decisions:reconsiderations", {Role.DECISION_MAKER}),
    ("decisions:assurance-queue", {Role.QUALITY_ASSURER}),
    ("decisions:overdue", {Role.GOVERNANCE, Role.DECISION_MAKER, Role.QUALITY_ASSURER}),
]


@pytest.mark.parametrize(("name", "allowed"), LIST_PAGES)
def test_list_pages_send_anonymous_visitors_to_sign_in(name: str, allowed: set[Role]) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "allowed"), LIST_PAGES)
def test_list_pages_answer_only_their_roles(name: str, allowed: set[Role], role: Role) -> None:
    response = _client(_user(role)).get(reverse(name))
    assert response.status_code == (200 if role in allowed else 403)


def test_queue_lists_due_decisions_with_working_days_left_and_overdue_tags() -> None:
    overdue = PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 1))
    due = PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 10))
    response = _client(DecisionMakerFactory.create()).get(reverse("decisions:queue"))
    body = response.content.decode()
    assert body.index(overdue.referral.reference) < body.index(due.referral.reference)
    assert "Overdue</strong> -2" in body
    assert re.search(r'govuk-table__cell--numeric">\s*5\s*</td>', body)
    assert 'aria-sort="ascending"' in body


def test_queue_sorts_and_filters_through_the_query_string() -> None:
    first = PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 1))
    second = PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 10))
    client = _client(DecisionMakerFactory.create())
    body = client.get(reverse("decisions:queue"), {"sort": "deadline", "order": "desc"})
    text = body.content.decode()
    assert text.index(second.referral.reference) < text.index(first.referral.reference)
    assert 'aria-sort="descending"' in text
    only_overdue = client.get(reverse("decisions:queue"), {"overdue": "on"}).content.decode()
    assert first.referral.reference in only_overdue
    assert second.referral.reference not in only_overdue
    nonsense = client.get(reverse("decisions:queue"), {"sort": "x", "stage": "y", "page": "z"})
    assert nonsense.status_code == 200


def _case_url(referral: Referral) -> str:
    return reverse("decisions:case", kwargs={"reference": referral.reference})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.DECISION_MAKER, 200),
        (Role.QUALITY_ASSURER, 200),
        (Role.INVESTIGATOR, 404),
        (Role.ANALYST, 404),
        (Role.GOVERNANCE, 404),
        (Role.ADMINISTRATOR, 404),
        (Role.FIRST_RESPONDER, 404),
    ],
)
def test_case_page_by_role(role: Role, status: int) -> None:
    referral = ReferralFactory.create()
    assert _client(_user(role)).get(_case_url(referral)).status_code == status


def test_referrer_sees_the_outcome_but_not_decision_maker_data() -> None:
    decision = NegativeRgDecisionFactory.create(assurance_notes="Checked the interview notes.")
    decision.quality_assurer = QualityAssurerFactory.create()
    decision.assured_on = decision.decided_on
    decision.save()
    referral = decision.referral
    responder = UserFactory.create(organisation=referral.first_responder_organisation)
    body = _client(responder).get(_case_url(referral)).content.decode()
    assert "Negative Reasonable Grounds" in body
    assert "Checked the interview notes." not in body
    assert "Record Reasonable Grounds decision" not in body
    assert "Request reconsideration" in body


def test_case_page_of_another_organisation_is_not_found() -> None:
    referral = ReferralFactory.create()
    assert _client(UserFactory.create()).get(_case_url(referral)).status_code == 404
    assert _client(DecisionMakerFactory.create()).get("/cases/NO-SUCH/").status_code == 404


def test_decision_maker_records_a_positive_rg() -> None:
    referral = ReferralFactory.create()
    client = _client(DecisionMakerFactory.create())
    assert "Record Reasonable Grounds decision" in client.get(_case_url(referral)).content.decode()
    url = reverse("decisions:record-rg", kwargs={"reference": referral.reference})
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "positive", "reasons": "Indicators present."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RG_POSITIVE


def test_decision_form_shows_an_error_summary() -> None:
    referral = ReferralFactory.create()
    url = reverse("decisions:record-rg", kwargs={"reference": referral.reference})
    response = _client(DecisionMakerFactory.create()).post(url, {})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert 'href="#id_outcome"' in body
    assert "Enter the reasons for the decision" in body


def test_cg_too_early_is_refused_with_the_earliest_date() -> None:
    rg = PositiveRgDecisionFactory.create(
        decided_on=dt.date(2024, 7, 1), recovery_period_ends_on=dt.date(2024, 7, 31)
    )
    url = reverse("decisions:record-cg", kwargs={"reference": rg.referral.reference})
    response = _client(DecisionMakerFactory.create()).post(
        url, {"outcome": "positive", "reasons": "R."}
    )
    assert response.status_code == 400
    assert "cannot be made before 31 July 2024" in response.content.decode()


def test_decision_maker_of_the_referring_organisation_is_refused_with_the_reason() -> None:
    maker = DecisionMakerFactory.create()
    referral = ReferralFactory.create(first_responder_organisation=maker.organisation)
    url = reverse("decisions:record-rg", kwargs={"reference": referral.reference})
    client = _client(maker)
    for response in (client.get(url), client.post(url, {"outcome": "positive", "reasons": "R"})):
        assert response.status_code == 403
        assert "referred by your own organisation" in response.content.decode()
    assert not Decision.objects.exists()


def test_withdraw_page_closes_the_referral() -> None:
    referral = ReferralFactory.create()
    url = reverse("decisions:withdraw", kwargs={"reference": referral.reference})
    response = _client(DecisionMakerFactory.create()).post(url, {"reasons": "Withdrew consent."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_reconsideration_is_requested_and_decided_through_the_pages() -> None:
    negative = NegativeRgDecisionFactory.create(decided_on=dt.date(2024, 6, 20))
    referral = negative.referral
    responder = UserFactory.create(organisation=referral.first_responder_organisation)
    request_url = reverse(
        "decisions:reconsideration-request",
        kwargs={"reference": referral.reference, "pk": negative.pk},
    )
    response = _client(responder).post(request_url, {"reasons": "New evidence."})
    assert response.status_code == 302
    reconsideration = Decision.objects.get(stage=DecisionStage.RG_RECONSIDERATION)
    decide_url = reverse(
        "decisions:record-reconsideration",
        kwargs={"reference": referral.reference, "pk": reconsideration.pk},
    )
    client = _client(DecisionMakerFactory.create())
    assert "Decide the reconsideration" in client.get(_case_url(referral)).content.decode()
    response = client.post(decide_url, {"outcome": "positive", "reasons": "Evidence accepted."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RG_POSITIVE


def test_another_organisations_decision_is_not_found_for_reconsideration() -> None:
    negative = NegativeRgDecisionFactory.create()
    url = reverse(
        "decisions:reconsideration-request",
        kwargs={"reference": negative.referral.reference, "pk": negative.pk},
    )
    assert _client(UserFactory.create()).get(url).status_code == 404


def test_quality_assurer_approves_a_negative_decision() -> None:
    awaiting = AwaitingAssuranceRgDecisionFactory.create()
    client = _client(QualityAssurerFactory.create())
    assert (
        awaiting.referral.reference
        in client.get(reverse("decisions:assurance-queue")).content.decode()
    )
    url = reverse("decisions:assure", kwargs={"pk": awaiting.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"verdict": "reject"}).status_code == 400
    assert client.post(url, {"verdict": "approve"}).status_code == 302
    awaiting.refresh_from_db()
    awaiting.referral.refresh_from_db()
    assert awaiting.assurance_status == AssuranceStatus.APPROVED
    assert awaiting.referral.status == ReferralStatus.RG_NEGATIVE


def test_decision_maker_cannot_open_the_assurance_form() -> None:
    awaiting = AwaitingAssuranceRgDecisionFactory.create()
    url = reverse("decisions:assure", kwargs={"pk": awaiting.pk})
    assert _client(DecisionMakerFactory.create()).get(url).status_code == 403


def test_overdue_page_counts_for_managers() -> None:
    PendingRgDecisionFactory.create(deadline=dt.date(2024, 7, 1))
    body = _client(UserFactory.create(role=Role.GOVERNANCE)).get(reverse("decisions:overdue"))
    assert 'data-testid="rg-overdue-count">1<' in body.content.decode()
