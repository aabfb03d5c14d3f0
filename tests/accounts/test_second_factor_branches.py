"""The second factor's edges (issue 10: 100% branch coverage of the modules that decide
access): nobody signed in has no app, and a code is refused until an app is set up."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from msht.accounts.models import Role
from msht.accounts.second_factor import (
    NOT_SET_UP,
    confirmed_device,
    second_factor_check_code,
    second_factor_enforced,
    second_factor_needed,
    second_factor_verify,
)
from msht.audit.models import AuditEvent
from msht.core.errors import MshtError
from tests.accounts.factories import UserFactory


def test_nobody_signed_in_has_an_app_or_needs_one() -> None:
    anonymous = AnonymousUser()

    assert confirmed_device(anonymous) is None
    assert not second_factor_enforced(anonymous)
    assert not second_factor_needed(anonymous)


@pytest.mark.django_db
def test_a_code_is_refused_until_an_app_is_set_up() -> None:
    user = UserFactory.create(role=Role.ADMINISTRATOR)
    request = RequestFactory().post("/accounts/second-factor/")

    with pytest.raises(MshtError, match=NOT_SET_UP):
        second_factor_verify(request, user, code="123456")
    with pytest.raises(MshtError, match=NOT_SET_UP):
        second_factor_check_code(user, code="123456")
    assert confirmed_device(user) is None
    assert second_factor_needed(user)
    assert not AuditEvent.objects.filter(event_type="session.signed_in").exists()
