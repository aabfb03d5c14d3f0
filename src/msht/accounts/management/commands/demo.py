"""``msht demo``: demo users, one per role, and a synthetic national data set to look at."""

from __future__ import annotations

import io
import shutil
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from msht.accounts.second_factor import SECOND_FACTOR_ROLES
from msht.accounts.services import DemoUser, demo_users_ensure
from msht.synth.engine import SynthParameters, world_identity
from msht.synth.engine.world import world_refused
from msht.synth.services import world_list_loaded

PASSWORD_UNCHANGED = "(unchanged)"  # noqa: S105 - a label, not a password
DEMO_QUARTER = "2024Q4"  # the synthetic world ends with 2024
DEMO_YEAR = "2024"
DEMO_WORLD = "demo-world"  # under VAR_DIR: the demo's own derived data

WORLD_REPLACED = (
    "{folder} held another synthetic world (an earlier demo's, or one of another generator "
    "version, size, seed or parameters): replacing it with world {world_id}."
)
DATABASE_EMPTIED = (
    "The database holds synthetic world {worlds}, not world {world_id}: loading both would "
    "count two worlds in every figure, so the database is emptied (audit trail included; its "
    "checkpoint file is moved aside), reference data and demo users are made again, and "
    "world {world_id} is loaded alone."
)
NOT_IN_PRODUCTION = "msht demo never empties a production database"


def pipeline_steps(world: Path, publications: Path) -> list[tuple[str, str, list[str]]]:
    """What ``msht demo`` runs after loading the world: (description, command, arguments)."""
    return [
        ("Ingest the police export", "ingest", ["police", str(world / "police_export.csv")]),
        (
            "Ingest the Border Force export",
            "ingest",
            ["border_force", str(world / "border_force_export.jsonl")],
        ),
        ("Ingest the NGO export", "ingest", ["ngo", str(world / "ngo_export.csv")]),
        ("Link persons", "link", ["persons"]),
        ("Link suspects", "link", ["suspects"]),
        ("Build perpetrator networks", "networks", []),
        ("Refresh the analytics store", "analytics", ["refresh"]),
        ("Measure data quality", "quality", []),
        ("Monitor decisions", "fairness", ["--period", DEMO_YEAR]),
        ("Estimate the hidden figure", "estimate", ["--period", DEMO_YEAR, "--bootstrap", "200"]),
        ("Compute the indicators", "indicators", ["--period", DEMO_QUARTER, "--backfill", "3"]),
        (
            "Publish the statistics",
            "publish",
            ["--period", DEMO_QUARTER, "--out", str(publications)],
        ),
    ]


def _database_empty() -> None:
    """Empty the database with ``msht flush`` (which passes the audit trail's append-only
    guard and moves its checkpoint file aside), then run every MSHT data migration's loader
    again: a flush empties the tables they filled but leaves them recorded as applied."""
    call_command("flush", interactive=False, stdout=io.StringIO())
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    with transaction.atomic():
        for migration, _ in plan:
            if not apps.get_app_config(migration.app_label).name.startswith("msht."):
                continue
            for operation in migration.operations:
                # A data migration has nothing to undo; the audit trail's triggers, which a
                # flush leaves in place, have a real reverse and are not run twice.
                if isinstance(operation, RunPython) and operation.reverse_code is RunPython.noop:
                    # The current models, as the tests' reference-data loader uses: the
                    # historical ones may lack columns added since.
                    loader = cast("Callable[[Any, Any], None]", operation.code)
                    loader(apps, None)


def _width() -> int:
    """The terminal's width, but never under 120 columns: usernames and passwords must not
    wrap, or they cannot be copied."""
    return max(shutil.get_terminal_size((120, 24)).columns, 120)


def _authenticator_key(user: DemoUser) -> str:
    """The key to print, or that the user keeps the app they had."""
    return user.authenticator_key if user.authenticator_key is not None else PASSWORD_UNCHANGED


