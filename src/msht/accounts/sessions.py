"""The clocks of a signed-in session: when it began and when it was last used (ASVS V7.3)."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

# Session keys holding when the user signed in and when they were last seen (epoch seconds).
SIGNED_IN_AT = "msht_signed_in_at"
LAST_SEEN_AT = "msht_last_seen_at"
# "Last seen" is written at most this often, so that not every request writes the session.
LAST_SEEN_GRANULARITY_SECONDS = 60
IDLE = "idle"
ABSOLUTE = "absolute"
UNSTAMPED = "unstamped"
DISABLED = "disabled"


def session_stamp(request: HttpRequest) -> None:
    """Mark a new session's start (called at every sign-in, by the user_logged_in signal)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def session_end_reason(request: HttpRequest, now: float) -> str | None:
    """Why a signed-in session must end now, or None (ASVS V7.3: idle and absolute timeouts)."""
    if not request.user.is_active:
        return DISABLED
    signed_in_at = request.session.get(SIGNED_IN_AT)
    last_seen_at = request.session.get(LAST_SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(last_seen_at, int):
        return UNSTAMPED  # a session from before these rules, or forged: start again
    if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return ABSOLUTE
    if now - last_seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return IDLE
    return None
