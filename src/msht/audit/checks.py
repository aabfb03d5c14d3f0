"""Deployment check of the audit trail's key, run by ``manage.py check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

AUDIT_KEY_ID = "audit.E001"
# As long as Django asks of SECRET_KEY: a key anyone could guess protects nothing.
AUDIT_KEY_MIN_LENGTH = 50
AUDIT_KEY_HINT = (
    "Set MSHT_AUDIT_KEY, or MSHT_AUDIT_KEY_FILE to a file the database account cannot read, "
    f"to a random value of at least {AUDIT_KEY_MIN_LENGTH} characters (for example "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`); see docs/security.md."
)


def audit_key_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Fail unless the audit chain's key was given by the deployment (not the development
    key generated under var/) and is long enough to be secret."""
    key = str(getattr(settings, "AUDIT_KEY", "") or "")
    source = getattr(settings, "AUDIT_KEY_SOURCE", "")
    if source == "development":
        problem = "the audit trail is keyed with the development key generated under var/"
    elif len(key) < AUDIT_KEY_MIN_LENGTH:
        problem = (
            "the audit trail has no key"
            if not key
            else f"the audit trail's key is shorter than {AUDIT_KEY_MIN_LENGTH} characters"
        )
    else:
        return []
    return [
        Error(
            f"{problem}: someone with database access could rewrite it undetected.",
            hint=AUDIT_KEY_HINT,
            id=AUDIT_KEY_ID,
        )
    ]
