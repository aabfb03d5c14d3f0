"""``msht restore FILE``: replace the whole store with a backup made by ``msht backup``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from rich.progress import Progress

from msht.core.errors import MshtError
from msht.core.ops.backup import backup_restore

CANCELLED = "Restore cancelled: nothing was changed."


class Command(BaseCommand):
    help = (
        "Replace EVERY table of the store, the audit trail included, with the backup in FILE "
        "(made by `msht backup` on the same kind of database). Stop the server first. The audit "
        "checkpoint file is moved aside and restarted from the restored trail. Run "
        "`msht migrate` afterwards if the backup is from an older release."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to restore")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if options["interactive"]:
            answer = input(f"Replace every table of the store with {path}? Type 'yes': ")
            if answer.strip() != "yes":
                self.stdout.write(CANCELLED)
                return
        with Progress(transient=True) as progress:
            task = progress.add_task("Restoring", total=None)
            try:
                backup_restore(
                    path,
                    using=options["database"],
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
            except MshtError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"Store restored from {path}")
