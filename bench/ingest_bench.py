"""Benchmark of bulk ingest (not a test): rows per second and peak memory, with a baseline.

A police export of N rows (the layout of ingest/mappings/police.yaml, every row distinct)
is written once, then ingested with ``msht ingest police FILE --json`` into a fresh
database: SQLite always, PostgreSQL when ``--postgres URL`` is given (a scratch database
is created beside it and dropped after). Each ingest is its own process, so its peak
resident memory (from wait4) is its own. The same file is also ingested a second time
(every row unchanged), and read with ``pandas.read_csv`` as the baseline: the cost of
merely parsing the file, measured on the same machine in the same run.

    .venv/bin/python bench/ingest_bench.py                           # 100,000 rows x 3
    .venv/bin/python bench/ingest_bench.py --rows 1000000 --runs 1 \\
        --postgres postgres://postgres@127.0.0.1:5432/postgres --backends postgresql,sqlite

Results are printed and written to bench/results/ingest.json (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ingest.json"
sys.path.insert(0, str(ROOT))

from tests.ingest.exports import POLICE_HEADER, police_row  # noqa: E402 - after the path


def write_export(path: Path, rows: int) -> None:
    """A police export of ``rows`` distinct rows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(POLICE_HEADER)
        for number in range(rows):
            writer.writerow(police_row(number).values())


def run(arguments: list[str], environment: dict[str, str]) -> tuple[float, float, str]:
    """Run a child process; its wall time, peak RSS in MB and standard output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        arguments, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{arguments} failed with {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024, output


def _postgres_scratch(url: str, name: str, *, create: bool) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"


def measure_backend(
    backend: str, export: Path, rows: int, folder: Path, postgres: str
) -> dict[str, Any]:
    """Fresh database, migrate, ingest (timed), ingest again (timed)."""
    environment = dict(os.environ)
    scratch = "msht_ingest_bench"
    if backend == "sqlite":
        database = folder / f"bench-{time.monotonic_ns()}.sqlite3"
        environment["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        environment["DATABASE_URL"] = _postgres_scratch(postgres, scratch, create=True)
    msht = [sys.executable, "-m", "msht.cli"]
    run([*msht, "migrate", "-v0"], environment)
    first = run([*msht, "ingest", "police", str(export), "--json"], environment)
    again = run([*msht, "ingest", "police", str(export), "--json"], environment)
    if backend == "postgresql":
        _postgres_scratch(postgres, scratch, create=False)
    summary = json.loads(first[2].strip().splitlines()[-1])
    assert summary["loaded"] == rows, summary
    return {
        "first_seconds": first[0],
        "first_rows_per_second": rows / first[0],
        "first_peak_rss_mb": first[1],
        "again_seconds": again[0],
        "again_rows_per_second": rows / again[0],
        "again_peak_rss_mb": again[1],
    }


def measure_baseline(export: Path, rows: int) -> dict[str, float]:
    """pandas.read_csv of the same file, all columns as text, in its own process."""
    code = "import pandas, sys; pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)"
    elapsed, peak, _ = run([sys.executable, "-c", code, str(export)], dict(os.environ))
    return {"seconds": elapsed, "rows_per_second": rows / elapsed, "peak_rss_mb": peak}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    """Measure, print and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL to measure too")
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql",
        help="which databases, in the order to measure them (postgresql needs --postgres)",
    )
    options = parser.parse_args()
    backends = [
        name
        for name in options.backends.split(",")
        if name == "sqlite" or (name == "postgresql" and options.postgres)
    ]
    results: dict[str, Any] = {
        "rows": options.rows,
        "runs": options.runs,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_at_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        export = folder / "police.csv"
        write_export(export, options.rows)
        results["file_megabytes"] = export.stat().st_size / 1e6
        baseline = [measure_baseline(export, options.rows) for _ in range(options.runs)]
        results["baseline_pandas_read_csv"] = _median(baseline)
        for backend in backends:
            runs = [
                measure_backend(backend, export, options.rows, folder, options.postgres)
                for _ in range(options.runs)
            ]
            median = _median(runs)
            median["slower_than_pandas_read_csv"] = (
                median["first_seconds"] / results["baseline_pandas_read_csv"]["seconds"]
            )
            results[backend] = median
            results[f"load_average_after_{backend}"] = os.getloadavg()
            # Written after each database, so a long run keeps what it has measured.
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(results, indent=2))
            print(json.dumps({backend: median}), file=sys.stderr, flush=True)
    results["load_average_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
