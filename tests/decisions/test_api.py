"""The decisions API: decide through it, read decisions, 404 for another organisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from msht.accounts.models import User
from msht.decisions.models import AssuranceStatus, Decision, DecisionStage
from msht.decisions.services import DECISION_AWAITING_ASSURANCE
from msht.referrals.models import Referral, ReferralStatus
from tests.accounts.factories import DecisionMakerFactory, QualityAssurerFactory, UserFactory
from tests.core.test_api import nul_parameters_refused
from tests.decisions.factories import PendingCgDecisionFactory, PositiveRgDecisionFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 8, 5, 12, tzinfo=dt.UTC), tick=False):
        yield


def _client(user: User | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _urls(referral: Referral) -> dict[str, str]:
    base = f"/api/decisions/referrals/{referral.reference}/"
    return {"list": base, "rg": base + "rg/", "cg": base + "cg/"}


DECISION = {"outcome": "positive", "reasons": "Indicators of forced labour."}


def test_decision_maker_records_rg_then_cg_through_the_api() -> None:
    referral = ReferralFactory.create(referred_on=dt.date(2024, 6, 1))
    client = _client(DecisionMakerFactory.create())
    response = client.post(_urls(referral)["rg"], DECISION, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == "rg"
    assert body["recovery_period_ends_on"] == "2024-09-04"
    too_early = client.post(_urls(referral)["cg"], DECISION, format="json")
    assert too_early.status_code == 400
    assert "4 September 2024" in too_early.json()["problems"][0]


def test_cg_through_the_api_once_the_recovery_period_has_passed() -> None:
    rg = PositiveRgDecisionFactory.create(
        decided_on=dt.date(2024, 7, 1), recovery_period_ends_on=dt.date(2024, 7, 31)
    )
    response = _client(DecisionMakerFactory.create()).post(
        _urls(rg.referral)["cg"], {"outcome": "negative", "reasons": "R."}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["assurance_status"] == AssuranceStatus.AWAITING


def test_invalid_input_answers_400() -> None:
    referral = ReferralFactory.create()
    response = _client(DecisionMakerFactory.create()).post(
        _urls(referral)["rg"], {"outcome": "maybe"}, format="json"
    )
    assert response.status_code == 400


def test_decision_maker_of_the_referring_organisation_is_refused() -> None:
    maker = DecisionMakerFactory.create()
    referral = ReferralFactory.create(first_responder_organisation=maker.organisation)
    response = _client(maker).post(_urls(referral)["rg"], DECISION, format="json")
    assert response.status_code == 403
    assert "own organisation" in response.json()["detail"]


def test_referrer_reads_issued_decisions_only() -> None:
    rg = PositiveRgDecisionFactory.create()
    responder = UserFactory.create(organisation=rg.referral.first_responder_organisation)
    response = _client(responder).get(_urls(rg.referral)["list"])
    assert response.status_code == 200
    assert [d["stage"] for d in response.json()] == ["rg"]
    assert rg.referral.status == ReferralStatus.RG_POSITIVE


@pytest.mark.parametrize("endpoint", ["list", "rg", "cg"])
def test_another_organisations_referral_answers_404(endpoint: str) -> None:
    referral = ReferralFactory.create()
    stranger = UserFactory.create()
    client = _client(stranger)
    response = (
        client.get(_urls(referral)[endpoint])
        if endpoint == "list"
        else client.post(_urls(referral)[endpoint], DECISION, format="json")
    )
    assert response.status_code == 404
    assert "NRM-" not in response.content.decode()


@pytest.mark.parametrize("endpoint", ["list", "rg", "cg"])
def test_missing_referral_answers_404(endpoint: str) -> None:
    client = _client(DecisionMakerFactory.create())
    url = f"/api/decisions/referrals/NO-SUCH/{'' if endpoint == 'list' else endpoint + '/'}"
    response = client.get(url) if endpoint == "list" else client.post(url, DECISION, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ["list", "rg", "cg"])
def test_anonymous_callers_are_refused(endpoint: str) -> None:
    referral = ReferralFactory.create()
    client = _client()
    url = _urls(referral)[endpoint]
    response = client.get(url) if endpoint == "list" else client.post(url, DECISION, format="json")
    assert response.status_code in {401, 403}


def test_quality_assurer_cannot_decide_through_the_api() -> None:
    referral = ReferralFactory.create()
    response = _client(QualityAssurerFactory.create()).post(
        _urls(referral)["rg"], DECISION, format="json"
    )
    assert response.status_code == 403


def test_schema_describes_the_decision_endpoints() -> None:
    client = APIClient()
    client.force_login(UserFactory.create())
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/decisions/referrals/{reference}/rg/" in schema["paths"]


@pytest.mark.parametrize(
    "stage", [DecisionStage.REASONABLE_GROUNDS, DecisionStage.CONCLUSIVE_GROUNDS]
)
def test_no_second_decision_while_a_negative_one_awaits_assurance(stage: DecisionStage) -> None:
    # The fuzz run recorded six negative RG decisions, then a positive one, on one referral.
    if stage == DecisionStage.REASONABLE_GROUNDS:
        referral = ReferralFactory.create(referred_on=dt.date(2024, 6, 1))
    else:
        referral = PositiveRgDecisionFactory.create(
            decided_on=dt.date(2024, 7, 1), recovery_period_ends_on=dt.date(2024, 7, 31)
        ).referral
    url = _urls(referral)[stage.value]
    client = _client(DecisionMakerFactory.create())
    negative = client.post(url, {"outcome": "negative", "reasons": "Not met."}, format="json")
    assert negative.status_code == 201, negative.json()
    assert negative.json()["assurance_status"] == AssuranceStatus.AWAITING
    status_before = Referral.objects.get(pk=referral.pk).status
    for outcome in ("negative", "positive"):
        again = client.post(url, {"outcome": outcome, "reasons": "Again."}, format="json")
        assert again.status_code == 400
        assert again.json() == {"problems": [DECISION_AWAITING_ASSURANCE]}
    assert Decision.objects.filter(referral=referral, stage=stage).count() == 1
    assert Referral.objects.get(pk=referral.pk).status == status_before


def _enum(schema: dict[str, Any], node: dict[str, Any]) -> set[str]:
    """Every value a property of the schema allows, following $ref and oneOf."""
    if "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    values = set(node.get("enum", []))
    for choice in node.get("oneOf", []):
        values |= _enum(schema, choice)
    return values


def test_a_pending_decisions_blank_outcome_is_in_the_schema() -> None:
    pending = PendingCgDecisionFactory.create()
    response = _client(DecisionMakerFactory.create()).get(_urls(pending.referral)["list"])
    assert response.status_code == 200
    assert [d["outcome"] for d in response.json()] == [""]
    client = APIClient()
    client.force_login(UserFactory.create())
    schema = client.get("/api/schema/", {"format": "json"}).json()
    outcome = schema["components"]["schemas"]["DecisionOutput"]["properties"]["outcome"]
    assert _enum(schema, outcome) == {"", "positive", "negative", "withdrawn"}
    reasons = schema["components"]["schemas"]["DecisionRecordInput"]["properties"]["reasons"]
    assert reasons["minLength"] == 1


@pytest.mark.parametrize("endpoint", ["list", "rg", "cg"])
def test_a_reference_holding_nul_answers_404_without_a_query(endpoint: str) -> None:
    client = _client(DecisionMakerFactory.create())
    url = f"/api/decisions/referrals/NRM%00/{'' if endpoint == 'list' else endpoint + '/'}"
    with connection.execute_wrapper(nul_parameters_refused):
        response = (
            client.get(url) if endpoint == "list" else client.post(url, DECISION, format="json")
        )
    assert response.status_code == 404
