"""PostgreSQL restarted (fast, then immediate: a crash) while first responders submit
referrals over the API to gunicorn: no acknowledged referral is lost or stored twice, every
failed request fails cleanly (an error answer, no traceback) and stored its referral at most
once (a commit whose connection dropped may have happened), and submissions succeed again
after each restart without restarting gunicorn.

The test brings its own PostgreSQL server (tests/faults/postgres.py); the machine's shared
server is never touched. Each submission carries a key of the client's own in
``police_crime_reference``, so that the stored referrals can be counted per request.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bench.api_bench import REFERRAL, _gunicorn

from msht.core.errorpages import UNAVAILABLE
from tests.faults.postgres import NO_SERVER_BINARIES, PrivateCluster, free_port, private_cluster
from tests.faults.support import AUDIT_KEY, ROOT

pytestmark = pytest.mark.slow

CLIENTS = 4
# pg_ctl restart modes, in turn: fast ends sessions cleanly, immediate is a crash.
RESTARTS = ("fast", "immediate", "fast", "immediate")
GUNICORN_WORKERS = 2
# A worker's first request imports every page; on a busy machine that outlasts gunicorn's
# default 30-second worker timeout.
GUNICORN_OPTIONS = ["--timeout", "180"]
# Seconds of steady submissions before the first restart, between restarts and after.
STEADY = 4.0
# Submissions that must succeed after the last restart, and how long they may take.
AFTER_RESTART = 20
RECOVERY_LIMIT = 20.0
TRACEBACK_SIGNS = ("Traceback", 'File "/', "OperationalError", "psycopg")


@dataclass
class Answer:
    key: str
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    body: str
    content_type: str
    at: float


@dataclass
class Clients:
    """Client threads submitting referrals until told to stop; every answer kept."""

    url: str
    tokens: list[str]
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _submit(self, token: str, key: str) -> Answer:
        body = json.dumps({**REFERRAL, "police_crime_reference": key}).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback URL
            self.url,
            data=body,
            method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                text = response.read().decode()
                return Answer(
                    key, response.status, text, response.headers["Content-Type"], time.monotonic()
                )
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            return Answer(
                key, error.code, text, error.headers.get("Content-Type", ""), time.monotonic()
            )
        except (urllib.error.URLError, ConnectionError) as error:
            return Answer(key, 0, str(error), "", time.monotonic())

    def _run(self, number: int) -> None:
        token = self.tokens[number % len(self.tokens)]
        sent = 0
        while not self.stop.is_set():
            answer = self._submit(token, f"fault-{number}-{sent}")
            sent += 1
            with self.lock:
                self.answers.append(answer)

    @contextmanager
    def running(self) -> Iterator[None]:
        threads = [threading.Thread(target=self._run, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=120)

    def successes_since(self, moment: float) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a.at > moment and 200 <= a.status < 300)

    def first_success_after(self, moment: float) -> float | None:
        with self.lock:
            times = [a.at for a in self.answers if a.at > moment and 200 <= a.status < 300]
        return min(times) - moment if times else None


def _prepare(database_url: str) -> list[str]:
    """Migrate the private server's database and make first responders with API tokens,
    in a process of its own (this one is set up for the test database)."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from bench.api_bench import _prepare; "
        "print(' '.join(_prepare(sys.argv[2], 4)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), database_url],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    try:
        with private_cluster() as running:
            yield running
    except FileNotFoundError as error:
        if str(error) == NO_SERVER_BINARIES:
            pytest.skip(NO_SERVER_BINARIES)
        raise


def _stored(cluster: PrivateCluster) -> tuple[Counter[str], dict[str, str]]:
    import psycopg

    with psycopg.connect(cluster.url("msht")) as connection:
        rows = connection.execute(
            "SELECT police_crime_reference, reference FROM referrals_referral "
            "WHERE police_crime_reference LIKE 'fault-%%'"
        ).fetchall()
    return Counter(key for key, _ in rows), {key: reference for key, reference in rows}


