"""Linking files outside the store (``msht link file``): nothing is stored or audited
in MSHT, because the records never enter it; the clusters go to the analyst's file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.csv as pa_csv

from msht.linkage.engine import DuckDBBackend, Thresholds, TrainingPlan, link, prepare_records
from msht.linkage.engine.files import clusters_by_file, read_mapping, records_from_files

# No reviewer sees a file's uncertain pairs, so a pair links when a match is more likely
# than not (probability 0.5), not only when it is near certain.
FILE_THRESHOLDS = Thresholds(upper=0.5, lower=0.5)


@dataclass(frozen=True)
class FileLinkSummary:
    """How many records went in and how many clusters came out."""

    records: int
    clusters: int


def link_files(
    paths: Sequence[Path],
    *,
    mapping: Path,
    out: Path,
    thresholds: Thresholds = FILE_THRESHOLDS,
    plan: TrainingPlan | None = None,
    progress: Callable[[str], None] | None = None,
) -> FileLinkSummary:
    """Deduplicate one CSV file or link two, with the store's comparisons trained on the
    files themselves; write ``file, record_id, cluster_id`` to ``out``."""
    if progress is not None:
        progress("read")
    records = records_from_files(paths, read_mapping(mapping))
    connection = duckdb.connect()
    try:
        prepare_records(connection, records)
        result = link(
            DuckDBBackend(connection),
            thresholds=thresholds,
            plan=plan or TrainingPlan(),
            progress=progress,
        )
    finally:
        connection.close()
    if progress is not None:
        progress("write")
    clusters = clusters_by_file(result.clusters)
    pa_csv.write_csv(clusters, out)
    return FileLinkSummary(
        records=clusters.num_rows, clusters=len(set(clusters.column("cluster_id").to_pylist()))
    )
