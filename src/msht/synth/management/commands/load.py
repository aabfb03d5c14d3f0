"""``msht load``: put a world written by ``msht synth`` into the store (never its truth)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from msht.accounts.models import User
from msht.core.errors import SynthError
from msht.synth.loading import WorldFileError
from msht.synth.services import world_load


class Command(BaseCommand):
    help = (
        "Load a synthetic world (the directory msht synth wrote) into the store: every file "
        "is checked first, then written in one transaction; loading it again adds nothing. "
        "truth_*.csv files are never read."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The world's directory and who the load is audited as."""
        parser.add_argument("directory", type=Path, help="the world's directory")
        parser.add_argument(
            "--username", default="", help="the user the load is audited as (default: none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Load the world with a progress bar per file; report every problem."""
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"no user {options['username']!r}")
        console = Console(file=cast(IO[str], self.stdout))
        columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console) as bar:
            tasks: dict[str, TaskID] = {}

            def report(name: str, done: int, total: int) -> None:
                """Show a file's progress."""
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=total)
                bar.update(tasks[name], completed=done)

            try:
                result = world_load(actor, directory=Path(options["directory"]), progress=report)
            except WorldFileError as error:
                for problem in error.problems:
                    self.stderr.write(str(problem))
                raise CommandError(f"nothing loaded: {len(error.problems)} problem(s)") from error
            except SynthError as error:
                raise CommandError(str(error)) from error
        if result.already_loaded:
            console.print(f"world {result.world_id} is already loaded: nothing added")
            return
        created = ", ".join(
            f"{name.replace('_', ' ')} {count:,}" for name, count in result.created.items()
        )
        console.print(f"world {result.world_id} loaded: {created}")
