"""Idempotency keys on POST /api/referrals/: a retry with the same key stores nothing twice."""

from __future__ import annotations

import datetime as dt
import json
import threading
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from msht.accounts.models import User
from msht.audit.models import AuditEvent, AuditEventType
from msht.referrals import idempotency
from msht.referrals.idempotency import (
    KEY_EMPTY,
    KEY_HEADER,
    KEY_NOT_PRINTABLE,
    KEY_REUSED,
    KEY_TOO_LONG,
    REPLAYED_HEADER,
    idempotency_keys_purge,
    referral_create_keyed,
    request_digest,
)
from msht.referrals.models import Referral, ReferralIdempotencyKey
from msht.referrals.services import NARRATIVE_MISSING, referral_submit
from tests.accounts.factories import UserFactory
from tests.referrals.factories import complete_answers
from tests.referrals.test_api import COLLECTION, _client, _json

pytestmark = pytest.mark.django_db

KEY = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"


def _body(**overrides: object) -> dict[str, Any]:
    return _json(complete_answers(**overrides))


def _post(client: APIClient, body: object, key: str | None = KEY) -> Any:
    headers: dict[str, Any] = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(COLLECTION, body, format="json", **headers)


def test_first_request_with_a_key_creates_the_referral_and_stores_its_answer() -> None:
    user = UserFactory.create()
    response = _post(_client(user), _body())
    assert response.status_code == 201, response.json()
    assert REPLAYED_HEADER not in response
    referral = Referral.objects.get()
    assert response.json()["reference"] == referral.reference
    stored = ReferralIdempotencyKey.objects.get()
    assert (stored.user, stored.key, stored.referral) == (user, KEY, referral)
    assert stored.response_status == 201
    assert json.loads(stored.response_body) == response.json()
    assert stored.request_sha256 == request_digest(_body())


def test_repeat_with_the_same_key_and_body_answers_the_same_and_creates_nothing() -> None:
    user = UserFactory.create()
    client = _client(user)
    first = _post(client, _body())
    created_events = AuditEvent.objects.count()
    again = _post(client, _body())
    assert again.status_code == first.status_code == 201
    assert again.content == first.content
    assert again[REPLAYED_HEADER] == "true"
    assert Referral.objects.count() == 1
    assert ReferralIdempotencyKey.objects.count() == 1
    # The replay shows the person's answers again: one read, audited; nothing written.
    assert AuditEvent.objects.count() == created_events + 1
    replay = AuditEvent.objects.order_by("sequence").last()
    assert replay is not None
    assert replay.event_type == AuditEventType.RECORD_VIEWED
    assert replay.actor_id == user.pk
    assert replay.object_type == "referrals.personrecord"
    assert replay.details == {"via": "idempotent replay", "referral": first.json()["reference"]}


def test_first_submission_is_audited_as_a_created_record() -> None:
    user = UserFactory.create()
    reference = _post(_client(user), _body()).json()["reference"]
    referral = Referral.objects.get(reference=reference)
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_CREATED,
        object_type="referrals.referral",
        object_id=str(referral.pk),
        actor_id=user.pk,
    ).exists()


def test_the_same_body_with_other_spacing_and_key_order_is_a_repeat() -> None:
    client = _client(UserFactory.create())
    body = _body()
    first = _post(client, body)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=4)
    again = client.post(
        COLLECTION, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert again.status_code == 201
    assert again[REPLAYED_HEADER] == "true"
    assert again.json() == first.json()
    assert Referral.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused() -> None:
    client = _client(UserFactory.create())
    _post(client, _body())
    response = _post(client, _body(family_name="Ionescu"))
    assert response.status_code == 422
    assert response.json() == {KEY_HEADER: [KEY_REUSED]}
    assert REPLAYED_HEADER not in response
    assert Referral.objects.count() == 1
    assert Referral.objects.get().person_record.family_name == "Popescu"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", KEY_EMPTY),
        ("k" * 256, KEY_TOO_LONG),
        ("tab\tinside", KEY_NOT_PRINTABLE),
        ("caf\u00e9", KEY_NOT_PRINTABLE),
        ("bell\x07", KEY_NOT_PRINTABLE),
    ],
    ids=["empty", "256-characters", "tab", "not-ascii", "control"],
)
def test_a_key_that_is_not_1_to_255_printable_ascii_characters_is_a_400(
    key: str, problem: str
) -> None:
    response = _post(_client(UserFactory.create()), _body(), key=key)
    assert response.status_code == 400
    assert response.json() == {KEY_HEADER: [problem]}
    assert not Referral.objects.exists()
    assert not ReferralIdempotencyKey.objects.exists()


