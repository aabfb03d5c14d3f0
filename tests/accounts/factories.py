"""Factories for organisations and users, named by state (STYLE.md, section 3), and the
second factor helpers: a confirmed authenticator app, its codes, a verified session."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.declarations import LazyAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory, Password
from factory.faker import Faker

from msht.accounts.models import Organisation, OrganisationType, Role, User


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"test-organisation-{n}")
    name = Sequence(lambda n: f"Test Organisation {n}")
    organisation_type = OrganisationType.POLICE_FORCE


class CompetentAuthorityFactory(OrganisationFactory):
    code = Sequence(lambda n: f"test-competent-authority-{n}")
    organisation_type = OrganisationType.COMPETENT_AUTHORITY


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"user{n}")
    email = LazyAttribute(lambda user: f"{user.username}@example.gov.uk")
    first_name = Faker("first_name", locale="en_GB")
    last_name = Faker("last_name", locale="en_GB")
    role = Role.FIRST_RESPONDER
    organisation = SubFactory(OrganisationFactory)
    password = Password("a long demo passphrase")


class DecisionMakerFactory(UserFactory):
    role = Role.DECISION_MAKER
    organisation = SubFactory(CompetentAuthorityFactory)


class QualityAssurerFactory(UserFactory):
    role = Role.QUALITY_ASSURER
    organisation = SubFactory(CompetentAuthorityFactory)


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR


class ConfirmedTotpDeviceFactory(DjangoModelFactory[TOTPDevice]):
    """An authenticator app the user has set up (confirmed with a code)."""

    class Meta:
        model = TOTPDevice

    user = SubFactory(DecisionMakerFactory)
    name = "Authenticator app"
    confirmed = True


def totp_code(device: TOTPDevice) -> str:
    """The code the user's app shows now, or the next one when this one was used already
    (django-otp refuses a code twice; its tolerance of one step accepts the next, as it
    accepts an app whose clock runs a little fast)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    target = max(totp.t(), device.last_t + 1)
    while target > totp.t() + device.tolerance:  # pragma: no cover - several sign-ins a step
        time.sleep(1)
        totp.time = now = time.time()
    totp.time = now + (target - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


def confirmed_device_for(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app, set up now if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or ConfirmedTotpDeviceFactory.create(user=user)


def sign_in_verified(client: Client, user: User) -> Client:
    """Sign ``user`` in as if with password and code: ``force_login`` and a session that
    entered a code from their (confirmed) authenticator app. Any role: administrators and
    decision makers need it to reach anything; for others it is the same as force_login
    plus an app set up."""
    device = confirmed_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
