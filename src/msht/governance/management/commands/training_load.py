"""``msht training_load FILE``: load staff training records from a CSV file."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import track

from msht.core.errors import ValidationError
from msht.governance.services import TRAINING_COLUMNS, training_records_load


class Command(BaseCommand):
    help = (
        "Load staff training records for the skills-gap analysis from a CSV file with the "
        "columns username, competency (its code), completed_on and expires_on (optional; "
        "without it the record lapses after the competency's renewal period). Every row is "
        "checked first; if any is bad, each is named by row, field and reason and nothing "
        "is loaded."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The CSV file."""
        parser.add_argument("file", type=Path, help="a CSV file with a header row")

    def handle(self, *args: Any, **options: Any) -> None:
        """Read, check, load, and say how many."""
        path: Path = options["file"]
        console = Console(file=cast(IO[str], self.stdout))
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [
                name for name in TRAINING_COLUMNS[:3] if name not in (reader.fieldnames or [])
            ]
            if missing:
                raise CommandError(f"{path.name}: missing column(s) {', '.join(missing)}")
            rows = list(track(reader, description="Reading", console=console, transient=True))
        try:
            loaded = training_records_load(None, rows=rows)
        except ValidationError as error:
            raise CommandError("\n".join([str(error), *error.problems])) from error
        console.print(f"Loaded {loaded} training record(s) from {path.name}")
