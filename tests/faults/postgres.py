"""A PostgreSQL server of the test's own (initdb into a temporary directory, its own port
and socket directory), so that a test may restart or crash it without touching the
machine's shared server."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

NO_SERVER_BINARIES = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
OS_USER = "postgres"


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory holding initdb, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major, reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _major(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateCluster:
    """A running cluster: ``url(database)`` to connect, ``restart(mode)`` to restart it."""

    bin: Path
    directory: Path
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{OS_USER}@127.0.0.1:{self.port}/{database}"

    def _as_owner(self, *command: str) -> subprocess.CompletedProcess[str]:
        # initdb and the server refuse to run as root: run them as the postgres OS user.
        prefix = ["runuser", "-u", OS_USER, "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=180, check=True
        )

    def pg_ctl(self, action: str, *options: str) -> None:
        self._as_owner(
            str(self.bin / "pg_ctl"),
            action,
            "--pgdata",
            str(self.data),
            "--wait",
            "--timeout",
            "120",
            "--log",
            str(self.directory / "server.log"),
            *options,
        )

    def start(self) -> None:
        settings = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=on -c max_connections=50"
        )
        self.pg_ctl("start", "-o", settings)

    def restart(self, mode: str) -> None:
        """``fast`` ends sessions cleanly; ``immediate`` is a crash (recovery from the WAL)."""
        self.pg_ctl("restart", "--mode", mode)

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """initdb, start, and at the end stop and remove a cluster on a free loopback port."""
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError(NO_SERVER_BINARIES)
    # Not under pytest's tmp_path: the postgres OS user cannot enter root's private directory.
    directory = Path(tempfile.mkdtemp(prefix="msht-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(directory, user=OS_USER)
        cluster = PrivateCluster(binaries, directory, free_port())
        cluster._as_owner(
            str(binaries / "initdb"),
            "--pgdata",
            str(cluster.data),
            "--username",
            OS_USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
        )
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                cluster.pg_ctl("stop", "--mode", "immediate")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
