"""On a synthetic world, the planted perpetrator networks come out of the graph whole.

Measured twice: with suspects as recorded (each record its own suspect) and after
suspect linkage (records of one suspect are one node), with the precision of the
suspect links against the ground truth. The database is flushed afterwards.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from msht.intelligence.engine.networks import Recovery, planted_network_recovery
from msht.intelligence.models import SuspectRecord
from msht.intelligence.services import network_run
from msht.linkage.engine import TrainingPlan, evaluate
from msht.synth.engine import generate_world

pytestmark = pytest.mark.slow

WORLD_REFERRALS = 2_000


@dataclass(frozen=True)
class Recovered:
    as_recorded: Recovery
    linked: Recovery
    suspect_link_precision: float


def _planted(world: Path, node_of_reference: dict[str, str]) -> dict[str, str]:
    with (world / "truth_suspect_records.csv").open(newline="") as handle:
        return {
            node_of_reference[row["suspect_record_reference"]]: row["network_id"]
            for row in csv.DictReader(handle)
        }


def _nodes() -> dict[str, str]:
    nodes = {}
    for reference, record_id, entity_id in SuspectRecord.objects.values_list(
        "source_reference", "id", "entity_id"
    ):
        key = f"entity-{entity_id}" if entity_id is not None else f"record-{record_id}"
        nodes[reference] = f"suspect:{key}"
    return nodes


def _recovery(world: Path) -> Recovery:
    run = network_run(None).run
    found_in = {suspect: n.number for n in run.networks.all() for suspect in n.suspects}
    return planted_network_recovery(found_in, _planted(world, _nodes()))


@pytest.fixture(scope="module")
def recovered(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
) -> Iterator[Recovered]:
    from msht.linkage.services import linkage_run
    from msht.synth.services import world_load
    from tests.reference_data import load_reference_data

    world = tmp_path_factory.mktemp("networks") / "world"
    generate_world(world, referrals=WORLD_REFERRALS, seed=11)
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        try:
            load_reference_data()
            world_load(None, directory=world)
            as_recorded = _recovery(world)
            linkage_run(None, kind="suspects", plan=TrainingPlan(max_pairs_for_u=1e6))
            linked = _recovery(world)
            with (world / "truth_suspect_records.csv").open(newline="") as handle:
                truth = {
                    row["suspect_record_reference"]: row["suspect_id"]
                    for row in csv.DictReader(handle)
                }
            predicted = {
                reference: str(entity)
                for reference, entity in SuspectRecord.objects.values_list(
                    "source_reference", "entity_id"
                )
            }
            precision = evaluate(predicted, truth).pairwise.precision
            yield Recovered(as_recorded, linked, precision)
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_planted_networks_are_found_whole(recovered: Recovered) -> None:
    for label, recovery in (("as recorded", recovered.as_recorded), ("linked", recovered.linked)):
        print(
            f"suspects {label}: {recovery.whole} of {recovery.planted} planted networks found "
            f"whole ({recovery.share_whole:.1%}); {recovery.split} split, {recovery.merged} merged"
        )
    print(f"suspect links: pairwise precision {recovered.suspect_link_precision:.3f}")
    assert recovered.as_recorded.share_whole >= 0.85
    assert recovered.linked.share_whole >= 0.85
    assert recovered.suspect_link_precision >= 0.95
