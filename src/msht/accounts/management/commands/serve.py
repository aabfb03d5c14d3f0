"""``msht serve``: collect the static files and serve MSHT over HTTP with waitress."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application

# waitress ships no type information.
from waitress import serve as waitress_serve  # type: ignore[import-untyped]

GOVUK_FRONTEND_CSS = "vendor/govuk-frontend/govuk-frontend.min.css"
ASSETS_MISSING = "GOV.UK Frontend is missing from the static files: run `make assets` first"


class Command(BaseCommand):
    help = (
        "Serve MSHT over HTTP: collect static files (WhiteNoise serves them), then run the "
        "waitress WSGI server. Host names other than 127.0.0.1 and localhost must be listed "
        "in MSHT_ALLOWED_HOSTS."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument("--threads", type=int, default=8, help="requests served at once")

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        if finders.find(GOVUK_FRONTEND_CSS) is None:
            raise CommandError(ASSETS_MISSING)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.check_migrations()
        self.stdout.write(f"MSHT is at http://{host}:{port}/ (Ctrl+C to stop)")
        self.stdout.flush()
        waitress_serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="msht")
