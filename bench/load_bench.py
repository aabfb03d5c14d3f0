"""Load test (not a test): a sustained mix of referral submissions, referral reads and
decision-queue searches against gunicorn and PostgreSQL, for several minutes.

It creates a fresh database on the machine's PostgreSQL (msht_load_<pid>, dropped at the
end), migrates it, makes first responders with API tokens (bench/api_bench.py) and a
signed-in decision maker (bench/queue_bench.py), submits some referrals so that the queue
has work, starts gunicorn (gthread workers) on a loopback port, and then drives the mix from
client threads for --duration seconds (bounded also by --max-requests):

    submit        POST /api/referrals/                 a complete referral, submitted
    list          GET  /api/referrals/                 the first responder's referrals
    read          GET  /api/referrals/<reference>/     one it submitted earlier
    queue         GET  /cases/?...                     the decision maker's queue, filtered
                                                       and sorted (queue_bench.PAGES)

    .venv/bin/python bench/load_bench.py --duration 300

Run it with no other heavy work on the machine (its figures are only as steady as the load
average it reports).

It prints, and writes to bench/results/load.json (git-ignored), per request type: requests,
throughput, p50/p95/p99 latency and answers by status; errors (anything but the expected
status, or no answer) are expected to be zero.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_bench import (
    HOST,
    REFERRAL,
    SERVER,
    _gunicorn,
    _percentile,
    _person,
    _prepare,
    _recreate_database,
)
from bench.queue_bench import PAGES, _decision_maker

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "load.json"
# The share of each request type in the mix, and the status each should answer.
MIX = {"submit": 0.35, "list": 0.15, "read": 0.15, "queue": 0.35}
EXPECTED = {"submit": 201, "list": 200, "read": 200, "queue": 200}


@dataclass
class Tally:
    """Every answer of the run, by request type."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses.setdefault(kind, Counter())[status] += 1


@dataclass
class Users:
    tokens: list[str]
    queue_cookie: str
    references: dict[str, list[str]] = field(default_factory=dict)  # token -> its referrals
    lock: threading.Lock = field(default_factory=threading.Lock)


def _request(url: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - loopback URL built here
        url, data=body, method="POST" if body is not None else "GET", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:  # refused, reset or timed out: no answer at all
        return 0, b""


def _decision_maker_session(var_dir: Path) -> str:
    """A signed-in decision maker's session cookie; verified with a second factor when the
    installed settings require one (django-otp), as a real sign-in would leave it."""
    from django.conf import settings
    from django.test import Client

    user = _decision_maker()
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    if "django_otp" in settings.INSTALLED_APPS:
        from django.contrib.sessions.backends.db import SessionStore
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="load bench", defaults={"confirmed": True}
        )
        session = SessionStore(session_key=key)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return f"{settings.SESSION_COOKIE_NAME}={key}"


def _setup(database_url: str, users: int, var_dir: Path) -> Users:
    """Migrate and make the users (in this process), then collect the static files."""
    tokens = _prepare(database_url, users)
    from django.core.management import call_command

    # Pages name their static files through the production manifest, as `msht serve` does.
    call_command("collectstatic", "--no-input", verbosity=0)
    return Users(tokens=tokens, queue_cookie=_decision_maker_session(var_dir))


def _submit(base: str, token: str, chance: random.Random) -> tuple[int, bytes]:
    body = json.dumps({**REFERRAL, **_person(chance)}).encode()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    return _request(f"{base}/api/referrals/", headers, body)


def _one(
    kind: str, base: str, users: Users, token: str, chance: random.Random, number: int
) -> tuple[int, bytes]:
    auth = {"Authorization": f"Token {token}"}
    if kind == "submit":
        status, body = _submit(base, token, chance)
        if status == 201:
            with users.lock:
                users.references.setdefault(token, []).append(json.loads(body)["reference"])
        return status, body
    if kind == "list":
        return _request(f"{base}/api/referrals/", auth)
    if kind == "read":
        with users.lock:
            mine = users.references.get(token) or []
            reference = chance.choice(mine) if mine else ""
        return _request(f"{base}/api/referrals/{reference}/", auth)
    return _request(f"{base}{PAGES[number % len(PAGES)]}", {"Cookie": users.queue_cookie})


