"""Benchmark of the governance indicators and board pack (not a test): how long computing a
quarter's indicators and writing the board pack take on a synthetic world, against reading
once the rows they depend on, in the same process.

A synthetic world is generated and loaded into a scratch SQLite store. Timed, median of
``--runs`` runs each:

- ``read rows`` (the baseline): the quarter's decisions with their referral dates and
  nations, its referrals' directorates, Pursue outcomes and intelligence reports, fetched
  once into Python lists;
- ``indicators``: ``indicator_values_compute`` for the quarter (every indicator computed and
  stored, audited);
- ``board pack``: ``boardpack_write`` (what ``msht boardpack`` runs): the quarter recomputed,
  the HTML and the PDF written.

    .venv/bin/python bench/governance_bench.py
    .venv/bin/python bench/governance_bench.py --referrals 50000 --runs 5

Results are printed and written to bench/results/governance.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "governance.json"
QUARTER = "2024Q3"


def _median_seconds(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _seed(work: Path, referrals: int) -> None:
    from django.core.management import call_command

    from msht.synth.engine import generate_world
    from msht.synth.services import world_load

    call_command("migrate", verbosity=0)
    world = work / "world"
    generate_world(world, referrals=referrals, seed=9)
    world_load(None, directory=world)


def _read_rows() -> int:
    """The baseline: every row the quarter's indicators depend on, read once."""
    from msht.core.periods import Quarter
    from msht.decisions.models import Decision
    from msht.intelligence.models import IntelligenceReport, PursueOutcome
    from msht.referrals.models import Referral

    quarter = Quarter.parse(QUARTER)
    span = (quarter.first_day, quarter.last_day)
    rows: list[list[tuple[Any, ...]]] = [
        list(
            Decision.objects.filter(decided_on__range=span).values_list(
                "stage", "outcome", "decided_on", "referral__referred_on", "referral__nation"
            )
        ),
        list(
            Referral.objects.filter(referred_on__range=span).values_list(
                "status", "first_responder_organisation__directorate"
            )
        ),
        list(
            PursueOutcome.objects.filter(occurred_on__range=span).values_list("agency__directorate")
        ),
        list(
            IntelligenceReport.objects.filter(received_on__range=span).values_list(
                "handling_code", "originating_organisation__directorate"
            )
        ),
    ]
    return sum(len(part) for part in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="msht-governance-bench-"))
    os.environ["MSHT_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from msht.core.periods import Quarter
    from msht.governance.boardpack import boardpack_write
    from msht.governance.services import indicator_values_compute

    started = time.perf_counter()
    _seed(work, arguments.referrals)
    seeded = time.perf_counter() - started
    quarter = Quarter.parse(QUARTER)
    rows = _read_rows()
    baseline = _median_seconds(_read_rows, arguments.runs)
    indicators = _median_seconds(
        lambda: indicator_values_compute(None, period=quarter), arguments.runs
    )
    pack = _median_seconds(
        lambda: boardpack_write(None, period=quarter, out=work / "pack"), arguments.runs
    )
    results = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "database": "sqlite",
        },
        "quarter": QUARTER,
        "referrals": arguments.referrals,
        "runs": arguments.runs,
        "seed_seconds": round(seeded, 1),
        "rows_read": rows,
        "median_seconds": {
            "read rows": round(baseline, 4),
            "indicators": round(indicators, 4),
            "board pack": round(pack, 4),
        },
        "ratio_to_read_rows": {
            "indicators": round(indicators / baseline, 1),
            "board pack": round(pack / baseline, 1),
        },
    }
    print(json.dumps(results, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
