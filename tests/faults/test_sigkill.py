"""An ingest and a linkage run killed with SIGKILL at many points each resume to the same
result: after every kill the same command is run again to completion, and the tables it
writes, digested without ids, timestamps and random entity ids, equal an uninterrupted
run's; the audit chain still verifies.

The kill points are reached by watching the process from outside (no hook in the code):
seconds after the start (still importing), the step its live progress display names
(extract, train, predict, cluster, store for linkage; the row count for ingest), and the
size of SQLite's rollback journal (a write transaction part-way). A point the command
finished before is not counted as a fault. Each command runs against a SQLite file of the
test's own, copied from one prepared store per command.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.faults.support import (
    AFTER_START,
    JOURNAL_BYTES,
    STEP_SHOWN,
    KillPoint,
    differences,
    digest,
    msht_environment,
    msht_run,
    msht_run_many,
    query,
    query_after_crash,
    run_and_kill,
)

pytestmark = pytest.mark.slow

MINIMUM_FAULTS = 20
# About 1,400 police rows: the police share of 4,500 synthetic referrals.
EXPORT_REFERRALS = 4_500
LINKAGE_REFERRALS = 600

INGEST_TABLES = {
    "sources": "SELECT code, name, mapping_version FROM ingest_source",
    "batches": (
        "SELECT s.code, b.file_name, b.file_sha256, b.file_size, b.file_format, b.encoding, "
        "b.mapping_version, b.state, b.rows, b.loaded, b.updated, b.unchanged, b.quarantined, "
        "b.problems FROM ingest_batch b JOIN ingest_source s ON s.id = b.source_id"
    ),
    "records": (
        "SELECT s.code, r.record_key, r.content_hash, r.version, r.row_number, r.fields, r.raw, "
        "r.recorded_on, p.source_reference FROM ingest_ingestedrecord r "
        "JOIN ingest_source s ON s.id = r.source_id "
        "LEFT JOIN referrals_personrecord p ON p.id = r.person_record_id"
    ),
    "versions": (
        "SELECT r.record_key, v.version, v.content_hash, v.fields, v.raw "
        "FROM ingest_ingestedrecordversion v JOIN ingest_ingestedrecord r ON r.id = v.record_id"
    ),
    "quarantine": (
        "SELECT row_key, file_name, row_number, field, value, reason, problems, raw, status "
        "FROM ingest_quarantinedrow"
    ),
    "persons": (
        "SELECT p.source_reference, p.given_names, p.family_name, p.aliases, p.birth_year, "
        "p.birth_month, p.birth_day, p.birth_date_is_estimated, p.gender, "
        "p.home_office_reference, p.pnc_id, p.passport_number, p.phone_numbers, p.addresses, "
        "p.source, o.code FROM referrals_personrecord p "
        "LEFT JOIN accounts_organisation o ON o.id = p.source_organisation_id"
    ),
    "nationalities": (
        "SELECT p.source_reference, n.nationality_id FROM referrals_personrecord_nationalities n "
        "JOIN referrals_personrecord p ON p.id = n.personrecord_id"
    ),
    "audit": "SELECT event_type, object_type, count(*) FROM audit_auditevent GROUP BY 1, 2",
}

LINKAGE_TABLES = {
    "entities": "SELECT count(*) FROM referrals_personentity",
    "runs": (
        # The trained model is compared by _models (its floats rounded).
        "SELECT kind, engine, upper_threshold, lower_threshold, counts, "
        "entities_created, merges, splits, records_changed FROM linkage_linkagerun"
    ),
    "review queue": (
        "SELECT c.kind, l.source_reference, r.source_reference, round(c.match_probability, 6), "
        "c.evidence, c.decision FROM linkage_clericalpair c "
        "JOIN referrals_personrecord l ON l.id = c.record_l_id "
        "JOIN referrals_personrecord r ON r.id = c.record_r_id"
    ),
    "entity changes": "SELECT change, records FROM linkage_entitychange",
    "audit": "SELECT event_type, object_type, count(*) FROM audit_auditevent GROUP BY 1, 2",
}

INGEST_POINTS = [
    # Still starting: Django, the mapping, the file's digest.
    KillPoint(AFTER_START, 0.5),
    KillPoint(AFTER_START, 1.0),
    KillPoint(AFTER_START, 1.5),
    KillPoint(AFTER_START, 2.0),
    # The source row's and the batch row's own short transactions.
    KillPoint(JOURNAL_BYTES, 1),
    KillPoint(JOURNAL_BYTES, 20_000),
    # The progress bar is up: the batch row is committed or about to be.
    KillPoint(STEP_SHOWN, "0/?"),
    KillPoint(STEP_SHOWN, "0/?", 0.02),
    KillPoint(STEP_SHOWN, "0/?", 0.05),
    # The load's one transaction, as it grows.
    *(
        KillPoint(JOURNAL_BYTES, size)
        for size in (28_000, 34_000, 40_000, 48_000, 55_000, 62_000, 70_000, 78_000, 85_000)
    ),
    *(KillPoint(JOURNAL_BYTES, 28_000, delay) for delay in (0.1, 0.2, 0.3, 0.45, 0.6, 0.8)),
    # Every row processed (the bar shows rows/rows): the batch is being marked complete,
    # committed, then printed. The export's row count is filled in by _ingest_points.
    KillPoint(STEP_SHOWN, "{rows}/{rows}"),
    KillPoint(STEP_SHOWN, "{rows}/{rows}", 0.005),
    KillPoint(STEP_SHOWN, "{rows}/{rows}", 0.02),
    KillPoint(STEP_SHOWN, "{rows}/{rows}", 0.05),
]

LINKAGE_POINTS = [
    KillPoint(AFTER_START, 0.5),
    KillPoint(AFTER_START, 1.0),
    KillPoint(AFTER_START, 2.0),
    # Reading the store into DuckDB.
    KillPoint(STEP_SHOWN, "extract"),
    KillPoint(STEP_SHOWN, "extract", 0.05),
    KillPoint(STEP_SHOWN, "extract", 0.1),
    # Splink: training (u by sampling, m by EM), prediction, clustering.
    *(KillPoint(STEP_SHOWN, "train", delay) for delay in (0.0, 0.1, 0.25, 0.5, 0.8)),
    *(KillPoint(STEP_SHOWN, "predict", delay) for delay in (0.0, 0.05, 0.1, 0.15)),
    *(KillPoint(STEP_SHOWN, "cluster", delay) for delay in (0.0, 0.02, 0.05)),
    # Entities, records, the merge log, the review queue and audit: one transaction.
    KillPoint(STEP_SHOWN, "store"),
    KillPoint(STEP_SHOWN, "store", 0.02),
    KillPoint(JOURNAL_BYTES, 1),
    KillPoint(JOURNAL_BYTES, 1, 0.05),
    KillPoint(JOURNAL_BYTES, 10_000),
    KillPoint(JOURNAL_BYTES, 30_000),
    KillPoint(JOURNAL_BYTES, 45_000),
    KillPoint(JOURNAL_BYTES, 60_000),
    # Committed: the summary is printed and the process ends.
    KillPoint(STEP_SHOWN, "done"),
    KillPoint(STEP_SHOWN, "records changed"),
]


@dataclass(frozen=True)
class Store:
    """A prepared SQLite store and its audit checkpoint file, copied for each run."""

    database: Path
    checkpoints: Path

    def copy(self, directory: Path) -> tuple[Path, dict[str, str]]:
        directory.mkdir(parents=True)
        database = directory / "msht.sqlite3"
        checkpoints = directory / "audit.checkpoints"
        shutil.copyfile(self.database, database)
        if self.checkpoints.exists():
            shutil.copyfile(self.checkpoints, checkpoints)
        return database, msht_environment(database, checkpoints)


def _prepared(directory: Path, *commands: list[str]) -> Store:
    directory.mkdir(parents=True)
    store = Store(directory / "msht.sqlite3", directory / "audit.checkpoints")
    environment = msht_environment(store.database, store.checkpoints)
    msht_run(environment, "migrate", "--no-input", "-v0")
    for command in commands:
        msht_run(environment, *command)
    return store


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The police export of a synthetic world, written by the synth exporters."""
    world = tmp_path_factory.mktemp("export-world")
    scratch = world / "scratch"
    scratch.mkdir()
    environment = msht_environment(scratch / "unused.sqlite3", scratch / "unused.checkpoints")
    msht_run(
        environment,
        "synth",
        "--referrals",
        str(EXPORT_REFERRALS),
        "--seed",
        "5",
        "--out",
        str(world / "world"),
    )
    return world / "world" / "police_export.csv"


