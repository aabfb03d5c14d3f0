"""The ``msht`` command: every Django management command behind one entry point."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``msht <command> ...`` as a Django management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["msht", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
