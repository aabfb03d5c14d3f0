"""Benchmark of the audit trail's tamper evidence (not a test): what the checkpoint written
outside the database after each commit costs a write, and how fast `audit verify` reads.

It uses a scratch store of its own (a SQLite file in a temporary directory, or with
``--postgres`` a scratch PostgreSQL database that it recreates), migrated from nothing.

    .venv/bin/python bench/audit_bench.py
    .venv/bin/python bench/audit_bench.py --postgres --runs 5 --transactions 300

Writes: each run commits ``--transactions`` transactions of one ``audit_record`` each, once
with checkpoints (as in production) and once without (the baseline, checkpoints switched
off in this process only), the two alternating so that the machine's load falls on both
alike. The figures are the medians over the runs of each run's median and p95 latency per
committed transaction, and the ratio with/without. Verify: ``audit verify`` over
``--events`` events (bulk-appended, checkpointed) per run; the median events per second.
Results are printed and written to bench/results/audit.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "audit.json"
SERVER = "postgres://postgres@127.0.0.1:5432"
SCRATCH_DATABASE = "msht_audit_bench"


def _recreate_postgres_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")


def _setup(scratch: Path, postgres: bool) -> None:
    os.environ["MSHT_VAR_DIR"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "msht.settings"
    if postgres:
        _recreate_postgres_database()
        os.environ["DATABASE_URL"] = f"{SERVER}/{SCRATCH_DATABASE}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _commit_transactions(count: int) -> list[float]:
    from django.db import transaction

    from msht.audit.models import AuditEventType
    from msht.audit.services import audit_record

    timings = []
    for number in range(count):
        started = time.perf_counter()
        with transaction.atomic():
            audit_record(
                None,
                event_type=AuditEventType.RECORD_VIEWED,
                object_type="referrals.referral",
                object_id=str(number),
                details={"page": "referral detail"},
            )
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _writes(runs: int, transactions: int) -> dict[str, Any]:
    from msht.audit import services

    real_checkpoint = services._checkpoint_on_commit
    with_checkpoints: list[dict[str, float]] = []
    without_checkpoints: list[dict[str, float]] = []
    _commit_transactions(20)  # warm the connection and the file
    modes = [(True, with_checkpoints), (False, without_checkpoints)]
    for run in range(runs):
        # Alternate which mode goes first, so that neither always meets a warmer machine.
        for switched_on, sink in modes if run % 2 == 0 else modes[::-1]:
            services._checkpoint_on_commit = (
                real_checkpoint if switched_on else (lambda sequence, event_hash: None)
            )
            timings = _commit_transactions(transactions)
            sink.append(
                {"p50_ms": statistics.median(timings), "p95_ms": _percentile(timings, 0.95)}
            )
    services._checkpoint_on_commit = real_checkpoint

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    return {
        "transactions_per_run": transactions,
        "with_checkpoints": with_checkpoints,
        "without_checkpoints": without_checkpoints,
        "p50_ms_with": median(with_checkpoints, "p50_ms"),
        "p50_ms_without": median(without_checkpoints, "p50_ms"),
        "p95_ms_with": median(with_checkpoints, "p95_ms"),
        "p95_ms_without": median(without_checkpoints, "p95_ms"),
        "p50_ratio": median(with_checkpoints, "p50_ms") / median(without_checkpoints, "p50_ms"),
    }


def _verify(runs: int, events: int) -> dict[str, Any]:
    from django.db import transaction

    from msht.audit.models import AuditEvent, AuditEventType
    from msht.audit.services import audit_record_many, audit_verify

    batch = 50_000
    while AuditEvent.objects.count() < events:
        with transaction.atomic():
            audit_record_many(
                None,
                event_type=AuditEventType.RECORD_CREATED,
                object_type="referrals.personrecord",
                object_ids=(str(number) for number in range(batch)),
            )
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        result = audit_verify()
        seconds = time.perf_counter() - started
        if not result.ok:
            raise SystemExit(f"the bench's own trail does not verify: {result.problems[:3]}")
        rates.append(result.events_checked / seconds)
    return {
        "events": AuditEvent.objects.count(),
        "events_per_second_runs": rates,
        "events_per_second": statistics.median(rates),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--transactions", type=int, default=200, help="per run and mode")
    parser.add_argument("--events", type=int, default=200_000, help="events for verify")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="msht-audit-bench-") as scratch:
        _setup(Path(scratch), arguments.postgres)
        from django.conf import settings
        from django.db import connection

        writes = _writes(arguments.runs, arguments.transactions)
        verify = _verify(arguments.runs, arguments.events)
        with Path(settings.AUDIT_CHECKPOINT_FILE).open() as checkpoints:
            checkpoint_lines = sum(1 for _ in checkpoints)
        result = {
            "benchmark": "audit checkpoints and verify",
            "database": connection.vendor,
            "runs": arguments.runs,
            "writes": writes,
            "verify": verify,
            "checkpoint_lines": checkpoint_lines,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
        }
        connection.close()
    if arguments.postgres:
        _recreate_postgres_database()  # leave nothing large behind
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(
        f"{result['database']}: committed audit write p50 {writes['p50_ms_with']:.2f} ms with "
        f"checkpoints, {writes['p50_ms_without']:.2f} ms without (ratio "
        f"{writes['p50_ratio']:.2f}); p95 {writes['p95_ms_with']:.2f} / "
        f"{writes['p95_ms_without']:.2f} ms. audit verify: "
        f"{verify['events_per_second']:,.0f} events/s over {verify['events']:,} events "
        f"(medians of {arguments.runs} runs; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
