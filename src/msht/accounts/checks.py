"""Deployment checks of our own, run by ``manage.py check --deploy`` beside Django's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning

BREACHED_LIST_MISSING_ID = "msht.W001"


def breached_password_list_installed(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the local Pwned Passwords list is missing: breached passwords would pass."""
    path = Path(settings.BREACHED_PASSWORDS_FILE)
    if path.exists():
        return []
    return [
        Warning(
            f"The breached-password list {path} is not installed, so breached passwords are "
            "not refused.",
            hint="Download Have I Been Pwned's Pwned Passwords (SHA-1, ordered by hash) and "
            "point MSHT_BREACHED_PASSWORDS_FILE at it; see docs/security.md.",
            id=BREACHED_LIST_MISSING_ID,
        )
    ]
