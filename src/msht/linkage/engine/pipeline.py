"""Train, predict and cluster: one linkage run over prepared records.

Clerical decisions outrank the model (ARCHITECTURE.md, "Records and entities"): a pair
decided *match* is linked whatever its score, and a pair decided *not a match* is never
linked directly (the two records may still meet through other links, which the next
review shows).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from splink import Linker, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold

from msht.linkage.engine.backends import Backend
from msht.linkage.engine.constraints import identifiers_tell_people_apart, separate_conflicts
from msht.linkage.engine.model import (
    BLOCKING,
    Thresholds,
    TrainingPlan,
    deterministic_rules,
    settings,
)
from msht.linkage.engine.prepare import PREPARED_TABLE

ProgressCallback = Callable[[str], None]

COMPARISON_NAMES = ("name", "date_of_birth", "identifiers", "household", "origin")
_PAIR_COLUMNS = [
    "unique_id_l",
    "unique_id_r",
    "match_probability",
    "match_weight",
    *(f"gamma_{name}" for name in COMPARISON_NAMES),
    *(f"mw_{name}" for name in COMPARISON_NAMES),
]

DECISION_SCHEMA = pa.schema(
    [("record_id_l", pa.string()), ("record_id_r", pa.string()), ("is_match", pa.bool_())]
)


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on two records: the same person or not."""

    record_id_l: str
    record_id_r: str
    is_match: bool


@dataclass
class LinkageResult:
    """What one run found: a cluster per record, the pairs for review, the model."""

    clusters: pa.Table  # record_id, cluster_id
    review_pairs: pa.Table  # _PAIR_COLUMNS, pairs between the thresholds not yet decided
    model: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(
    timings: dict[str, float], step: str, progress: ProgressCallback | None
) -> Iterator[None]:
    if progress is not None:
        progress(step)
    started = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - started, 3)


def pair_counts(
    connection: duckdb.DuckDBPyConnection, rules: Sequence[tuple[str, ...]]
) -> dict[tuple[str, ...], int]:
    """How many pairs each blocking rule would make on the prepared records (counted by
    grouping, without making them)."""
    counts: dict[tuple[str, ...], int] = {}
    for columns in rules:
        present = " and ".join(f"{column} is not null" for column in columns)
        grouped = ", ".join(columns)
        rows = connection.sql(
            f"select coalesce(sum(n * (n - 1) // 2), 0) from (select count(*) as n "  # noqa: S608
            f"from {PREPARED_TABLE} where {present} group by {grouped})"
        ).fetchall()
        counts[tuple(columns)] = int(rows[0][0])
    return counts


# A name's frequency among the *other* records: given that one record bears it, how
# likely another record, of someone else, does. Splink's own frequency counts the record
# itself, which doubles a name seen twice: just what one person referred twice looks like.
_NAME_FREQUENCIES_SQL = f"""
select name_sorted,
    greatest(count(*) - 1, 1) / (sum(count(*)) over () - 1) as tf_name_sorted
from {PREPARED_TABLE} where name_sorted is not null group by name_sorted
"""  # noqa: S608


def register_name_frequencies(linker: Any, backend: Backend) -> None:
    """Give the linker leave-one-out name frequencies for the term-frequency adjustment."""
    frequencies = backend.connection.sql(_NAME_FREQUENCIES_SQL).to_arrow_table()
    if frequencies.num_rows == 0:
        return
    table = backend.db_api.register(
        backend.table(frequencies), table_name=f"msht_name_frequencies_{uuid.uuid4().hex}"
    )
    linker.table_management.register_term_frequency_lookup(table, "name_sorted")


def train(linker: Any, plan: TrainingPlan) -> None:
    """Prior from near-certain pairs, u by random sampling, m by EM on two blockings."""
    linker.training.estimate_probability_two_random_records_match(
        deterministic_rules(), recall=plan.recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=plan.max_pairs_for_u, seed=plan.seed)
    for columns in plan.em_blocking_columns:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*columns),
            estimate_without_term_frequencies=False,
            max_pairs=plan.max_pairs_for_em,
        )


def _ordered_decisions(decisions: Sequence[Decision]) -> pa.Table:
    """Decisions with the smaller id on the left, as Splink orders its pairs."""
    left, right, verdict = [], [], []
    for decision in decisions:
        first, second = sorted((decision.record_id_l, decision.record_id_r))
        left.append(first)
        right.append(second)
        verdict.append(decision.is_match)
    return pa.table([left, right, verdict], schema=DECISION_SCHEMA)


