"""Factories for organisations and users, named by state (STYLE.md, section 3)."""

from __future__ import annotations

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
