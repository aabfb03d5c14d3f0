"""The second factor (ASVS 5.0 V6.5, issue 10): TOTP authenticator apps with django-otp.

Administrators and decision makers reach nothing but setting up the app, entering a code and
signing out until their session is verified; other roles are asked, not blocked. Wrong,
replayed and too-frequent codes are refused; every enrolment, code and reset is audited; an
API token is no way around the second factor.
"""

from __future__ import annotations

import re
from base64 import b32decode
from binascii import hexlify
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from msht.accounts.api_authentication import SECOND_FACTOR_MISSING
from msht.accounts.management.commands import token as token_command
from msht.accounts.middleware import SECOND_FACTOR_NEEDED
from msht.accounts.models import Role, User
from msht.accounts.second_factor import (
    ALREADY_SET_UP,
    ENROLLED,
    RESET,
    SECOND_FACTOR_ROLES,
    THROTTLED,
    VERIFIED,
    WRONG_CODE,
    CodeCheck,
    confirmed_device,
    second_factor_check_code,
    second_factor_enrolment_start,
    second_factor_needed,
    secret_for_display,
)
from msht.accounts.services import demo_users_ensure
from msht.accounts.views import CODE_FORMAT, CODE_MISSING, CODE_WRONG
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

PASSWORD = "a long demo passphrase"  # the factories' password
HOME = "/"
SIGN_IN = "/sign-in/"
SIGN_OUT = "/sign-out/"
VERIFY = "/second-factor/"
ENROL = "/second-factor/set-up/"
API = "/api/schema/"
ENFORCED = sorted(SECOND_FACTOR_ROLES)
NOT_ENFORCED = sorted(set(Role) - SECOND_FACTOR_ROLES)
# A page of each enforced role's own work: without the code they must not reach it.
OWN_WORK = {Role.DECISION_MAKER: "/cases/", Role.ADMINISTRATOR: "/ingest/"}


def _user(role: Role) -> User:
    if role == Role.DECISION_MAKER:
        return DecisionMakerFactory.create()
    return UserFactory.create(role=role)


def _password_only(user: User) -> Client:
    """A session that has passed the password step only (no code entered)."""
    client = Client()
    client.force_login(user)
    return client


def _second_factor_events(event_type: AuditEventType) -> list[AuditEvent]:
    return [
        event
        for event in AuditEvent.objects.filter(event_type=event_type)
        if "second_factor" in event.details
    ]


def _secret_on_page(html: str) -> str:
    match = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html)
    assert match is not None, "the secret key is not on the page"
    return match.group(1)


# Enforcement per role.


@pytest.mark.parametrize("role", ENFORCED)
def test_administrators_and_decision_makers_must_set_up_an_app_before_anything_else(
    role: Role,
) -> None:
    client = _password_only(_user(role))

    for path in (HOME, OWN_WORK[role]):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{ENROL}?next={path.replace('/', '%2F')}"
    api = client.get(API)
    assert api.status_code == 403
    assert api.json() == {"detail": SECOND_FACTOR_NEEDED}
    assert client.get(ENROL).status_code == 200


@pytest.mark.parametrize("role", ENFORCED)
def test_administrators_and_decision_makers_with_an_app_must_enter_a_code(role: Role) -> None:
    user = _user(role)
    ConfirmedTotpDeviceFactory.create(user=user)
    client = _password_only(user)

    response = client.get(OWN_WORK[role])
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")
    assert client.get(API).status_code == 403
    assert client.get(VERIFY).status_code == 200


@pytest.mark.parametrize("role", ENFORCED)
def test_a_verified_session_reaches_its_pages(role: Role) -> None:
    client = sign_in_verified(Client(), _user(role))

    assert client.get(HOME).status_code == 200
    assert client.get(OWN_WORK[role]).status_code == 200
    assert client.get(API, {"format": "json"}).status_code == 200


@pytest.mark.parametrize("role", NOT_ENFORCED)
def test_other_roles_are_asked_to_set_up_an_app_but_not_blocked(role: Role) -> None:
    client = _password_only(_user(role))

    response = client.get(HOME)
    assert response.status_code == 200
    assert f'href="{ENROL}"' in response.content.decode()
    assert client.get(API, {"format": "json"}).status_code == 200


def test_anyone_who_has_set_up_an_app_enters_a_code() -> None:
    user = UserFactory.create(role=Role.FIRST_RESPONDER)
    ConfirmedTotpDeviceFactory.create(user=user)
    client = _password_only(user)

    assert client.get(HOME)["Location"] == f"{VERIFY}?next=%2F"
    device = TOTPDevice.objects.get(user=user)
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    response = client.get(HOME)
    assert response.status_code == 200
    assert f'href="{ENROL}"' not in response.content.decode()


