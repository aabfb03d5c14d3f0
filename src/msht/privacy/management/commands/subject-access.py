"""``msht subject-access PERSON_ID --out DIR``: everything held about one person."""  # noqa: N999 - the command name the issue gives

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msht.accounts.models import User
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.privacy.selectors import person_id_parse
from msht.privacy.services import subject_access_export


class Command(BaseCommand):
    help = (
        "Export everything held about one person entity (a subject access request) as JSON "
        "and HTML into --out; recorded as a record.disclosed audit event with the "
        "justification and recipient. Only an administrator may export."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """The person, where the files go, and who exports, why and for whom."""
        parser.add_argument("person_id", help="the person entity's id (from record linkage)")
        parser.add_argument("--out", type=Path, required=True, help="directory for the files")
        parser.add_argument("--username", required=True, help="the administrator exporting")
        parser.add_argument("--justification", required=True, help="why the export is made")
        parser.add_argument("--recipient", required=True, help="who receives the export")

    def handle(self, *args: Any, **options: Any) -> None:
        """Export, write both files, print where they are and what they hold."""
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            export = subject_access_export(
                actor,
                person_id=person_id_parse(options["person_id"]),
                justification=options["justification"],
                recipient=options["recipient"],
            )
            out: Path = options["out"]
            out.mkdir(parents=True, exist_ok=True)
            stem = out / f"subject-access-{export.person_id}"
            stem.with_suffix(".json").write_text(export.json, encoding="utf-8")
            stem.with_suffix(".html").write_text(export.html, encoding="utf-8")
        except (ValidationError, PermissionDeniedError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{stem}.json\n{stem}.html\naudit event {export.audit_sequence}")
        for section, count in export.counts.items():
            self.stdout.write(f"  {section}: {count}")
