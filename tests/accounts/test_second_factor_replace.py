"""A user who lost their authenticator app sets up a new one themselves (ASVS 5.0 V6.5): signed
in with a recovery code they are told how many are left and offered a new app; a code from the
new app replaces the old app in one transaction with a new set of recovery codes. Only a
session verified in this sign-in may do it, never the password alone; every step is audited
and the throttling is the set-up page's."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from msht.accounts.models import RecoveryCode, User
from msht.accounts.second_factor import (
    ALREADY_SET_UP,
    APP,
    NOT_SET_UP,
    NOT_VERIFIED,
    RECOVERY_CODE,
    RECOVERY_CODES_ISSUED,
    REPLACED,
    VERIFIED_WITH,
    WRONG_CODE,
    CodeCheck,
    recovery_code_normalised,
    recovery_codes_left,
    second_factor_enrolment_confirm,
    second_factor_replace,
    second_factor_replacement_start,
)
from msht.accounts.views import CODE_WRONG
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import MshtError
from tests.accounts.factories import (
    ConfirmedTotpDeviceFactory,
    DecisionMakerFactory,
    UserFactory,
    sign_in_verified,
    totp_code,
)

pytestmark = pytest.mark.django_db

HOME = "/"
CASES = "/cases/"
SIGN_OUT = "/sign-out/"
VERIFY = "/second-factor/"
ENROL = "/second-factor/set-up/"
REPLACE = "/second-factor/new-app/"
CODE_USED = "/second-factor/recovery-code-used/"
RECOVERY_CODES = "/second-factor/recovery-codes/"
CODE_ON_PAGE = re.compile(r'<code class="msht-recovery-code">([0-9a-z-]+)</code>')
SECRET_ON_PAGE = re.compile(r'data-testid="totp-secret">([A-Z2-7 ]+)<')


def _password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _enrolled(user: User) -> list[str]:
    """Set up an app through the pages, as the user would; the recovery codes shown once."""
    client = _password_only(user)
    client.get(ENROL)
    page = client.post(ENROL, {"code": totp_code(TOTPDevice.objects.get(user=user))})
    return CODE_ON_PAGE.findall(page.content.decode())


def _new_app(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def _events(event_type: AuditEventType, second_factor: str) -> list[AuditEvent]:
    return [
        event
        for event in AuditEvent.objects.filter(event_type=event_type).order_by("sequence")
        if event.details.get("second_factor") == second_factor
    ]


def _request(user: User, *, verified: bool) -> HttpRequest:
    """A request of ``user``'s whose session is (or is not) verified, as django-otp's
    middleware leaves it."""
    request = RequestFactory().post(REPLACE)
    request.session = SessionStore()
    request.user = user
    user.is_verified = lambda: verified  # type: ignore[attr-defined]
    return request


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def test_a_user_who_lost_their_app_signs_in_with_a_recovery_code_and_sets_up_a_new_one() -> None:
    user = DecisionMakerFactory.create()
    old_codes = _enrolled(user)
    old_app = TOTPDevice.objects.get(user=user)
    client = _password_only(user)

    signed_in = client.post(VERIFY, {"code": old_codes[0], "next": CASES})

    told_at = f"{CODE_USED}?next={quote(CASES, safe='')}"
    assert signed_in["Location"] == told_at
    told = client.get(told_at).content.decode()
    assert "You have 9 recovery codes left" in told
    assert f'href="{REPLACE}?next=%2Fcases%2F"' in told
    assert f'href="{CASES}"' in told

    form = client.get(f"{REPLACE}?next={quote(CASES, safe='')}")
    assert form.status_code == 200
    new_app = _new_app(user)
    page = form.content.decode()
    assert SECRET_ON_PAGE.findall(page) != []
    assert "your old app and all your recovery codes stop working" in page
    # The old app still works until the new one is confirmed.
    assert TOTPDevice.objects.get(user=user, confirmed=True) == old_app

    done = client.post(REPLACE, {"code": totp_code(new_app), "next": CASES})

    assert done.status_code == 200
    page = done.content.decode()
    assert "Your new authenticator app is set up" in page
    assert "Your previous authenticator app and your previous recovery codes no longer" in page
    new_codes = CODE_ON_PAGE.findall(page)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert f'href="{CASES}"' in page
    assert list(TOTPDevice.objects.filter(user=user)) == [new_app]
    assert TOTPDevice.objects.get(user=user).confirmed
    assert recovery_codes_left(user) == 10
    # This session goes on, verified with the new app under a new session key.
    assert client.get(CASES).status_code == 200
    assert client.session[VERIFIED_WITH] == APP

    [replaced] = _events(AuditEventType.RECORD_CHANGED, REPLACED)
    assert replaced.actor_id == user.pk
    assert replaced.details == {
        "second_factor": REPLACED,
        "device": new_app.pk,
        "device_replaced": old_app.pk,
        "devices_removed": 1,
        "verified_with": RECOVERY_CODE,
        "ip": "127.0.0.1",
    }
    issued = _events(AuditEventType.RECORD_CREATED, RECOVERY_CODES_ISSUED)
    assert [event.details["codes_replaced"] for event in issued] == [0, 10]
    every_detail = str([event.details for event in AuditEvent.objects.all()])
    assert not any(code in every_detail for code in old_codes + new_codes)

    # Next sign-in: the old recovery codes are refused, the new app and new codes work.
    refused = _password_only(user).post(VERIFY, {"code": old_codes[1]})
    assert CODE_WRONG in refused.content.decode()
    new_app.refresh_from_db()
    new_app.throttle_reset()  # the wrong code's one-second wait
    assert _password_only(user).post(VERIFY, {"code": totp_code(new_app)})["Location"] == HOME
    assert _password_only(user).post(VERIFY, {"code": new_codes[0]}).status_code == 302


def test_replacing_needs_a_session_verified_in_this_sign_in_never_only_the_password() -> None:
    user = DecisionMakerFactory.create()
    codes = _enrolled(user)
    earlier = _password_only(user)
    earlier.post(VERIFY, {"code": codes[0]})
    earlier.post(SIGN_OUT)

    password_only = _password_only(user)

    assert password_only.get(REPLACE)["Location"] == f"{VERIFY}?next={quote(REPLACE, safe='')}"
    assert password_only.post(REPLACE, {"code": "123456"})["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    # The service refuses too: an unverified session, or a verified one of someone else's.
    second_factor_replacement_start(user)
    right = totp_code(_new_app(user))
    with pytest.raises(MshtError, match=re.escape(NOT_VERIFIED)):
        second_factor_replace(_request(user, verified=False), user, code=right)
    someone_else = _request(DecisionMakerFactory.create(), verified=True)
    with pytest.raises(MshtError, match=re.escape(NOT_VERIFIED)):
        second_factor_replace(someone_else, user, code=right)
    assert not _new_app(user).confirmed
    assert _events(AuditEventType.RECORD_CHANGED, REPLACED) == []


def test_a_wrong_code_from_the_new_app_keeps_the_old_one_and_is_throttled(
    clock: time_machine.Traveller,
) -> None:
    user = DecisionMakerFactory.create()
    old_app = ConfirmedTotpDeviceFactory.create(user=user)
    client = sign_in_verified(Client(), user)
    client.get(REPLACE)
    new_app = _new_app(user)

    wrong = client.post(REPLACE, {"code": "000000" if totp_code(new_app) != "000000" else "111111"})

    assert wrong.status_code == 200
    assert CODE_WRONG in wrong.content.decode()
    locked = client.post(REPLACE, {"code": totp_code(new_app)})
    assert "You entered a wrong code 1 times in a row. Wait 1 seconds" in locked.content.decode()
    assert TOTPDevice.objects.get(user=user, confirmed=True) == old_app
    refusals = [
        event.details
        for event in AuditEvent.objects.filter(event_type=AuditEventType.SIGN_IN_FAILED)
        if event.details["way_in"] == "replace"
    ]
    assert [(details["second_factor"], details["device"]) for details in refusals] == [
        (WRONG_CODE, new_app.pk),
        ("throttled", new_app.pk),
    ]

    clock.shift(timedelta(seconds=2))
    assert client.post(REPLACE, {"code": totp_code(new_app)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=user)) == [new_app]


def test_other_sessions_verified_with_the_old_app_are_verified_no_longer() -> None:
    user = DecisionMakerFactory.create()
    elsewhere = sign_in_verified(Client(), user)
    here = sign_in_verified(Client(), user)
    assert elsewhere.get(CASES).status_code == 200
    here.get(REPLACE)

    here.post(REPLACE, {"code": totp_code(_new_app(user))})

    assert here.get(CASES).status_code == 200
    assert elsewhere.get(CASES)["Location"].startswith(VERIFY)


def test_a_session_verified_with_the_app_may_move_to_a_new_app_too() -> None:
    user = DecisionMakerFactory.create()
    _enrolled(user)
    client = _password_only(user)
    app = TOTPDevice.objects.get(user=user)

    assert client.post(VERIFY, {"code": totp_code(app), "next": CASES})["Location"] == CASES
    # Nothing to tell a session that came in with the app.
    assert client.get(f"{CODE_USED}?next={CASES}")["Location"] == CASES
    client.get(REPLACE)
    client.post(REPLACE, {"code": totp_code(_new_app(user))})

    [replaced] = _events(AuditEventType.RECORD_CHANGED, REPLACED)
    assert replaced.details["verified_with"] == APP


def _all_spent_but(user: User, code: str) -> None:
    """Spend every recovery code of the user's but ``code``, as nine earlier sign-ins would."""
    RecoveryCode.objects.filter(user=user).exclude(
        code_hash=hashlib.sha256(recovery_code_normalised(code).encode()).hexdigest()
    ).update(used_at=timezone.now())


