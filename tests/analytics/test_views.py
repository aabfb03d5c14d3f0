"""Statistics pages: who may see the national picture, an organisation's dashboard, the
publications; filters without JavaScript; charts as SVG with text alternatives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from msht.accounts.models import Organisation, Role, User
from msht.analytics.models import Publication
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.analytics.conftest import AnalyticsWorld

pytestmark = pytest.mark.django_db

DASHBOARD = "/statistics/"
PUBLICATIONS = "/statistics/publications/"


@pytest.fixture(autouse=True)
def _store(analytics_world: AnalyticsWorld, settings: Any, tmp_path: Path) -> None:
    settings.ANALYTICS_STORE = str(analytics_world.store)
    settings.VAR_DIR = tmp_path


def _client(user: User) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def _user(role: Role, organisation: str = "leicester") -> User:
    return UserFactory.create(role=role, organisation=Organisation.objects.get(code=organisation))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ANALYST, 200),
        (Role.GOVERNANCE, 200),
        (Role.FIRST_RESPONDER, 403),
        (Role.DECISION_MAKER, 403),
        (Role.INVESTIGATOR, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_only_analysts_and_governance_see_the_national_picture(role: Role, status: int) -> None:
    response = _client(_user(role)).get(DASHBOARD)
    assert response.status_code == status


def test_the_national_picture_filters_by_period_nation_and_type_without_javascript() -> None:
    client = _client(_user(Role.ANALYST))

    everything = client.get(DASHBOARD, {"period": "2024Q3"})
    narrowed = client.get(
        DASHBOARD, {"period": "2024Q3", "nation": "wales", "exploitation_type": "sexual"}
    )

    assert everything.status_code == narrowed.status_code == 200
    assert everything.context["dashboard"].filters.nation is None
    assert narrowed.context["dashboard"].filters.nation == "wales"
    assert narrowed.context["dashboard"].filters.exploitation_type == "sexual"
    page = everything.content.decode()
    assert 'role="img"' in page
    assert "<title" in page
    assert "<desc" in page
    assert "<script>" not in page


def test_a_first_responder_sees_their_own_organisations_dashboard_only() -> None:
    client = _client(_user(Role.FIRST_RESPONDER, "leicester"))

    own = client.get("/statistics/organisations/leicester/")
    other = client.get("/statistics/organisations/border-force/")
    chooser = client.get("/statistics/organisations/")

    assert own.status_code == 200
    assert own.context["dashboard"].filters.organisation == "leicester"
    assert other.status_code == 403
    assert chooser.status_code == 302
    assert chooser["Location"] == "/statistics/organisations/leicester/"


def test_analysts_may_open_any_organisations_dashboard() -> None:
    client = _client(_user(Role.ANALYST))
    assert client.get("/statistics/organisations/border-force/").status_code == 200
    assert client.get("/statistics/organisations/").status_code == 200


def test_governance_sees_publications_but_may_not_publish() -> None:
    client = _client(_user(Role.GOVERNANCE))

    assert client.get(PUBLICATIONS).status_code == 200
    assert client.post(PUBLICATIONS, {"period": "2024Q3"}).status_code == 403
    assert not Publication.objects.exists()


def test_a_first_responder_sees_no_publication_page() -> None:
    assert _client(_user(Role.FIRST_RESPONDER)).get(PUBLICATIONS).status_code == 403


def test_a_badly_written_period_is_refused_with_a_message() -> None:
    response = _client(_user(Role.ANALYST)).post(PUBLICATIONS, {"period": "Q3 2024"})
    assert response.status_code == 400
    assert "Enter the quarter like 2024Q3" in response.content.decode()


@pytest.mark.slow
def test_an_analyst_publishes_a_quarter_and_reads_it_back() -> None:
    client = _client(_user(Role.ANALYST))

    response = client.post(PUBLICATIONS, {"period": "2024q3", "round_to_five": "on"})

    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/statistics/publications/{publication.pk}/"
    assert publication.round_to == 5
    page = client.get(response["Location"]).content.decode()
    assert "July to September 2024" in page
    assert page.count('class="statistics-chart"') >= 10


def test_without_a_store_the_page_says_so(settings: Any, tmp_path: Path) -> None:
    settings.ANALYTICS_STORE = str(tmp_path / "missing.duckdb")
    response = _client(_user(Role.ANALYST)).get(DASHBOARD)
    assert response.status_code == 200
    assert "msht analytics refresh" in response.content.decode()


def test_the_national_picture_shows_the_latest_hidden_figure_with_its_caveats() -> None:
    from msht.estimation.models import EstimationRun

    client = _client(_user(Role.ANALYST))
    assert 'data-testid="hidden-figure"' not in client.get(DASHBOARD).content.decode()
    EstimationRun.objects.create(
        period="2024",
        grouping="sector",
        selection="stepwise",
        referral_count=300,
        people_seen=280,
        linked_share=1.0,
        point=1200,
        lower=900,
        upper=1700,
        result={},
        caveats=["The lists are assumed to describe one closed population."],
        rules_version="2026.2",
    )

    page = client.get(DASHBOARD).content.decode()

    assert "An estimated <strong>1200</strong> victims in 2024" in page
    assert "95% interval 900 to 1700" in page
    assert "closed population" in page
