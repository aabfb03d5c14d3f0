"""A small synthetic world loaded once, snapshotted twice: as the store has it (no linkage
yet) and with person entities assigned from the world's truth file (standing in for
linkage, so the people counts can be checked without the linkage service)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from msht.analytics.services import analytics_refresh
from msht.synth.engine import generate_world

WORLD_REFERRALS = 1_500
WORLD_SEED = 11
DASHBOARD_QUARTERS = 2


@dataclass(frozen=True)
class AnalyticsWorld:
    """The world's files and the two snapshots taken of it."""

    world: Path
    store: Path
    truth_linked_store: Path


def read_csv(directory: Path, name: str) -> list[dict[str, str]]:
    """Every row of one file of a world, as dictionaries."""
    with (directory / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assign_entities_from_truth(world: Path) -> int:
    """Give every referral's person record the entity of its true person (truth_referrals.csv)."""
    from msht.referrals.models import PersonEntity, PersonRecord

    person_of = {
        row["referral_reference"]: row["person_id"]
        for row in read_csv(world, "truth_referrals.csv")
    }
    entities: dict[str, PersonEntity] = {}
    records = PersonRecord.objects.filter(referral__isnull=False).select_related("referral")
    changed = []
    for record in records:
        person = person_of[record.referral.reference]
        if person not in entities:
            entities[person] = PersonEntity.objects.create()
        record.entity = entities[person]
        changed.append(record)
    PersonRecord.objects.bulk_update(changed, ["entity"], batch_size=1000)
    return len(entities)


@pytest.fixture(scope="session")
def analytics_world(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
) -> AnalyticsWorld:
    """Load a 1,500-referral world, refresh the analytics store, link from truth, refresh
    again, then flush the database. Tests using it must be marked ``django_db``: pytest-django
    creates the test database only for a session that has such a test."""
    from msht.synth.services import world_load
    from tests.reference_data import load_reference_data

    base = tmp_path_factory.mktemp("analytics")
    world = base / "world"
    generate_world(world, referrals=WORLD_REFERRALS, seed=WORLD_SEED)
    store = base / "analytics.duckdb"
    truth_linked_store = base / "truth_linked.duckdb"
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        try:
            load_reference_data()
            world_load(None, directory=world)
            # The dashboard pages' tests read the latest two quarters (2024Q4 and 2024Q3):
            # protecting every quarter's dashboards would take minutes.
            analytics_refresh(None, out=store, dashboard_quarters=DASHBOARD_QUARTERS)
            assign_entities_from_truth(world)
            analytics_refresh(None, out=truth_linked_store, dashboards=False)
        finally:
            # The snapshots are all the tests read: empty the store at once so that no
            # other test of the session sees the world.
            call_command("flush", interactive=False, verbosity=0)
    return AnalyticsWorld(world=world, store=store, truth_linked_store=truth_linked_store)


LINKED_WORLD_REFERRALS = 4_000
LINKED_WORLD_SEED = 23


@dataclass(frozen=True)
class LinkedAnalyticsWorld:
    """A world linked by the linkage service, then snapshotted."""

    world: Path
    store: Path


@pytest.fixture(scope="session")
def linked_analytics_world(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
) -> LinkedAnalyticsWorld:
    """Load a 4,000-referral world, link persons with msht.linkage (Splink on DuckDB),
    refresh the analytics store, then flush the database."""
    from msht.linkage.engine import TrainingPlan
    from msht.linkage.services import linkage_run
    from msht.synth.services import world_load
    from tests.reference_data import load_reference_data

    base = tmp_path_factory.mktemp("linked-analytics")
    world = base / "world"
    generate_world(world, referrals=LINKED_WORLD_REFERRALS, seed=LINKED_WORLD_SEED)
    store = base / "linked.duckdb"
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        try:
            load_reference_data()
            world_load(None, directory=world)
            # Fewer random pairs for u than production: the same accuracy on a small world.
            linkage_run(None, kind="persons", plan=TrainingPlan(max_pairs_for_u=1e6))
            analytics_refresh(None, out=store, dashboards=False)
        finally:
            call_command("flush", interactive=False, verbosity=0)
    return LinkedAnalyticsWorld(world=world, store=store)


SCALE_COPIES = 30


def scale_store(source: Path, destination: Path, copies: int) -> None:
    """A store with ``copies`` copies of every record of ``source``, each copy with keys of
    its own: the same distributions at a national quarter's volume (a 1,500-referral
    world's quarter is so small that disclosure control hides nearly every breakdown)."""
    import duckdb

    keyed = {
        "referrals": ("referral_key", "person_key", "record_key"),
        "decisions": ("decision_key", "referral_key"),
        "duty_to_notify": ("report_key",),
        "referral_exploitation_types": ("referral_key",),
        "referral_places": ("referral_key",),
    }
    with duckdb.connect(str(destination)) as connection:
        connection.execute(f"ATTACH '{source}' AS source (READ_ONLY)")
        for table, keys in keyed.items():
            renamed = ", ".join(f"{key} || ':' || copy AS {key}" for key in keys)
            connection.execute(
                f"CREATE TABLE {table} AS SELECT * REPLACE ({renamed}) "  # noqa: S608
                f"FROM source.{table}, (SELECT range AS copy FROM range(?))",
                [copies],
            )
        for table in ("labels", "snapshot_info"):
            connection.execute(f"CREATE TABLE {table} AS SELECT * FROM source.{table}")  # noqa: S608


@pytest.fixture(scope="session")
def scaled_analytics_store(
    analytics_world: AnalyticsWorld, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The analytics world's snapshot, thirty times over (``scale_store``)."""
    destination = tmp_path_factory.mktemp("scaled") / "scaled.duckdb"
    scale_store(analytics_world.store, destination, SCALE_COPIES)
    protect_scaled_dashboards(destination)
    return destination


SCALED_DASHBOARD_QUARTER = "2024Q3"


def protect_scaled_dashboards(store: Path) -> None:
    """The national dashboard of SCALED_DASHBOARD_QUARTER, protected into the scaled store
    as a refresh would (its pages read nothing else)."""
    import duckdb

    from msht.analytics.engine.dashboard_store import store_dashboards
    from msht.analytics.engine.disclosure import DisclosureRules
    from msht.analytics.engine.periods import Quarter
    from msht.analytics.store import dashboard_threshold

    with duckdb.connect(str(store)) as connection:
        store_dashboards(
            connection,
            rules=DisclosureRules(threshold=dashboard_threshold()),
            plan=[(Quarter.parse(SCALED_DASHBOARD_QUARTER), None)],
        )
