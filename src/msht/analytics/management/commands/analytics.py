"""``msht analytics refresh``: snapshot the store into the pseudonymised analytics store."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from msht.analytics.engine.snapshot import SNAPSHOT_TABLES
from msht.analytics.services import analytics_refresh
from msht.core.errors import MshtError

# Steps reported by the snapshot build: pseudonymise, then each table.
_STEPS = 1 + len(SNAPSHOT_TABLES) - 1


class Command(BaseCommand):
    help = (
        "Analytics store: 'refresh' snapshots the operational store through Arrow into a "
        "pseudonymised DuckDB file (no names, identifiers, phones, addresses or narratives; "
        "stable pseudonymous keys), written atomically. Analysts read only this file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("verb", choices=["refresh"], help="what to do with the store")
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="the DuckDB file to write (default VAR_DIR/analytics.duckdb)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout))
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("extract", total=_STEPS + 1)

            def report(step: str) -> None:
                bar.update(task, advance=1, description=step)

            try:
                summary = analytics_refresh(None, out=options["out"], progress=report)
            except MshtError as error:
                raise CommandError(str(error)) from error
            bar.update(task, completed=_STEPS + 1, description="done")
        rows = ", ".join(f"{name} {count:,}" for name, count in summary.rows.items())
        console.print(f"analytics store written to {summary.path.name}: {rows}")
        console.print(f"referrals whose person is linked: {summary.linked_share:.1%}")