def test_the_last_recovery_code_signs_in_and_asks_for_a_new_app_or_new_codes() -> None:
    user = DecisionMakerFactory.create()
    codes = _enrolled(user)
    _all_spent_but(user, codes[4])
    client = _password_only(user)

    signed_in = client.post(VERIFY, {"code": codes[4], "next": CASES})

    assert signed_in["Location"] == f"{CODE_USED}?next=%2Fcases%2F"
    assert client.get(CASES).status_code == 200  # signed in: the last code works
    told = client.get(signed_in["Location"]).content.decode()
    assert "You have used your last recovery code" in told
    assert "Set up a new authenticator app before you sign out" in told
    assert f'href="{REPLACE}?next=%2Fcases%2F"' in told
    assert f'action="{RECOVERY_CODES}"' in told
    assert "Continue without a new app or recovery codes" in told
    [signed_in_event] = _events(AuditEventType.SIGNED_IN, RECOVERY_CODE)
    assert signed_in_event.details["recovery_codes_left"] == 0
    assert recovery_codes_left(user) == 0

    # "I still have my app": a new set, from this session, then on to ``next``.
    renewed = client.post(RECOVERY_CODES, {"next": CASES}).content.decode()
    assert len(CODE_ON_PAGE.findall(renewed)) == 10
    assert f'href="{CASES}"' in renewed
    assert recovery_codes_left(user) == 10


