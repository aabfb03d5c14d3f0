"""Clusters that must not hold two particular records are split by the strongest links.

Clustering at a threshold joins everything connected: a record with a name missing may
link strongly to two brothers sharing a home, and so make one person of the two even
though their Home Office references differ; a reviewer's "not a match" would undo only
the direct link. A cluster holding such a pair (a *conflict*) is rebuilt from its links,
strongest first, skipping any link that would put a conflicting pair together.

Differing identifiers are a conflict only where the trained model finds that one
person's records (almost) never differ on them, as in the store; in a file whose
identifiers are often mistyped (FEBRL's social security numbers) they are not. A pair
the model linked directly, identifiers and all, is never a conflict of identifiers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import duckdb
import pyarrow as pa

from msht.linkage.engine.prepare import IDENTIFIER_COLUMNS, PREPARED_TABLE

# Two values of one kind of identifier that differ by more than a keystroke: two people
# (Home Office references, PNC ids and passport numbers are each one person's).
_IDENTIFIERS_DIFFER = " or ".join(
    f"(a.{column} is not null and b.{column} is not null "
    f"and damerau_levenshtein(a.{column}, b.{column}) > 1)"
    for column in IDENTIFIER_COLUMNS
)

# Pairs in one cluster that are two people: their identifiers differ (when they count),
# or a reviewer said so; a reviewer's "match" outranks the identifiers. Only records with
# an identifier are paired, so a large cluster costs little. The tables are the caller's
# registrations, the columns this module's constants.
_CONFLICTS_SQL = f"""
with shared as (
    select record_id, cluster_id from constraint_clusters
    where cluster_id in (
        select cluster_id from constraint_clusters group by cluster_id having count(*) > 1)
),
identified as (
    select s.cluster_id, r.*
    from shared s join {PREPARED_TABLE} r on r.unique_id = s.record_id
    where {" or ".join(f"r.{column} is not null" for column in IDENTIFIER_COLUMNS)}
),
by_identifiers as (
    select a.cluster_id, a.unique_id as record_l, b.unique_id as record_r
    from identified a
    join identified b on a.cluster_id = b.cluster_id and a.unique_id < b.unique_id
    where $identifiers_count and ({_IDENTIFIERS_DIFFER})
      and not exists (
        select 1 from constraint_edges e
        where e.unique_id_l = a.unique_id and e.unique_id_r = b.unique_id
          and e.match_probability >= $threshold)
),
by_reviewers as (
    select l.cluster_id, d.record_id_l as record_l, d.record_id_r as record_r
    from constraint_decisions d
    join shared l on l.record_id = d.record_id_l
    join shared r on r.record_id = d.record_id_r and r.cluster_id = l.cluster_id
    where not d.is_match
)
select * from by_identifiers i
where not exists (
    select 1 from constraint_decisions d
    where d.record_id_l = i.record_l and d.record_id_r = i.record_r and d.is_match)
union
select * from by_reviewers
"""  # noqa: S608

_LINKS_SQL = """
select e.unique_id_l, e.unique_id_r, e.match_probability
from constraint_edges e
join constraint_clusters c on c.record_id = e.unique_id_l
where c.cluster_id in (select cluster_id from constraint_conflicts)
  and e.match_probability >= $1
order by e.match_probability desc, e.unique_id_l, e.unique_id_r
"""


class _Parts:
    """Union-find over the records of conflicting clusters, refusing conflicting unions."""

    def __init__(self, conflicts: list[tuple[str, str]]) -> None:
        self.parent: dict[str, str] = {}
        self.apart: dict[str, set[str]] = defaultdict(set)
        for left, right in conflicts:
            self.apart[left].add(right)
            self.apart[right].add(left)
        self.members: dict[str, set[str]] = {}

    def find(self, record: str) -> str:
        root = self.parent.setdefault(record, record)
        while root != self.parent[root]:
            root = self.parent[root]
        # Point the walked path at its root, so later walks are short.
        while record != root:
            self.parent[record], record = root, self.parent[record]
        return root

    def join(self, left: str, right: str) -> None:
        a, b = self.find(left), self.find(right)
        if a == b:
            return
        group_a = self.members.setdefault(a, {a})
        group_b = self.members.setdefault(b, {b})
        if any(self.apart[record] & group_b for record in group_a):
            return
        if len(group_a) < len(group_b):
            a, b, group_a, group_b = b, a, group_b, group_a
        self.parent[b] = a
        group_a |= self.members.pop(b)


# "Identifiers differ" for at most this share of one person's pairs of records: then
# differing identifiers mean two people (the store's model: about 1e-10).
_IDENTIFIERS_DIFFER_M = 0.01


def identifiers_tell_people_apart(model: Mapping[str, Any]) -> bool:
    """Whether the trained Splink ``model`` (its JSON) finds that one person's records
    almost never have differing identifiers: the last level of its identifiers
    comparison ("Identifiers differ") has an m probability under one in a hundred."""
    for comparison in model.get("comparisons", []):
        if comparison.get("output_column_name") == "identifiers":
            differ = comparison["comparison_levels"][-1].get("m_probability")
            return differ is not None and float(differ) < _IDENTIFIERS_DIFFER_M
    return False


def separate_conflicts(
    connection: duckdb.DuckDBPyConnection,
    *,
    clusters: pa.Table,
    edges: pa.Table,
    decisions: pa.Table,
    threshold: float,
    identifiers_differ_between_people: bool = True,
) -> tuple[pa.Table, int]:
    """``clusters`` (record_id, cluster_id) with every cluster that holds a conflicting
    pair rebuilt from its links at or above ``threshold`` in ``edges`` (unique_id_l,
    unique_id_r, match_probability), strongest first. ``connection`` holds the prepared
    records; ``decisions`` are the reviewers' (record_id_l < record_id_r, is_match).
    Differing identifiers are a conflict only if ``identifiers_differ_between_people``
    (``identifiers_tell_people_apart``). Returns the clusters and how many clusters were
    split."""
    registered = {
        "constraint_clusters": clusters,
        "constraint_edges": edges,
        "constraint_decisions": decisions,
    }
    for name, table in registered.items():
        connection.register(name, table)
    try:
        conflicts: pa.Table = connection.sql(
            _CONFLICTS_SQL,
            params={
                "identifiers_count": identifiers_differ_between_people,
                "threshold": float(threshold),
            },
        ).to_arrow_table()
        if conflicts.num_rows == 0:
            return clusters, 0
        connection.register("constraint_conflicts", conflicts)
        links = connection.execute(_LINKS_SQL, [float(threshold)]).fetchall()
        connection.unregister("constraint_conflicts")
    finally:
        for name in registered:
            connection.unregister(name)
    pairs = list(
        zip(
            conflicts.column("record_l").to_pylist(),
            conflicts.column("record_r").to_pylist(),
            strict=True,
        )
    )
    parts = _Parts(pairs)
    for left, right, _probability in links:
        parts.join(str(left), str(right))
    split_clusters = set(conflicts.column("cluster_id").to_pylist())
    records = clusters.column("record_id").to_pylist()
    cluster_ids = clusters.column("cluster_id").to_pylist()
    # A part is named by its root record, so each part of a split cluster is its own.
    rebuilt = [
        parts.find(str(record)) if cluster in split_clusters else cluster
        for record, cluster in zip(records, cluster_ids, strict=True)
    ]
    table = pa.table(
        {"record_id": clusters.column("record_id"), "cluster_id": pa.array(rebuilt)},
    )
    return table, len(split_clusters)
