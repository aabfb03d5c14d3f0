"""The referral API: create, submit, amend, read, list, Duty to Notify; 404 across organisations."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from msht.accounts.models import User
from msht.core.api import BODY_TOO_DEEP, MAX_NESTING
from msht.core.middleware import NO_PAGE
from msht.referrals import services
from msht.referrals.idempotency import KEY_HEADER
from msht.referrals.models import Referral, ReferralIdempotencyKey, ReferralStatus
from msht.referrals.services import referral_draft_save, referral_submit
from tests.accounts.factories import DecisionMakerFactory, UserFactory, confirmed_device_for
from tests.core.test_api import nul_parameters_refused
from tests.referrals.factories import complete_answers

pytestmark = pytest.mark.django_db

COLLECTION = "/api/referrals/"


def _client(user: User | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        # A decision maker's token works only once they have set up an authenticator app.
        confirmed_device_for(user)
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _json(answers: Any) -> dict[str, Any]:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in dict(answers).items()
    }


def _submitted(user: User) -> Referral:
    return referral_submit(user, answers=complete_answers())


def test_token_command_prints_a_per_user_token() -> None:
    user = UserFactory.create()
    out = StringIO()
    call_command("token", user.username, stdout=out)
    assert out.getvalue().strip() == Token.objects.get(user=user).key
    again = StringIO()
    call_command("token", user.username, stdout=again)
    assert again.getvalue() == out.getvalue()


def test_create_submits_a_referral() -> None:
    user = UserFactory.create()
    response = _client(user).post(COLLECTION, _json(complete_answers()), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("NRM-")
    assert body["status"] == ReferralStatus.SUBMITTED
    assert body["competent_authority"] == services.SINGLE_COMPETENT_AUTHORITY
    assert body["answers"]["places"] == [{"police_force_area": "kent"}]
    assert body["possible_duplicate"] is False


def test_create_as_a_draft_then_submit_it() -> None:
    user = UserFactory.create()
    client = _client(user)
    response = client.post(COLLECTION, {"family_name": "Popescu", "submit": False}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == ReferralStatus.DRAFT
    reference = response.json()["reference"]
    response = client.post(f"{COLLECTION}{reference}/submission/")
    assert response.status_code == 400
    assert response.json()["narrative"] == [services.NARRATIVE_MISSING]


def test_validation_errors_name_each_field() -> None:
    user = UserFactory.create()
    response = _client(user).post(
        COLLECTION,
        {"birth_month": 13, "gender": "robot", "nationalities": ["ZZZ"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"birth_month", "gender"}
    response = _client(user).post(COLLECTION, {"nationalities": ["ZZZ"]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "nationalities" in body
    assert body["given_names"] == [services.NAME_MISSING]
    assert not Referral.objects.exists()


def test_list_shows_only_the_organisations_submitted_referrals() -> None:
    user = UserFactory.create()
    mine = _submitted(user)
    referral_draft_save(user, answers={})
    _submitted(UserFactory.create())
    response = _client(user).get(COLLECTION)
    assert response.status_code == 200
    assert [row["reference"] for row in response.json()] == [mine.reference]
    assert "answers" not in response.json()[0]


def test_read_one() -> None:
    user = UserFactory.create()
    referral = _submitted(user)
    response = _client(user).get(f"{COLLECTION}{referral.reference}/")
    assert response.status_code == 200
    assert response.json()["answers"]["family_name"] == "Popescu"


def test_decision_maker_reads_any_referral() -> None:
    referral = _submitted(UserFactory.create())
    response = _client(DecisionMakerFactory.create()).get(f"{COLLECTION}{referral.reference}/")
    assert response.status_code == 200


def test_amend_before_decision() -> None:
    user = UserFactory.create()
    referral = _submitted(user)
    response = _client(user).post(
        f"{COLLECTION}{referral.reference}/amendments/",
        {"narrative": "More detail.", "reason": "New account from the person"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["changes"]["narrative"][1] == "More detail."


def test_amend_without_a_reason_is_a_field_error() -> None:
    user = UserFactory.create()
    referral = _submitted(user)
    response = _client(user).post(
        f"{COLLECTION}{referral.reference}/amendments/", {"narrative": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_amend_after_decision_is_refused() -> None:
    user = UserFactory.create()
    referral = _submitted(user)
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.RG_POSITIVE)
    response = _client(user).post(
        f"{COLLECTION}{referral.reference}/amendments/",
        {"narrative": "x", "reason": "y"},
        format="json",
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("post", "amendments/", {"narrative": "x", "reason": "y"}),
        ("post", "submission/", None),
    ],
)
def test_another_organisations_referral_answers_404(
    method: str, suffix: str, payload: dict[str, str] | None
) -> None:
    referral = _submitted(UserFactory.create())
    draft = referral_draft_save(UserFactory.create(), answers={})
    client = _client(UserFactory.create())
    for reference in (referral.reference, draft.reference):
        response = getattr(client, method)(
            f"{COLLECTION}{reference}/{suffix}", payload, format="json"
        )
        assert response.status_code == 404, (reference, suffix)


def test_unauthenticated_callers_are_refused() -> None:
    client = _client()
    assert client.get(COLLECTION).status_code in {401, 403}
    assert client.post(COLLECTION, {}, format="json").status_code in {401, 403}


@pytest.mark.parametrize("role", ["analyst", "investigator", "administrator", "governance"])
def test_other_roles_may_not_create_or_list(role: str) -> None:
    client = _client(UserFactory.create(role=role))
    assert client.post(COLLECTION, {}, format="json").status_code == 403
    assert client.get(COLLECTION).status_code == 403


def test_duty_to_notify_create_accepts_no_identifying_field() -> None:
    user = UserFactory.create()
    response = _client(user).post(
        f"{COLLECTION}duty-to-notify-reports/",
        {"exploitation_types": ["sexual"], "nationality": "ALB", "given_names": "Ana"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["reference"].startswith("DTN-")


def test_duty_to_notify_create_errors_name_fields() -> None:
    response = _client(UserFactory.create()).post(
        f"{COLLECTION}duty-to-notify-reports/", {"nationality": "ZZZ"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"nationality", "exploitation_types"}


def test_schema_describes_every_referral_operation() -> None:
    client = APIClient()
    client.force_login(UserFactory.create())
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = {
        operation["operationId"]
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {
        "referral_create",
        "referral_list",
        "referral_read",
        "referral_submit",
        "referral_amend",
        "duty_to_notify_create",
    } <= operations


def test_a_lone_surrogate_sent_with_an_idempotency_key_is_a_field_error() -> None:
    # JSON may escape a lone surrogate, which UTF-8 cannot encode: the key's digest once
    # failed on it (a 500) before the body was validated.
    response = _client(UserFactory.create()).post(
        COLLECTION,
        '{"submit": false, "given_names": "\\ud800"}',
        content_type="application/json",
        headers={KEY_HEADER: "3f1c9a52-surrogate"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["given_names"]
    assert not Referral.objects.exists()
    assert not ReferralIdempotencyKey.objects.exists()


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 100_000])
@pytest.mark.parametrize("path", [COLLECTION, f"{COLLECTION}duty-to-notify-reports/"])
def test_a_body_nested_too_deeply_answers_400(path: str, depth: int) -> None:
    body = '{"submit": false, "aliases": ' + "[" * depth + "]" * depth + "}"
    response = _client(UserFactory.create()).post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": BODY_TOO_DEEP}
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("post", "amendments/", {"narrative": "x", "reason": "y"}),
        ("post", "submission/", None),
    ],
)
def test_a_reference_holding_nul_answers_404_without_a_query(
    method: str, suffix: str, payload: dict[str, str] | None
) -> None:
    # PostgreSQL refuses NUL in a query parameter: the lookup once answered 500 there.
    client = _client(UserFactory.create())
    with connection.execute_wrapper(nul_parameters_refused):
        response = getattr(client, method)(f"{COLLECTION}NRM%00/{suffix}", payload, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": NO_PAGE}


def test_schema_says_an_amendment_needs_a_reason() -> None:
    client = APIClient()
    client.force_login(UserFactory.create())
    schema = client.get("/api/schema/", {"format": "json"}).json()
    amend = schema["components"]["schemas"]["ReferralAmendInput"]
    assert "reason" in amend["required"]
    assert amend["properties"]["reason"]["minLength"] == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"birth_year": None, "birth_month": 2, "birth_day": 30},
            "birth_day",
            services.BIRTH_DAY_NOT_IN_MONTH.format(month="February", days=29),
        ),
        (
            {"exploitation_ended_on": "2024-02-01", "exploitation_is_ongoing": True},
            "exploitation_ended_on",
            services.ENDED_WHILE_ONGOING,
        ),
        (
            {"exploitation_location": "overseas_only", "places": [{"country": "GBR"}]},
            "places",
            services.UK_IS_NOT_OVERSEAS,
        ),
    ],
)
def test_answers_that_cannot_be_true_are_field_errors(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    user = UserFactory.create()
    body = {**_json(complete_answers()), **overrides}
    response = _client(user).post(COLLECTION, body, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Referral.objects.filter(status=ReferralStatus.SUBMITTED).exists()
