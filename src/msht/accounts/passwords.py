"""Password rules beyond Django's own (OWASP ASVS 5.0 V6.2; docs/security.md).

Length: at least 8 characters, with 15 advised in the message, and no upper limit below 64.
Breached: refused when its SHA-1 is in a local copy of Have I Been Pwned's Pwned Passwords
(sorted "HASH:count" lines). The machines have no network, so the list is a file the operator
installs (``settings.BREACHED_PASSWORDS_FILE``); it is searched by bisection on disk, so the
full list (tens of gigabytes) is never read into memory.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

MINIMUM_LENGTH = 8
ADVISED_LENGTH = 15
TOO_SHORT = (
    f"Your password must be at least {MINIMUM_LENGTH} characters. "
    f"Use {ADVISED_LENGTH} or more: three or more random words are easy to remember"
)
BREACHED = (
    "This password has appeared in a data breach elsewhere, so it is not safe to use. "
    "Choose a different password"
)
_HASH_LENGTH = 40


class LengthValidator:
    """At least 8 characters; the message advises 15 (NCSC: three random words)."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < MINIMUM_LENGTH:
            raise ValidationError(TOO_SHORT, code="password_too_short")

    def get_help_text(self) -> str:
        return TOO_SHORT + "."


def _line_at_or_after(handle: Any, offset: int) -> tuple[int, bytes]:
    """The first whole line starting at or after ``offset``, and where it starts."""
    if offset == 0:
        handle.seek(0)
    else:
        handle.seek(offset - 1)
        handle.readline()  # finish the line that ``offset`` falls inside
    start = handle.tell()
    return start, handle.readline()


def sha1_in_sorted_file(path: Path, sha1_hex: str) -> bool:
    """Whether the upper-case SHA-1 starts a line of the sorted file (bisection on bytes)."""
    target = sha1_hex.upper().encode()
    with path.open("rb") as handle:
        low, high = 0, os.fstat(handle.fileno()).st_size
        # Invariant: every line starting before ``low`` sorts below the target, and no line
        # starting at or after ``high`` needs to be looked at.
        while low < high:
            middle = (low + high) // 2
            start, line = _line_at_or_after(handle, middle)
            if not line or start >= high:
                high = middle
                continue
            key = line[:_HASH_LENGTH]
            if key == target:
                return True
            if key < target:
                low = start + len(line)
            else:
                high = middle
        _, line = _line_at_or_after(handle, low)
        return line[:_HASH_LENGTH] == target


class BreachedPasswordValidator:
    """Refuses a password found in the local Pwned Passwords list (ASVS V6.2.12)."""

    def validate(self, password: str, user: Any = None) -> None:
        path = Path(settings.BREACHED_PASSWORDS_FILE)
        if not path.exists():
            return  # `check --deploy` warns about this in production
        digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest()
        if sha1_in_sorted_file(path, digest):
            raise ValidationError(BREACHED, code="password_breached")

    def get_help_text(self) -> str:
        return "Your password must not be one that has appeared in a data breach."
