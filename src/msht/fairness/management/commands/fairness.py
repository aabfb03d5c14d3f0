"""``msht fairness``: monitor a period's decisions and print the findings and their tables."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from msht.core.errors import ValidationError
from msht.fairness.engine.monitoring import FACTORS, MonitoringSettings
from msht.fairness.models import MonitoringRun
from msht.fairness.services import monitoring_run, second_review_draw


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


class Command(BaseCommand):
    help = (
        "Monitor the Reasonable and Conclusive Grounds decisions of a period for fairness: "
        "positive rates (Wilson intervals) and decision times by unit, nationality, "
        "immigration status, referring organisation type, exploitation type, age group and "
        "gender, each compared with everyone else by logistic regression (and Cox regression "
        "for delays) controlling for exploitation type, age group, gender and nation, with "
        "Benjamini-Hochberg across all comparisons. Stores the run and prints the findings, "
        "the groups too small to judge and the table behind each finding. --sample draws "
        "that share of the period's decisions, at random within stage, unit and outcome, "
        "for second review."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The period, the thresholds and the optional second-review sample."""
        parser.add_argument("--period", required=True, help="2024, 2024Q3 or 2017-2024")
        defaults = MonitoringSettings()
        parser.add_argument(
            "--minimum",
            type=int,
            default=defaults.minimum_decisions,
            help="groups with fewer decisions are reported as too small",
        )
        parser.add_argument(
            "--sample",
            type=float,
            default=0.0,
            help="share of the period's decisions to draw for second review (0 draws none)",
        )
        parser.add_argument("--seed", type=int, default=1, help="seed of the sample draw")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run, store and print; then draw the sample when asked."""
        console = Console(file=cast(IO[str], self.stdout), width=160)
        settings = MonitoringSettings(minimum_decisions=options["minimum"])
        try:
            with console.status(f"Monitoring decisions of {options['period']}"):
                run = monitoring_run(None, period=options["period"], settings=settings)
            if options["sample"] > 0:
                drawn = second_review_draw(
                    None,
                    period=options["period"],
                    share=options["sample"],
                    minimum=1,
                    seed=options["seed"],
                )
                console.print(f"Drew {len(drawn):,} decisions for second review.")
        except ValidationError as bad:
            raise CommandError(str(bad)) from bad
        self.print_run(console, run)

    def print_run(self, console: Console, run: MonitoringRun) -> None:
        """The findings as sentences, then the groups too small, then each finding's table."""
        comparisons = run.report.get("comparisons", [])
        console.print(
            f"Run {run.pk}: {run.period} ({run.period_start} to {run.period_end}), "
            f"{run.decisions:,} decisions, {run.findings_count} findings "
            f"(rules {run.rules_version})."
        )
        findings = Table(title="Findings (Benjamini-Hochberg across every comparison)")
        for column in ("finding", "ratio", "95% CI", "q"):
            findings.add_column(column)
        for finding in run.findings:
            findings.add_row(
                finding["sentence"],
                _number(finding["ratio"]),
                f"{_number(finding['lower'])}-{_number(finding['upper'])}",
                _number(finding["q_value"], 4),
            )
        console.print(findings)
        small = [c for c in comparisons if c["status"] == "too small"]
        if small:
            groups = sorted({(c["stage"], c["factor"], c["level"], c["within"]) for c in small})
            console.print(
                f"{len(groups)} groups too small to judge (fewer than "
                f"{run.settings['minimum_decisions']} decisions): "
                + "; ".join(
                    f"{stage.upper()} {FACTORS[factor][0]} {level}"
                    + (f" ({within})" if within else "")
                    for stage, factor, level, within in groups
                )
            )
        tables = {table["key"]: table for table in run.report.get("tables", [])}
        for key in dict.fromkeys(finding["table"] for finding in run.findings):
            self.print_table(console, tables[key])

    def print_table(self, console: Console, table: dict[str, Any]) -> None:
        """One table behind a finding: each group's decisions, rate and interval, times."""
        rich_table = Table(title=table["title"])
        for column in (
            "group", "decisions", "positive", "rate", "95% CI", "started", "pending",
            "median working days",
        ):  # fmt: skip
            rich_table.add_column(column, justify="left" if column == "group" else "right")
        for row in table["rows"]:
            rich_table.add_row(
                row["level"],
                f"{row['decisions']:,}",
                f"{row['positive']:,}",
                _share(row["rate"]),
                f"{_share(row['lower'])}-{_share(row['upper'])}",
                f"{row['started']:,}",
                f"{row['pending']:,}",
                _number(row["median_working_days"], 0),
            )
        console.print(rich_table)
