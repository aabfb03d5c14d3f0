"""``msht idempotency-keys purge``: delete the API's expired idempotency keys."""  # noqa: N999 - a command name in words

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from msht.referrals.idempotency import KEY_LIFETIME, idempotency_keys_purge


class Command(BaseCommand):
    help = (
        "Idempotency keys of POST /api/referrals/: 'purge' deletes those older than "
        f"{KEY_LIFETIME.total_seconds() / 3600:.0f} hours, with the answers stored with "
        "them; referrals are untouched. Run it on a schedule (for example hourly)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("verb", choices=["purge"], help="what to do with the keys")

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = idempotency_keys_purge()
        self.stdout.write(f"idempotency keys deleted: {deleted}")
