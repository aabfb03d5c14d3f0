"""Accuracy of person linkage across world sizes and seeds (not a test, and not timed).

One seed is one synthetic world; a figure from one world says little about the next, so
this links several and prints each, with the spread. For each world: the model alone at
the default thresholds, then an exact reviewer (the world's truth decides every queued
pair) and the run repeated with the same model, as the clerical review queue would.

    .venv/bin/python bench/linkage_worlds.py                       # the default worlds
    .venv/bin/python bench/linkage_worlds.py --worlds 2000:7 100000:1 100000:2

Results are printed and written to bench/results/linkage_worlds.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from msht.linkage.engine import (
    Decision,
    DuckDBBackend,
    Thresholds,
    evaluate,
    link,
    prepare_records,
    worldfiles,
)
from msht.synth.engine import generate_world

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "linkage_worlds.json"
DEFAULT_WORLDS = (
    "2000:7",
    "2000:11",
    "3000:21",
    "5000:3",
    "20000:5",
    "20000:9",
    "50000:4",
    "100000:1",
    "100000:2",
    "100000:3",
)


def _clusters(table: pa.Table) -> dict[str, str]:
    return dict(
        zip(
            [str(v) for v in table.column("record_id").to_pylist()],
            [str(v) for v in table.column("cluster_id").to_pylist()],
            strict=True,
        )
    )


def _figures(clusters: pa.Table, truth: dict[str, str]) -> dict[str, float]:
    scores = evaluate(_clusters(clusters), truth)
    return {
        "precision": round(scores.pairwise.precision, 4),
        "recall": round(scores.pairwise.recall, 4),
        "f1": round(scores.pairwise.f1, 4),
        "bcubed_f1": round(scores.bcubed.f1, 4),
    }


def link_world(world: Path, thresholds: Thresholds) -> dict[str, Any]:
    """The model alone, then with every queued pair decided as the truth says."""
    connection = duckdb.connect()
    prepare_records(connection, worldfiles.referral_records(world))
    truth = worldfiles.truth(world, "persons")
    backend = DuckDBBackend(connection)
    alone = link(backend, thresholds=thresholds)
    queued = alone.review_pairs
    decisions = [
        Decision(str(left), str(right), is_match=truth[str(left)] == truth[str(right)])
        for left, right in zip(
            queued.column("unique_id_l").to_pylist(),
            queued.column("unique_id_r").to_pylist(),
            strict=True,
        )
    ]
    reviewed = link(backend, thresholds=thresholds, decisions=decisions, model=alone.model)
    return {
        "model_alone": _figures(alone.clusters, truth),
        "pairs_queued": len(decisions),
        "clusters_split_by_conflicts": alone.counts["clusters_split_by_conflicts"],
        "after_review": _figures(reviewed.clusters, truth),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", nargs="+", default=list(DEFAULT_WORLDS), help="N:SEED")
    parser.add_argument("--upper", type=float, default=Thresholds().upper)
    args = parser.parse_args()
    thresholds = Thresholds(upper=args.upper)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for spec in args.worlds:
            referrals, seed = (int(part) for part in spec.split(":"))
            world = Path(scratch) / f"world-{referrals}-{seed}"
            generate_world(world, referrals=referrals, seed=seed)
            row = {"referrals": referrals, "seed": seed, **link_world(world, thresholds)}
            alone, after = row["model_alone"], row["after_review"]
            print(
                f"{referrals:>9,} seed {seed:>3}: model alone P {alone['precision']:.4f} "
                f"R {alone['recall']:.4f} F1 {alone['f1']:.4f}; {row['pairs_queued']:,} "
                f"queued; after review F1 {after['f1']:.4f}",
                flush=True,
            )
            rows.append(row)
    f1s = [row["model_alone"]["f1"] for row in rows]
    summary = {
        "upper_threshold": thresholds.upper,
        "worlds": rows,
        "model_alone_f1_median": round(statistics.median(f1s), 4),
        "model_alone_f1_range": [min(f1s), max(f1s)],
    }
    print(json.dumps({key: value for key, value in summary.items() if key != "worlds"}))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
