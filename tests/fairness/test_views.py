"""Decision monitoring pages by role, and what they show."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import OrganisationType, Role
from msht.fairness.models import MonitoringRun
from tests.accounts.factories import (
    OrganisationFactory,
    QualityAssurerFactory,
    UserFactory,
    sign_in_verified,
)
from tests.fairness.runs import stored_biased_run
from tests.fairness.simulate import STATUSES, UNITS

pytestmark = pytest.mark.django_db


def _client_for(user: object) -> Client:
    client = Client()
    sign_in_verified(client, user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def run() -> MonitoringRun:
    return stored_biased_run()


def test_anonymous_visitors_are_refused() -> None:
    response = Client().get(reverse("fairness:monitoring"))
    assert response.status_code in {302, 403}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.GOVERNANCE, 200),
        (Role.ANALYST, 403),
        (Role.FIRST_RESPONDER, 403),
        (Role.DECISION_MAKER, 403),
        (Role.INVESTIGATOR, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_monitoring_pages_by_role(role: Role, status: int) -> None:
    client = _client_for(UserFactory.create(role=role))
    assert client.get(reverse("fairness:monitoring")).status_code == status


def test_quality_assurers_of_the_competent_authority_may_read_it_others_may_not() -> None:
    assurer = QualityAssurerFactory.create()
    assert _client_for(assurer).get(reverse("fairness:monitoring")).status_code == 200
    elsewhere = QualityAssurerFactory.create(
        organisation=OrganisationFactory.create(organisation_type=OrganisationType.POLICE_FORCE)
    )
    assert _client_for(elsewhere).get(reverse("fairness:monitoring")).status_code == 403


def test_before_any_run_the_page_says_how_to_make_one() -> None:
    page = _client_for(UserFactory.create(role=Role.GOVERNANCE)).get(reverse("fairness:monitoring"))
    assert "msht fairness --period" in page.content.decode()


def test_the_page_shows_each_finding_with_its_table_and_chart(run: MonitoringRun) -> None:
    page = (
        _client_for(UserFactory.create(role=Role.GOVERNANCE))
        .get(reverse("fairness:monitoring"))
        .content.decode()
    )
    planted = next(
        f for f in run.findings if f["level"] == UNITS[1] and f["within"].endswith(STATUSES[2])
    )
    assert planted["sentence"].replace("'", "&#x27;") in page
    assert page.count('data-testid="finding"') == run.findings_count
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="fairness-chart"') >= 1
    assert "(this finding)" in page
    assert "<script" not in page.split("</main>")[0].split("<main")[1]
    assert reverse("fairness:run", args=[run.pk]) in page


def test_a_named_run_is_shown_and_an_unknown_one_is_not_found(run: MonitoringRun) -> None:
    client = _client_for(UserFactory.create(role=Role.GOVERNANCE))
    assert client.get(reverse("fairness:run", args=[run.pk])).status_code == 200
    assert client.get(reverse("fairness:run", args=[run.pk + 1000])).status_code == 404
