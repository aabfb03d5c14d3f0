"""The ``msht`` command: every Django management command behind one entry point."""

from __future__ import annotations

import errno
import os
import sys

# The database could not be used (unreachable, restarting, read-only, disk full): said in one
# line, with no traceback. Each command's transactions are rolled back by the database itself.
STORE_UNAVAILABLE = (
    "msht {command}: the database could not be used: {error}. Its unfinished work was rolled "
    "back; run the command again once the database is available and writable."
)
NO_SPACE = (
    "msht {command}: {error}. Nothing was left half-written; free some space (or choose a "
    "writable place) and run the command again."
)
_FILE_SYSTEM_FULL_OR_READ_ONLY = {errno.ENOSPC, errno.EROFS, errno.EDQUOT}


def main(argv: list[str] | None = None) -> None:
    """Run ``msht <command> ...`` as a Django management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    from django.core.management import execute_from_command_line
    from django.db import InterfaceError, OperationalError

    arguments = sys.argv[1:] if argv is None else argv
    command = arguments[0] if arguments else ""
    try:
        execute_from_command_line(["msht", *arguments])
    except (OperationalError, InterfaceError) as error:
        if "--traceback" in arguments:
            raise
        sys.stderr.write(STORE_UNAVAILABLE.format(command=command, error=error) + "\n")
        sys.exit(1)
    except OSError as error:
        if "--traceback" in arguments or error.errno not in _FILE_SYSTEM_FULL_OR_READ_ONLY:
            raise
        sys.stderr.write(NO_SPACE.format(command=command, error=error) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
