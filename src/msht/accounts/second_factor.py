"""The second factor: a TOTP authenticator app (django-otp), ASVS 5.0 V6.5.

Every user may set one up and is asked to. Administrators and decision makers must: until
their session is verified with a code they reach only the pages to set up the app, enter a
code and sign out (``accounts.middleware.SecondFactorMiddleware``), and an API token of
theirs works only while they have a confirmed device (``accounts.api_authentication``).
Anyone who has set up an app is asked for a code at every sign-in.

Confirming an app issues 10 single-use recovery codes, shown once; the code page takes one
instead of a code from the app, under the same throttling. Only their SHA-256 is stored.

A user who lost their app signs in with a recovery code and sets up a new app themselves: from
a session verified in this sign-in (a recovery code or a code from the app, never only the
password), a code from the new app replaces the old app in one transaction, with a new set of
recovery codes that makes the old set worthless. An administrator's reset is for a user with
neither.

Each enrolment, each code accepted or refused, each set of recovery codes issued and each reset
is an audit event, written in the transaction of the change it records.
"""

from __future__ import annotations

import enum
import hashlib
import math
import secrets
from base64 import b32encode
from dataclasses import dataclass, replace

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from msht.accounts.models import RecoveryCode, Role, User
from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.errors import MshtError

# ASVS V6.5 and issue 10: the roles that must use a second factor.
SECOND_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.DECISION_MAKER})
DEVICE_NAME = "Authenticator app"
ALREADY_SET_UP = (
    "You already have an authenticator app set up. To move to a new one, enter a code from "
    "your app or a recovery code, then choose 'Set up a new authenticator app'."
)
NOT_SET_UP = "Set up an authenticator app first."
NOT_VERIFIED = (
    "Enter a code from your authenticator app or one of your recovery codes before you set up "
    "a new app."
)
# What the audit details say, beside the event type.
ENROLLED = "enrolled"
VERIFIED = "verified"
WRONG_CODE = "wrong_code"
THROTTLED = "throttled"
RESET = "reset"
RECOVERY_CODES_ISSUED = "recovery_codes_issued"
RECOVERY_CODE = "recovery_code"
APP = "app"
REPLACED = "replaced"
# In the session: which kind of code verified it (APP or RECOVERY_CODE), so that a user who
# came in with a recovery code is offered a new app. Never the code itself.
VERIFIED_WITH = "msht_second_factor_verified_with"
# Recovery codes: 24 characters of Crockford's base32 (no i, l, o, u), 120 random bits, so a
# plain SHA-256 stores them (ASVS 5.0 V6.5.2: 112 bits or more); shown in groups of four.
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 24
RECOVERY_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# What people mistype for the letters left out (Crockford's base32).
_RECOVERY_CODE_READINGS = str.maketrans({"i": "1", "l": "1", "o": "0", "-": None, " ": None})


