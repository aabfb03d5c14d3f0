"""world_load: counts, idempotence, every bad row reported with nothing written, no truth stored."""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.audit.services import audit_verify
from msht.core.errors import SynthError
from msht.core.policy import rules_version_on
from msht.decisions.models import Decision
from msht.intelligence.models import IntelligenceReport, PursueOutcome, SuspectRecord
from msht.referrals.models import (
    DutyToNotifyReport,
    ExploitationPlace,
    PersonRecord,
    PersonRecordSource,
    Referral,
)
from msht.synth import services
from msht.synth.engine import schema
from msht.synth.loading import WorldFileError
from msht.synth.models import LoadedWorld
from msht.synth.services import world_load
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory
from tests.synth.conftest import SMALL_REFERRALS, read_csv

pytestmark = pytest.mark.django_db

TRUTH_MARKERS = ("PERSON-", "NETWORK-", "SUSPECT-", "HOUSEHOLD-")


def _copy(world: Path, tmp_path: Path) -> Path:
    target = tmp_path / "world"
    shutil.copytree(world, target)
    return target


def _rewrite(directory: Path, name: str, row: int, field: str, value: str) -> None:
    """Change one field of one data row (row 1 is the first after the header)."""
    path = directory / name
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[row][header.index(field)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _store_counts() -> dict[str, int]:
    return {
        "person_records": PersonRecord.objects.count(),
        "referrals": Referral.objects.count(),
        "decisions": Decision.objects.count(),
        "duty_to_notify_reports": DutyToNotifyReport.objects.count(),
        "suspect_records": SuspectRecord.objects.count(),
        "intelligence_reports": IntelligenceReport.objects.count(),
        "pursue_outcomes": PursueOutcome.objects.count(),
        "loaded_worlds": LoadedWorld.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def test_loading_creates_every_row_of_every_store_file(small_world: Path) -> None:
    result = world_load(None, directory=small_world)
    manifest = json.loads((small_world / schema.MANIFEST).read_text())
    rows = {name: entry["rows"] for name, entry in manifest["files"].items()}
    assert not result.already_loaded
    assert result.created["referrals"] == Referral.objects.count() == SMALL_REFERRALS
    assert (
        PersonRecord.objects.filter(source=PersonRecordSource.REFERRAL).count() == SMALL_REFERRALS
    )
    assert Decision.objects.count() == rows["decisions.csv"]
    assert DutyToNotifyReport.objects.count() == rows["duty_to_notify.csv"]
    assert SuspectRecord.objects.count() == rows["suspect_records.csv"]
    assert IntelligenceReport.objects.count() == rows["intelligence.csv"]
    assert PursueOutcome.objects.count() == rows["pursue_outcomes.csv"]
    referrals = read_csv(small_world, "referrals.csv")
    places = sum(len(list(filter(None, r["exploitation_places"].split(";")))) for r in referrals)
    assert ExploitationPlace.objects.count() == places
    types = sum(len(r["exploitation_types"].split(";")) for r in referrals)
    assert Referral.exploitation_types.through.objects.count() == types
    indicators = sum(len(r["ilo_indicators"].split(";")) for r in referrals)
    assert Referral.ilo_indicators.through.objects.count() == indicators
    links = sum(
        len(r["linked_referrals"].split(";")) for r in read_csv(small_world, "suspect_records.csv")
    )
    assert SuspectRecord.linked_referrals.through.objects.count() == links


def test_loaded_records_are_left_for_linkage_and_decisions_carry_their_rules(
    small_world: Path,
) -> None:
    world_load(None, directory=small_world)
    assert not PersonRecord.objects.filter(entity__isnull=False).exists()
    assert not SuspectRecord.objects.filter(entity__isnull=False).exists()
    for decision in Decision.objects.all()[:200]:
        assert decision.rules_version == rules_version_on(
            decision.decided_on or decision.started_on
        )
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert {"cg_positive", "rg_negative", "rg_positive"} <= set(statuses)
    for referral in Referral.objects.filter(status="cg_positive")[:50]:
        assert referral.decisions.filter(stage="cg", outcome="positive").exists()


def test_loading_is_audited_and_recorded(small_world: Path) -> None:
    actor = UserFactory.create(role=Role.ADMINISTRATOR)
    result = world_load(actor, directory=small_world)
    loaded = LoadedWorld.objects.get()
    assert loaded.world_id == result.world_id
    assert loaded.loaded_by == actor
    assert loaded.counts == result.created
    event = AuditEvent.objects.get(event_type=AuditEventType.DATA_LOADED)
    assert event.object_id == str(loaded.pk)
    assert event.actor_id == actor.pk
    created = AuditEvent.objects.filter(event_type=AuditEventType.RECORD_CREATED).count()
    assert created == PersonRecord.objects.count() + SuspectRecord.objects.count()
    assert audit_verify().ok


def test_loading_the_same_world_twice_adds_nothing(small_world: Path) -> None:
    world_load(None, directory=small_world)
    before = _store_counts()
    again = world_load(None, directory=small_world)
    assert again.already_loaded
    assert again.created == {}
    assert _store_counts() == before


def test_a_bad_row_is_reported_by_file_row_and_field_and_nothing_is_written(
    small_world: Path, tmp_path: Path
) -> None:
    directory = _copy(small_world, tmp_path)
    _rewrite(directory, "referrals.csv", 3, "referred_on", "2023-13-45")
    _rewrite(directory, "decisions.csv", 5, "stage", "final")
    _rewrite(directory, "suspect_records.csv", 2, "source_organisation", "nowhere")
    before = _store_counts()
    with pytest.raises(WorldFileError) as caught:
        world_load(None, directory=directory)
    problems = {(p.file, p.row, p.field) for p in caught.value.problems}
    assert ("referrals.csv", 3, "referred_on") in problems
    assert ("decisions.csv", 5, "stage") in problems
    assert ("suspect_records.csv", 2, "source_organisation") in problems
    assert ("referrals.csv", 0, "") in problems  # the checksum no longer matches
    message = str(caught.value)
    assert (
        "referrals.csv row 3, field referred_on: not a date (YYYY-MM-DD): '2023-13-45'" in message
    )
    assert isinstance(caught.value, SynthError)
    assert _store_counts() == before


def test_a_failure_while_writing_leaves_the_store_unchanged(
    small_world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object) -> None:
        raise RuntimeError("connection lost")

    monkeypatch.setattr(services._Writer, "pursue_file", broken)
    before = _store_counts()
    with pytest.raises(RuntimeError, match="connection lost"):
        world_load(None, directory=small_world)
    assert _store_counts() == before


def test_references_already_in_the_store_are_reported(small_world: Path) -> None:
    reference = read_csv(small_world, "referrals.csv")[9]["reference"]
    ReferralFactory.create(reference=reference)
    with pytest.raises(WorldFileError) as caught:
        world_load(None, directory=small_world)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.field) == ("referrals.csv", 10, "reference")
    assert "already in the store" in problem.reason


def test_truth_is_never_stored(small_world: Path) -> None:
    world_load(None, directory=small_world)
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                for marker in TRUTH_MARKERS:
                    name = connection.ops.quote_name(column.name)
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608
                        f"WHERE CAST({name} AS TEXT) LIKE %s",
                        [f"%{marker}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append((table, column.name, marker))
    assert found == []


def test_truth_files_are_never_read(small_world: Path, tmp_path: Path) -> None:
    directory = _copy(small_world, tmp_path)
    for spec in schema.TRUTH_FILES:
        (directory / spec.name).write_text("not, a, valid\ntruth file\n")
    (directory / "truth_people.csv").unlink()
    result = world_load(None, directory=directory)
    assert result.created["referrals"] == SMALL_REFERRALS


def test_loading_a_few_thousand_rows_takes_seconds(small_world: Path) -> None:
    started = time.perf_counter()
    world_load(None, directory=small_world)
    assert time.perf_counter() - started < 20


def test_a_folder_that_is_not_a_world_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SynthError, match=r"no world\.json"):
        world_load(None, directory=tmp_path)
    with pytest.raises(SynthError, match="not a directory"):
        world_load(None, directory=tmp_path / "missing")


def test_synthetic_worlds_never_go_into_production(small_world: Path) -> None:
    with override_settings(PRODUCTION=True), pytest.raises(SynthError, match="production"):
        world_load(None, directory=small_world)
    assert not Referral.objects.exists()


def test_only_an_administrator_may_load_a_world(tmp_path: Path) -> None:
    from msht.core.errors import PermissionDeniedError

    analyst = UserFactory.create(role=Role.ANALYST)
    with pytest.raises(PermissionDeniedError):
        world_load(analyst, directory=tmp_path)
