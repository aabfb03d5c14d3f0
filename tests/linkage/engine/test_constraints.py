"""Clusters holding two different people (by identifiers or a reviewer's word) are split
by their strongest links; every other cluster is left as Splink made it."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa
import pytest

from msht.linkage.engine.constraints import identifiers_tell_people_apart, separate_conflicts
from msht.linkage.engine.pipeline import DECISION_SCHEMA
from msht.linkage.engine.prepare import IDENTIFIER_COLUMNS, PREPARED_TABLE

THRESHOLD = 0.95
Identifiers = dict[str, str]  # identifier column -> value; absent columns are null


def _clusters(members: dict[str, str]) -> pa.Table:
    return pa.table(
        {"record_id": list(members), "cluster_id": list(members.values())},
        schema=pa.schema([("record_id", pa.string()), ("cluster_id", pa.string())]),
    )


def _separate(
    records: dict[str, Identifiers],
    clusters: pa.Table,
    edges: Sequence[tuple[str, str, float]],
    decisions: Sequence[tuple[str, str, bool]] = (),
) -> tuple[pa.Table, int]:
    connection = duckdb.connect()
    prepared = {"unique_id": list(records)} | {
        column: [identifiers.get(column) for identifiers in records.values()]
        for column in IDENTIFIER_COLUMNS
    }
    schema = pa.schema([(column, pa.string()) for column in prepared])
    connection.register(PREPARED_TABLE, pa.table(prepared, schema=schema))
    edge_table = pa.table(
        {
            "unique_id_l": [left for left, _, _ in edges],
            "unique_id_r": [right for _, right, _ in edges],
            "match_probability": pa.array([p for _, _, p in edges], pa.float64()),
        }
    )
    decision_table = pa.table(
        [[d[0] for d in decisions], [d[1] for d in decisions], [d[2] for d in decisions]],
        schema=DECISION_SCHEMA,
    )
    return separate_conflicts(
        connection,
        clusters=clusters,
        edges=edge_table,
        decisions=decision_table,
        threshold=THRESHOLD,
    )


def _partition(table: pa.Table) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, cluster in zip(
        table.column("record_id").to_pylist(), table.column("cluster_id").to_pylist(), strict=True
    ):
        groups.setdefault(cluster, set()).add(record)
    return {frozenset(group) for group in groups.values()}


def _id(table: pa.Table) -> dict[str, str]:
    return dict(
        zip(
            table.column("record_id").to_pylist(),
            table.column("cluster_id").to_pylist(),
            strict=True,
        )
    )


BROTHERS_EDGES = [("A", "C", 0.99), ("B", "C", 0.97)]


def test_brothers_joined_through_a_record_without_identifiers_are_split() -> None:
    """A and B have different Home Office references; C (none) joins the stronger side."""
    records = {"A": {"identifier_1": "H1234567"}, "B": {"identifier_1": "H7654321"}, "C": {}}
    result, split = _separate(records, _clusters(dict.fromkeys("ABC", "A")), BROTHERS_EDGES)
    assert _partition(result) == {frozenset("AC"), frozenset("B")}
    assert split == 1


def test_a_cluster_without_conflicts_is_returned_unchanged() -> None:
    """Without B's identifier nothing conflicts: the input table comes back as it is."""
    records = {"A": {"identifier_1": "H1234567"}, "B": {}, "C": {}}
    clusters = _clusters(dict.fromkeys("ABC", "A"))
    result, split = _separate(records, clusters, BROTHERS_EDGES)
    assert result is clusters
    assert split == 0


