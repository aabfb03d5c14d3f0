"""The API asks the same rules as the pages, and denies when an endpoint names none."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from msht.accounts.api_permissions import DenyAll, RulePermission
from msht.accounts.models import Role, User
from msht.accounts.rules import Action
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Unmarked(APIView):
    pass


class _NeedsStatistics(APIView):
    required_action = Action.STATISTICS_VIEW


def _request_as(user: User) -> Any:
    request: Any = APIRequestFactory().get("/api/anything/")
    request.user = user
    return request


def test_default_permission_is_deny_all() -> None:
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == [
        "msht.accounts.api_permissions.DenyAll"
    ]
    administrator = UserFactory.create(role=Role.ADMINISTRATOR, is_superuser=True)
    assert not DenyAll().has_permission(_request_as(administrator), _Unmarked())


def test_rule_permission_asks_the_rules_for_the_views_action() -> None:
    analyst = UserFactory.create(role=Role.ANALYST)
    first_responder = UserFactory.create(role=Role.FIRST_RESPONDER)
    permission = RulePermission()

    assert permission.has_permission(_request_as(analyst), _NeedsStatistics())
    assert not permission.has_permission(_request_as(first_responder), _NeedsStatistics())
    assert not permission.has_permission(_request_as(analyst), _Unmarked())
