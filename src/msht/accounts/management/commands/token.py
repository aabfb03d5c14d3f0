"""``msht token USERNAME``: print the user's API token, creating it the first time."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from msht.accounts.models import User

USER_MISSING = "No active user called {username}"


class Command(BaseCommand):
    help = (
        "Print USERNAME's API token (created the first time) for the `Authorization: Token ...` "
        "header. The token acts as the user: keep it secret."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="the user whose token to print")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(USER_MISSING.format(username=options["username"]))
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
