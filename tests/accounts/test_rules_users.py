"""The users list rule (``user.list_view``): administrators only, every user, as any
administrator may reset any other user's second factor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from msht.accounts.models import Role, User
from msht.accounts.rules import Action, can, users_visible_to
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_lists_every_user_of_every_organisation() -> None:
    administrator = UserFactory.create(role=Role.ADMINISTRATOR)
    elsewhere = UserFactory.create(organisation=OrganisationFactory.create())

    assert can(administrator, Action.USER_LIST_VIEW)
    visible = users_visible_to(administrator, User.objects.all())
    assert set(visible) == {administrator, elsewhere}


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ADMINISTRATOR}))
def test_no_other_role_lists_users(role: Role) -> None:
    user = UserFactory.create(role=role)

    assert not can(user, Action.USER_LIST_VIEW)
    assert not users_visible_to(user, User.objects.all()).exists()


def test_nobody_signed_out_or_disabled_lists_users() -> None:
    disabled = UserFactory.create(role=Role.ADMINISTRATOR, is_active=False)

    assert not users_visible_to(AnonymousUser(), User.objects.all()).exists()
    assert not users_visible_to(disabled, User.objects.all()).exists()
