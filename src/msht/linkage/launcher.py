"""Start ``msht link`` for a run queued from the runs page, detached from the web request
(``msht.core.detached``). Its output goes to ``<var>/linkage/run-<id>.log``."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from msht.core import detached


def log_path(run_pk: int) -> Path:
    """Where the detached run writes its output."""
    return Path(settings.VAR_DIR) / "linkage" / f"run-{run_pk}.log"


def command_for(*, run_pk: int, kind: str) -> list[str]:
    """``msht link <kind> --run <id>`` with this interpreter (the same installation)."""
    return detached.msht_command("link", kind, "--run", str(run_pk))


def start_detached(*, run_pk: int, kind: str) -> int:
    """Start the run's command in a new session and return its process id."""
    return detached.start_detached(command_for(run_pk=run_pk, kind=kind), log=log_path(run_pk))