def test_signing_out_needs_no_code() -> None:
    client = _password_only(DecisionMakerFactory.create())

    assert client.post(SIGN_OUT).status_code == 302
    assert client.get(HOME)["Location"].startswith(SIGN_IN)


def test_an_unverified_session_that_is_not_an_api_call_is_never_answered_with_data() -> None:
    client = _password_only(AdministratorFactory.create())
    assert client.post("/ingest/").status_code == 302


# Enrolment.


def test_enrolment_shows_the_key_as_a_qr_code_and_as_text_then_confirms_it() -> None:
    user = DecisionMakerFactory.create()
    client = _password_only(user)

    page = client.get(ENROL, {"next": "/cases/"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert "<title>QR code of your secret key, for your authenticator app</title>" in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = _secret_on_page(html).replace(" ", "")
    padded = secret + "=" * (-len(secret) % 8)
    assert hexlify(b32decode(padded)).decode() == device.key
    # The page reads the same key on every visit until it is confirmed.
    assert _secret_on_page(client.get(ENROL).content.decode()).replace(" ", "") == secret

    wrong = client.post(ENROL, {"code": "000000", "next": "/cases/"})
    assert wrong.status_code == 200
    assert CODE_WRONG in wrong.content.decode()
    device.throttle_reset()

    right = client.post(ENROL, {"code": totp_code(device), "next": "/cases/"})
    # Confirming shows the recovery codes once, then the user continues to ``next``.
    assert right.status_code == 200
    assert "Save your recovery codes" in right.content.decode()
    assert 'href="/cases/"' in right.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200
    [enrolled, _codes_issued] = _second_factor_events(AuditEventType.RECORD_CREATED)
    assert enrolled.details["second_factor"] == ENROLLED
    assert enrolled.actor_id == user.pk
    assert enrolled.object_id == str(device.pk)
    [verified] = _second_factor_events(AuditEventType.SIGNED_IN)
    assert verified.details["second_factor"] == VERIFIED


def test_the_set_up_page_never_replaces_a_confirmed_app() -> None:
    user = DecisionMakerFactory.create()
    ConfirmedTotpDeviceFactory.create(user=user)
    client = sign_in_verified(Client(), user)

    assert client.get(ENROL)["Location"] == HOME
    assert client.post(ENROL, {"code": "123456"})["Location"] == HOME
    with pytest.raises(MshtError, match=re.escape(ALREADY_SET_UP)):
        second_factor_enrolment_start(user)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_code_sent_before_the_set_up_page_was_shown_is_refused() -> None:
    user = DecisionMakerFactory.create()
    client = _password_only(user)

    response = client.post(ENROL, {"code": "123456"})

    assert response.status_code == 200
    assert CODE_WRONG in response.content.decode()
    assert not TOTPDevice.objects.get(user=user).confirmed


def test_nobody_signed_out_needs_or_has_a_second_factor() -> None:
    assert confirmed_device(AnonymousUser()) is None
    assert not second_factor_needed(AnonymousUser())


# Verification after the password.


def test_sign_in_asks_for_the_code_after_the_password_then_opens_a_new_session() -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)
    client = Client()

    signed_in = client.post(SIGN_IN, {"username": user.username, "password": PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1] == (f"{VERIFY}?next=%2F", 302)
    assert "Enter the 6-digit code from your authenticator app" in signed_in.content.decode()
    password_session = client.session.session_key

    response = client.post(VERIFY, {"code": totp_code(device), "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.session_key != password_session
    assert client.get(HOME).status_code == 200
    [event] = _second_factor_events(AuditEventType.SIGNED_IN)
    assert event.actor_id == user.pk
    assert event.details["device"] == device.pk


def test_a_wrong_code_is_refused_and_audited() -> None:
    user = DecisionMakerFactory.create()
    ConfirmedTotpDeviceFactory.create(user=user)
    client = _password_only(user)

    response = client.post(VERIFY, {"code": "000000"})

    assert response.status_code == 200
    assert CODE_WRONG in response.content.decode()
    assert client.get(HOME).status_code == 302
    [event] = _second_factor_events(AuditEventType.SIGN_IN_FAILED)
    assert event.details["username"] == user.username
    assert event.details["second_factor"] == WRONG_CODE
    assert event.details["failures"] == 1
    assert "000000" not in str(event.details)


@pytest.mark.parametrize(("code", "message"), [("", CODE_MISSING), ("12a456", CODE_FORMAT)])
def test_a_missing_or_malformed_code_is_explained_without_counting_a_failure(
    code: str, message: str
) -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)

    response = _password_only(user).post(VERIFY, {"code": code})

    assert message in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_with_spaces_is_accepted() -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)
    code = totp_code(device)
    client = _password_only(user)

    assert client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"}).status_code == 302


def test_a_code_used_once_is_refused_the_second_time() -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)
    code = totp_code(device)
    first, second = _password_only(user), _password_only(user)

    assert first.post(VERIFY, {"code": code}).status_code == 302
    replayed = second.post(VERIFY, {"code": code})

    assert replayed.status_code == 200
    assert CODE_WRONG in replayed.content.decode()
    assert second.get(HOME).status_code == 302


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def test_repeated_wrong_codes_lock_the_app_out_for_longer_each_time(
    clock: time_machine.Traveller,
) -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)
    client = _password_only(user)
    for failures in range(1, 6):
        client.post(VERIFY, {"code": "000000"})
        device.refresh_from_db()
        assert device.throttling_failure_count == failures
        clock.shift(timedelta(seconds=2 ** (failures - 1)))  # django-otp's wait: 1, 2, 4, 8 s
    client.post(VERIFY, {"code": "000000"})  # the sixth: now 32 seconds

    locked = client.post(VERIFY, {"code": totp_code(device)})

    assert locked.status_code == 200
    assert "You entered a wrong code 6 times in a row. Wait 32 seconds" in locked.content.decode()
    assert client.get(HOME).status_code == 302
    throttled = [
        event
        for event in _second_factor_events(AuditEventType.SIGN_IN_FAILED)
        if event.details["second_factor"] == THROTTLED
    ]
    assert len(throttled) == 1
    clock.shift(timedelta(seconds=33))
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_verify_page_sends_elsewhere_when_there_is_nothing_to_verify() -> None:
    enforced_without_app = _password_only(DecisionMakerFactory.create())
    assert enforced_without_app.get(VERIFY)["Location"] == ENROL
    assert enforced_without_app.post(VERIFY, {"code": "123456"})["Location"] == ENROL

    other_without_app = _password_only(UserFactory.create())
    assert other_without_app.get(VERIFY, {"next": "/referrals/"})["Location"] == "/referrals/"

    verified = sign_in_verified(Client(), DecisionMakerFactory.create())
    assert verified.get(VERIFY)["Location"] == HOME