def _rows_in(export: Path) -> int:
    with export.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def _kill_and_resume(
    store: Store,
    scratch: Path,
    command: list[str],
    points: list[KillPoint],
    *,
    state_at_kill: Callable[[Path], str],
    baseline: Callable[[str], Path],
    tables: dict[str, str],
    checksum: Callable[[Path], dict[str, str]],
) -> Counter[str]:
    """Kill ``command`` at every point, run it again to completion, compare checksums.

    Returns how many kills landed in each state of the store (as ``state_at_kill`` names it).
    """
    states: Counter[str] = Counter()
    missed = []
    for number, point in enumerate(points):
        database, environment = store.copy(scratch / f"point-{number}")
        outcome = run_and_kill(environment, command, point, journal=Path(f"{database}-journal"))
        if not outcome.killed:
            missed.append(point.label)
            continue
        state = state_at_kill(database)
        journal = Path(f"{database}-journal")
        if journal.exists() and journal.stat().st_size > 0:
            # A hot journal: the kill cut a write transaction off (the next opening undoes it).
            state += ", a write cut off"
        states[state] += 1
        # The same command again, to completion, then the audit chain checked (one process).
        output = msht_run_many(environment, command, ["audit", "verify"])
        assert "chain intact" in output, output[-2000:]
        expected = baseline(state)
        assert checksum(database) == checksum(expected), (
            f"killed at {point.label} ({state}): {differences(database, expected, tables)}"
        )
        print(f"  killed at {point.label:<28} {outcome.seconds:6.2f}s  store: {state}")
    print(f"{sum(states.values())} SIGKILLs; {len(missed)} points reached after the end")
    for state, kills in sorted(states.items()):
        print(f"  {kills:>3} left the store with {state}")
    return states


