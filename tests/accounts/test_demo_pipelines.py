"""`msht demo` end to end on a small world: every pipeline runs and leaves what its pages
show. This is what `make demo` does on a fresh machine, less the server."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from msht.analytics.models import Publication
from msht.estimation.models import EstimationRun
from msht.fairness.models import MonitoringRun
from msht.governance.models import IndicatorValue
from msht.ingest.models import Batch
from msht.intelligence.models import NetworkRun
from msht.linkage.models import LinkageRun
from msht.quality.models import QualityRun
from msht.referrals.models import PersonRecord, Referral
from msht.synth.models import LoadedWorld
from tests.referrals.factories import ReferralFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_demo_loads_a_world_and_runs_every_pipeline(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.ANALYTICS_STORE = str(tmp_path / "analytics.duckdb")
    out = io.StringIO()

    call_command(
        "demo", "--referrals", "600", "--seed", "3", "--password", "a demo passphrase", stdout=out
    )

    assert Batch.objects.count() == 3  # police, Border Force and NGO exports
    assert PersonRecord.objects.filter(source="agency_export").exists()
    assert set(LinkageRun.objects.values_list("kind", flat=True)) == {"persons", "suspects"}
    assert not PersonRecord.objects.filter(entity__isnull=True).exists()
    assert NetworkRun.objects.get().networks.exists()
    assert (tmp_path / "analytics.duckdb").is_file()
    assert QualityRun.objects.exists()
    assert MonitoringRun.objects.exists()
    assert EstimationRun.objects.get().period == "2024"
    assert IndicatorValue.objects.exists()
    assert Publication.objects.exists()
    published = tmp_path / "publications" / "2024Q4"
    assert list(published.glob("*.ods"))
    assert (published / "index.html").is_file()
    assert "MSHT demo users" in out.getvalue()


def test_demo_on_a_machine_that_kept_an_older_world_ends_with_the_new_world_alone(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    settings.ANALYTICS_STORE = str(tmp_path / "analytics.duckdb")
    # What `make demo` left before the generator's version changed: its folder and its load.
    old = tmp_path / "demo-world"
    old.mkdir()
    (old / "world.json").write_text(
        json.dumps({"world_id": "0" * 32, "generator_version": "1", "seed": 1}), encoding="utf-8"
    )
    LoadedWorld.objects.create(
        world_id="0" * 32, checksum="0" * 64, seed=1, referrals=3000, generator_version="1"
    )
    old_referral = ReferralFactory.create()

    call_command("demo", "--referrals", "600", "--seed", "3", stdout=io.StringIO())

    world_id = json.loads((old / "world.json").read_text(encoding="utf-8"))["world_id"]
    assert list(LoadedWorld.objects.values_list("world_id", flat=True)) == [world_id]
    assert not Referral.objects.filter(reference=old_referral.reference).exists()
    assert Referral.objects.count() == 600
    assert Batch.objects.count() == 3
    assert not PersonRecord.objects.filter(entity__isnull=True).exists()
    assert Publication.objects.exists()
