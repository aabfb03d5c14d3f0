"""``msht quarantine``: list quarantined rows, or correct one and re-submit it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from msht.core.errors import ValidationError
from msht.ingest.models import QuarantinedRow, QuarantineStatus
from msht.ingest.services import quarantine_resubmit

LIST_LIMIT = 200


def _correction(text: str) -> tuple[str, str]:
    """Split COLUMN=VALUE (the value may be empty or hold '=')."""
    column, separator, value = text.partition("=")
    if not separator or not column:
        raise CommandError(f"expected COLUMN=VALUE, got {text!r}")
    return column, value


class Command(BaseCommand):
    help = (
        "List open quarantined rows (file, row, field, value, reason), or correct one with "
        "--resubmit ID --set COLUMN=VALUE ...: the row is checked again against its source's "
        "mapping and loaded, or stays quarantined with every remaining problem printed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Filter, or the row to correct and its corrections."""
        parser.add_argument("--source", default="", help="only this source's rows")
        parser.add_argument("--resubmit", type=int, default=None, metavar="ID")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="COLUMN=VALUE",
            help="a corrected cell (repeat for several)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """List or re-submit."""
        console = Console(file=cast(IO[str], self.stdout), width=160)
        if options["resubmit"] is not None:
            corrections = dict(_correction(text) for text in options["set"])
            try:
                row = quarantine_resubmit(
                    None, quarantined_id=options["resubmit"], corrections=corrections
                )
            except QuarantinedRow.DoesNotExist as missing:
                raise CommandError(f"no quarantined row {options['resubmit']}") from missing
            except ValidationError as error:
                raise CommandError("\n".join([str(error), *error.problems])) from error
            console.print(
                f"row {row.row_number} of {row.file_name} loaded as record {row.record_id}"
            )
            return
        rows = QuarantinedRow.objects.filter(status=QuarantineStatus.OPEN).select_related("source")
        if options["source"]:
            rows = rows.filter(source__code=options["source"])
        table = Table(title=f"open quarantined rows ({rows.count():,})")
        for heading in ("id", "source", "file", "row", "field", "value", "reason"):
            table.add_column(heading)
        for row in rows.order_by("source__code", "batch_id", "row_number")[:LIST_LIMIT]:
            table.add_row(
                str(row.pk),
                row.source.code,
                row.file_name,
                str(row.row_number),
                row.field,
                row.value[:40],
                row.reason,
            )
        console.print(table)
