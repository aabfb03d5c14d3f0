"""Start one of our own ``msht`` commands detached from the web request that asked for it.

The project has no job queue. Work that takes minutes (a linkage run at national scale, a
large agency export) is done by the same command an operator would type, started in a
session of its own so that it outlives the request and the worker that served it. Its
output goes to a log file under the var folder for the operator.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def msht_command(*arguments: str) -> list[str]:
    """``msht <arguments>`` with this interpreter (the same installation)."""
    return [sys.executable, "-m", "msht.cli", *arguments]


def start_detached(command: list[str], *, log: Path) -> int:
    """Start ``command`` in a new session, its output appended to ``log``; its process id."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 (our own command, no shell, fixed arguments)
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    return process.pid
