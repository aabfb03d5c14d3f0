"""``msht boardpack``: the executive committee's board pack for a quarter, HTML and PDF."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from msht.core.errors import ValidationError
from msht.core.periods import Quarter
from msht.governance.boardpack import boardpack_write


class Command(BaseCommand):
    help = (
        "Write the governance board pack for a quarter into a folder: an accessible HTML "
        "report (boardpack.html with its stylesheet) and a PDF with charts (boardpack.pdf). "
        "The quarter's indicators are computed and stored first, with any earlier quarter of "
        "the trend not yet stored."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The quarter and the folder."""
        parser.add_argument("--period", required=True, help="a quarter, such as 2024Q3")
        parser.add_argument("--out", required=True, type=Path, help="the folder to write")

    def handle(self, *args: Any, **options: Any) -> None:
        """Compute, render and say where the files are."""
        try:
            period = Quarter.parse(options["period"])
        except ValidationError as error:
            raise CommandError(str(error)) from error
        console = Console(file=cast(IO[str], self.stdout))
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"Board pack for {period}", total=None)
            pack = boardpack_write(None, period=period, out=options["out"])
            progress.update(task, completed=1, total=1)
        console.print(f"Board pack for {period.label}: {pack.html} and {pack.pdf}", soft_wrap=True)
