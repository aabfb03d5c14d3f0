"""PostgreSQL restarted (fast, then immediate: a crash) while first responders submit
referrals over the API to gunicorn: every failed request fails cleanly (an error answer, no
traceback), and submissions succeed again after each restart without restarting gunicorn.

Each referral is sent with an ``Idempotency-Key`` of its own and sent again with the same key
after a 503, until it is acknowledged: every referral the clients meant to submit is stored
exactly once, even when a 503 came from a connection lost during COMMIT (the commit may have
happened; the retry then gets the stored answer instead of storing the referral again).

The test brings its own PostgreSQL server (tests/faults/postgres.py); the machine's shared
server is never touched. Each referral also carries a key of the client's own in
``police_crime_reference``, so that the stored referrals can be counted per referral.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bench.api_bench import REFERRAL, _gunicorn

from msht.core.errorpages import UNAVAILABLE
from msht.referrals.idempotency import KEY_HEADER, REPLAYED_HEADER
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
# A client sends a referral again after a 503 until it is acknowledged, for at most this many
# seconds. It waits RETRY_PAUSE seconds between tries, not the 30 of Retry-After, so that the
# test's restarts (a few seconds each) are ridden out within the test's time.
RETRY_LIMIT = 90.0
RETRY_PAUSE = 0.2


@dataclass
class Answer:
    key: str
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    body: str
    content_type: str
    at: float
    attempt: int = 1
    replayed: bool = False  # answered with the Idempotent-Replayed header


@dataclass
class Intent:
    """One referral a client meant to submit, with its Idempotency-Key and final answer."""

    key: str
    idempotency_key: str
    final: Answer | None = None


@dataclass
class Clients:
    """Client threads submitting referrals until told to stop; every answer kept."""

    url: str
    tokens: list[str]
    answers: list[Answer] = field(default_factory=list)
    intents: list[Intent] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _submit(self, token: str, intent: Intent, attempt: int) -> Answer:
        body = json.dumps({**REFERRAL, "police_crime_reference": intent.key}).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback URL
            self.url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                KEY_HEADER: intent.idempotency_key,
            },
        )
        key = intent.key
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                text = response.read().decode()
                replayed = response.headers.get(REPLAYED_HEADER) == "true"
                content_type = response.headers["Content-Type"]
                return Answer(
                    key, response.status, text, content_type, time.monotonic(), attempt, replayed
                )
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            content_type = error.headers.get("Content-Type", "")
            return Answer(key, error.code, text, content_type, time.monotonic(), attempt)
        except (urllib.error.URLError, ConnectionError) as error:
            return Answer(key, 0, str(error), "", time.monotonic(), attempt)

    def _send(self, token: str, intent: Intent) -> None:
        """Send the referral, and again with the same key after a 503 (or no answer) until it
        is acknowledged; kept up after the stop, so that every referral begun is finished."""
        deadline = time.monotonic() + RETRY_LIMIT
        attempt = 0
        while True:
            attempt += 1
            answer = self._submit(token, intent, attempt)
            with self.lock:
                self.answers.append(answer)
            intent.final = answer
            if answer.status not in {0, 503} or time.monotonic() > deadline:
                return
            time.sleep(RETRY_PAUSE)

    def _run(self, number: int) -> None:
        token = self.tokens[number % len(self.tokens)]
        sent = 0
        while not self.stop.is_set():
            intent = Intent(f"fault-{number}-{sent}", str(uuid.uuid4()))
            sent += 1
            with self.lock:
                self.intents.append(intent)
            self._send(token, intent)

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
                thread.join(timeout=RETRY_LIMIT + 120)

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


def _keys_stored(cluster: PrivateCluster) -> int:
    """Idempotency keys stored with the clients' referrals."""
    import psycopg

    with psycopg.connect(cluster.url("msht")) as connection:
        row = connection.execute(
            "SELECT count(*) FROM referrals_referralidempotencykey AS k "
            "JOIN referrals_referral AS r ON r.id = k.referral_id "
            "WHERE r.police_crime_reference LIKE 'fault-%%'"
        ).fetchone()
    assert row is not None
    return int(row[0])


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
    print(f"\n{len(answers)} requests, answers by status: {dict(sorted(statuses.items()))}")
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
    intents = clients.intents
    acknowledged = [a for a in answers if 200 <= a.status < 300]
    failed = [a for a in answers if not 200 <= a.status < 300]
    retried = [i for i in intents if i.final is not None and i.final.attempt > 1]
    # A retry answered from the stored answer: the 503 before it came after the commit.
    in_doubt = [a.key for a in acknowledged if a.replayed]
    print(
        f"{len(intents)} referrals meant, {len(retried)} sent again after a 503 "
        f"({len(answers) - len(intents)} retries); acknowledged by a replay of the stored "
        f"answer (their 503 had come after the commit): {in_doubt}"
    )
    # Every referral the clients meant to submit was acknowledged in the end, and is stored
    # exactly once, under the reference of its answer: a retry never stored it again.
    assert [i.key for i in intents if i.final is None or not 200 <= i.final.status < 300] == []
    for intent in intents:
        assert intent.final is not None
        assert counts[intent.key] == 1, (intent.key, counts[intent.key])
        assert references[intent.key] == json.loads(intent.final.body)["reference"]
    # Every acknowledgement, first or replayed, names the one stored referral.
    for answer in acknowledged:
        assert references[answer.key] == json.loads(answer.body)["reference"]
    # ... and nothing was stored that no client meant.
    assert set(counts) == {i.key for i in intents}
    assert _keys_stored(cluster) == len(intents)
    # Failures are HTTP answers (gunicorn kept serving), clean and without a traceback.
    assert statuses[0] == 0, [a.body for a in failed if a.status == 0][:3]
    for answer in failed:
        assert answer.status == 503, (answer.status, answer.body[:500])
        assert json.loads(answer.body) == {"detail": UNAVAILABLE}
        assert not any(sign in answer.body for sign in TRACEBACK_SIGNS), answer.body[:2000]
        assert answer.content_type.startswith("application/json")
