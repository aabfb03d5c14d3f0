"""Governance pages: signed-out visitors go to sign in, other roles are refused, governance
users read every page and change the matrix, responses and actions."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Organisation, Role, User
from msht.core.models import Strand
from msht.governance.models import (
    Action,
    DeliveryPlanItem,
    IndicatorValue,
    RaciAssignment,
    Recommendation,
    ResponseKind,
)
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.governance.factories import AcceptedRecommendationFactory, OpenActionFactory

pytestmark = pytest.mark.django_db

EXAMPLE_MIGRATION = "msht.governance.migrations.0003_example_inspection_and_competencies"
PAGES = [
    ("governance:indicators", {}),
    ("governance:directorate", {"code": "border_force"}),
    ("governance:plan", {}),
    ("governance:recommendations", {}),
    ("governance:raci", {}),
    ("governance:skills", {}),
]
# Pages of one object: refused before the object is looked up.
OBJECT_PAGES = [
    ("governance:plan-item", {"pk": "1"}),
    ("governance:action", {"pk": "1"}),
    ("governance:respond", {"pk": "1"}),
    ("governance:action-add", {"pk": "1"}),
]


def _client(role: Role) -> tuple[Client, User]:
    user = UserFactory.create(role=role)
    client = Client()
    sign_in_verified(client, user)
    return client, user


@pytest.mark.parametrize(("name", "kwargs"), PAGES + OBJECT_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(name: str, kwargs: dict[str, str]) -> None:
    response = Client().get(reverse(name, kwargs=kwargs))

    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FIRST_RESPONDER, Role.ADMINISTRATOR])
@pytest.mark.parametrize(("name", "kwargs"), PAGES + OBJECT_PAGES)
def test_other_roles_are_refused(role: Role, name: str, kwargs: dict[str, str]) -> None:
    client, _ = _client(role)

    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_governance_users_read_every_page(name: str, kwargs: dict[str, str]) -> None:
    client, _ = _client(Role.GOVERNANCE)

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    assert "style=" not in response.content.decode()


def test_an_unknown_directorate_is_not_found() -> None:
    client, _ = _client(Role.GOVERNANCE)

    response = client.get(reverse("governance:directorate", kwargs={"code": "nca"}))

    assert response.status_code == 404


def test_computing_the_indicators_stores_them_and_shows_the_scorecard_with_charts() -> None:
    client, _ = _client(Role.GOVERNANCE)
    url = reverse("governance:indicators") + "?period=2024Q3"

    response = client.post(url)
    page = client.get(url).content.decode()

    assert response.status_code == 302
    assert IndicatorValue.objects.filter(period="2024Q3").exists()
    assert "Overdue inspection actions" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="governance-chart"') >= 8


def test_a_bad_period_is_refused_with_a_message() -> None:
    client, _ = _client(Role.GOVERNANCE)

    page = client.get(reverse("governance:indicators") + "?period=2024Q9").content.decode()

    assert "Enter a quarter like 2024Q3" in page


def test_the_example_inspection_is_shown_with_its_late_response_flagged() -> None:
    # Loaded by the migrations; loaded again in case a committed test flushed the database.
    importlib.import_module(EXAMPLE_MIGRATION).load(apps, None)
    client, _ = _client(Role.GOVERNANCE)

    page = client.get(reverse("governance:recommendations")).content.decode()

    assert "governance board for the Pursue strand" in page
    assert "24 weeks after receipt" in page
    assert 'data-testid="response-overdue"' in page


def test_a_response_is_recorded_then_an_action_added_then_completed() -> None:
    client, _ = _client(Role.GOVERNANCE)
    recommendation = AcceptedRecommendationFactory.create(response="", responded_on=None)

    client.post(
        reverse("governance:respond", kwargs={"pk": recommendation.pk}),
        {"response": ResponseKind.ACCEPTED, "response_text": "", "responded_on": "2024-02-01"},
    )
    owner = Organisation.objects.get(code="ukvi")
    client.post(
        reverse("governance:action-add", kwargs={"pk": recommendation.pk}),
        {"description": "Train staff", "owner": owner.pk, "due_on": "2025-03-31"},
    )
    action = Action.objects.get(recommendation=recommendation)
    refused = client.post(
        reverse("governance:action", kwargs={"pk": action.pk}),
        {"status": "complete", "evidence": "", "completed_on": ""},
    )
    client.post(
        reverse("governance:action", kwargs={"pk": action.pk}),
        {"status": "complete", "evidence": "Course run", "completed_on": "2025-03-01"},
    )

    assert Recommendation.objects.get(pk=recommendation.pk).response == ResponseKind.ACCEPTED
    assert refused.status_code == 400
    action.refresh_from_db()
    assert (action.owner, action.completed_on) == (owner, dt.date(2025, 3, 1))


def test_a_missing_answer_is_named_in_the_error_summary() -> None:
    client, _ = _client(Role.GOVERNANCE)
    recommendation = AcceptedRecommendationFactory.create()

    response = client.post(
        reverse("governance:action-add", kwargs={"pk": recommendation.pk}),
        {"description": "", "owner": "", "due_on": ""},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter what the action is" in page
    assert "Select who owns the action" in page


def test_a_governance_user_changes_a_cell_of_the_matrix() -> None:
    client, _ = _client(Role.GOVERNANCE)
    organisation = Organisation.objects.get(code="border-force")
    strand = Strand.objects.get(code="pursue")

    client.post(
        reverse("governance:raci"),
        {"organisation": organisation.pk, "strand": strand.pk, "role": "R"},
    )
    page = client.get(reverse("governance:raci")).content.decode()

    assert RaciAssignment.objects.get(organisation=organisation, strand=strand).role == "R"
    assert 'data-testid="raci-history"' in page


def test_posting_is_refused_to_other_roles() -> None:
    client, _ = _client(Role.ANALYST)
    action = OpenActionFactory.create()

    assert client.post(reverse("governance:raci"), {}).status_code == 403
    assert client.post(reverse("governance:action", kwargs={"pk": action.pk})).status_code == 403


def test_the_governance_home_links_lead_to_the_pages() -> None:
    client, _ = _client(Role.GOVERNANCE)

    page = client.get(reverse("accounts:home")).content.decode()

    for name in ("indicators", "recommendations", "plan", "raci", "skills"):
        assert reverse(f"governance:{name}") in page


def test_a_governance_user_adds_an_objective_and_a_milestone_and_moves_it_on() -> None:
    client, _ = _client(Role.GOVERNANCE)
    pursue = Strand.objects.get(code="pursue")
    owner = Organisation.objects.get(code="immigration-enforcement")
    form = {"strand": pursue.pk, "owner": owner.pk, "due_on": "", "status": "not_started"}

    client.post(reverse("governance:plan"), {**form, "title": "A Pursue board", "parent": ""})
    objective = DeliveryPlanItem.objects.get(title="A Pursue board")
    client.post(
        reverse("governance:plan"),
        {**form, "title": "Terms of reference agreed", "parent": objective.pk},
    )
    wrong_strand = client.post(
        reverse("governance:plan"),
        {
            **form,
            "strand": Strand.objects.get(code="prevent").pk,
            "title": "x",
            "parent": objective.pk,
        },
    )
    client.post(
        reverse("governance:plan-item", kwargs={"pk": objective.pk}), {"status": "on_track"}
    )
    page = client.get(reverse("governance:plan")).content.decode()

    assert wrong_strand.status_code == 400
    assert "a milestone belongs to an objective of the same strand" in wrong_strand.content.decode()
    assert [m.title for m in objective.milestones.all()] == ["Terms of reference agreed"]
    objective.refresh_from_db()
    assert objective.status == "on_track"
    assert "Milestone: " in page