PRINTABLE = "".join(chr(code) for code in range(0x20, 0x7F))


@pytest.mark.parametrize("key", ["k" * 255, "~", PRINTABLE], ids=["255", "tilde", "every"])
def test_keys_of_every_printable_ascii_character_up_to_255_are_taken(key: str) -> None:
    response = _post(_client(UserFactory.create()), _body(), key=key)
    assert response.status_code == 201
    assert ReferralIdempotencyKey.objects.get().key == key


def test_another_users_same_key_is_their_own() -> None:
    first = _post(_client(UserFactory.create()), _body())
    other = _post(_client(UserFactory.create()), _body())
    assert other.status_code == 201
    assert REPLAYED_HEADER not in other
    assert other.json()["reference"] != first.json()["reference"]
    assert Referral.objects.count() == 2
    assert ReferralIdempotencyKey.objects.filter(key=KEY).count() == 2


def test_a_refused_request_stores_no_key_so_the_corrected_one_can_use_it() -> None:
    client = _client(UserFactory.create())
    refused = _post(client, _body(narrative=""))
    assert refused.status_code == 400
    assert refused.json()["narrative"] == [NARRATIVE_MISSING]
    assert not ReferralIdempotencyKey.objects.exists()
    corrected = _post(client, _body())
    assert corrected.status_code == 201
    assert REPLAYED_HEADER not in corrected
    assert Referral.objects.filter(status="submitted").count() == 1


def test_a_draft_is_kept_once_per_key_too() -> None:
    client = _client(UserFactory.create())
    first = _post(client, {"family_name": "Popescu", "submit": False})
    again = _post(client, {"family_name": "Popescu", "submit": False})
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert Referral.objects.count() == 1


def test_without_a_key_every_request_creates_a_referral_as_before() -> None:
    client = _client(UserFactory.create())
    first = _post(client, _body(), key=None)
    second = _post(client, _body(), key=None)
    assert first.status_code == second.status_code == 201
    assert REPLAYED_HEADER not in second
    assert first.json()["reference"] != second.json()["reference"]
    assert Referral.objects.count() == 2
    assert not ReferralIdempotencyKey.objects.exists()


def test_a_replay_answers_404_once_the_referral_is_not_the_users_to_see() -> None:
    user = UserFactory.create()
    client = _client(user)
    _post(client, _body())
    # The user has moved to another organisation: the stored answer is no longer theirs to see.
    user.organisation = UserFactory.create().organisation
    user.save()
    response = _post(client, _body())
    assert response.status_code == 404
    assert Referral.objects.count() == 1


