"""``msht synth``: write a seeded synthetic national world, with its ground truth, as files."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from msht.core.errors import SynthError
from msht.synth.engine import SynthParameters, generate_world
from msht.synth.engine.exports import write_agency_exports


def _override(text: str) -> tuple[str, str]:
    """Split NAME=VALUE."""
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise ValueError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


class Command(BaseCommand):
    help = (
        "Write a synthetic world of NRM referrals (2017-2024), decisions, Duty to Notify, "
        "suspects, intelligence and Pursue outcomes to --out, with truth_*.csv files "
        "holding who is really who, and the police, Border Force and NGO exports of the "
        "same referrals with truth_exports.csv. The same seed gives the same bytes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Size, seed, output directory and parameter overrides."""
        parser.add_argument("--referrals", type=int, required=True, help="number of referrals")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--out", type=Path, required=True, help="directory to write")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="override a parameter, e.g. repeat_share=0.1 or missingness.phone=0.5 "
            "(docs/synth.md lists them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Write the world with a progress bar and show the rows of each file."""
        try:
            overrides = dict(_override(text) for text in options["set"])
            parameters = SynthParameters().with_overrides(overrides)
        except ValueError as error:
            raise CommandError(str(error)) from error
        console = Console(file=cast(IO[str], self.stdout))
        columns = (
            TextColumn("[bold]referrals"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("referrals", total=options["referrals"])

            def report(done: int, total: int) -> None:
                """Move the progress bar."""
                bar.update(task, completed=done, total=total)

            try:
                summary = generate_world(
                    Path(options["out"]),
                    referrals=options["referrals"],
                    seed=options["seed"],
                    parameters=parameters,
                    progress=report,
                )
            except SynthError as error:
                raise CommandError(str(error)) from error
        if summary.already_written:
            console.print(f"world {summary.world_id} is already in {options['out']}: unchanged")
        # The police, Border Force and NGO exports of the same referrals (ingest's layouts).
        exports = write_agency_exports(Path(options["out"]))
        table = Table(title=f"world {summary.world_id}")
        table.add_column("file")
        table.add_column("rows", justify="right")
        for name, rows in {**summary.rows, **exports.rows}.items():
            table.add_row(name, f"{rows:,}")
        console.print(table)
        console.print(f"positive-RG cases awaiting CG at the end: {summary.cg_backlog:,}")
