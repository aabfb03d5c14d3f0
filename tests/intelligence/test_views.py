"""Investigators' network and suspect pages: who may see them, what they show, audit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.intelligence.models import HandlingCode
from msht.intelligence.services import network_run
from tests.accounts.factories import OrganisationFactory, UserFactory, sign_in_verified
from tests.intelligence.factories import IntelligenceReportFactory
from tests.intelligence.test_networks import _store_world

pytestmark = pytest.mark.django_db


def _investigator(**fields: object) -> Client:
    client = Client()
    sign_in_verified(client, UserFactory.create(role=Role.INVESTIGATOR, **fields))
    return client


def test_an_investigator_reads_networks_a_network_and_a_suspect() -> None:
    world = _store_world()
    network_run(None)
    client = _investigator()

    viewed = AuditEvent.objects.filter(event_type=AuditEventType.RECORD_VIEWED)
    listing = client.get(reverse("intelligence:networks")).content.decode()
    after_listing = viewed.count()
    network = client.get(reverse("intelligence:network", kwargs={"number": 1})).content.decode()
    after_network = viewed.count()
    key = f"entity-{world.controller.pk}"
    suspect = client.get(reverse("intelligence:suspect", kwargs={"key": key}))

    assert "Missed opportunities" in listing
    assert "Pursue outcomes by agency" in listing
    assert "Arrest" in listing  # the world's one outcome
    assert "Border Force" in listing
    assert 'id="network-data"' in network
    assert f"suspect:record-{world.recruiter.pk}" in network
    assert suspect.status_code == 200
    assert "2 agency records" in suspect.content.decode()
    # The list shows no suspect's details; the network page reads the records behind its
    # suspects (three), the suspect page that suspect's two agency records.
    assert after_listing == 0
    assert after_network == 3
    assert viewed.count() == after_network + 2


def test_a_handling_code_c_report_shows_only_to_the_organisations_it_names() -> None:
    world = _store_world()
    permitted = OrganisationFactory.create()
    restricted = IntelligenceReportFactory.create(
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="Only the named police force; not for use in evidence.",
        summary="Restricted detail about the recruiter.",
    )
    restricted.permitted_organisations.set([permitted])
    restricted.suspects.set([world.recruiter])
    url = reverse("intelligence:suspect", kwargs={"key": f"record-{world.recruiter.pk}"})

    named = _investigator(organisation=permitted).get(url).content.decode()
    other = _investigator().get(url).content.decode()

    assert "Restricted detail about the recruiter." in named
    assert "Only the named police force" in named
    assert "Restricted detail about the recruiter." not in other


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FIRST_RESPONDER, Role.DECISION_MAKER])
def test_other_roles_may_not_see_networks(role: Role) -> None:
    client = Client()
    sign_in_verified(client, UserFactory.create(role=role))

    assert client.get(reverse("intelligence:networks")).status_code == 403


def test_unknown_suspects_and_networks_are_not_found() -> None:
    _store_world()
    network_run(None)
    client = _investigator()

    for key in ("entity-not-a-uuid", "record-999999", "nonsense"):
        assert client.get(reverse("intelligence:suspect", kwargs={"key": key})).status_code == 404
    assert client.get(reverse("intelligence:network", kwargs={"number": 99})).status_code == 404


def test_an_investigator_submits_a_report_with_the_form_and_reads_it() -> None:
    permitted = OrganisationFactory.create()
    client = _investigator()

    response = client.post(
        reverse("intelligence:report-new"),
        {
            "received_day": "3",
            "received_month": "7",
            "received_year": "2024",
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "C",
            "handling_conditions": "Named force only.",
            "permitted_organisations": permitted.code,
            "summary": "Workers are collected from the hostel at 5am.",
            "vehicles": "AB12 CDE\n",
        },
    )

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Handling conditions: Named force only." in page
    assert "1AC" in page
    assert permitted.name in page
    other = _investigator().get(response["Location"])
    assert other.status_code == 404


def test_form_problems_are_shown_with_the_fields() -> None:
    response = _investigator().post(
        reverse("intelligence:report-new"),
        {
            "received_day": "31",
            "received_month": "2",
            "received_year": "2024",
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "C",
            "summary": "s",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a real date" in page
    assert "There is a problem" in page


def test_an_investigator_records_a_pursue_outcome_with_the_form() -> None:
    world = _store_world()
    client = _investigator()

    refused = client.post(
        reverse("intelligence:outcome-new"),
        {
            "outcome_type": "arrest",
            "occurred_day": "31",
            "occurred_month": "2",
            "occurred_year": "2024",
            "offence": "msa_s1",
        },
    )
    recorded = client.post(
        reverse("intelligence:outcome-new"),
        {
            "outcome_type": "arrest",
            "occurred_day": "3",
            "occurred_month": "2",
            "occurred_year": "2024",
            "offence": "msa_s1",
            "suspect_reference": world.recruiter.source_reference,
        },
    )

    assert refused.status_code == 400
    assert "Enter a real date" in refused.content.decode()
    assert recorded.status_code == 302
    assert world.recruiter.outcomes.get().outcome_type == "arrest"
    assert client.get(reverse("intelligence:outcome-new")).status_code == 200
    analyst = Client()
    sign_in_verified(analyst, UserFactory.create(role=Role.ANALYST))
    assert analyst.get(reverse("intelligence:outcome-new")).status_code == 403
