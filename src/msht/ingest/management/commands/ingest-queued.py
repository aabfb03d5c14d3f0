"""``msht ingest-queued BATCH``: ingest an export the upload page queued."""  # noqa: N999 - a command name in words

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from msht.core.errors import ValidationError
from msht.ingest.models import Batch
from msht.ingest.queued import batch_run_queued


class Command(BaseCommand):
    help = (
        "Ingest the file of a batch queued from the upload page (a large export), as the "
        "administrator who uploaded it; the upload page starts this command itself. Run it "
        "again to complete a batch whose process stopped half-way."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The batch."""
        parser.add_argument("batch", type=int, help="the queued batch's number")

    def handle(self, *args: Any, **options: Any) -> None:
        """Ingest with a progress bar, then print the counts."""
        console = Console(file=cast(IO[str], self.stdout))
        with Progress(
            TextColumn(f"[bold]batch {options['batch']}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("rows", total=None)

            def report(done: int, expected: int | None) -> None:
                """Move the progress bar."""
                bar.update(task, completed=done, total=max(expected or 0, done) or None)

            try:
                result = batch_run_queued(options["batch"], progress=report)
            except Batch.DoesNotExist as missing:
                raise CommandError(f"no batch {options['batch']}") from missing
            except ValidationError as error:
                raise CommandError(str(error)) from error
        console.print(
            ", ".join(
                f"{name} {value:,}"
                for name, value in result.as_dict().items()
                if isinstance(value, int) and name != "batch"
            )
        )
