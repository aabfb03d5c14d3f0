"""The intelligence API: graded submission, and handling code C enforced on every endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.api import BODY_TOO_DEEP, MAX_NESTING
from msht.core.middleware import NO_PAGE
from msht.intelligence.models import IntelligenceReport
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.core.test_api import nul_parameters_refused
from tests.intelligence.factories import SuspectRecordFactory

pytestmark = pytest.mark.django_db

REPORTS = "/api/intelligence/reports/"


def _client(role: Role = Role.INVESTIGATOR, **fields: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory.create(role=role, **fields))
    return client


def _report(**overrides: Any) -> dict[str, Any]:
    return {
        "received_on": "2024-07-01",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "summary": "A network runs car washes in Leeds.",
        **overrides,
    }


def test_an_investigator_submits_a_graded_report_naming_a_suspect() -> None:
    suspect = SuspectRecordFactory.create(source_reference="SUS-77")

    response = _client().post(
        REPORTS,
        _report(suspect_references=["SUS-77"], phone_numbers=["07700 900123"]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["grading"] == "2BP"
    assert body["reference"].startswith("INT-2024-")
    assert body["suspect_references"] == ["SUS-77"]
    report = IntelligenceReport.objects.get(reference=body["reference"])
    assert list(report.suspects.all()) == [suspect]
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_CREATED, object_id=str(report.pk)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"handling_code": "C"}, "must state its conditions"),
        ({"permitted_organisations": ["police-kent"]}, "Only handling code C"),
        ({"suspect_references": ["SUS-NONE"]}, "No suspect record 'SUS-NONE'"),
        (
            {"handling_code": "C", "handling_conditions": "x", "permitted_organisations": ["no"]},
            "No organisation with the code 'no'",
        ),
        ({"received_on": "2999-01-01"}, "cannot be in the future"),
    ],
)
def test_bad_reports_are_refused_with_the_reason(overrides: dict[str, Any], problem: str) -> None:
    response = _client().post(REPORTS, _report(**overrides), format="json")

    assert response.status_code == 400
    assert any(problem in text for text in response.json()["non_field_errors"])
    assert not IntelligenceReport.objects.exists()


def test_a_restricted_report_is_seen_only_by_the_organisations_it_names() -> None:
    originator = OrganisationFactory.create()
    permitted = OrganisationFactory.create()
    author = _client(organisation=originator)
    created = author.post(
        REPORTS,
        _report(
            handling_code="C",
            handling_conditions="Only the named force; not for use in evidence.",
            permitted_organisations=[permitted.code],
        ),
        format="json",
    ).json()
    detail = f"{REPORTS}{created['reference']}/"
    named = _client(organisation=permitted)
    other = _client()

    assert named.get(detail).status_code == 200
    assert named.get(detail).json()["handling_conditions"].startswith("Only the named force")
    assert [r["reference"] for r in named.get(REPORTS).json()] == [created["reference"]]
    assert author.get(detail).status_code == 200
    assert other.get(detail).status_code == 404
    assert other.get(REPORTS).json() == []
    reads = AuditEvent.objects.filter(event_type=AuditEventType.RECORD_VIEWED)
    # Two reads and one listing by the named force, one read by the author; the outsider's
    # empty list and refused read leave nothing.
    assert reads.count() == 4


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FIRST_RESPONDER, Role.DECISION_MAKER])
def test_other_roles_may_neither_submit_nor_read(role: Role) -> None:
    client = _client(role)

    assert client.post(REPORTS, _report(), format="json").status_code == 403
    assert client.get(REPORTS).status_code == 403


OUTCOMES = "/api/intelligence/pursue-outcomes/"


def test_an_investigator_records_a_pursue_outcome_for_their_agency() -> None:
    agency = OrganisationFactory.create()
    SuspectRecordFactory.create(source_reference="SUS-9")

    response = _client(organisation=agency).post(
        OUTCOMES,
        {
            "outcome_type": "charge",
            "occurred_on": "2024-05-02",
            "suspect_reference": "SUS-9",
            "offence": "msa_s2",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["agency"] == agency.code
    assert response.json()["suspect_reference"] == "SUS-9"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"outcome_type": "arrest", "occurred_on": "2024-05-02"}, "Name the suspect record"),
        (
            {"outcome_type": "arrest", "occurred_on": "2024-05-02", "suspect_reference": "X"},
            "No suspect record 'X'",
        ),
        (
            {"outcome_type": "arrest", "occurred_on": "2999-05-02", "network_reference": "OP-1"},
            "cannot be in the future",
        ),
    ],
)
def test_bad_outcomes_are_refused(body: dict[str, Any], problem: str) -> None:
    response = _client().post(OUTCOMES, body, format="json")

    assert response.status_code == 400
    assert any(problem in text for text in response.json()["non_field_errors"])


def test_analysts_may_not_record_outcomes() -> None:
    body = {"outcome_type": "arrest", "occurred_on": "2024-05-02", "network_reference": "OP-1"}

    assert _client(Role.ANALYST).post(OUTCOMES, body, format="json").status_code == 403


def test_a_reference_holding_nul_answers_404_without_a_query() -> None:
    with connection.execute_wrapper(nul_parameters_refused):
        response = _client().get(f"{REPORTS}INT%00/")
    assert response.status_code == 404
    assert response.json() == {"detail": NO_PAGE}


@pytest.mark.parametrize("path", [REPORTS, "/api/intelligence/pursue-outcomes/"])
def test_a_body_nested_too_deeply_answers_400(path: str) -> None:
    depth = MAX_NESTING + 1
    body = '{"vehicles": ' + "[" * depth + "]" * depth + "}"
    response = _client().post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": BODY_TOO_DEEP}
    assert not IntelligenceReport.objects.exists()


def test_schema_says_a_report_needs_a_summary() -> None:
    schema = _client().get("/api/schema/", {"format": "json"}).json()
    report = schema["components"]["schemas"]["IntelligenceInput"]
    assert "summary" in report["required"]
    assert report["properties"]["summary"]["minLength"] == 1
