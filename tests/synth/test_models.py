"""LoadedWorld: one row per world, unique by id."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from msht.synth.models import LoadedWorld

pytestmark = pytest.mark.django_db


def _world(world_id: str) -> LoadedWorld:
    return LoadedWorld.objects.create(
        world_id=world_id, checksum="0" * 64, seed=1, referrals=10, generator_version="1"
    )


def test_a_world_is_described_by_its_id_and_size() -> None:
    assert str(_world("abc")) == "world abc (10 referrals)"


def test_a_world_can_be_recorded_only_once() -> None:
    _world("abc")
    with pytest.raises(IntegrityError):
        _world("abc")