def _ingest_points(rows: int) -> list[KillPoint]:
    return [
        KillPoint(point.trigger, point.value.format(rows=rows), point.delay)
        if isinstance(point.value, str)
        else point
        for point in INGEST_POINTS
    ]


def _ingest_state(database: Path) -> str:
    batches = query_after_crash(database, "SELECT state FROM ingest_batch ORDER BY id")
    return "no batch" if not batches else "batch " + ", ".join(state for (state,) in batches)


def test_an_ingest_killed_at_twenty_points_resumes_to_the_same_tables(
    export: Path, tmp_path: Path
) -> None:
    rows = _rows_in(export)
    store = _prepared(tmp_path / "prepared")
    command = ["ingest", "police", str(export)]

    once, environment = store.copy(tmp_path / "uninterrupted")
    msht_run(environment, *command)
    after_one_run = tmp_path / "after-one-run.sqlite3"
    shutil.copyfile(once, after_one_run)
    msht_run(environment, *command)
    loaded = query(
        once, "SELECT count(*), count(DISTINCT source_reference) FROM referrals_personrecord"
    )
    assert loaded == [(rows, rows)]

    def baseline(state: str) -> Path:
        # Killed after its commit, the ingest had finished: the re-run is a second run of
        # the same file, which adds a batch of unchanged rows and nothing else.
        return once if state.startswith("batch complete") else after_one_run

    print(f"\ningest of {rows:,} police rows killed at {len(INGEST_POINTS)} points")
    states = _kill_and_resume(
        store,
        tmp_path,
        command,
        _ingest_points(rows),
        state_at_kill=_ingest_state,
        baseline=baseline,
        tables=INGEST_TABLES,
        checksum=lambda database: digest(database, INGEST_TABLES),
    )
    assert sum(states.values()) >= MINIMUM_FAULTS, states
    # The kills reached every phase: before the batch, inside its transaction, after it.
    for phase in ("no batch", "batch running", "batch complete"):
        assert any(state.startswith(phase) for state in states), (phase, states)
    assert any(state.endswith("a write cut off") for state in states), states


