"""The same linkage on Apache Spark (local[2], Java 17) finds the same clusters as DuckDB."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from msht.linkage.engine import (
    DuckDBBackend,
    LinkageResult,
    SparkBackend,
    Thresholds,
    TrainingPlan,
    link,
    prepare_records,
    spark_session,
    worldfiles,
)
from msht.synth.engine import generate_world

# More random pairs than the world has pairs: u is then counted over every pair, so both
# engines train on the same numbers (Splink samples differently on each backend).
EXHAUSTIVE_PLAN = TrainingPlan(max_pairs_for_u=1e6)


def _groups(result: LinkageResult) -> list[list[str]]:
    members: dict[str, list[str]] = {}
    for record, cluster in zip(
        result.clusters.column("record_id").to_pylist(),
        result.clusters.column("cluster_id").to_pylist(),
        strict=True,
    ):
        members.setdefault(cluster, []).append(record)
    return sorted(sorted(group) for group in members.values())


def _run(raw: pa.Table, spark: bool) -> LinkageResult:
    connection = duckdb.connect()
    prepare_records(connection, raw)
    backend = (
        SparkBackend(connection, spark_session("local[2]")) if spark else DuckDBBackend(connection)
    )
    return link(backend, thresholds=Thresholds(), plan=EXHAUSTIVE_PLAN)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (17 in CI)")
def test_spark_finds_the_same_clusters_as_duckdb(tmp_path: Path) -> None:
    generate_world(tmp_path, referrals=400, seed=5)
    raw = worldfiles.referral_records(tmp_path)
    on_duckdb = _run(raw, spark=False)
    on_spark = _run(raw, spark=True)
    assert on_spark.counts == on_duckdb.counts
    assert _groups(on_spark) == _groups(on_duckdb)
    # Some records are linked, so the comparison is not between two trivial clusterings.
    assert on_duckdb.counts["clusters"] < on_duckdb.counts["records"]
