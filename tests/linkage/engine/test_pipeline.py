"""The engine alone (no Django) on a synthetic world's files: accuracy and clerical overrides."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from msht.linkage.engine import (
    Decision,
    DuckDBBackend,
    Thresholds,
    TrainingPlan,
    evaluate,
    link,
    prepare_records,
    worldfiles,
)
from msht.synth.engine import generate_world

PLAN = TrainingPlan(max_pairs_for_u=1e6)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("world")
    generate_world(directory, referrals=2000, seed=11)
    return directory


def _linked(world: Path, decisions: list[Decision] | None = None) -> dict[str, str]:
    connection = duckdb.connect()
    prepare_records(connection, worldfiles.referral_records(world))
    result = link(
        DuckDBBackend(connection), thresholds=Thresholds(), decisions=decisions or [], plan=PLAN
    )
    return dict(
        zip(
            result.clusters.column("record_id").to_pylist(),
            result.clusters.column("cluster_id").to_pylist(),
            strict=True,
        )
    )


def test_persons_are_linked_close_to_the_truth(world: Path) -> None:
    clusters = _linked(world)
    scores = evaluate(clusters, worldfiles.truth(world, "persons"))
    print(
        f"\nengine on 2,000 referrals: pairwise P {scores.pairwise.precision:.4f} "
        f"R {scores.pairwise.recall:.4f} F1 {scores.pairwise.f1:.4f}; "
        f"B-cubed F1 {scores.bcubed.f1:.4f}; records {scores.records}, "
        f"linked people {scores.predicted_entities}, true people {scores.true_entities}"
    )
    assert scores.bcubed.f1 >= 0.97
    assert scores.pairwise.precision >= 0.9


def test_clerical_decisions_outrank_the_model(world: Path) -> None:
    clusters = _linked(world)
    members: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        members.setdefault(cluster, []).append(record)
    linked_pair = sorted(next(group for group in members.values() if len(group) == 2))
    apart = sorted(group[0] for group in members.values() if len(group) == 1)[:2]
    decided = _linked(
        world,
        [
            Decision(linked_pair[0], linked_pair[1], is_match=False),
            Decision(apart[0], apart[1], is_match=True),
        ],
    )
    assert decided[linked_pair[0]] != decided[linked_pair[1]]
    assert decided[apart[0]] == decided[apart[1]]


def test_not_a_match_parts_two_records_that_a_third_links(world: Path) -> None:
    """Two records decided apart leave one cluster of three or more, not just their link."""
    clusters = _linked(world)
    members: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        members.setdefault(cluster, []).append(record)
    large = sorted(cluster for cluster, group in members.items() if len(group) >= 3)
    assert large, "the world linked no cluster of three or more records to test with"
    first, second = sorted(members[large[0]])[:2]
    decided = _linked(world, [Decision(first, second, is_match=False)])
    assert decided[first] != decided[second]