def _partition(database: Path) -> list[tuple[str, ...]]:
    """Which records share an entity, by source reference (entity ids are random uuids)."""
    groups: dict[str, list[str]] = defaultdict(list)
    sql = "SELECT entity_id, source_reference FROM referrals_personrecord"
    for entity, reference in query(database, sql):
        groups[str(entity) if entity else f"none:{reference}"].append(str(reference))
    return sorted(tuple(sorted(group)) for group in groups.values())


def _rounded(value: Any) -> Any:
    """Floats to 6 significant digits: DuckDB sums in parallel, so EM's last bits vary."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def _models(database: Path) -> list[str]:
    """Each run's trained model, without Splink's random linker id, floats rounded."""
    models = []
    for (text,) in query(database, "SELECT model FROM linkage_linkagerun ORDER BY id"):
        model = json.loads(text)
        model.pop("linker_uid", None)
        models.append(json.dumps(_rounded(model), sort_keys=True))
    return models


def _linkage_checksum(database: Path) -> dict[str, str]:
    found = digest(database, LINKAGE_TABLES)
    found["models"] = hashlib.sha256("\n".join(_models(database)).encode()).hexdigest()[:16]
    partition = "\n".join(",".join(group) for group in _partition(database))
    found["partition"] = hashlib.sha256(partition.encode()).hexdigest()[:16]
    return found


def _linkage_state(database: Path) -> str:
    runs = query_after_crash(database, "SELECT count(*) FROM linkage_linkagerun")[0][0]
    linked = query_after_crash(
        database, "SELECT count(*) FROM referrals_personrecord WHERE entity_id IS NOT NULL"
    )
    return f"{runs} run(s), {linked[0][0]} records with an entity"


def test_a_linkage_run_killed_at_twenty_points_resumes_to_the_same_entities(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    world = tmp_path_factory.mktemp("linkage-world") / "world"
    scratch = tmp_path / "synth"
    scratch.mkdir()
    environment = msht_environment(scratch / "unused.sqlite3", scratch / "unused.checkpoints")
    msht_run(
        environment,
        "synth",
        "--referrals",
        str(LINKAGE_REFERRALS),
        "--seed",
        "3",
        "--out",
        str(world),
    )
    store = _prepared(tmp_path / "prepared", ["load", str(world)])
    command = ["link", "persons"]

    once, environment = store.copy(tmp_path / "uninterrupted")
    msht_run(environment, *command)
    after_one_run = tmp_path / "after-one-run.sqlite3"
    shutil.copyfile(once, after_one_run)
    linked = _partition(once)
    assert len(linked) < LINKAGE_REFERRALS, "the world's planted duplicates were not linked"
    msht_run(environment, *command)
    # A second run over unchanged records keeps every entity: the same partition.
    assert _partition(once) == _partition(after_one_run)

    def baseline(state: str) -> Path:
        return once if state.startswith("1 run") else after_one_run

    print(f"\nlinkage of {LINKAGE_REFERRALS} person records killed at {len(LINKAGE_POINTS)} points")
    states = _kill_and_resume(
        store,
        tmp_path,
        command,
        LINKAGE_POINTS,
        state_at_kill=_linkage_state,
        baseline=baseline,
        tables=LINKAGE_TABLES,
        checksum=_linkage_checksum,
    )
    assert sum(states.values()) >= MINIMUM_FAULTS, states
    assert any(state.startswith("0 run") for state in states), states
    assert any(state.startswith("1 run") for state in states), states
    # Some kills came inside the store's one transaction, which left nothing behind.
    assert any(state.endswith("a write cut off") for state in states), states
