"""Benchmark of referral submission over the API (not a test): submissions per second and
latency percentiles, against gunicorn and PostgreSQL on this machine.

It (re)creates a scratch database, migrates it, creates first responders with API tokens in
several organisations, starts gunicorn on a loopback port, and drives ``POST /api/referrals/``
(a complete referral, submitted) from concurrent client threads. Each run is bounded by a
request count and a time limit; the figures reported are the median of the runs.

    .venv/bin/python bench/api_bench.py
    .venv/bin/python bench/api_bench.py --workers 4 --clients 16 --requests 400 --runs 3

Results are printed and written to bench/results/api.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.json"
HOST = "127.0.0.1"
SERVER = "postgres://postgres@127.0.0.1:5432"

REFERRAL = {
    "referring_officer_name": "Bench Officer",
    "referring_officer_email": "bench@example.gov.uk",
    "age_group_at_exploitation": "adult",
    "consent_given": True,
    "given_names": "Ana",
    "family_name": "Popescu",
    "gender": "female",
    "birth_year": 1994,
    "nationalities": ["ROU"],
    "exploitation_types": ["labour"],
    "exploitation_location": "uk_only",
    "places": [{"police_force_area": "kent"}],
    "immigration_status": "visa_holder",
    "ilo_indicators": ["deception"],
    "narrative": "Worked on a farm without pay.",
}


def _recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _prepare(database_url: str, users: int) -> list[str]:
    """Migrate, then create ``users`` first responders (one per police force) with tokens."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from msht.accounts.models import Organisation, OrganisationType, Role, User

    call_command("migrate", verbosity=0)
    forces = list(Organisation.objects.filter(organisation_type=OrganisationType.POLICE_FORCE))
    tokens = []
    for number in range(users):
        user, _ = User.objects.get_or_create(
            username=f"bench-first-responder-{number}",
            defaults={
                "role": Role.FIRST_RESPONDER,
                "organisation": forces[number % len(forces)],
                "email": f"bench{number}@example.gov.uk",
            },
        )
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


@contextmanager
def _gunicorn(
    database_url: str, port: int, workers: int, options: Sequence[str] = ()
) -> Iterator[None]:
    """gunicorn serving MSHT on a loopback port until the block ends; ``options`` are more
    gunicorn arguments (e.g. ``--worker-class gthread --threads 4``)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "msht.settings",
        "MSHT_ALLOWED_HOSTS": HOST,
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "msht.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        *options,
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        # Up when it answers at all (a page error is still gunicorn serving); a loaded
        # machine may take a while to import Django in every worker.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/sign-in/", timeout=5)
                break
            except urllib.error.HTTPError:
                break
            except OSError:  # refused, reset or timed out (URLError is an OSError)
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start within 90 seconds")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _person(chance: random.Random) -> dict[str, Any]:
    """A different person each time (random names and year of birth), so that duplicate
    detection does the work it does on real data rather than matching every earlier row."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    name = "".join(chance.choice(letters) for _ in range(8)).title()
    family = "".join(chance.choice(letters) for _ in range(9)).title()
    return {"given_names": name, "family_name": family, "birth_year": chance.randint(1960, 2006)}


def _post(url: str, token: str, chance: random.Random) -> tuple[float, int]:
    body = json.dumps({**REFERRAL, **_person(chance)}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback URL built above
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - started, status


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def one_run(
    url: str, tokens: list[str], *, clients: int, requests: int, time_limit: float, seed: int
) -> dict[str, Any]:
    """``requests`` POSTs shared by ``clients`` threads, stopping early at ``time_limit``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + time_limit

    def client(number: int) -> None:
        token = tokens[number % len(tokens)]
        chance = random.Random(seed * 1000 + number)  # noqa: S311 - test data, not secrets
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    return
            elapsed, status = _post(url, token, chance)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    created = statuses.get(201, 0)
    return {
        "requests": len(latencies),
        "created": created,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": wall,
        "submissions_per_second": created / wall if wall else 0.0,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p95_ms": _percentile(latencies, 0.95) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="msht_bench")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2-4)")
    parser.add_argument("--clients", type=int, default=12, help="concurrent client threads")
    parser.add_argument("--requests", type=int, default=300, help="requests per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--users", type=int, default=8, help="first responders (tokens)")
    args = parser.parse_args()

    database_url = f"{SERVER}/{args.database}"
    _recreate_database(args.database)
    tokens = _prepare(database_url, args.users)
    url = f"http://{HOST}:{args.port}/api/referrals/"
    runs = []
    with _gunicorn(database_url, args.port, args.workers):
        _post(url, tokens[0], random.Random(0))  # noqa: S311 - warm up each code path once
        for number in range(args.runs):
            result = one_run(
                url,
                tokens,
                clients=args.clients,
                requests=args.requests,
                time_limit=args.time_limit,
                seed=number + 1,
            )
            runs.append(result)
            print(
                f"run {number + 1}: {result['submissions_per_second']:.1f} submissions/s, "
                f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
                f"p99 {result['p99_ms']:.0f} ms, statuses {result['statuses']}"
            )
    summary = {
        key: statistics.median(run[key] for run in runs)
        for key in ("submissions_per_second", "p50_ms", "p95_ms", "p99_ms")
    }
    report = {
        "benchmark": "POST /api/referrals/ (complete referral, submitted)",
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "settings": vars(args),
        "median_of_runs": summary,
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"median of {len(runs)} runs: {summary['submissions_per_second']:.1f} submissions/s, "
        f"p50 {summary['p50_ms']:.0f} ms, p95 {summary['p95_ms']:.0f} ms, "
        f"p99 {summary['p99_ms']:.0f} ms -> {RESULTS.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