class CodeCheck(enum.Enum):
    """The outcome of one code entered."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    # django-otp's throttling: after a wrong code, no code (not even the right one) is
    # checked for 1, 2, 4, 8 ... seconds (OTP_TOTP_THROTTLE_FACTOR doubling per failure).
    THROTTLED = "throttled"


@dataclass(frozen=True)
class CodeResult:
    """A code's outcome, the wrong codes in a row so far, and the seconds before another
    code will be checked (0 when one may be entered now)."""

    check: CodeCheck
    failures: int
    wait_seconds: int = 0
    # The recovery codes issued when an app is confirmed: shown once, never stored.
    recovery_codes: tuple[str, ...] = ()


def second_factor_enforced(user: Actor) -> bool:
    """Administrators and decision makers must use a second factor (issue 10, ASVS V6.5)."""
    return bool(user.is_authenticated and getattr(user, "role", None) in SECOND_FACTOR_ROLES)


def confirmed_device(user: Actor) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def second_factor_needed(user: Actor) -> bool:
    """A session must be verified when the role requires it or the user has set up an app."""
    return second_factor_enforced(user) or confirmed_device(user) is not None


def session_verified(request: HttpRequest) -> bool:
    """True when this session entered a code from the user's confirmed device (django-otp)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def session_verified_with_recovery_code(request: HttpRequest) -> bool:
    """True when this session is verified and the code that verified it was a recovery code."""
    return session_verified(request) and request.session.get(VERIFIED_WITH) == RECOVERY_CODE


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps take it typed in, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as an SVG QR code to put inline in the page.

    segno draws with attributes only (no ``style``), so the strict Content Security Policy
    (``style-src 'self'``) lets it show.
    """
    code = segno.make(device.config_url, error="m")
    svg: str = code.svg_inline(
        scale=4,
        dark="#0b0c0c",
        light="#ffffff",
        title="QR code of your secret key, for your authenticator app",
        svgclass="msht-qr-code",
        lineclass=None,
    )
    return svg


def second_factor_enrolment_start(user: User) -> TOTPDevice:
    """The unconfirmed device a user is setting up (the same one on every visit until confirmed).

    Raises MshtError when the user already has a confirmed device: only an administrator's
    reset replaces it, so that whoever holds the password cannot swap the app.
    """
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise MshtError(ALREADY_SET_UP)
        return _pending_device(user)


def second_factor_replacement_start(user: User) -> TOTPDevice:
    """The unconfirmed device a user with an app is moving to (the same one on every visit
    until confirmed); their app keeps working meanwhile. Raises MshtError without an app.

    The page that calls it is behind the second factor, so only a verified session sees the
    new key.
    """
    with transaction.atomic():
        _locked_device(user, confirmed=True)
        return _pending_device(user)


def _pending_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _check(device: TOTPDevice, code: str) -> CodeCheck:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return CodeCheck.THROTTLED
    return CodeCheck.ACCEPTED if device.verify_token(code) else CodeCheck.WRONG


def recovery_code_normalised(code: str) -> str:
    """A recovery code as typed, without spaces or hyphens, in lower case, with the letters
    Crockford's base32 leaves out read as the digits they look like."""
    return code.lower().translate(_RECOVERY_CODE_READINGS)


def looks_like_recovery_code(code: str) -> bool:
    """True when ``code`` has the shape of a recovery code (not whether it is a right one)."""
    normalised = recovery_code_normalised(code)
    return len(normalised) == RECOVERY_CODE_LENGTH and all(
        character in RECOVERY_CODE_ALPHABET for character in normalised
    )


def recovery_code_for_display(code: str) -> str:
    """A recovery code in groups of four, as it is shown and may be typed."""
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


def _recovery_code_hash(code: str) -> str:
    return hashlib.sha256(recovery_code_normalised(code).encode("ascii")).hexdigest()


def _check_recovery_code(user: User, device: TOTPDevice, code: str) -> CodeCheck:
    """A recovery code, under the app's throttling: a wrong one counts as a wrong code, and
    while the app is throttled no code of either kind is checked. A right one is spent."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return CodeCheck.THROTTLED
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_recovery_code_hash(code), used_at=None
    ).update(used_at=timezone.now())
    if spent:
        device.throttle_reset()
        return CodeCheck.ACCEPTED
    device.throttle_increment()
    return CodeCheck.WRONG


def recovery_codes_left(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def _recovery_codes_issue(user: User) -> tuple[str, ...]:
    """Replace the user's recovery codes with new ones (audited); the codes are returned to be
    shown once and only their hashes are kept."""
    codes = tuple(
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    )
    replaced, _ = RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_code_hash(code)) for code in codes
    )
    audit_record(
        user,
        event_type=AuditEventType.RECORD_CREATED,
        obj=user,
        details={
            "second_factor": RECOVERY_CODES_ISSUED,
            "codes": len(codes),
            "codes_replaced": replaced,
        },
    )
    return tuple(recovery_code_for_display(code) for code in codes)


def second_factor_recovery_codes_regenerate(user: User) -> tuple[str, ...]:
    """A new set of recovery codes, the old ones no longer valid (from a verified session:
    the page is behind the second factor). Raises MshtError without a confirmed app."""
    with transaction.atomic():
        _locked_device(user, confirmed=True)
        return _recovery_codes_issue(user)


def _result(device: TOTPDevice, check: CodeCheck) -> CodeResult:
    """The outcome with the device's throttling state after the attempt."""
    device.refresh_from_db()
    allowed, data = device.verify_is_allowed()
    wait = 0
    if not allowed and data and data.get("locked_until") is not None:
        wait = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    return CodeResult(check, device.throttling_failure_count, wait)


