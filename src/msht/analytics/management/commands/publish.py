"""``msht publish``: the quarterly national statistics, with disclosure control."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from msht.analytics.services import statistics_publish
from msht.core.errors import MshtError


class Command(BaseCommand):
    help = (
        "Publish the quarterly NRM and Duty to Notify statistics for --period (e.g. 2024Q3) "
        "from the analytics store into --out: an ODS workbook (cover, contents, notes, one "
        "sheet per table), a CSV per table and an HTML release page with charts, all with "
        "disclosure control (counts under the disclosure_minimum_count policy suppressed as "
        "[c], with secondary suppression checked against earlier publications)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--period", required=True, help="the quarter, written 2024Q3")
        parser.add_argument("--out", type=Path, required=True, help="directory to write")
        parser.add_argument(
            "--round-to",
            type=int,
            choices=[5],
            default=None,
            help="round every published count to the nearest 5",
        )
        parser.add_argument(
            "--store",
            type=Path,
            default=None,
            help="the analytics store (default VAR_DIR/analytics.duckdb)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout))
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            bar.add_task(f"publishing {options['period']}", total=None)
            try:
                result = statistics_publish(
                    None,
                    period=options["period"],
                    out=options["out"],
                    round_to=options["round_to"],
                    store=options["store"],
                )
            except MshtError as error:
                raise CommandError(str(error)) from error
        publication = result.publication
        console.print(
            f"published {publication.period}: {len(publication.tables)} tables, "
            f"{result.suppressed:,} of {result.figures:,} figures suppressed, "
            f"rules {publication.rules_version}"
        )
        console.print(f"{len(result.files)} files written to {options['out']}")
