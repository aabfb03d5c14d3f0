"""``msht audit verify``: check the audit trail's hash chain."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msht.audit.checkpoints import checkpoint_path
from msht.audit.services import audit_verify

NO_CHECKPOINTS = (
    "warning: no checkpoints found in {path}, so a truncated or completely rewritten trail "
    "would not show; check AUDIT_CHECKPOINT_FILE (MSHT_AUDIT_CHECKPOINT_FILE)"
)


class Command(BaseCommand):
    help = (
        "Audit trail: 'verify' recomputes the hash chain, compares it with the checkpoints "
        "written outside the database, and reports every break."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("verb", choices=["verify"], help="what to do with the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"audit trail broken: {len(result.problems)} problem(s) "
                f"in {result.events_checked} events"
            )
        self.stdout.write(
            f"audit trail verified: {result.events_checked} events, chain intact; "
            f"{result.checkpoints_checked} checkpoints outside the database agree"
        )
        if result.events_checked and not result.checkpoints_checked:
            self.stderr.write(NO_CHECKPOINTS.format(path=checkpoint_path()))