@pytest.mark.parametrize(
    ("other", "split"),
    [
        ("H1234576", 0),  # transposition
        ("H1234568", 0),  # substitution
        ("H123456", 0),  # deletion
        ("H1234588", 1),  # two substitutions: another person
    ],
)
def test_identifiers_one_keystroke_apart_are_not_a_conflict(other: str, split: int) -> None:
    """A typing slip in a reference is the same reference; two slips are another one."""
    records = {"A": {"identifier_1": "H1234567"}, "B": {"identifier_1": other}, "C": {}}
    result, count = _separate(records, _clusters(dict.fromkeys("ABC", "A")), BROTHERS_EDGES)
    assert len(_partition(result)) == 1 + split
    assert count == split


def test_identifiers_are_compared_only_within_one_kind() -> None:
    """A's Home Office reference and B's PNC id differ but say nothing of each other."""
    records = {"A": {"identifier_1": "H1234567"}, "B": {"identifier_2": "PNC9999"}, "C": {}}
    result, split = _separate(records, _clusters(dict.fromkeys("ABC", "A")), BROTHERS_EDGES)
    assert _partition(result) == {frozenset("ABC")}
    assert split == 0


def test_differing_passport_numbers_are_a_conflict() -> None:
    """Any kind of identifier separates, not only the Home Office reference."""
    records = {"A": {"identifier_3": "P11111111"}, "B": {"identifier_3": "P22222222"}, "C": {}}
    result, split = _separate(records, _clusters(dict.fromkeys("ABC", "A")), BROTHERS_EDGES)
    assert _partition(result) == {frozenset("AC"), frozenset("B")}
    assert split == 1


@pytest.mark.parametrize(
    ("a_to_c", "b_to_c", "expected"),
    [
        (0.99, 0.97, {frozenset("AC"), frozenset("B")}),
        (0.97, 0.99, {frozenset("A"), frozenset("BC")}),
    ],
)
def test_a_reviewers_not_a_match_splits_a_cluster_by_the_strongest_links(
    a_to_c: float, b_to_c: float, expected: set[frozenset[str]]
) -> None:
    """A and B (no identifiers) decided apart: C stays with whichever it links to more."""
    records: dict[str, Identifiers] = {"A": {}, "B": {}, "C": {}}
    edges = [("A", "C", a_to_c), ("B", "C", b_to_c), ("A", "B", 0.0)]
    result, split = _separate(
        records, _clusters(dict.fromkeys("ABC", "A")), edges, [("A", "B", False)]
    )
    assert _partition(result) == expected
    assert split == 1


def test_a_reviewers_match_outranks_differing_identifiers() -> None:
    """A and B decided the same person despite their references: no split."""
    records = {"A": {"identifier_1": "H1234567"}, "B": {"identifier_1": "H7654321"}, "C": {}}
    edges = [*BROTHERS_EDGES, ("A", "B", 1.0)]
    clusters = _clusters(dict.fromkeys("ABC", "A"))
    result, split = _separate(records, clusters, edges, [("A", "B", True)])
    assert _partition(result) == {frozenset("ABC")}
    assert split == 0


def test_other_clusters_are_untouched_and_no_record_is_lost() -> None:
    """Splitting the brothers' cluster leaves D-E and F with their ids; every record stays."""
    records = {
        "A": {"identifier_1": "H1234567"},
        "B": {"identifier_1": "H7654321"},
        "C": {},
        "D": {"identifier_1": "H5555555"},
        "E": {"identifier_1": "H5555555"},
        "F": {"identifier_1": "H9999999"},
    }
    clusters = _clusters({"A": "A", "B": "A", "C": "A", "D": "D", "E": "D", "F": "F"})
    edges = [*BROTHERS_EDGES, ("D", "E", 0.99)]
    result, split = _separate(records, clusters, edges)
    assert _partition(result) == {
        frozenset("AC"),
        frozenset("B"),
        frozenset("DE"),
        frozenset("F"),
    }
    assert split == 1
    assert {record: _id(result)[record] for record in "DEF"} == {"D": "D", "E": "D", "F": "F"}
    assert result.column("record_id").to_pylist() == clusters.column("record_id").to_pylist()
    assert result.num_rows == len(set(result.column("record_id").to_pylist())) == 6