# A connection per request (the default), and kept connections checked before each request.
@pytest.mark.parametrize("conn_max_age", ["0", "60"], ids=["per-request", "persistent"])
def test_referrals_survive_postgresql_restarts_under_load(
    conn_max_age: str, cluster: PrivateCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE msht")
    database_url = cluster.url("msht")
    # The preparing process and gunicorn inherit the environment: audit key, checkpoints and
    # var/ are the test's own.
    monkeypatch.setenv("MSHT_AUDIT_CHECKPOINT_FILE", str(tmp_path / "audit.checkpoints"))
    monkeypatch.setenv("MSHT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MSHT_DB_CONN_MAX_AGE", conn_max_age)
    monkeypatch.setenv("MSHT_AUDIT_KEY", AUDIT_KEY)
    tokens = _prepare(database_url)
    port = free_port()
    clients = Clients(f"http://127.0.0.1:{port}/api/referrals/", tokens)
    restarts: list[tuple[str, float, float | None]] = []

    with _gunicorn(database_url, port, GUNICORN_WORKERS, GUNICORN_OPTIONS), clients.running():
        time.sleep(STEADY)
        assert clients.successes_since(0) > 0, "no submission succeeded before the restarts"
        for mode in RESTARTS:
            began = time.monotonic()
            cluster.restart(mode)
            back = time.monotonic()
            deadline = back + RECOVERY_LIMIT
            while clients.first_success_after(back) is None and time.monotonic() < deadline:
                time.sleep(0.1)
            restarts.append((mode, back - began, clients.first_success_after(back)))
            time.sleep(STEADY)
        last = time.monotonic()
        deadline = last + RECOVERY_LIMIT
        while clients.successes_since(last) < AFTER_RESTART and time.monotonic() < deadline:
            time.sleep(0.1)

    answers = clients.answers
    statuses = Counter(answer.status for answer in answers)
    print(f"\n{len(answers)} submissions, answers by status: {dict(sorted(statuses.items()))}")
    for mode, took, recovered in restarts:
        after = "never" if recovered is None else f"{recovered:.2f}s"
        print(f"  pg_ctl restart --mode {mode}: {took:.2f}s; next acknowledged referral {after}")
    print(
        f"faults injected: {len(restarts)} PostgreSQL restarts under {CLIENTS} clients "
        f"(connections kept {conn_max_age}s)"
    )

    for mode, _, recovered in restarts:
        assert recovered is not None, f"no submission succeeded after the {mode} restart"
    assert clients.successes_since(last) >= AFTER_RESTART

    counts, references = _stored(cluster)
    acknowledged = [a for a in answers if 200 <= a.status < 300]
    failed = [a for a in answers if not 200 <= a.status < 300]
    # Every acknowledged referral is stored once, under the reference the client was given.
    for answer in acknowledged:
        assert counts[answer.key] == 1, (answer.key, counts[answer.key])
        assert references[answer.key] == json.loads(answer.body)["reference"]
    # A failed request stored its referral at most once. It may have stored it: when the
    # connection drops during COMMIT the server cannot know whether the commit happened
    # (about one in a thousand submissions here). A retry could then store it twice; an
    # idempotency key on POST /api/referrals/ would make the retry safe (docs/reliability.md).
    assert [a.key for a in failed if counts[a.key] > 1] == []
    in_doubt = [a.key for a in failed if counts[a.key]]
    print(f"failed answers whose referral was stored all the same (commit in doubt): {in_doubt}")
    # ... and nothing was stored that no request asked for.
    assert set(counts) <= {a.key for a in answers}
    # Failures are HTTP answers (gunicorn kept serving), clean and without a traceback.
    assert statuses[0] == 0, [a.body for a in failed if a.status == 0][:3]
    for answer in failed:
        assert answer.status == 503, (answer.status, answer.body[:500])
        assert json.loads(answer.body) == {"detail": UNAVAILABLE}
        assert not any(sign in answer.body for sign in TRACEBACK_SIGNS), answer.body[:2000]
        assert answer.content_type.startswith("application/json")
