"""``msht link persons|suspects|file``: record linkage from the command line."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from msht.core.errors import MshtError
from msht.linkage.engine import Thresholds
from msht.linkage.engine.files import MappingError
from msht.linkage.files import FILE_THRESHOLDS, link_files
from msht.linkage.models import LinkageRun
from msht.linkage.services import linkage_run, queued_run_get

# extract, train, predict, cluster, store
_STORE_STEPS = 5
# read, train, predict, cluster, write
_FILE_STEPS = 5


class Command(BaseCommand):
    help = (
        "Record linkage with Splink. 'persons' or 'suspects' links every record of the store "
        "and writes stable entity ids (merges and splits logged and audited; reviewers' "
        "decisions outrank the model; uncertain pairs go to the review queue). 'file A.csv "
        "[B.csv] --mapping M.yaml --out clusters.csv' deduplicates one file or links two, "
        "writing the columns file, record_id, cluster_id."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """What to link, on which engine, with which thresholds."""
        parser.add_argument("what", choices=["persons", "suspects", "file"], help="what to link")
        parser.add_argument("files", nargs="*", type=Path, help="file: one or two CSV files")
        parser.add_argument(
            "--engine", choices=["duckdb", "spark"], default="duckdb", help="default duckdb"
        )
        parser.add_argument(
            "--spark-master", default="", help="Spark master URL, e.g. local[2] or spark://host"
        )
        parser.add_argument(
            "--upper",
            type=float,
            default=None,
            help="link pairs at or above this match probability "
            f"(default {Thresholds().upper} for the store, {FILE_THRESHOLDS.upper} for files)",
        )
        parser.add_argument(
            "--lower",
            type=float,
            default=None,
            help=f"review pairs from this probability (store; default {Thresholds().lower})",
        )
        parser.add_argument(
            "--run",
            type=int,
            default=None,
            help="carry out run N, queued from the runs page (persons or suspects)",
        )
        parser.add_argument("--mapping", type=Path, help="file: the mapping (YAML)")
        parser.add_argument("--out", type=Path, help="file: the clusters CSV to write")

    def _thresholds(self, options: dict[str, Any], default: Thresholds) -> Thresholds:
        upper = options["upper"] if options["upper"] is not None else default.upper
        lower = options["lower"] if options["lower"] is not None else min(default.lower, upper)
        try:
            return Thresholds(upper=upper, lower=lower)
        except ValueError as error:
            raise CommandError(str(error)) from error

    def handle(self, *args: Any, **options: Any) -> None:
        """Run with a progress bar, then print what changed."""
        console = Console(file=cast(IO[str], self.stdout))
        columns = (
            TextColumn("[bold]{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as bar:
            steps = _FILE_STEPS if options["what"] == "file" else _STORE_STEPS
            task = bar.add_task("start", total=steps)

            def report(step: str) -> None:
                """Advance by one step, naming it."""
                bar.update(task, advance=1, description=step)

            try:
                if options["what"] == "file":
                    self._files(console, options, report)
                else:
                    self._store(console, options, report)
            except (MshtError, MappingError) as error:
                raise CommandError(str(error)) from error
            except LinkageRun.DoesNotExist as error:
                raise CommandError(f"No linkage run {options['run']}.") from error
            bar.update(task, completed=steps, description="done")

    def _store(self, console: Console, options: dict[str, Any], report: Any) -> None:
        if options["files"]:
            raise CommandError("files are only for 'msht link file'")
        queued = None
        if options["run"] is not None:
            # Started by the runs page: the run is the requester's, with the stored thresholds.
            queued = queued_run_get(pk=options["run"], kind=options["what"])
        summary = linkage_run(
            queued.started_by if queued is not None else None,
            kind=options["what"],
            engine=options["engine"],
            spark_master=options["spark_master"],
            thresholds=self._thresholds(options, Thresholds()),
            progress=report,
            queued=queued,
        )
        run = summary.run
        table = Table(title=f"{run.get_kind_display()} linked on {run.engine}")
        table.add_column("measure")
        table.add_column("value", justify="right")
        for name, value in (
            ("records", run.counts["records"]),
            ("pairs scored", run.counts["pairs_scored"]),
            ("pairs linked", run.counts["pairs_linked"]),
            ("pairs for review", run.counts["pairs_for_review"]),
            ("entities before", run.metrics["entities_before"]),
            ("entities after", run.metrics["entities_after"]),
            ("entities created", run.entities_created),
            ("merges", run.merges),
            ("splits", run.splits),
            ("records changed", run.records_changed),
            ("seconds", run.timings["total"]),
        ):
            table.add_row(name, f"{value:,}" if isinstance(value, int) else str(value))
        console.print(table)

    def _files(self, console: Console, options: dict[str, Any], report: Any) -> None:
        paths: list[Path] = options["files"]
        if not 1 <= len(paths) <= 2:
            raise CommandError("give one CSV file to deduplicate or two to link")
        if options["mapping"] is None or options["out"] is None:
            raise CommandError("--mapping and --out are required for 'msht link file'")
        if options["engine"] != "duckdb":
            raise CommandError("files are linked on duckdb")
        summary = link_files(
            paths,
            mapping=options["mapping"],
            out=options["out"],
            thresholds=self._thresholds(options, FILE_THRESHOLDS),
            progress=report,
        )
        console.print(
            f"{summary.records:,} records in {summary.clusters:,} clusters "
            f"written to {options['out'].name}"
        )
