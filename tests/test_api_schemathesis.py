"""Property-based tests of the whole REST API from its own OpenAPI schema (schemathesis).

Every operation is called with inputs generated from the schema, signed in with an API
token of a user whose role may use it: no answer may be a server error, and every answer
the schema documents must match it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from msht.accounts.models import OrganisationType, Role
from tests.accounts.factories import OrganisationFactory, UserFactory, confirmed_device_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# drf-spectacular's generator is untyped; the schema is built in-process, no request needed.
_generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
schema = schemathesis.openapi.from_dict(_generated)
schema.app = get_wsgi_application()

# The role each part of the API serves; operations are called as that role.
ROLE_BY_PREFIX = {
    "/api/referrals/": Role.FIRST_RESPONDER,
    "/api/decisions/": Role.DECISION_MAKER,
    "/api/intelligence/": Role.INVESTIGATOR,
}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes database connections after each request; the test's
    transaction lives on one, so keep it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _token_for(path: str) -> str:
    role = next(
        (role for prefix, role in ROLE_BY_PREFIX.items() if path.startswith(prefix)),
        Role.ANALYST,
    )
    kind = (
        OrganisationType.COMPETENT_AUTHORITY
        if role == Role.DECISION_MAKER
        else OrganisationType.POLICE_FORCE
    )
    organisation = OrganisationFactory.create(organisation_type=kind)
    user = UserFactory.create(role=role, organisation=organisation)
    confirmed_device_for(user)  # a decision maker's token needs an authenticator app set up
    token: str = Token.objects.create(user=user).key
    return token


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_answers_as_documented(case: Any) -> None:
    token = _token_for(case.operation.path)
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