def _audit_refused(
    user: User, device: TOTPDevice, result: CodeResult, way_in: str, *, recovery: bool = False
) -> None:
    """A wrong or throttled code is a failed sign-in (audit: every attempt, never the code)."""
    audit_record(
        None,
        event_type=AuditEventType.SIGN_IN_FAILED,
        details={
            "username": user.get_username(),
            "second_factor": WRONG_CODE if result.check is CodeCheck.WRONG else THROTTLED,
            "failures": result.failures,
            "device": device.pk,
            "way_in": way_in,
            "kind": RECOVERY_CODE if recovery else APP,
        },
    )


def _mark_verified(request: HttpRequest, device: TOTPDevice, *, kind: str) -> None:
    """Mark the session verified, under a new session key (ASVS V7.2.4: a new session when
    the user's level of authentication changes), noting the kind of code that verified it."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[VERIFIED_WITH] = kind


def _locked_device(user: User, *, confirmed: bool) -> TOTPDevice:
    """The user's device, row locked so that two requests cannot both spend one code."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=confirmed)
        .order_by("pk")
        .first()
    )
    if device is None:
        raise MshtError(NOT_SET_UP)
    return device


def _code_entered(request: HttpRequest, user: User, *, confirmed: bool, code: str) -> CodeResult:
    """Check a code against the user's device, or a recovery code once the device is
    confirmed; a right one verifies the session. Confirming a device issues recovery codes."""
    with transaction.atomic():
        if not confirmed and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            # A second app is added only by replacing the first (second_factor_replace).
            raise MshtError(ALREADY_SET_UP)
        device = _locked_device(user, confirmed=confirmed)
        recovery = confirmed and looks_like_recovery_code(code)
        if recovery:
            check = _check_recovery_code(user, device, code)
        else:
            check = _check(device, _digits(code))
        result = _result(device, check)
        if result.check is not CodeCheck.ACCEPTED:
            _audit_refused(user, device, result, "session", recovery=recovery)
            return result
        if not confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(
                user,
                event_type=AuditEventType.RECORD_CREATED,
                obj=device,
                details={"second_factor": ENROLLED, "user": user.get_username()},
            )
            result = replace(result, recovery_codes=_recovery_codes_issue(user))
        details: dict[str, object] = {
            "second_factor": RECOVERY_CODE if recovery else VERIFIED,
            "device": device.pk,
            "ip": str(request.META.get("REMOTE_ADDR", "")),
        }
        if recovery:
            details["recovery_codes_left"] = recovery_codes_left(user)
        audit_record(user, event_type=AuditEventType.SIGNED_IN, obj=user, details=details)
        _mark_verified(request, device, kind=RECOVERY_CODE if recovery else APP)
        return result


def _digits(code: str) -> str:
    """A code as typed, without the spaces some apps show in the middle."""
    return "".join(code.split())


def second_factor_enrolment_confirm(request: HttpRequest, user: User, *, code: str) -> CodeResult:
    """Confirm the app being set up with a code from it; a right code also verifies the session.

    Audited: the enrolment (``record.created`` of the device), the verified sign-in
    (``session.signed_in``) or the wrong code (``session.sign_in_failed``).
    """
    return _code_entered(request, user, confirmed=False, code=code)