def test_next_may_only_name_a_page_of_this_site() -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)
    client = _password_only(user)

    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://example.com/"})

    assert response["Location"] == HOME


def test_a_session_is_no_longer_verified_once_its_app_is_gone() -> None:
    user = DecisionMakerFactory.create()
    client = sign_in_verified(Client(), user)
    assert client.get(HOME).status_code == 200

    TOTPDevice.objects.filter(user=user).delete()

    assert client.get(HOME)["Location"] == f"{ENROL}?next=%2F"


# The API: a token is no way around the second factor.


def _token_client(user: User) -> Client:
    token = Token.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.mark.parametrize("role", ENFORCED)
def test_api_token_of_an_administrator_or_decision_maker_without_an_app_is_refused(
    role: Role,
) -> None:
    user = _user(role)
    client = _token_client(user)

    refused = client.get(API, {"format": "json"})
    assert refused.status_code == 401
    assert refused.json() == {"detail": SECOND_FACTOR_MISSING}

    ConfirmedTotpDeviceFactory.create(user=user)
    assert client.get(API, {"format": "json"}).status_code == 200


def test_api_token_of_other_roles_works_without_an_app() -> None:
    assert _token_client(UserFactory.create()).get(API, {"format": "json"}).status_code == 200


def test_token_command_issues_an_enforced_roles_token_only_with_a_right_code() -> None:
    user = DecisionMakerFactory.create()

    with pytest.raises(CommandError, match="has no authenticator app yet"):
        call_command("token", user.username, stdout=StringIO())
    device = ConfirmedTotpDeviceFactory.create(user=user)
    with pytest.raises(CommandError, match="with --code"):
        call_command("token", user.username, stdout=StringIO())
    with pytest.raises(CommandError, match=re.escape(token_command.CODE_REFUSED)):
        call_command("token", user.username, "--code", "000000", stdout=StringIO())
    assert not Token.objects.filter(user=user).exists()
    device.throttle_reset()

    code = totp_code(device)
    out = StringIO()
    call_command("token", user.username, "--code", code, stdout=out)
    assert out.getvalue().strip() == Token.objects.get(user=user).key
    with pytest.raises(CommandError, match=re.escape(token_command.CODE_REFUSED)):
        call_command("token", user.username, "--code", code, stdout=StringIO())
    [failure, replay] = _second_factor_events(AuditEventType.SIGN_IN_FAILED)
    assert failure.details["way_in"] == replay.details["way_in"] == "api_token"