_EDGES_SQL = """
with scored as (
    select least(unique_id_l, unique_id_r) as unique_id_l,
           greatest(unique_id_l, unique_id_r) as unique_id_r,
           match_probability
    from scored_pairs
)
select s.unique_id_l, s.unique_id_r,
       case when d.is_match then 1.0 when d.is_match = false then 0.0
            else s.match_probability end as match_probability
from scored s
left join decisions d on d.record_id_l = s.unique_id_l and d.record_id_r = s.unique_id_r
union all
select d.record_id_l, d.record_id_r, 1.0
from decisions d
where d.is_match and not exists (
    select 1 from scored s
    where s.unique_id_l = d.record_id_l and s.unique_id_r = d.record_id_r)
"""

_REVIEW_SQL = """
select p.* from scored_pairs p
where p.match_probability >= $1 and p.match_probability < $2
  and not exists (
    select 1 from decisions d
    where d.record_id_l = least(p.unique_id_l, p.unique_id_r)
      and d.record_id_r = greatest(p.unique_id_l, p.unique_id_r))
order by p.match_probability desc
"""


def link(
    backend: Backend,
    *,
    thresholds: Thresholds,
    decisions: Sequence[Decision] = (),
    plan: TrainingPlan | None = None,
    model: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
) -> LinkageResult:
    """Train (or reuse ``model``), predict above the lower threshold, apply the clerical
    decisions and cluster at the upper threshold.

    Args:
        backend: DuckDB or Spark, holding the prepared records.
        thresholds: the link and review thresholds.
        decisions: reviewers' decisions, which outrank the model.
        plan: how to train; ignored when ``model`` is given.
        model: a saved Splink model (JSON as a dict) to reuse instead of training.
        progress: told the name of each step as it starts.

    Examples:
        >>> result = link(DuckDBBackend(connection), thresholds=Thresholds())  # doctest: +SKIP
    """
    timings: dict[str, float] = {}
    with _timed(timings, "train", progress):
        loose_pairs = (
            pair_counts(backend.connection, [rule.columns for rule in BLOCKING])
            if model is None
            else {}
        )
        linker = Linker(
            backend.records(),
            model if model is not None else settings(pair_counts=loose_pairs),
            log_level=logging.ERROR,
        )
        register_name_frequencies(linker, backend)
        if model is None:
            train(linker, plan or TrainingPlan())
    with _timed(timings, "predict", progress):
        predictions = linker.inference.predict(threshold_match_probability=thresholds.lower)
        scored = backend.to_arrow(predictions, _PAIR_COLUMNS)
    local = duckdb.connect()
    local.register("scored_pairs", scored)
    decided = _ordered_decisions(decisions)
    local.register("decisions", decided)
    # The trained model, once: it says whether identifiers tell people apart, and is saved.
    saved = linker.misc.save_model_to_json()
    with _timed(timings, "cluster", progress):
        edges = local.sql(_EDGES_SQL).to_arrow_table()
        clustered = cluster_pairwise_predictions_at_threshold(
            backend.records(),
            backend.table(edges),
            backend.db_api,
            node_id_column_name="unique_id",
            threshold_match_probability=thresholds.upper,
        )
        clusters = backend.to_arrow(clustered, ["unique_id", "cluster_id"]).rename_columns(
            ["record_id", "cluster_id"]
        )
        clusters, split = separate_conflicts(
            backend.connection,
            clusters=clusters,
            edges=edges,
            decisions=decided,
            threshold=thresholds.upper,
            identifiers_differ_between_people=identifiers_tell_people_apart(saved),
        )
    review: pa.Table = local.sql(
        _REVIEW_SQL, params=[float(thresholds.lower), float(thresholds.upper)]
    ).to_arrow_table()
    counts = {
        "records": clusters.num_rows,
        "pairs_scored": scored.num_rows,
        "pairs_linked": int(
            local.execute(
                f"select count(*) from ({_EDGES_SQL}) where match_probability >= ?",  # noqa: S608
                [float(thresholds.upper)],
            ).fetchall()[0][0]
        ),
        "pairs_for_review": review.num_rows,
        "clusters": len(set(clusters.column("cluster_id").to_pylist())),
        "clusters_split_by_conflicts": split,
    }
    local.close()
    return LinkageResult(
        clusters=clusters, review_pairs=review, model=saved, counts=counts, timings=timings
    )
