"""``msht indicators --period 2024Q3``: compute and store a quarter's indicators, print them."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import track
from rich.table import Table

from msht.core.errors import ValidationError
from msht.core.periods import Quarter
from msht.governance.selectors import scorecard
from msht.governance.services import indicator_values_compute
from msht.governance.templatetags.governance import figure


class Command(BaseCommand):
    help = (
        "Compute every governance indicator for a quarter from the records, store the values "
        "(replacing the quarter's earlier ones) and print the national scorecard with "
        "red/amber/green and trend. --backfill N also computes the N quarters before it, "
        "keeping any already stored."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The quarter, and how many earlier quarters to fill."""
        parser.add_argument("--period", required=True, help="a quarter, such as 2024Q3")
        parser.add_argument(
            "--backfill", type=int, default=0, help="earlier quarters to fill if not stored"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Compute, then print the scorecard."""
        try:
            period = Quarter.parse(options["period"])
        except ValidationError as error:
            raise CommandError(str(error)) from error
        console = Console(file=cast(IO[str], self.stdout), width=140)
        earlier = period.trailing(options["backfill"] + 1)[:-1]
        for quarter in track(earlier, description="Earlier quarters", console=console):
            indicator_values_compute(None, period=quarter, replace=False)
        indicator_values_compute(None, period=period)
        table = Table(title=f"Indicators, {period.label}")
        for heading in ("indicator", "value", "target", "status", "trend"):
            table.add_column(heading, justify="right" if heading in {"value", "target"} else "left")
        for row in scorecard(None, period=period):
            unit = row.definition.unit
            table.add_row(
                row.definition.name,
                figure(row.value, unit),
                figure(row.definition.target, unit),
                str(row.rag),
                str(row.trend),
            )
        console.print(table)
