"""The front doors: msht synth writes a world, msht load loads it, problems are reported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from msht.referrals.models import Referral
from msht.synth.engine import schema


def test_synth_writes_a_world_with_overridden_parameters(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "synth",
        "--referrals",
        "400",
        "--seed",
        "3",
        "--out",
        str(tmp_path / "w"),
        "--set",
        "repeat_share=0.2",
        "--set",
        "missingness.phone=0.9",
        stdout=out,
    )
    assert (tmp_path / "w" / schema.MANIFEST).is_file()
    assert "referrals.csv" in out.getvalue()
    assert '"repeat_share": 0.2' in (tmp_path / "w" / schema.MANIFEST).read_text()


@pytest.mark.django_db
def test_commands_take_options_as_keywords_as_msht_demo_passes_them(tmp_path: Path) -> None:
    world = str(tmp_path / "w")
    call_command("synth", referrals=150, seed=2, out=world, stdout=io.StringIO())
    call_command("load", world, stdout=io.StringIO())
    assert Referral.objects.count() == 150


def test_synth_twice_into_the_same_folder_keeps_the_world(tmp_path: Path) -> None:
    call_command("synth", "--referrals", "200", "--out", str(tmp_path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("synth", "--referrals", "200", "--out", str(tmp_path), stdout=out)
    assert "unchanged" in out.getvalue()


@pytest.mark.parametrize("setting", ["repeat_share", "nonsense=1", "repeat_share=2"])
def test_synth_refuses_bad_parameters(tmp_path: Path, setting: str) -> None:
    with pytest.raises(CommandError):
        call_command("synth", "--referrals", "10", "--out", str(tmp_path), "--set", setting)


def test_synth_refuses_a_folder_holding_a_world(small_world: Path) -> None:
    with pytest.raises(CommandError, match="already holds another"):
        call_command("synth", "--referrals", "10", "--out", str(small_world), stdout=io.StringIO())


@pytest.mark.django_db
def test_load_loads_once_and_says_so(small_world: Path) -> None:
    out = io.StringIO()
    call_command("load", str(small_world), stdout=out)
    assert "loaded" in out.getvalue()
    count = Referral.objects.count()
    out = io.StringIO()
    call_command("load", str(small_world), stdout=out)
    assert "already loaded" in out.getvalue()
    assert Referral.objects.count() == count


@pytest.mark.django_db
def test_load_reports_every_problem(small_world: Path, tmp_path: Path) -> None:
    import shutil

    directory = tmp_path / "w"
    shutil.copytree(small_world, directory)
    text = (directory / "referrals.csv").read_text(encoding="utf-8")
    (directory / "referrals.csv").write_text(
        text.replace(",child,", ",infant,", 1), encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing loaded"):
        call_command("load", str(directory), stdout=io.StringIO(), stderr=err)
    assert "field age_group_at_exploitation" in err.getvalue()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_load_refuses_an_unknown_user_and_a_missing_world(
    small_world: Path, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="no user"):
        call_command("load", str(small_world), "--username", "nobody")
    with pytest.raises(CommandError, match=r"no world\.json"):
        call_command("load", str(tmp_path), stdout=io.StringIO())
