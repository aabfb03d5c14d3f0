"""Benchmark of the decision maker's work queue page (not a test): p50 and p95 latency.

Load a synthetic world into a scratch PostgreSQL database first, then point this at it:

    createdb -h 127.0.0.1 -U postgres msht_queue_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/msht_queue_bench
    .venv/bin/msht migrate && .venv/bin/msht synth --referrals 1000000 --out WORLD
    .venv/bin/msht load WORLD
    .venv/bin/python bench/queue_bench.py --runs 5 --requests 40

Each run requests the queue page (first page, a later page, the CG filter, overdue only,
sorted by the day each fell due, latest first) through Django's full middleware stack in-process,
as a signed-in decision maker. A run's p50 and p95 are over all its requests; the
figures reported are the medians over the runs. The query plan of the queue is recorded
so that a sequential scan would show. Results go to bench/results/queue.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "queue.json"
BENCH_USERNAME = "queue-bench-decision-maker"
PAGES = [
    "/cases/",
    "/cases/?page=5",
    "/cases/?stage=cg",
    "/cases/?overdue=on",
    "/cases/?sort=due&order=desc",
]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    import django
    from django.core.management import call_command

    django.setup()
    # Pages name their static files through the production manifest, as `msht serve` does.
    call_command("collectstatic", "--no-input", verbosity=0)


def _decision_maker() -> Any:
    """A decision maker of a competent authority that refers nothing (the bench's own)."""
    from msht.accounts.models import Organisation, OrganisationType, Role, User

    organisation, _ = Organisation.objects.get_or_create(
        code="queue-bench-competent-authority",
        defaults={
            "name": "Queue benchmark competent authority",
            "organisation_type": OrganisationType.COMPETENT_AUTHORITY,
        },
    )
    user, _ = User.objects.get_or_create(
        username=BENCH_USERNAME,
        defaults={"role": Role.DECISION_MAKER, "organisation": organisation},
    )
    return user


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _plan(user: Any) -> str:
    """EXPLAIN of the queue's page query (first page, default order)."""
    from django.db import connection

    from msht.decisions.selectors import decision_list_queue

    sql, params = decision_list_queue(user)[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _run(client: Any, requests: int) -> list[float]:
    timings = []
    for number in range(requests):
        path = PAGES[number % len(PAGES)]
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40, help="requests per run")
    arguments = parser.parse_args()
    _setup()
    from django.db import connection
    from django.test import Client

    from msht.decisions.models import Decision
    from msht.referrals.models import Referral

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics for the freshly loaded world
    user = _decision_maker()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    client.get(PAGES[0])  # warm caches and connections
    runs = []
    for _ in range(arguments.runs):
        timings = _run(client, arguments.requests)
        runs.append({"p50_ms": _percentile(timings, 0.5), "p95_ms": _percentile(timings, 0.95)})
    plan = _plan(user)
    result = {
        "benchmark": "decision queue page",
        "database": connection.vendor,
        "referrals": Referral.objects.count(),
        "decisions": Decision.objects.count(),
        "pending_decisions": Decision.objects.filter(outcome="").count(),
        "runs": runs,
        "requests_per_run": arguments.requests,
        "pages": PAGES,
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p95_ms": statistics.median(run["p95_ms"] for run in runs),
        "sequential_scan_in_plan": "Seq Scan" in plan,
        "plan": plan,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(
        f"{result['referrals']:,} referrals, {result['pending_decisions']:,} pending decisions: "
        f"queue page p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms "
        f"(median of {arguments.runs} runs of {arguments.requests} requests)"
    )
    print(plan)


if __name__ == "__main__":
    main()
