"""Benchmark of the synthetic world generator (not a test): time, peak memory, and a baseline.

Each measurement runs in a fresh interpreter so that its peak resident memory is its
own. The baseline writes the same number of rows, with as many columns as
referrals.csv, of one fixed CSV row through ``csv.writer``: the cost of merely writing
rows, against which the generator's cost is given as a ratio measured on the same
machine in the same run.

    .venv/bin/python bench/synth_bench.py                      # 1,000,000 once, 100,000 x 3
    .venv/bin/python bench/synth_bench.py --referrals 200000 --small 20000 --runs 5

Results are printed and written to bench/results/synth.json (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from msht.synth.engine import generate_world, schema

RESULTS = Path(__file__).resolve().parent / "results" / "synth.json"


def _peak_rss_megabytes() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_generate(referrals: int, seed: int) -> dict[str, float]:
    """Generate one world in a temporary folder; return its time and peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        summary = generate_world(Path(folder) / "world", referrals=referrals, seed=seed)
        elapsed = time.perf_counter() - started
        size = sum(path.stat().st_size for path in (Path(folder) / "world").iterdir())
    return {
        "elapsed_seconds": elapsed,
        "peak_rss_mb": _peak_rss_megabytes(),
        "rows_written": float(sum(summary.rows.values())),
        "megabytes_written": size / 1e6,
    }


def child_baseline(referrals: int) -> dict[str, float]:
    """Write ``referrals`` copies of one fixed referrals.csv-wide row with csv.writer."""
    row = [f"value{i}" for i in range(len(schema.REFERRALS.columns))]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with (Path(folder) / "fixed.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(schema.REFERRALS.columns)
            for _ in range(referrals):
                writer.writerow(row)
        elapsed = time.perf_counter() - started
    return {"elapsed_seconds": elapsed, "peak_rss_mb": _peak_rss_megabytes()}


def measure(kind: str, referrals: int, seed: int) -> dict[str, float]:
    """Run one measurement in a fresh interpreter."""
    command = [sys.executable, __file__, "--child", kind, "--referrals", str(referrals)]
    command += ["--seed", str(seed)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def series(referrals: int, runs: int) -> dict[str, Any]:
    """Medians of ``runs`` generator and baseline runs, and their ratio."""
    generator = [measure("generate", referrals, seed) for seed in range(1, runs + 1)]
    baseline = [measure("baseline", referrals, 0) for _ in range(runs)]
    median_generator = statistics.median(run["elapsed_seconds"] for run in generator)
    median_baseline = statistics.median(run["elapsed_seconds"] for run in baseline)
    return {
        "referrals": referrals,
        "runs": runs,
        "generator_seconds": [round(run["elapsed_seconds"], 3) for run in generator],
        "baseline_seconds": [round(run["elapsed_seconds"], 3) for run in baseline],
        "generator_median_seconds": round(median_generator, 3),
        "baseline_median_seconds": round(median_baseline, 3),
        "ratio_to_baseline": round(median_generator / median_baseline, 2),
        "referrals_per_second": round(referrals / median_generator),
        "generator_peak_rss_mb": round(max(run["peak_rss_mb"] for run in generator), 1),
        "baseline_peak_rss_mb": round(max(run["peak_rss_mb"] for run in baseline), 1),
        "rows_written": int(generator[0]["rows_written"]),
        "megabytes_written": round(generator[0]["megabytes_written"], 1),
    }


def _print(label: str, result: dict[str, Any]) -> None:
    print(
        f"{label}: {result['referrals']:,} referrals x {result['runs']}: "
        f"median {result['generator_median_seconds']:.1f} s "
        f"({result['referrals_per_second']:,} referrals/s), "
        f"peak RSS {result['generator_peak_rss_mb']:.0f} MB, "
        f"{result['rows_written']:,} rows / {result['megabytes_written']:.0f} MB written; "
        f"baseline {result['baseline_median_seconds']:.1f} s, "
        f"ratio {result['ratio_to_baseline']:.1f}x"
    )


def main() -> None:
    """Parse the options, run the series, print them and write bench/results/synth.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000, help="the large world")
    parser.add_argument("--small", type=int, default=100_000, help="the repeated smaller world")
    parser.add_argument("--runs", type=int, default=3, help="runs of the smaller world")
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["generate", "baseline"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "generate":
        print(json.dumps(child_generate(options.referrals, options.seed)))
        return
    if options.child == "baseline":
        print(json.dumps(child_baseline(options.referrals)))
        return
    small = series(options.small, options.runs)
    _print("small", small)
    large = series(options.referrals, 1)
    _print("large", large)
    result = {
        "benchmark": "synth",
        "command": "bench/synth_bench.py " + " ".join(sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
        },
        "small": small,
        "large": large,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(Path(__file__).resolve().parent.parent)}")


if __name__ == "__main__":
    main()