def test_the_unique_constraint_refuses_a_second_row_for_one_users_key() -> None:
    user = UserFactory.create()
    ReferralIdempotencyKey.objects.create(user=user, key=KEY, request_sha256="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralIdempotencyKey.objects.create(user=user, key=KEY, request_sha256="1" * 64)


def test_a_request_that_loses_the_race_for_its_key_replays_the_winners_answer() -> None:
    """The key is claimed by an insert, not a lookup: when another request with the key has
    committed first, the insert fails on the constraint and the winner's answer is replayed."""
    user = UserFactory.create()
    winner = referral_submit(user, answers=complete_answers())
    ReferralIdempotencyKey.objects.create(
        user=user,
        key=KEY,
        request_sha256=request_digest(_body()),
        referral=winner,
        response_status=201,
        response_body=json.dumps({"reference": winner.reference}),
    )

    def create() -> tuple[Referral, int, dict[str, Any]]:
        raise AssertionError("a second referral must not be created")

    answer = referral_create_keyed(user, key=KEY, body=_body(), create=create)
    assert answer.replayed
    assert (answer.status, answer.body) == (201, {"reference": winner.reference})
    assert Referral.objects.count() == 1


def _post_in_thread(user_pk: int, results: list[Any], started: threading.Event) -> None:
    try:
        user = User.objects.get(pk=user_pk)
        client = _client(user)
        started.set()
        results.append(_post(client, _body()))
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_arriving_while_the_first_is_in_flight_creates_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are only real on PostgreSQL; SQLite serialises them")
    user = UserFactory.create()
    claimed, release = threading.Event(), threading.Event()
    real_claim = idempotency._claim

    def slow_claim(*args: Any) -> tuple[ReferralIdempotencyKey, bool]:
        row, owned = real_claim(*args)
        if owned and not claimed.is_set():
            # The first request holds its uncommitted key while the second one arrives.
            claimed.set()
            release.wait(timeout=30)
        return row, owned

    monkeypatch.setattr(idempotency, "_claim", slow_claim)
    results: list[Any] = []
    first = threading.Thread(target=_post_in_thread, args=(user.pk, results, threading.Event()))
    first.start()
    assert claimed.wait(timeout=30)
    second_started = threading.Event()
    second = threading.Thread(target=_post_in_thread, args=(user.pk, results, second_started))
    second.start()
    assert second_started.wait(timeout=30)
    second.join(timeout=1)
    assert second.is_alive(), "the second request must wait for the first one's key"
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)

    assert [response.status_code for response in results] == [201, 201]
    assert [REPLAYED_HEADER in response for response in results] == [False, True]
    assert results[0].content == results[1].content
    assert Referral.objects.count() == 1
    assert ReferralIdempotencyKey.objects.count() == 1


def test_keys_expire_after_24_hours_and_the_purge_leaves_referrals_alone() -> None:
    user = UserFactory.create()
    client = _client(user)
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _post(client, _body())
    with time_machine.travel(start + dt.timedelta(hours=23, minutes=59), tick=False):
        assert idempotency_keys_purge() == 0
        assert _post(client, _body())[REPLAYED_HEADER] == "true"
    with time_machine.travel(start + dt.timedelta(hours=24, seconds=1), tick=False):
        out = StringIO()
        call_command("idempotency-keys", "purge", stdout=out)
    assert out.getvalue().strip() == "idempotency keys deleted: 1"
    assert not ReferralIdempotencyKey.objects.exists()
    assert Referral.objects.count() == 1
    erased = AuditEvent.objects.get(event_type=AuditEventType.RECORD_ERASED)
    assert erased.object_type == "referrals.referralidempotencykey"
    assert erased.details["deleted"] == 1


def test_an_expired_key_not_yet_purged_is_a_new_key() -> None:
    client = _client(UserFactory.create())
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        first = _post(client, _body())
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        again = _post(client, _body())
    assert REPLAYED_HEADER not in again
    assert again.json()["reference"] != first.json()["reference"]
    assert Referral.objects.count() == 2
    assert ReferralIdempotencyKey.objects.count() == 1


def test_the_schema_documents_the_key_header_and_the_refusal() -> None:
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    operation = schema["paths"][COLLECTION]["post"]
    [parameter] = [p for p in operation["parameters"] if p["name"] == KEY_HEADER]
    assert parameter["in"] == "header"
    assert parameter.get("required", False) is False
    assert parameter["schema"]["pattern"] == "^[ -~]{1,255}$"
    assert {"201", "400", "422"} <= set(operation["responses"])