def second_factor_verify(request: HttpRequest, user: User, *, code: str) -> CodeResult:
    """Verify this session with a code from the user's confirmed app or one of their recovery
    codes (django-otp refuses a code used before, a recovery code is spent once, and wrong
    codes of either kind throttle both). Audited either way."""
    return _code_entered(request, user, confirmed=True, code=code)


def second_factor_replace(request: HttpRequest, user: User, *, code: str) -> CodeResult:
    """Replace the user's app with the one being set up, on a right code from the new app.

    Only from a session verified in this sign-in (a recovery code or a code from the old app;
    the password alone never replaces a second factor): raises MshtError otherwise, or when
    there is no app or no new one being set up. In one transaction the old app goes, the new
    one is confirmed, a new set of recovery codes replaces the old set (returned to be shown
    once) and the session is verified with the new app under a new session key; other sessions
    verified with the old app are verified no longer. A wrong code counts against the new
    app's throttling, as at set-up. The API token is kept: it was issued with a code and is not
    on the lost device (an administrator's reset removes it).

    Audited: ``record.changed`` of the user (``second_factor: replaced``, the old and new app,
    the kind of code that verified the session), the recovery codes issued, or the wrong code.
    """
    if not session_verified(request) or request.user.pk != user.pk:
        raise MshtError(NOT_VERIFIED)
    with transaction.atomic():
        old = _locked_device(user, confirmed=True)
        new = _locked_device(user, confirmed=False)
        result = _result(new, _check(new, _digits(code)))
        if result.check is not CodeCheck.ACCEPTED:
            _audit_refused(user, new, result, "replace")
            return result
        verified_with = str(request.session.get(VERIFIED_WITH, APP))
        removed, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        new.confirmed = True
        new.save(update_fields=["confirmed"])
        audit_record(
            user,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=user,
            details={
                "second_factor": REPLACED,
                "device": new.pk,
                "device_replaced": old.pk,
                "devices_removed": removed,
                "verified_with": verified_with,
                "ip": str(request.META.get("REMOTE_ADDR", "")),
            },
        )
        result = replace(result, recovery_codes=_recovery_codes_issue(user))
        _mark_verified(request, new, kind=APP)
        return result


def second_factor_check_code(user: User, *, code: str) -> CodeResult:
    """Check a code from the user's confirmed app outside a session (issuing an API token):
    the same replay refusal and throttling; a wrong or throttled code is audited."""
    with transaction.atomic():
        device = _locked_device(user, confirmed=True)
        result = _result(device, _check(device, _digits(code)))
        if result.check is not CodeCheck.ACCEPTED:
            _audit_refused(user, device, result, "api_token")
        return result


def second_factor_reset(actor: Actor, *, user: User) -> int:
    """Remove a user's authenticator apps and API token, so they set up a new app at their
    next sign-in (an administrator, never for themselves: ``second_factor.reset``).

    Returns the number of devices removed. Their recovery codes go too. Their open sessions
    are no longer verified: the device those sessions name is gone.
    """
    require(actor, Action.SECOND_FACTOR_RESET, user)
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        tokens, _ = Token.objects.filter(user=user).delete()
        codes, _ = RecoveryCode.objects.filter(user=user).delete()
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CHANGED,
            obj=user,
            details={
                "second_factor": RESET,
                "devices_removed": removed,
                "tokens_removed": tokens,
                "recovery_codes_removed": codes,
            },
        )
        return int(removed)


def second_factor_device_create(user: User, *, audit_actor: Actor | None = None) -> TOTPDevice:
    """Give a user a new confirmed device, replacing any they had (demo users only: a person
    enrols through the page). Audited as an enrolment."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        audit_record(
            audit_actor,
            event_type=AuditEventType.RECORD_CREATED,
            obj=device,
            details={"second_factor": ENROLLED, "user": user.get_username(), "demo": True},
        )
        return device


def user_for_second_factor_reset(actor: Actor, *, username: str) -> User | None:
    """The user whose second factor ``actor`` may reset, or None when there is no such user."""
    require(actor, Action.SECOND_FACTOR_RESET)
    return User.objects.select_related("organisation").filter(username=username).first()