def test_links_below_the_threshold_do_not_rebuild_a_split_cluster() -> None:
    """B is decided apart from A and from C (their links scored 0, as the pipeline scores a
    decided pair); A and C share only a weak link, so all three part."""
    records: dict[str, Identifiers] = {"A": {}, "B": {}, "C": {}}
    edges = [("A", "B", 0.0), ("B", "C", 0.0), ("A", "C", 0.6)]
    decisions = [("A", "B", False), ("B", "C", False)]
    result, split = _separate(records, _clusters(dict.fromkeys("ABC", "A")), edges, decisions)
    assert _partition(result) == {frozenset("A"), frozenset("B"), frozenset("C")}
    assert split == 1


def test_a_direct_link_outranks_differing_identifiers() -> None:
    """The model linked A and B directly although their references differ: it weighed
    that, so the pair is no conflict."""
    records = {"A": {"identifier_1": "H1234567"}, "B": {"identifier_1": "H7654321"}}
    clusters = _clusters({"A": "A", "B": "A"})
    result, split = _separate(records, clusters, [("A", "B", 0.99)])
    assert split == 0
    assert result is clusters


def test_identifiers_count_only_where_the_model_finds_they_tell_people_apart() -> None:
    """In a file whose identifiers are often mistyped, differing ones prove nothing."""
    records = {
        "A": {"identifier_1": "H1234567"},
        "B": {"identifier_1": "H7654321"},
        "C": {},
    }
    clusters = _clusters(dict.fromkeys("ABC", "A"))
    edges = [("A", "C", 0.99), ("B", "C", 0.97)]
    connection = duckdb.connect()
    prepared = {"unique_id": list(records)} | {
        column: [identifiers.get(column) for identifiers in records.values()]
        for column in IDENTIFIER_COLUMNS
    }
    connection.register(PREPARED_TABLE, pa.table(prepared))
    edge_table = pa.table(
        {
            "unique_id_l": [left for left, _, _ in edges],
            "unique_id_r": [right for _, right, _ in edges],
            "match_probability": [p for _, _, p in edges],
        }
    )
    result, split = separate_conflicts(
        connection,
        clusters=clusters,
        edges=edge_table,
        decisions=pa.table([[], [], []], schema=DECISION_SCHEMA),
        threshold=THRESHOLD,
        identifiers_differ_between_people=False,
    )
    assert split == 0
    assert _partition(result) == {frozenset("ABC")}


@pytest.mark.parametrize(
    ("differ_m", "expected"), [(1e-10, True), (0.009, True), (0.01, False), (0.2, False)]
)
def test_the_trained_model_says_whether_identifiers_tell_people_apart(
    differ_m: float, expected: bool
) -> None:
    levels = [{"m_probability": 1.0}, {"m_probability": differ_m}]
    model = {"comparisons": [{"output_column_name": "identifiers", "comparison_levels": levels}]}
    assert identifiers_tell_people_apart(model) is expected


def test_a_model_without_identifiers_never_counts_them() -> None:
    assert identifiers_tell_people_apart({"comparisons": []}) is False


def test_a_long_chain_of_links_is_rebuilt_without_running_out_of_stack() -> None:
    # 1,500 records in one chain, strongest links last, listed highest id first: the
    # rebuilt parts must not walk the chain by recursion.
    ids = [f"r{number:05d}" for number in range(1_500)]
    records: dict[str, Identifiers] = {record: {} for record in ids}
    clusters = _clusters({record: ids[0] for record in reversed(ids)})
    edges = [(ids[k - 1], ids[k], 0.96 + 0.03 * k / len(ids)) for k in range(1, len(ids))]
    table, split = _separate(records, clusters, edges, [(ids[0], ids[1], False)])
    assert split == 1
    assert _partition(table) == {frozenset({ids[0]}), frozenset(ids[1:])}
