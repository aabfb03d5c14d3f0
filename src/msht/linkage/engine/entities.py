"""Stable entity ids: a record keeps its entity across runs unless the evidence changes.

A run gives clusters with fresh, meaningless ids. Each cluster inherits the previous
entity that most of its records held, if no larger share of that entity went elsewhere;
other clusters get new entities. An entity whose records now sit in several clusters was
*split*; a cluster holding records of several previous entities *merged* them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Merge:
    """Previous entities ``absorbed`` whose records now belong to ``into``."""

    into: str
    absorbed: tuple[str, ...]
    records: int


@dataclass(frozen=True)
class Split:
    """A previous entity whose records now belong to several entities."""

    entity: str
    into: tuple[str, ...]


@dataclass
class EntityAssignment:
    """Entity per record, the entities created, and the merges and splits that happened."""

    entity_of: dict[str, str]
    created: list[str] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)
    # Records whose entity is new or different from the previous run's.
    changed_records: list[str] = field(default_factory=list)


def _inherit(members: Mapping[str, list[str]], previous: Mapping[str, str]) -> dict[str, str]:
    """Cluster -> previous entity it inherits: the largest overlaps are served first."""
    overlaps: Counter[tuple[str, str]] = Counter()
    for cluster, records in members.items():
        for record in records:
            entity = previous.get(record)
            if entity is not None:
                overlaps[(cluster, entity)] += 1
    inherited: dict[str, str] = {}
    taken: set[str] = set()
    # Largest overlap first; ties broken by the ids so that every run decides alike.
    for (cluster, entity), _count in sorted(
        overlaps.items(), key=lambda item: (-item[1], item[0][1], item[0][0])
    ):
        if cluster not in inherited and entity not in taken:
            inherited[cluster] = entity
            taken.add(entity)
    return inherited


def assign_entities(
    clusters: Mapping[str, str],
    previous: Mapping[str, str],
    new_entity_id: Callable[[], str],
) -> EntityAssignment:
    """Entity ids for this run's ``clusters`` (record -> cluster), keeping ``previous``
    (record -> entity) wherever the evidence allows; ``new_entity_id`` makes fresh ids."""
    members: dict[str, list[str]] = defaultdict(list)
    for record, cluster in clusters.items():
        members[cluster].append(record)
    inherited = _inherit(members, previous)
    result = EntityAssignment(entity_of={})
    entity_of_cluster: dict[str, str] = {}
    for cluster in sorted(members):
        entity = inherited.get(cluster)
        if entity is None:
            entity = new_entity_id()
            result.created.append(entity)
        entity_of_cluster[cluster] = entity
        for record in members[cluster]:
            result.entity_of[record] = entity
    surviving = set(inherited.values())
    result.merges = _merges(members, previous, entity_of_cluster, surviving)
    result.splits = _splits(previous, result.entity_of, surviving)
    result.changed_records = sorted(
        record for record, entity in result.entity_of.items() if previous.get(record) != entity
    )
    return result


def _merges(
    members: Mapping[str, list[str]],
    previous: Mapping[str, str],
    entity_of_cluster: Mapping[str, str],
    surviving: set[str],
) -> list[Merge]:
    """Previous entities that lost their id because their records joined another's."""
    merges = []
    for cluster in sorted(members):
        entity = entity_of_cluster[cluster]
        absorbed = sorted(
            {
                previous[record]
                for record in members[cluster]
                if record in previous
                and previous[record] != entity
                and previous[record] not in surviving
            }
        )
        if absorbed:
            moved = sum(1 for record in members[cluster] if previous.get(record) in absorbed)
            merges.append(Merge(into=entity, absorbed=tuple(absorbed), records=moved))
    return merges


def _splits(
    previous: Mapping[str, str], entity_of: Mapping[str, str], surviving: set[str]
) -> list[Split]:
    """Previous entities that kept their id but whose records now sit in several entities."""
    destinations: dict[str, set[str]] = defaultdict(set)
    for record, entity in previous.items():
        if record in entity_of:
            destinations[entity].add(entity_of[record])
    return [
        Split(entity=entity, into=tuple(sorted(destinations[entity])))
        for entity in sorted(destinations)
        if entity in surviving and len(destinations[entity]) > 1
    ]