def test_token_command_is_throttled_like_the_page(clock: time_machine.Traveller) -> None:
    user = DecisionMakerFactory.create()
    device = ConfirmedTotpDeviceFactory.create(user=user)
    assert second_factor_check_code(user, code="000000").check is CodeCheck.WRONG

    with pytest.raises(CommandError, match="wait 1 seconds"):
        call_command("token", user.username, "--code", totp_code(device), stdout=StringIO())


# Reset by an administrator.


def test_an_administrator_resets_a_users_second_factor_and_token() -> None:
    administrator = AdministratorFactory.create()
    user = DecisionMakerFactory.create()
    ConfirmedTotpDeviceFactory.create(user=user)
    Token.objects.create(user=user)
    users_session = sign_in_verified(Client(), user)
    admin = sign_in_verified(Client(), administrator)
    path = f"/users/{user.username}/second-factor/reset/"

    confirm = admin.get(path)
    assert confirm.status_code == 200
    assert "Reset second factor" in confirm.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()

    done = admin.post(path)

    assert done.status_code == 200
    assert "Second factor reset" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not Token.objects.filter(user=user).exists()
    [event] = _second_factor_events(AuditEventType.RECORD_CHANGED)
    assert event.actor_id == administrator.pk
    assert event.object_id == str(user.pk)
    assert event.details == {
        "second_factor": RESET,
        "devices_removed": 1,
        "tokens_removed": 1,
        "recovery_codes_removed": 0,
    }
    assert users_session.get(HOME)["Location"] == f"{ENROL}?next=%2F"


def test_only_an_administrator_resets_and_never_their_own() -> None:
    administrator = AdministratorFactory.create()
    other = DecisionMakerFactory.create()
    ConfirmedTotpDeviceFactory.create(user=other)
    admin = sign_in_verified(Client(), administrator)
    decision_maker = sign_in_verified(Client(), DecisionMakerFactory.create())

    assert decision_maker.get(f"/users/{other.username}/second-factor/reset/").status_code == 403
    assert decision_maker.post(f"/users/{other.username}/second-factor/reset/").status_code == 403
    own = f"/users/{administrator.username}/second-factor/reset/"
    assert admin.get(own).status_code == 403
    assert admin.post(own).status_code == 403
    assert admin.get("/users/nobody/second-factor/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user__in=[administrator, other]).count() == 2
    assert _second_factor_events(AuditEventType.RECORD_CHANGED) == []


# The demo.


def test_demo_administrator_and_decision_maker_get_an_app_whose_key_is_given_once() -> None:
    users = {user.role: user for user in demo_users_ensure()}

    for role in Role:
        key = users[role].authenticator_key
        devices = TOTPDevice.objects.filter(user__username=users[role].username, confirmed=True)
        if role not in SECOND_FACTOR_ROLES:
            assert key is None
            assert not devices.exists()
            continue
        assert key is not None
        secret = key.replace(" ", "")
        device = devices.get()
        padded = secret + "=" * (-len(secret) % 8)
        assert hexlify(b32decode(padded)).decode() == device.key
    again = {user.role: user for user in demo_users_ensure()}
    assert again[Role.DECISION_MAKER].authenticator_key is None
    reset = {user.role: user for user in demo_users_ensure(reset_passwords=True)}
    assert reset[Role.DECISION_MAKER].authenticator_key not in (
        None,
        users[Role.DECISION_MAKER].authenticator_key,
    )
    assert TOTPDevice.objects.filter(user__role=Role.DECISION_MAKER).count() == 1


def test_demo_command_prints_the_authenticator_keys() -> None:
    out = StringIO()
    call_command("demo", "--no-synthetic-data", stdout=out)
    printed = out.getvalue()

    assert "Authenticator key" in printed
    devices = list(TOTPDevice.objects.select_related("user"))
    assert sorted(device.user.role for device in devices) == ENFORCED
    for device in devices:
        assert secret_for_display(device) in printed
