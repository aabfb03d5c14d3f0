"""``msht retention [--dry-run] [--json]``: erase what is past its retention period."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from msht.accounts.models import User
from msht.core.errors import ValidationError
from msht.ingest.queued import SPOOL_GRACE
from msht.privacy.retention import (
    RetentionGroup,
    retention_plan,
    retention_summary,
    spool_summary,
)
from msht.privacy.services import retention_erase, spool_files_purge
from msht.referrals.idempotency import (
    KEY_LIFETIME,
    idempotency_keys_expired,
    idempotency_keys_purge,
)

KEYS_HOURS = f"{KEY_LIFETIME.total_seconds() / 3600:.0f}"
SPOOL_HOURS = f"{SPOOL_GRACE.total_seconds() / 3600:.0f}"


class Command(BaseCommand):
    help = (
        "Anonymise or delete the records past their retention period (core.policy "
        "retention_* rules), one transaction and one record.erased audit event per record "
        "group, and delete the API's idempotency keys older than "
        f"{KEYS_HOURS} hours with the answers stored with them (as `msht idempotency-keys "
        "purge` does), and the spooled uploads no batch needs: a copy whose batch never "
        f"committed or does not exist, older than {SPOOL_HOURS} hour(s), and the file of a "
        "complete or rejected batch. --dry-run changes nothing and lists what would happen, "
        "per app."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Dry run, output format, and who the run is audited as."""
        parser.add_argument("--dry-run", action="store_true", help="change nothing; list")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--username", default="", help="who the run is audited as")

    def handle(self, *args: Any, **options: Any) -> None:
        """Plan, then (unless a dry run) erase each group with a progress bar."""
        actor = self._actor(options["username"])
        self.failures: list[str] = []
        now = timezone.now()
        today = timezone.localdate(now)
        plan = retention_plan(today=today)
        console = Console(file=cast(IO[str], self.stdout), width=120)
        rows: dict[str, int] = {}
        if options["dry_run"]:
            keys = idempotency_keys_expired(now=now)
            spool = spool_summary(now=now)
        else:
            rows = self._erase(actor, plan, console, quiet=options["json"])
            # Their stored answers copy referrals' personal data: a deployment that schedules
            # only this command must not keep them past their lifetime.
            keys = idempotency_keys_purge(actor, now=now)
            # Likewise the spooled copies of agency exports that no batch will ingest.
            purge = spool_files_purge(actor, now=now)
            spool = purge.deleted
            self.failures.extend(purge.failures)
        summary = retention_summary(plan)
        if options["json"]:
            result = {
                "today": today.isoformat(),
                "dry_run": bool(options["dry_run"]),
                "groups": summary,
                "rows": rows,
                "idempotency_keys": keys,
                "spool_files": spool,
                "failures": self.failures,
            }
            self.stdout.write(json.dumps(result, indent=2))
            self._fail_if_any()
            return
        table = Table(title="Would be erased (dry run)" if options["dry_run"] else "Erased")
        for heading in ("app", "anonymised", "deleted"):
            table.add_column(heading)
        for app, counts in summary.items():
            table.add_row(app, str(counts.get("anonymised", 0)), str(counts.get("deleted", 0)))
        console.print(table if plan else "Nothing is past its retention period.")
        for name, count in rows.items():
            console.print(f"  {name}: {count} rows")
        verb = "would be deleted" if options["dry_run"] else "deleted"
        console.print(f"API idempotency keys older than {KEYS_HOURS} hours {verb}: {keys}")
        reasons = ", ".join(f"{reason} {count}" for reason, count in spool.items())
        console.print(
            f"Spooled uploads no batch needs {verb}: {sum(spool.values())}"
            + (f" ({reasons})" if reasons else "")
        )
        self._fail_if_any()

    def _fail_if_any(self) -> None:
        """Every other group was erased; a group that could not be is named, and the run fails."""
        if self.failures:
            raise CommandError("\n".join(self.failures))

    def _actor(self, username: str) -> User | None:
        if not username:
            return None
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username!r}")
        return actor

    def _erase(
        self, actor: User | None, plan: list[RetentionGroup], console: Console, *, quiet: bool
    ) -> dict[str, int]:
        rows: dict[str, int] = {}
        columns = (TextColumn("erasing"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, disable=quiet) as bar:
            task = bar.add_task("erasing", total=len(plan))
            for group in plan:
                try:
                    erased = retention_erase(actor, group=group)
                except ValidationError as error:
                    self.failures.append(str(error))
                    erased = {}
                for table, count in erased.items():
                    rows[table] = rows.get(table, 0) + count
                bar.advance(task)
        return dict(sorted(rows.items()))
