"""Stable entity ids across runs: kept, merged, split."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from msht.linkage.engine.entities import Merge, Split, assign_entities


def _fresh() -> Callable[[], str]:
    """New entity ids new-1, new-2, ... in the order asked for."""
    counter = itertools.count(1)
    return lambda: f"new-{next(counter)}"


def test_first_run_gives_every_cluster_a_new_entity() -> None:
    result = assign_entities({"1": "a", "2": "a", "3": "b"}, {}, _fresh())
    assert result.entity_of["1"] == result.entity_of["2"] != result.entity_of["3"]
    assert len(result.created) == 2
    assert result.merges == []
    assert result.splits == []
    assert result.changed_records == ["1", "2", "3"]


def test_unchanged_evidence_keeps_every_entity() -> None:
    previous = {"1": "E1", "2": "E1", "3": "E2"}
    result = assign_entities({"1": "x", "2": "x", "3": "y"}, previous, _fresh())
    assert result.entity_of == previous
    assert result.created == []
    assert result.changed_records == []


def test_a_new_record_joins_its_entity() -> None:
    result = assign_entities({"1": "x", "2": "x", "9": "x"}, {"1": "E1", "2": "E1"}, _fresh())
    assert result.entity_of["9"] == "E1"
    assert result.changed_records == ["9"]


def test_two_entities_in_one_cluster_merge_into_the_larger() -> None:
    previous = {"1": "E1", "2": "E1", "3": "E2"}
    result = assign_entities({"1": "x", "2": "x", "3": "x"}, previous, _fresh())
    assert set(result.entity_of.values()) == {"E1"}
    assert result.merges == [Merge(into="E1", absorbed=("E2",), records=1)]


def test_an_entity_in_two_clusters_is_split_and_the_larger_part_keeps_its_id() -> None:
    previous = {"1": "E1", "2": "E1", "3": "E1"}
    result = assign_entities({"1": "x", "2": "x", "3": "y"}, previous, _fresh())
    assert result.entity_of["1"] == result.entity_of["2"] == "E1"
    assert result.entity_of["3"] == "new-1"
    assert result.splits == [Split(entity="E1", into=("E1", "new-1"))]
