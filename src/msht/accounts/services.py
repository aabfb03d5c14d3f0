"""Writes about users and organisations."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from msht.accounts.models import Organisation, Role, User
from msht.accounts.second_factor import (
    SECOND_FACTOR_ROLES,
    second_factor_device_create,
    secret_for_display,
)
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.errors import ConfigurationError

ORGANISATION_MISSING = (
    "Organisation {code} is not in the reference data: run `msht migrate` to load it"
)


@dataclass(frozen=True)
class DemoUserSpec:
    """Who a demo user is: one per role, in an organisation where that role works."""

    username: str
    role: Role
    organisation_code: str
    first_name: str
    last_name: str


# One user per role, each in an organisation from the reference data where the role is done
# (ARCHITECTURE.md, 'Who uses it'; DOMAIN.md, 'Who decides').
DEMO_USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec(
        "demo-first-responder", Role.FIRST_RESPONDER, "police-metropolitan", "Priya", "Shah"
    ),
    DemoUserSpec(
        "demo-decision-maker", Role.DECISION_MAKER, "single-competent-authority", "Tom", "Reid"
    ),
    DemoUserSpec(
        "demo-quality-assurer",
        Role.QUALITY_ASSURER,
        "single-competent-authority",
        "Grace",
        "Okafor",
    ),
    DemoUserSpec("demo-investigator", Role.INVESTIGATOR, "nca", "Daniel", "Hughes"),
    DemoUserSpec("demo-analyst", Role.ANALYST, "home-office-modern-slavery-unit", "Megan", "Lloyd"),
    DemoUserSpec(
        "demo-governance", Role.GOVERNANCE, "home-office-modern-slavery-unit", "Imran", "Ali"
    ),
    DemoUserSpec(
        "demo-administrator",
        Role.ADMINISTRATOR,
        "home-office-modern-slavery-unit",
        "Fiona",
        "Campbell",
    ),
)


@dataclass(frozen=True)
class DemoUser:
    """A demo user as the demo command shows it.

    ``password`` is the plain password for a user created by this call, so that it can be
    printed once; it is ``None`` for a user that already existed (its password is unchanged,
    and only its hash is stored). ``authenticator_key`` likewise: the base32 key of the
    authenticator app of an administrator or decision maker (who must use a second factor),
    given when the password is, to type into an app; ``None`` otherwise.
    """

    username: str
    role: Role
    organisation: str
    password: str | None
    created: bool
    authenticator_key: str | None = None


def _demo_authenticator_key(user: User) -> str | None:
    """A new confirmed authenticator app for a demo user whose role needs one (audited)."""
    if user.role not in SECOND_FACTOR_ROLES:
        return None
    return secret_for_display(second_factor_device_create(user))


def _generated_password() -> str:
    """A random password of about 100 bits, easy to copy from a terminal."""
    return secrets.token_urlsafe(16)


def _organisations(codes: set[str]) -> dict[str, Organisation]:
    found = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
    missing = sorted(codes - found.keys())
    if missing:
        raise ConfigurationError(ORGANISATION_MISSING.format(code=", ".join(missing)))
    return found


def _demo_user_create(spec: DemoUserSpec, organisation: Organisation, password: str) -> User:
    user = User(
        username=spec.username,
        first_name=spec.first_name,
        last_name=spec.last_name,
        email=f"{spec.username}@example.gov.uk",
        role=spec.role,
        organisation=organisation,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        None,
        event_type=AuditEventType.USER_CREATED,
        obj=user,
        details={"role": spec.role.value, "organisation": organisation.code, "demo": True},
    )
    return user


def _demo_user_existing(user: User) -> DemoUser:
    organisation = user.organisation.name if user.organisation is not None else ""
    return DemoUser(user.username, Role(user.role), organisation, None, created=False)


def _demo_user_reset(user: User, password: str) -> DemoUser:
    """Give an existing demo user a new password (audited), so a re-run demo can sign in."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        None, event_type=AuditEventType.RECORD_CHANGED, obj=user, details={"password": "reset"}
    )
    organisation = user.organisation.name if user.organisation is not None else ""
    key = _demo_authenticator_key(user)
    return DemoUser(user.username, Role(user.role), organisation, password, False, key)


def demo_users_ensure(
    *, password: str | None = None, reset_passwords: bool = False
) -> list[DemoUser]:
    """Create the demo users that do not exist yet, one per role, each audited (USER_CREATED).

    Idempotent: a user that already exists is left as it is, unless ``reset_passwords``
    gives it a new password (demo only). Administrators and decision makers get a confirmed
    authenticator app with each new password, its key returned once. Runs in one transaction.

    Args:
        password: the password for every user created now; when ``None`` each new user gets
            its own generated password, returned once in ``DemoUser.password``.

    Examples:
        >>> [user.username for user in demo_users_ensure()][0]  # doctest: +SKIP
        'demo-first-responder'
    """
    with transaction.atomic():
        organisations = _organisations({spec.organisation_code for spec in DEMO_USERS})
        existing = {
            user.username: user
            for user in User.objects.select_related("organisation").filter(
                username__in=[spec.username for spec in DEMO_USERS]
            )
        }
        result: list[DemoUser] = []
        for spec in DEMO_USERS:
            organisation = organisations[spec.organisation_code]
            user_password = password if password is not None else _generated_password()
            if spec.username in existing and reset_passwords:
                result.append(_demo_user_reset(existing[spec.username], user_password))
                continue
            if spec.username in existing:
                result.append(_demo_user_existing(existing[spec.username]))
                continue
            user = _demo_user_create(spec, organisation, user_password)
            key = _demo_authenticator_key(user)
            result.append(
                DemoUser(spec.username, spec.role, organisation.name, user_password, True, key)
            )
        return result
