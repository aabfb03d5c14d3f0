"""``msht backup FILE``: a consistent copy of the whole store, to restore with ``msht restore``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from rich.progress import Progress

from msht.core.errors import MshtError
from msht.core.ops.backup import backup_write


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the whole store (every table, the audit trail included) "
        "to FILE: the SQLite backup API on SQLite, pg_dump's custom format on PostgreSQL. "
        "FILE must not exist. The audit checkpoint file is not in it: keep that apart."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to create")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        with Progress(transient=True) as progress:
            task = progress.add_task("Backing up", total=None)
            try:
                backup_write(
                    path,
                    using=options["database"],
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
            except MshtError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes)")
