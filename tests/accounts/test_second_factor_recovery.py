"""Recovery codes for the second factor (ASVS 5.0 V6.5): 10 issued when an app is confirmed,
shown once, stored as SHA-256; each works once at sign-in in place of a code from the app,
under the app's throttling; a new set invalidates the old; an administrator's reset removes
them. Every step is audited, never with a code."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from msht.accounts.models import RecoveryCode, User
from msht.accounts.second_factor import (
    NOT_SET_UP,
    RECOVERY_CODE,
    RECOVERY_CODE_COUNT,
    RECOVERY_CODES_ISSUED,
    RESET,
    THROTTLED,
    VERIFIED,
    WRONG_CODE,
    looks_like_recovery_code,
    recovery_code_for_display,
    recovery_code_normalised,
    recovery_codes_left,
    second_factor_device_create,
    second_factor_recovery_codes_regenerate,
    second_factor_reset,
)
from msht.accounts.views import CODE_OR_RECOVERY_CODE_FORMAT, CODE_WRONG
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import MshtError
from tests.accounts.factories import (
    AdministratorFactory,
    ConfirmedTotpDeviceFactory,
    DecisionMakerFactory,
    UserFactory,
    sign_in_verified,
    totp_code,
)

pytestmark = pytest.mark.django_db

HOME = "/"
VERIFY = "/second-factor/"
ENROL = "/second-factor/set-up/"
RECOVERY_CODES = "/second-factor/recovery-codes/"
CODE_ON_PAGE = re.compile(r'<code class="msht-recovery-code">([0-9a-z-]+)</code>')


def _password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _events(event_type: AuditEventType, second_factor: str) -> list[AuditEvent]:
    return [
        event
        for event in AuditEvent.objects.filter(event_type=event_type).order_by("sequence")
        if event.details.get("second_factor") == second_factor
    ]


def _enrolled(user: User) -> tuple[Client, list[str]]:
    """Set up an app through the pages, as the user would: the codes shown once."""
    client = _password_only(user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    page = client.post(ENROL, {"code": totp_code(device), "next": "/cases/"})
    assert page.status_code == 200
    return client, CODE_ON_PAGE.findall(page.content.decode())


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


# Issued once, stored hashed.


def test_confirming_an_app_issues_ten_codes_shown_once_and_stored_hashed() -> None:
    user = DecisionMakerFactory.create()

    client, codes = _enrolled(user)

    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    assert all(looks_like_recovery_code(code) for code in codes)
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert stored == {
        hashlib.sha256(recovery_code_normalised(code).encode()).hexdigest() for code in codes
    }
    # Not shown again: the set-up page now sends on, and the recovery page gives only a count.
    assert client.post(ENROL, {"code": "123456"})["Location"] == HOME
    page = client.get(RECOVERY_CODES).content.decode()
    assert CODE_ON_PAGE.findall(page) == []
    assert "You have 10 unused recovery codes." in page
    [issued] = _events(AuditEventType.RECORD_CREATED, RECOVERY_CODES_ISSUED)
    assert issued.actor_id == user.pk
    assert issued.details == {
        "second_factor": RECOVERY_CODES_ISSUED,
        "codes": 10,
        "codes_replaced": 0,
    }
    assert not any(
        code in str(event.details) for event in AuditEvent.objects.all() for code in codes
    )


def test_codes_are_read_as_typed_in_any_case_with_or_without_hyphens() -> None:
    code = "0123456789abcdefghjkmnpq"

    assert recovery_code_for_display(code) == "0123-4567-89ab-cdef-ghjk-mnpq"
    assert recovery_code_normalised("O123 4567 89AB CDEF GHJK MNPQ") == code
    assert recovery_code_normalised("0l23-4567-89ab-cdef-ghjk-mnpq") == code
    assert looks_like_recovery_code("0I23-4567-89ab-cdef-ghjk-mnpq")
    assert not looks_like_recovery_code("123456")
    assert not looks_like_recovery_code("0123-4567-89ab-cdef-ghjk-mnpu")  # no u in the alphabet


# Signing in with a code.


def test_a_recovery_code_verifies_the_session_once_and_only_once() -> None:
    user = DecisionMakerFactory.create()
    _, codes = _enrolled(user)
    first, second = _password_only(user), _password_only(user)

    signed_in = first.post(VERIFY, {"code": codes[3].upper().replace("-", " "), "next": "/cases/"})

    assert signed_in.status_code == 302
    # First told how many codes are left and offered a new app, then on to ``next``.
    assert signed_in["Location"] == "/second-factor/recovery-code-used/?next=%2Fcases%2F"
    told = first.get(signed_in["Location"]).content.decode()
    assert "You have 9 recovery codes left" in told
    assert 'href="/cases/"' in told
    assert first.get("/cases/").status_code == 200
    assert recovery_codes_left(user) == 9
    assert RecoveryCode.objects.get(user=user, used_at__isnull=False)
    [event] = _events(AuditEventType.SIGNED_IN, RECOVERY_CODE)
    assert event.actor_id == user.pk
    assert event.details["recovery_codes_left"] == 9
    assert codes[3] not in str(event.details)

    replayed = second.post(VERIFY, {"code": codes[3]})

    assert replayed.status_code == 200
    assert CODE_WRONG in replayed.content.decode()
    assert second.get(HOME).status_code == 302
    [refused] = [
        event
        for event in _events(AuditEventType.SIGN_IN_FAILED, WRONG_CODE)
        if event.details["kind"] == RECOVERY_CODE
    ]
    assert refused.details["username"] == user.username


def test_another_users_recovery_code_is_refused() -> None:
    user, other = DecisionMakerFactory.create(), DecisionMakerFactory.create()
    _enrolled(user)
    _, others_codes = _enrolled(other)

    response = _password_only(user).post(VERIFY, {"code": others_codes[0]})

    assert CODE_WRONG in response.content.decode()
    assert recovery_codes_left(other) == 10


def test_a_code_that_is_neither_kind_is_explained_without_counting_a_failure() -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)

    response = _password_only(user).post(VERIFY, {"code": "abcd-efgh"})

    assert CODE_OR_RECOVERY_CODE_FORMAT in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_app_code_still_works_beside_recovery_codes() -> None:
    user = DecisionMakerFactory.create()
    _enrolled(user)
    device = TOTPDevice.objects.get(user=user)

    assert _password_only(user).post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert recovery_codes_left(user) == 10
    assert len(_events(AuditEventType.SIGNED_IN, VERIFIED)) == 2  # set-up, then this sign-in


def test_wrong_recovery_codes_throttle_both_kinds_of_code(clock: time_machine.Traveller) -> None:
    user = DecisionMakerFactory.create()
    _, codes = _enrolled(user)
    device = TOTPDevice.objects.get(user=user)
    client = _password_only(user)
    wrong = "zzzz-zzzz-zzzz-zzzz-zzzz-zzzz"

    assert client.post(VERIFY, {"code": wrong}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Within the wait neither a right recovery code nor a right app code is checked.
    for code in (codes[0], totp_code(device)):
        locked = client.post(VERIFY, {"code": code})
        assert "You entered a wrong code 1 times in a row. Wait 1 seconds" in (
            locked.content.decode()
        )
    assert recovery_codes_left(user) == 10
    throttled = _events(AuditEventType.SIGN_IN_FAILED, THROTTLED)
    assert [event.details["kind"] for event in throttled] == [RECOVERY_CODE, "app"]

    clock.shift(timedelta(seconds=2))
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_does_not_confirm_an_app_being_set_up() -> None:
    user = DecisionMakerFactory.create()
    client = _password_only(user)
    client.get(ENROL)

    response = client.post(ENROL, {"code": "0123-4567-89ab-cdef-ghjk-mnpq"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.get(user=user).confirmed


# A new set.


def test_a_new_set_replaces_the_old_one() -> None:
    user = DecisionMakerFactory.create()
    client, old = _enrolled(user)

    page = client.post(RECOVERY_CODES)

    new = CODE_ON_PAGE.findall(page.content.decode())
    assert page.status_code == 200
    assert "Your previous recovery codes no longer work." in page.content.decode()
    assert len(new) == 10
    assert not set(new) & set(old)
    assert RecoveryCode.objects.filter(user=user).count() == 10
    refused = _password_only(user).post(VERIFY, {"code": old[0]})
    assert CODE_WRONG in refused.content.decode()
    TOTPDevice.objects.get(user=user).throttle_reset()  # the wrong code's one-second wait
    assert _password_only(user).post(VERIFY, {"code": new[0]}).status_code == 302
    issued = _events(AuditEventType.RECORD_CREATED, RECOVERY_CODES_ISSUED)
    assert [event.details["codes_replaced"] for event in issued] == [0, 10]


def test_a_new_set_needs_an_app_and_a_verified_session() -> None:
    without_app = UserFactory.create()
    with pytest.raises(MshtError, match=NOT_SET_UP):
        second_factor_recovery_codes_regenerate(without_app)
    signed_in = _password_only(without_app)
    assert signed_in.get(RECOVERY_CODES)["Location"] == ENROL
    assert signed_in.post(RECOVERY_CODES)["Location"] == ENROL

    user = DecisionMakerFactory.create()
    ConfirmedTotpDeviceFactory.create(user=user)
    unverified = _password_only(user)
    assert unverified.post(RECOVERY_CODES)["Location"].startswith(f"{VERIFY}?next=")
    assert not RecoveryCode.objects.exists()


def test_the_home_page_links_to_the_recovery_codes_once_an_app_is_set_up() -> None:
    user = UserFactory.create()
    assert (
        'href="/second-factor/recovery-codes/"'
        not in _password_only(user).get(HOME).content.decode()
    )

    client = sign_in_verified(Client(), user)
    second_factor_recovery_codes_regenerate(user)

    home = client.get(HOME).content.decode()
    assert 'href="/second-factor/recovery-codes/"' in home
    assert "(10 unused)" in home


# An administrator's reset.


def test_an_administrators_reset_removes_the_recovery_codes() -> None:
    administrator = AdministratorFactory.create()
    user = DecisionMakerFactory.create()
    _, codes = _enrolled(user)

    assert second_factor_reset(administrator, user=user) == 1

    assert not RecoveryCode.objects.filter(user=user).exists()
    [event] = _events(AuditEventType.RECORD_CHANGED, RESET)
    assert event.details["recovery_codes_removed"] == 10
    client = _password_only(user)
    assert client.post(VERIFY, {"code": codes[0]})["Location"] == ENROL


def test_the_demo_gives_a_new_app_without_the_old_codes() -> None:
    user = DecisionMakerFactory.create()
    _enrolled(user)

    second_factor_device_create(user)

    assert not RecoveryCode.objects.filter(user=user).exists()
