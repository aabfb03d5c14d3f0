"""Score one new record against candidate records with a saved model, at submission.

The candidates come from the store's indexed fields (the caller's SQL); here they are
normalised exactly as a linkage run normalises records and scored with the saved model's
Fellegi-Sunter parameters through Splink's record comparison, with no training. Term
frequency adjustments are left out: a handful of candidates says nothing about how
common a name is.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI
from splink.internals.realtime import compare_records

from msht.linkage.engine.prepare import PREPARED_TABLE, RAW_SCHEMA, prepare_records

logging.getLogger("splink").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Scored:
    """A candidate's match probability and weight against the new record."""

    record_id: str
    match_probability: float
    match_weight: float


def without_term_frequencies(model: dict[str, Any]) -> dict[str, Any]:
    """A copy of the model whose levels use their average u, not a name's frequency."""
    plain = copy.deepcopy(model)
    for comparison in plain.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return plain


def _fingerprint(model: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:16]


def score_new_record(new: pa.Table, candidates: pa.Table, model: dict[str, Any]) -> list[Scored]:
    """Every candidate (RAW_SCHEMA) scored against the one record in ``new``, best first."""
    if candidates.num_rows == 0:
        return []
    new_id = new.column("record_id")[0].as_py()
    connection = duckdb.connect()
    try:
        prepare_records(connection, pa.concat_tables([new.cast(RAW_SCHEMA), candidates]))
        left = connection.sql(
            f"select * from {PREPARED_TABLE} where unique_id = $id",  # noqa: S608
            params={"id": new_id},
        ).to_arrow_table()
        right = connection.sql(
            f"select * from {PREPARED_TABLE} where unique_id <> $id",  # noqa: S608
            params={"id": new_id},
        ).to_arrow_table()
        # Building the comparison SQL (sqlglot) costs more than running it: cache it per model.
        scored = compare_records(
            left,
            right,
            without_term_frequencies(model),
            DuckDBAPI(connection=connection),
            sql_cache_key=f"msht-incremental-{_fingerprint(model)}",
        )
        rows = connection.sql(
            f"select unique_id_r, match_probability, match_weight from {scored.physical_name} "  # noqa: S608
            "order by match_weight desc"
        ).fetchall()
    finally:
        connection.close()
    return [
        Scored(str(record), float(probability), float(weight))
        for record, probability, weight in rows
    ]