class Command(BaseCommand):
    help = (
        "Create the demo users (one per role; generated passwords are printed once, never "
        "stored in plain text; administrators and decision makers also get an authenticator "
        "app key, printed once), then write and load a synthetic data set with `msht synth` "
        "and `msht load` when those commands are installed. A var/demo-world folder holding "
        "another world is replaced, and a database holding another synthetic world is emptied "
        "first (never in production), so the demo ends with its one world."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--password", help="password for the users created now (default: one generated each)"
        )
        parser.add_argument(
            "--referrals", type=int, default=3000, help="referrals in the synthetic data set"
        )
        parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic data set")
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="give demo users that already exist a new password (and authenticator app key) "
            "too (make demo does)",
        )
        parser.add_argument(
            "--no-synthetic-data",
            action="store_true",
            help="create the demo users only",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        world = None
        if not options["no_synthetic_data"]:
            # Before the users: starting the database again removes them too.
            world = self._prepare_world(referrals=options["referrals"], seed=options["seed"])
        users = demo_users_ensure(
            password=options["password"], reset_passwords=options["reset_passwords"]
        )
        try:
            if world is not None:
                self._synthetic_data(world, referrals=options["referrals"], seed=options["seed"])
        finally:
            # Last, so the passwords are on screen after the data set's progress output.
            self._print_users(users)

    def _prepare_world(self, *, referrals: int, seed: int) -> Path | None:
        """The folder to write the demo world to, made ready: a folder holding another world
        is replaced, and a database holding another world is emptied, so the demo ends with
        one world in both. None when ``msht synth`` or ``msht load`` is not installed."""
        commands = get_commands()
        if "synth" not in commands or "load" not in commands:
            self.stdout.write(
                "Synthetic data set skipped: `msht synth` and `msht load` are not installed."
            )
            return None
        world = Path(settings.VAR_DIR) / DEMO_WORLD
        world_id = world_identity(referrals, seed, SynthParameters())
        # `msht synth` refuses such a folder, rightly for a user's own; this one is the demo's.
        if world_refused(world, referrals=referrals, seed=seed):
            self.stdout.write(WORLD_REPLACED.format(folder=DEMO_WORLD, world_id=world_id))
            shutil.rmtree(world)
        others = [loaded for loaded in world_list_loaded() if loaded != world_id]
        if others:
            if settings.PRODUCTION:
                raise CommandError(NOT_IN_PRODUCTION)
            self.stdout.write(DATABASE_EMPTIED.format(worlds=", ".join(others), world_id=world_id))
            _database_empty()
        return world

    def _synthetic_data(self, world: Path, *, referrals: int, seed: int) -> None:
        """Run ``msht synth`` then ``msht load`` into var/demo-world, then every pipeline."""
        call_command("synth", referrals=referrals, seed=seed, out=str(world))
        call_command("load", str(world))
        self._pipelines(world)

    def _pipelines(self, world: Path) -> None:
        """Run every pipeline once over the loaded world, so each page has something to show."""
        publications = Path(settings.VAR_DIR) / "publications" / DEMO_QUARTER
        steps = pipeline_steps(world, publications)
        console = Console(file=cast(IO[str], self.stdout), width=_width())
        with Progress(
            TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as bar:
            task = bar.add_task("Pipelines", total=len(steps))
            for description, command, arguments in steps:
                bar.update(task, description=description)
                call_command(command, *arguments, stdout=io.StringIO())
                bar.advance(task)

    def _print_users(self, users: list[DemoUser]) -> None:
        table = Table(
            title="MSHT demo users",
            caption="Passwords are shown once; users made before keep theirs (unchanged).",
        )
        for column in ("Username", "Role", "Organisation", "Password"):
            table.add_column(column)
        for user in users:
            table.add_row(
                user.username,
                user.role.label,
                user.organisation,
                user.password if user.password is not None else PASSWORD_UNCHANGED,
            )
        keys = Table(
            title="Authenticator apps (second factor)",
            caption="Add the key to a TOTP authenticator app (time-based, 6 digits) and enter "
            "its code after the password. Shown once, like the passwords.",
        )
        for column in ("Username", "Authenticator key"):
            keys.add_column(column, no_wrap=True)
        for user in users:
            if user.role in SECOND_FACTOR_ROLES:
                keys.add_row(user.username, _authenticator_key(user))
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=self.stdout.isatty(), width=_width())
        console.print(table)
        console.print(keys)
        self.stdout.write(buffer.getvalue(), ending="")
