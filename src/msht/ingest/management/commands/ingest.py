"""``msht ingest SOURCE FILE``: load an agency export through its source mapping."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from msht.core.errors import ValidationError
from msht.ingest.engine.mapping import available_sources
from msht.ingest.services import batch_ingest


class Command(BaseCommand):
    help = (
        "Ingest an agency export (CSV, XLSX, ODS or JSON Lines) through the mapping of SOURCE "
        f"({', '.join(available_sources())}): every row is loaded, updated, found unchanged "
        "or quarantined with a reason, in one transaction; running the same file again adds "
        "nothing. One ingest per source runs at a time: a second waits for the first (or, "
        "with --wait 0, stops at once). With --json, the last line printed is one JSON object "
        "with the batch id and the counts rows, loaded, updated, unchanged and quarantined."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Source, file, output form."""
        parser.add_argument("source", help="the source mapping, e.g. ctdc or police")
        parser.add_argument("file", type=Path, help="the export file")
        parser.add_argument(
            "--format",
            default="",
            choices=["", "csv", "xlsx", "ods", "jsonl"],
            help="the file's format when its name does not say (default: from the ending)",
        )
        parser.add_argument(
            "--json", action="store_true", help="end with one JSON object of the counts"
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=None,
            metavar="SECONDS",
            help="while another ingest of the same source runs, wait at most this long "
            "(0: fail at once; default: wait until it has finished)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Ingest with a progress bar (on standard error with --json), then report."""
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        as_json = options["json"]
        stream = sys.stderr if as_json else cast(IO[str], self.stdout)
        console = Console(file=stream)
        columns = (
            TextColumn(f"[bold]{options['source']}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("rows", total=None)

            def report(done: int, expected: int | None) -> None:
                """Move the progress bar."""
                bar.update(task, completed=done, total=max(expected or 0, done) or None)

            try:
                result = batch_ingest(
                    None,
                    source_code=options["source"],
                    path=path,
                    file_format=options["format"],
                    progress=report,
                    lock_timeout=options["wait"],
                    waiting=lambda reason: console.print(
                        f"[yellow]waiting: {reason}", soft_wrap=True
                    ),
                )
            except ValidationError as error:
                raise CommandError(str(error)) from error
        summary = result.as_dict()
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        names = ("rows", "loaded", "updated", "unchanged", "quarantined")
        table = Table(title=f"batch {summary['batch']} ({summary['state']})")
        for name in names:
            table.add_column(name, justify="right")
        table.add_row(*(f"{summary[name]:,}" for name in names))
        console.print(table)
        for problem in result.batch.problems:
            console.print(f"[yellow]{problem}")
