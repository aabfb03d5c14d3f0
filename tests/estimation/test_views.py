"""The hidden-figure pages: analysts estimate and read; others are refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role
from msht.estimation.models import EstimationRun
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.estimation.worlds import linked_referrals_world

pytestmark = pytest.mark.django_db


def _client(role: Role) -> Client:
    client = Client()
    sign_in_verified(client, UserFactory.create(role=role))
    return client


def test_an_analyst_makes_an_estimate_and_reads_it() -> None:
    linked_referrals_world()
    client = _client(Role.ANALYST)

    response = client.post(
        reverse("estimation:list"),
        {"period": "2024", "grouping": "sector", "selection": "stepwise"},
    )

    run = EstimationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("estimation:detail", kwargs={"pk": run.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Every candidate model" in page
    assert "closed population" in page
    listing = client.get(reverse("estimation:list")).content.decode()
    assert reverse("estimation:detail", kwargs={"pk": run.pk}) in listing


def test_a_bad_period_is_shown_on_the_form() -> None:
    response = _client(Role.ANALYST).post(
        reverse("estimation:list"), {"period": "soon", "grouping": "sector", "selection": "aic"}
    )

    assert response.status_code == 400
    assert (
        "is not a year (2024), a quarter (2024Q3) or years (2017-2024)" in response.content.decode()
    )
    assert not EstimationRun.objects.exists()


def test_governance_reads_but_may_not_estimate() -> None:
    client = _client(Role.GOVERNANCE)

    page = client.get(reverse("estimation:list"))
    refused = client.post(
        reverse("estimation:list"), {"period": "2024", "grouping": "sector", "selection": "aic"}
    )

    assert page.status_code == 200
    assert "Make an estimate" not in page.content.decode()
    assert refused.status_code == 403


@pytest.mark.parametrize("role", [Role.FIRST_RESPONDER, Role.DECISION_MAKER, Role.ADMINISTRATOR])
def test_casework_roles_are_refused(role: Role) -> None:
    assert _client(role).get(reverse("estimation:list")).status_code == 403


def test_a_missing_estimate_is_not_found() -> None:
    response = _client(Role.ANALYST).get(reverse("estimation:detail", kwargs={"pk": 999}))

    assert response.status_code == 404
