"""``msht analytics refresh``: snapshot the store into the pseudonymised analytics store, with
every dashboard's protected figures."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from msht.analytics.engine.snapshot import SNAPSHOT_TABLES
from msht.analytics.services import DEFAULT_DASHBOARD_QUARTERS, analytics_refresh
from msht.core.errors import MshtError

DASHBOARD_QUARTERS_INVALID = "--dashboard-quarters must be 1 or more"
# Steps reported by the snapshot build: pseudonymise, then each table.
_STEPS = 1 + len(SNAPSHOT_TABLES) - 1


class Command(BaseCommand):
    help = (
        "Analytics store: 'refresh' snapshots the operational store through Arrow into a "
        "pseudonymised DuckDB file (no names, identifiers, phones, addresses or narratives; "
        "stable pseudonymous keys), then protects every dashboard's figures (each quarter, "
        "nationally and per organisation) in it, and puts the file in place atomically. "
        "Analysts and the dashboard pages read only this file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("verb", choices=["refresh"], help="what to do with the store")
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="the DuckDB file to write (default VAR_DIR/analytics.duckdb)",
        )
        parser.add_argument(
            "--no-dashboards",
            action="store_true",
            help="do not protect the dashboards' figures (their pages then say the figures "
            "are missing); for a store read only by msht publish",
        )
        parser.add_argument(
            "--dashboard-quarters",
            type=int,
            default=DEFAULT_DASHBOARD_QUARTERS,
            metavar="N",
            help="protect the dashboards of the latest N quarters (default "
            f"{DEFAULT_DASHBOARD_QUARTERS}, two years; pages of older quarters say their figures "
            "are missing and point to the published statistics)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dashboard_quarters"] is not None and options["dashboard_quarters"] < 1:
            raise CommandError(DASHBOARD_QUARTERS_INVALID)
        console = Console(file=cast(IO[str], self.stdout))
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("extract", total=_STEPS + 1)

            dashboards = bar.add_task("dashboards", total=None, start=False)

            def report(step: str) -> None:
                bar.update(task, advance=1, description=step)

            def report_dashboard(done: int, total: int) -> None:
                if done == 1:
                    bar.update(task, completed=_STEPS + 1, description="snapshot")
                    bar.start_task(dashboards)
                bar.update(dashboards, completed=done, total=total)

            try:
                summary = analytics_refresh(
                    None,
                    out=options["out"],
                    progress=report,
                    dashboards=not options["no_dashboards"],
                    dashboard_quarters=options["dashboard_quarters"],
                    dashboard_progress=report_dashboard,
                )
            except MshtError as error:
                raise CommandError(str(error)) from error
            bar.update(task, completed=_STEPS + 1, description="snapshot")
        rows = ", ".join(f"{name} {count:,}" for name, count in summary.rows.items())
        console.print(f"analytics store written to {summary.path.name}: {rows}")
        console.print(f"referrals whose person is linked: {summary.linked_share:.1%}")
        stored = summary.dashboards
        if stored is None:
            console.print("dashboards not computed: their pages say their figures are missing")
            return
        console.print(
            f"dashboards protected: {stored.dashboards:,} ({stored.views:,} views, "
            f"{stored.suppressed:,} of {stored.figures:,} figures suppressed) in "
            f"{summary.dashboard_seconds:.1f} s; snapshot in {summary.snapshot_seconds:.1f} s"
        )