def drive(
    base: str, users: Users, *, clients: int, duration: float, max_requests: int, seed: int
) -> tuple[Tally, float]:
    """``clients`` threads sending the mix until ``duration`` seconds or ``max_requests``."""
    tally = Tally()
    sent = iter(range(max_requests))
    counter_lock = threading.Lock()
    deadline = time.monotonic() + duration
    kinds, weights = list(MIX), list(MIX.values())

    def client(number: int) -> None:
        token = users.tokens[number % len(users.tokens)]
        chance = random.Random(seed * 1000 + number)  # noqa: S311 - test data, not secrets
        while time.monotonic() < deadline:
            with counter_lock:
                request_number = next(sent, None)
            if request_number is None:
                return
            kind = chance.choices(kinds, weights)[0]
            started = time.perf_counter()
            status, _ = _one(kind, base, users, token, chance, request_number)
            tally.add(kind, time.perf_counter() - started, status)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def summarise(tally: Tally, seconds: float) -> dict[str, Any]:
    """Per request type: count, throughput, latency percentiles, statuses and errors."""
    types = {}
    for kind in MIX:
        latencies = tally.latencies.get(kind, [])
        statuses = tally.statuses.get(kind, Counter())
        types[kind] = {
            "requests": len(latencies),
            "per_second": round(len(latencies) / seconds, 2) if seconds else 0.0,
            "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1) if latencies else None,
            "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1) if latencies else None,
            "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1) if latencies else None,
            "statuses": {str(status): count for status, count in sorted(statuses.items())},
            "errors": sum(n for status, n in statuses.items() if status != EXPECTED[kind]),
        }
    everything = [value for values in tally.latencies.values() for value in values]
    return {
        "seconds": round(seconds, 1),
        "requests": len(everything),
        "per_second": round(len(everything) / seconds, 2) if seconds else 0.0,
        "p50_ms": round(_percentile(everything, 0.50) * 1000, 1) if everything else None,
        "p95_ms": round(_percentile(everything, 0.95) * 1000, 1) if everything else None,
        "p99_ms": round(_percentile(everything, 0.99) * 1000, 1) if everything else None,
        "errors": sum(entry["errors"] for entry in types.values()),
        "by_type": types,
    }


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _print(summary: dict[str, Any]) -> None:
    print(
        f"{summary['requests']:,} requests in {summary['seconds']} s: "
        f"{summary['per_second']} per second, p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, errors {summary['errors']}"
    )
    for kind, entry in summary["by_type"].items():
        print(
            f"  {kind:<7} {entry['requests']:>7,} requests {entry['per_second']:>7}/s  "
            f"p50 {entry['p50_ms']} ms  p95 {entry['p95_ms']} ms  p99 {entry['p99_ms']} ms  "
            f"statuses {entry['statuses']}  errors {entry['errors']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=500_000, help="bound on requests")
    parser.add_argument("--clients", type=int, default=12, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--users", type=int, default=8, help="first responders (tokens)")
    parser.add_argument("--seed-referrals", type=int, default=200, help="submitted before")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    name = f"msht_load_{os.getpid()}"
    database_url = f"{SERVER}/{name}"
    var_dir = Path(tempfile.mkdtemp(prefix="msht-load-"))
    # Settings are read at start-up: the scratch store's secret key, static files and audit
    # checkpoints go to a directory of the run's own, in this process and in gunicorn.
    os.environ["MSHT_VAR_DIR"] = str(var_dir)
    os.environ["MSHT_AUDIT_CHECKPOINT_FILE"] = str(var_dir / "audit.checkpoints")
    _recreate_database(name)
    try:
        users = _setup(database_url, args.users, var_dir)
        base = f"http://{HOST}:{args.port}"
        options = ["--worker-class", "gthread", "--threads", str(args.threads), "--timeout", "120"]
        with _gunicorn(database_url, args.port, args.workers, options):
            chance = random.Random(args.seed)  # noqa: S311 - test data, not secrets
            for number in range(args.seed_referrals):
                token = users.tokens[number % len(users.tokens)]
                status, body = _submit(base, token, chance)
                if status != 201:
                    raise SystemExit(f"seeding failed: {status} {body[:300]!r}")
                users.references.setdefault(token, []).append(json.loads(body)["reference"])
            load_before = os.getloadavg()
            tally, seconds = drive(
                base,
                users,
                clients=args.clients,
                duration=args.duration,
                max_requests=args.max_requests,
                seed=args.seed,
            )
            load_after = os.getloadavg()
    finally:
        _drop_database(name)
        shutil.rmtree(var_dir, ignore_errors=True)
    summary = summarise(tally, seconds)
    report = {
        "benchmark": "sustained mix against gunicorn (gthread) and PostgreSQL",
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "mix": MIX,
        "settings": vars(args),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        **summary,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print(summary)
    print(
        f"load average before {report['load_average_before']}, after {report['load_average_after']}"
    )
    print(f"-> {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