def test_after_the_last_recovery_code_a_new_app_brings_new_codes() -> None:
    user = DecisionMakerFactory.create()
    codes = _enrolled(user)
    _all_spent_but(user, codes[9])
    client = _password_only(user)
    client.post(VERIFY, {"code": codes[9]})
    client.get(REPLACE)

    done = client.post(REPLACE, {"code": totp_code(_new_app(user))})

    assert len(CODE_ON_PAGE.findall(done.content.decode())) == 10
    assert recovery_codes_left(user) == 10
    [replaced] = _events(AuditEventType.RECORD_CHANGED, REPLACED)
    assert replaced.details["verified_with"] == RECOVERY_CODE


def test_the_home_and_recovery_codes_pages_offer_a_new_app() -> None:
    user = UserFactory.create()
    client = sign_in_verified(Client(), user)

    assert f'href="{REPLACE}"' in client.get(HOME).content.decode()
    assert f'href="{REPLACE}"' in client.get(RECOVERY_CODES).content.decode()


def test_without_an_app_there_is_nothing_to_replace() -> None:
    user = UserFactory.create()
    client = _password_only(user)

    assert client.get(REPLACE)["Location"] == ENROL
    assert client.post(REPLACE, {"code": "123456"})["Location"] == ENROL
    with pytest.raises(MshtError, match=re.escape(NOT_SET_UP)):
        second_factor_replacement_start(user)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_the_set_up_page_never_adds_a_second_app_beside_the_first() -> None:
    user = DecisionMakerFactory.create()
    first = ConfirmedTotpDeviceFactory.create(user=user)
    pending = second_factor_replacement_start(user)
    assert second_factor_replacement_start(user) == pending  # the same key on every visit

    with pytest.raises(MshtError, match=re.escape(ALREADY_SET_UP)):
        second_factor_enrolment_confirm(
            _request(user, verified=False), user, code=totp_code(pending)
        )

    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [first]


def test_a_right_code_replaces_in_the_service_and_reports_the_codes() -> None:
    user = DecisionMakerFactory.create()
    ConfirmedTotpDeviceFactory.create(user=user)
    new_app = second_factor_replacement_start(user)
    request = _request(user, verified=True)

    result = second_factor_replace(request, user, code=totp_code(new_app))

    assert result.check is CodeCheck.ACCEPTED
    assert len(result.recovery_codes) == 10
    assert request.session[VERIFIED_WITH] == APP
    [replaced] = _events(AuditEventType.RECORD_CHANGED, REPLACED)
    # A session marked verified without saying how counts as the app.
    assert replaced.details["verified_with"] == APP
