"""``msht token USERNAME``: print the user's API token, creating it the first time."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from msht.accounts.models import User
from msht.accounts.second_factor import (
    CodeCheck,
    confirmed_device,
    second_factor_check_code,
    second_factor_enforced,
)

USER_MISSING = "No active user called {username}"
NO_DEVICE = (
    "{username} must use a second factor and has no authenticator app yet: they sign in on the "
    "web pages and set one up first"
)
CODE_NEEDED = (
    "{username} must use a second factor: give the code their authenticator app shows now "
    "with --code"
)
CODE_REFUSED = "The code is not correct or has been used: no token was issued"
CODE_THROTTLED = "Too many wrong codes: wait {seconds} seconds before the next; no token was issued"


class Command(BaseCommand):
    help = (
        "Print USERNAME's API token (created the first time) for the `Authorization: Token ...` "
        "header. The token acts as the user: keep it secret. Administrators and decision "
        "makers must use a second factor, so their token is issued only with --code, the code "
        "their authenticator app shows now, and works only while that app is set up."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="the user whose token to print")
        parser.add_argument(
            "--code",
            help="the 6-digit code from the user's authenticator app (administrators and "
            "decision makers)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(USER_MISSING.format(username=username))
        if second_factor_enforced(user):
            self._second_factor(user, options["code"])
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)

    def _second_factor(self, user: User, code: str | None) -> None:
        """A token is no way around the second factor: the code must be right now."""
        if confirmed_device(user) is None:
            raise CommandError(NO_DEVICE.format(username=user.username))
        if not code:
            raise CommandError(CODE_NEEDED.format(username=user.username))
        result = second_factor_check_code(user, code=code)
        if result.check is CodeCheck.THROTTLED:
            raise CommandError(CODE_THROTTLED.format(seconds=result.wait_seconds))
        if result.check is CodeCheck.WRONG:
            raise CommandError(CODE_REFUSED)
