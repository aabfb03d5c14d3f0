"""Start ``msht link`` for a run queued from the runs page, detached from the web request.

The project has no job queue; a run takes minutes at national scale, so the page starts
the same command an operator would type, in a session of its own (it outlives the
request and the worker that served it), and the command reports its progress in the
run's row. Its output goes to ``<var>/linkage/run-<id>.log`` for the operator.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def log_path(run_pk: int) -> Path:
    """Where the detached run writes its output."""
    return Path(settings.VAR_DIR) / "linkage" / f"run-{run_pk}.log"


def command_for(*, run_pk: int, kind: str) -> list[str]:
    """``msht link <kind> --run <id>`` with this interpreter (the same installation)."""
    return [sys.executable, "-m", "msht.cli", "link", kind, "--run", str(run_pk)]


def start_detached(*, run_pk: int, kind: str) -> int:
    """Start the run's command in a new session and return its process id."""
    path = log_path(run_pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 (our own command, no shell, fixed arguments)
            command_for(run_pk=run_pk, kind=kind),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    return process.pid
