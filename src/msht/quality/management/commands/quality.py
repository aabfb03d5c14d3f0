"""``msht quality``: measure every source's data quality and print the national table."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from msht.quality.models import Dimension
from msht.quality.selectors import NationalPicture, quality_national
from msht.quality.services import quality_measure


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} days"


class Command(BaseCommand):
    help = (
        "Measure the six data quality dimensions (completeness, uniqueness, consistency, "
        "timeliness, validity, accuracy) of every ingested source and every new batch, store "
        "them as a run, and print the national table: each source's figures, then each field "
        "with the source that drags it down, then how often each source agrees with other "
        "sources' records of the same (linked) person on date of birth, sex and nationality. "
        "--truth names a synthetic world whose truth files give accuracy for its exports."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The optional synthetic truth."""
        parser.add_argument(
            "--truth", type=Path, default=None, help="a synthetic world folder (accuracy)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Measure, then print the same figures as the national page."""
        quality_measure(None, truth_directory=options["truth"])
        self.print_picture(quality_national(None))

    def print_picture(self, picture: NationalPicture) -> None:
        """Two Rich tables: sources by dimension, fields by completeness."""
        console = Console(file=cast(IO[str], self.stdout), width=140)
        sources = Table(title="Data quality by source (latest run)")
        sources.add_column("source")
        sources.add_column("records", justify="right")
        for dimension in Dimension:
            sources.add_column(dimension.label, justify="right")
        for summary in picture.sources:
            cells = [
                _days(summary.scores[dimension])
                if dimension == Dimension.TIMELINESS
                else _share(summary.scores[dimension])
                for dimension in Dimension.values
            ]
            sources.add_row(summary.source.code, f"{summary.records:,}", *cells)
        console.print(sources)
        fields = Table(title="Completeness by field, nationally: who drags it down")
        for heading in (
            "field",
            "national",
            "records",
            "worst source",
            "its figure",
            "its share of missing",
        ):
            fields.add_column(
                heading, justify="left" if heading in {"field", "worst source"} else "right"
            )
        for row in picture.fields:
            fields.add_row(
                row.field,
                _share(row.completeness),
                f"{row.records:,}",
                row.worst_source or "-",
                _share(row.worst_completeness),
                _share(row.worst_share_of_missing),
            )
        console.print(fields)
        agreement = Table(title="Consistency against other sources: records of one person")
        for heading in ("source", "field", "agrees", "pairs", "agrees least with", "there"):
            agreement.add_column(
                heading, justify="right" if heading in {"agrees", "pairs", "there"} else "left"
            )
        for item in picture.agreement:
            agreement.add_row(
                item.source.code,
                item.field,
                _share(item.value),
                f"{item.compared:,}",
                item.least_with or "-",
                _share(item.least_value),
            )
        console.print(agreement)
