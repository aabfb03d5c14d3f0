"""linkage_run refuses before reading anything: who runs it, what and on which engine."""

from __future__ import annotations

import pytest

from msht.accounts.models import Role
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.linkage.models import LinkageRun
from msht.linkage.services import (
    SPARK_NEEDS_MASTER,
    UNKNOWN_ENGINE,
    UNKNOWN_KIND,
    linkage_run,
)
from tests.accounts.factories import DecisionMakerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [DecisionMakerFactory, UserFactory])
def test_only_analysts_and_administrators_run_linkage(factory: type[UserFactory]) -> None:
    with pytest.raises(PermissionDeniedError):
        linkage_run(factory.create(), kind="persons")
    assert not LinkageRun.objects.exists()


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        linkage_run(UserFactory.create(role=Role.ANALYST), kind="victims")
    assert str(raised.value) == UNKNOWN_KIND.format(kind="victims")


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        linkage_run(None, kind="persons", engine="excel")
    assert str(raised.value) == UNKNOWN_ENGINE.format(engine="excel")


def test_spark_needs_a_master() -> None:
    with pytest.raises(ValidationError) as raised:
        linkage_run(None, kind="persons", engine="spark")
    assert str(raised.value) == SPARK_NEEDS_MASTER
