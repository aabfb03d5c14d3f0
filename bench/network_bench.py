"""Benchmark of the perpetrator network build (not a test): time, peak memory, recovery.

Builds the graph the way ``msht networks`` does (msht.intelligence.engine.networks) from
the files of a synthetic world, suspects as recorded, then finds candidate networks and
ranks suspects. The baseline, measured in the same run on the same edges, is the
connected components alone (scipy.sparse.csgraph): the floor any network build pays.
Each measurement runs in a fresh interpreter so that its peak memory is its own.

    .venv/bin/python bench/network_bench.py --referrals 100000 --runs 3
    .venv/bin/python bench/network_bench.py --world var/world-1m --runs 1   # 1,000,000 world

Results are printed and written to bench/results/network.json (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from msht.intelligence.engine.networks import (
    NodeKind,
    candidate_networks,
    network_graph,
    network_of_suspect,
    node,
    normalise_address,
    normalise_organisation,
    normalise_phone,
    normalise_vehicle,
    planted_network_recovery,
    suspect_ranking,
)
from msht.synth.engine import generate_world

RESULTS = Path(__file__).resolve().parent / "results" / "network.json"


def _items(text: str) -> list[str]:
    return [item for item in text.split(";") if item.strip()]


def suspect_of(reference: str) -> str:
    return node(NodeKind.SUSPECT, reference)


def victim_of(reference: str) -> str:
    return node(NodeKind.VICTIM, reference)


def _things(row: dict[str, str]) -> list[str]:
    found = [node(NodeKind.PHONE, normalise_phone(p)) for p in _items(row["phone_numbers"])]
    found += [node(NodeKind.ADDRESS, normalise_address(a)) for a in _items(row["addresses"])]
    found += [node(NodeKind.VEHICLE, normalise_vehicle(v)) for v in _items(row["vehicles"])]
    return found


def world_edges(world: Path) -> Iterator[tuple[str, str]]:
    """The graph's edges from a world's store files, as the selectors read them."""
    with (world / "suspect_records.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            suspect = suspect_of(row["source_reference"])
            address = " ".join((row["address_lines"], row["address_town"], row["address_postcode"]))
            row = {**row, "addresses": address if address.strip() else ""}
            for thing in _things(row):
                yield suspect, thing
            for referral in _items(row["linked_referrals"]):
                yield suspect, victim_of(referral)
    with (world / "intelligence.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            named = [suspect_of(r) for r in _items(row["suspect_records"])]
            named += [victim_of(r) for r in _items(row["persons"])]
            named += _things(row)
            named += [
                node(NodeKind.ORGANISATION, normalise_organisation(o))
                for o in _items(row["organisations_named"])
            ]
            yield from combinations(named, 2)


def _peak_rss_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _planted(world: Path) -> dict[str, str]:
    with (world / "truth_suspect_records.csv").open(newline="") as handle:
        return {
            node(NodeKind.SUSPECT, row["suspect_record_reference"]): row["network_id"]
            for row in csv.DictReader(handle)
        }


def child_build(world: Path) -> dict[str, float]:
    edges = list(world_edges(world))
    started = time.perf_counter()
    graph = network_graph(edges)
    networks = candidate_networks(graph)
    ranking = suspect_ranking(graph, networks)
    elapsed = time.perf_counter() - started
    recovery = planted_network_recovery(network_of_suspect(networks), _planted(world))
    return {
        "elapsed_seconds": elapsed,
        "peak_rss_mb": _peak_rss_megabytes(),
        "edges": float(len(edges)),
        "nodes": float(graph.number_of_nodes()),
        "networks": float(len(networks)),
        "suspects_ranked": float(len(ranking)),
        "planted_found_whole": recovery.share_whole,
    }


def child_baseline(world: Path) -> dict[str, float]:
    edges = list(world_edges(world))
    started = time.perf_counter()
    index: dict[str, int] = {}
    rows = np.fromiter((index.setdefault(a, len(index)) for a, _ in edges), dtype=np.int64)
    cols = np.fromiter((index.setdefault(b, len(index)) for _, b in edges), dtype=np.int64)
    matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(index), len(index)))
    count, _labels = connected_components(matrix, directed=False)
    elapsed = time.perf_counter() - started
    return {"elapsed_seconds": elapsed, "peak_rss_mb": _peak_rss_megabytes(), "components": count}


def _run_child(kind: str, world: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--world", str(world)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def _measure(world: Path, runs: int) -> dict[str, Any]:
    builds = [_run_child("build", world) for _ in range(runs)]
    baselines = [_run_child("baseline", world) for _ in range(runs)]
    build_time = statistics.median(b["elapsed_seconds"] for b in builds)
    baseline_time = statistics.median(b["elapsed_seconds"] for b in baselines)
    return {
        "world": world.name,
        "runs": runs,
        "build_seconds_median": build_time,
        "build_peak_rss_mb_max": max(b["peak_rss_mb"] for b in builds),
        "baseline_components_seconds_median": baseline_time,
        "ratio_to_baseline": build_time / baseline_time,
        **{key: builds[0][key] for key in ("edges", "nodes", "networks", "suspects_ranked")},
        "planted_found_whole": builds[0]["planted_found_whole"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, help="an existing world directory")
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=("build", "baseline"))
    options = parser.parse_args()
    if options.child:
        work = child_build if options.child == "build" else child_baseline
        print(json.dumps(work(options.world)))
        return
    with tempfile.TemporaryDirectory() as folder:
        world = options.world
        if world is None:
            world = Path(folder) / f"world-{options.referrals}"
            generate_world(world, referrals=options.referrals, seed=1)
        result = _measure(world, options.runs)
    result["machine"] = platform.platform()
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
