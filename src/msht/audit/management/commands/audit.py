"""``msht audit verify``: check the audit trail's hash chain."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msht.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit trail: 'verify' recomputes the hash chain and reports every break."

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
        self.stdout.write(f"audit trail verified: {result.events_checked} events, chain intact")
