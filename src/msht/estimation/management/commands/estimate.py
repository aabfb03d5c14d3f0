"""``msht estimate``: the hidden figure by multiple systems estimation."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from msht.accounts.models import User
from msht.core.errors import ValidationError
from msht.estimation.engine.estimate import (
    DEFAULT_BOOTSTRAP_REPLICATES,
    SELECTIONS,
    estimate_population,
)
from msht.estimation.engine.overlap import read_overlap_csv
from msht.estimation.engine.report import caveats, estimate_as_dict
from msht.estimation.models import ListGrouping
from msht.estimation.services import estimation_run


def _figure(value: Any) -> str:
    return "" if value is None else f"{value:,}"


class Command(BaseCommand):
    help = (
        "Estimate how many victims no list has seen (multiple systems estimation): from the "
        "linked referrals of a period (--period 2024, stored and audited) or from a published "
        "overlap table (--table overlap.csv: one 0/1 column per list and a count column)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Where the overlap table comes from, how to choose the model, how to print."""
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--period", help="a year (2024) or a quarter (2024Q3)")
        source.add_argument("--table", type=Path, help="an overlap table as CSV")
        parser.add_argument(
            "--grouping",
            choices=[choice.value for choice in ListGrouping],
            default=ListGrouping.SECTOR.value,
            help="how referrals are grouped into lists (with --period)",
        )
        parser.add_argument("--selection", choices=SELECTIONS, default="stepwise")
        parser.add_argument(
            "--bootstrap",
            type=int,
            default=DEFAULT_BOOTSTRAP_REPLICATES,
            help="parametric bootstrap replicates for the selected model (0 for none)",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--username", default="", help="who a --period run is audited as")

    def handle(self, *args: Any, **options: Any) -> None:
        """Estimate, then print the table of models (or JSON)."""
        try:
            if options["table"] is not None:
                estimate = estimate_population(
                    read_overlap_csv(options["table"]),
                    selection=options["selection"],
                    bootstrap_replicates=options["bootstrap"],
                    seed=options["seed"],
                )
                result = estimate_as_dict(estimate)
                result["caveats"] = caveats(estimate)
            else:
                run = estimation_run(
                    self._actor(options["username"]),
                    period=options["period"],
                    grouping=ListGrouping(options["grouping"]),
                    selection=options["selection"],
                    bootstrap_replicates=options["bootstrap"],
                    seed=options["seed"],
                )
                result = {**run.result, "caveats": run.caveats, "run": run.pk}
                result.update(period=run.period, referrals=run.referral_count)
        except (ValidationError, OSError) as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self._print(result)

    def _actor(self, username: str) -> User | None:
        if not username:
            return None
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username!r}")
        return actor

    def _print(self, result: dict[str, Any]) -> None:
        console = Console(file=cast(IO[str], self.stdout), width=160)
        console.print(
            f"{result['observed']:,} people seen on {len(result['lists'])} lists: "
            + ", ".join(result["lists"])
        )
        table = Table(title="Estimated population by candidate model (95% profile likelihood)")
        for heading in ("model", "estimate", "lower", "upper", "AIC", "chosen by", "note"):
            table.add_column(heading)
        for row in result["models"]:
            table.add_row(
                row["model"],
                _figure(row["point"]),
                _figure(row["lower"]),
                _figure(row["upper"]) if row["exists"] else "",
                "" if row.get("aic") is None else f"{row['aic']:.1f}",
                ", ".join(row["chosen_by"]),
                row.get("reason", "") or row.get("interval_note", ""),
            )
        console.print(table)
        selected = result["selected"]
        if selected["exists"]:
            console.print(
                f"Selected ({result['selection']}): {selected['model']}: "
                f"{_figure(selected['point'])} ({_figure(selected['lower'])} to "
                f"{_figure(selected['upper']) or 'no upper limit'})"
            )
        else:
            console.print(f"The selected model has no estimate: {selected['reason']}")
        for note in result["caveats"]:
            console.print(f"- {note}")
