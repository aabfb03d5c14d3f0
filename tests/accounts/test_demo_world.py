"""`msht demo` on a machine that kept an earlier demo: var/demo-world holding another world
(another generator version, seed or size) is replaced, and a database holding another world
is emptied first, so the demo ends with its one world in both. `msht synth` used directly
still refuses the folder.

`msht synth` (and, where said, `msht load` and `msht flush`) run for real on a 50-referral
world; the pipelines are only recorded (tests/accounts/test_demo_pipelines.py runs them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from msht.accounts.management.commands import demo
from msht.accounts.models import Organisation, User
from msht.accounts.services import DEMO_USERS
from msht.core.models import Nationality, PoliceForceArea
from msht.referrals.models import Referral
from msht.synth.engine import SynthParameters, generate_world, world_identity
from msht.synth.engine.schema import MANIFEST
from msht.synth.models import LoadedWorld
from tests.referrals.factories import ReferralFactory

REFERRALS = 50
SEED = 7


@pytest.fixture
def var_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def _run_for_real(monkeypatch: pytest.MonkeyPatch, *real: str) -> list[str]:
    """Record the commands the demo calls; run those named in ``real`` as well."""
    recorded: list[str] = []

    def call(name: str, *arguments: Any, **options: Any) -> None:
        recorded.append(name)
        if name in real:
            call_command(name, *arguments, **options)

    monkeypatch.setattr(demo, "call_command", call)
    monkeypatch.setattr(demo, "get_commands", lambda: {"synth": "synth", "load": "synth"})
    return recorded


def _demo(*arguments: str) -> str:
    out = StringIO()
    call_command("demo", "--referrals", str(REFERRALS), "--seed", str(SEED), *arguments, stdout=out)
    return out.getvalue()


def _old_generator_world(folder: Path) -> str:
    """What a machine that ran `make demo` before holds: a world of generator version 1."""
    folder.mkdir(parents=True)
    manifest = {
        "format": "msht-synthetic-world",
        "generator_version": "1",
        "world_id": "0123456789abcdef0123456789abcdef",
        "seed": 1,
        "referrals": 3000,
        "files": {"referrals.csv": {"rows": 1, "sha256": "0" * 64}},
        "truth_files": {},
        "cg_backlog_at_end": 0,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "referrals.csv").write_text("reference\nNRM-012345-0000001\n", encoding="utf-8")
    return str(manifest["world_id"])


def _other_seed_world(folder: Path) -> str:
    """A world of the same generator and size but another seed."""
    return generate_world(folder, referrals=REFERRALS, seed=SEED + 1).world_id


def _demo_world_id() -> str:
    return world_identity(REFERRALS, SEED, SynthParameters())


@pytest.mark.django_db
@pytest.mark.parametrize("other_world", [_old_generator_world, _other_seed_world])
def test_demo_replaces_a_folder_holding_another_world_and_says_so(
    monkeypatch: pytest.MonkeyPatch, var_dir: Path, other_world: Callable[[Path], str]
) -> None:
    folder = var_dir / demo.DEMO_WORLD
    old_id = other_world(folder)
    calls = _run_for_real(monkeypatch, "synth")

    printed = _demo("--password", "a demo passphrase")

    assert demo.WORLD_REPLACED.format(folder=demo.DEMO_WORLD, world_id=_demo_world_id()) in printed
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["world_id"] == _demo_world_id() != old_id
    assert calls[:2] == ["synth", "load"]
    assert "MSHT demo users" in printed


@pytest.mark.django_db
def test_msht_synth_used_directly_still_refuses_a_folder_holding_another_world(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "world"
    _old_generator_world(folder)

    with pytest.raises(CommandError, match="already holds another synthetic world"):
        call_command("synth", referrals=REFERRALS, seed=SEED, out=str(folder), stdout=StringIO())

    assert json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["generator_version"] == "1"


@pytest.mark.django_db
def test_demo_leaves_an_intact_copy_of_its_own_world_alone(
    monkeypatch: pytest.MonkeyPatch, var_dir: Path
) -> None:
    _run_for_real(monkeypatch, "synth")
    _demo()
    written = (var_dir / demo.DEMO_WORLD / MANIFEST).stat().st_mtime_ns

    printed = _demo()

    assert "replacing" not in printed
    assert (var_dir / demo.DEMO_WORLD / MANIFEST).stat().st_mtime_ns == written


@pytest.mark.django_db(transaction=True)
def test_demo_empties_a_database_holding_another_world_and_loads_its_own_alone(
    monkeypatch: pytest.MonkeyPatch, var_dir: Path
) -> None:
    old_id = _old_generator_world(var_dir / demo.DEMO_WORLD)
    LoadedWorld.objects.create(
        world_id=old_id, checksum="0" * 64, seed=1, referrals=3000, generator_version="1"
    )
    areas, nationalities = PoliceForceArea.objects.count(), Nationality.objects.count()
    organisations = set(Organisation.objects.values_list("code", flat=True))
    old_referral = ReferralFactory.create()  # a row of the old world
    call_command("demo", "--no-synthetic-data", stdout=StringIO())  # its demo users
    old_passwords = set(User.objects.values_list("password", flat=True))
    _run_for_real(monkeypatch, "synth", "load", "flush")

    printed = _demo()

    assert list(LoadedWorld.objects.values_list("world_id", flat=True)) == [_demo_world_id()]
    assert demo.DATABASE_EMPTIED.format(worlds=old_id, world_id=_demo_world_id()) in printed
    assert not Referral.objects.filter(reference=old_referral.reference).exists()
    assert Referral.objects.count() == REFERRALS
    # Reference data is made again, or nothing could be loaded or signed in to.
    assert (PoliceForceArea.objects.count(), Nationality.objects.count()) == (
        areas,
        nationalities,
    )
    assert organisations <= set(Organisation.objects.values_list("code", flat=True))
    # The demo users are made again, each with a new password (a flush restarts primary
    # keys, so the stored hashes tell old users from new).
    users = User.objects.filter(username__in=[spec.username for spec in DEMO_USERS])
    assert users.count() == len(DEMO_USERS)
    assert not old_passwords & set(users.values_list("password", flat=True))


@pytest.mark.django_db
def test_demo_keeps_a_database_that_holds_its_own_world(
    monkeypatch: pytest.MonkeyPatch, var_dir: Path
) -> None:
    LoadedWorld.objects.create(
        world_id=_demo_world_id(),
        checksum="0" * 64,
        seed=SEED,
        referrals=REFERRALS,
        generator_version="2",
    )
    referral = ReferralFactory.create()
    calls = _run_for_real(monkeypatch, "synth")

    printed = _demo()

    assert "emptied" not in printed
    assert "flush" not in calls
    assert Referral.objects.filter(pk=referral.pk).exists()


@pytest.mark.django_db
def test_demo_never_empties_a_production_database(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, var_dir: Path
) -> None:
    LoadedWorld.objects.create(
        world_id="0" * 32, checksum="0" * 64, seed=1, referrals=3000, generator_version="1"
    )
    calls = _run_for_real(monkeypatch)
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match=demo.NOT_IN_PRODUCTION):
        _demo()

    assert calls == []
    assert LoadedWorld.objects.filter(world_id="0" * 32).exists()
