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
# Left in the new, anonymous session when a timeout signs the user out, for the sign-in page.
SIGNED_OUT_REASON = "msht_signed_out_reason"
# What the sign-in page then says (GOV.UK notification banner).
SIGNED_OUT_MESSAGES = {
    IDLE: "You were signed out because you did nothing for {idle}. Sign in again to carry on.",
    ABSOLUTE: "You were signed out because you had been signed in for {absolute}. "
    "Sign in again to carry on.",
}


def _duration(seconds: float) -> str:
    hours, minutes = divmod(int(seconds) // 60, 60)
    if hours and not minutes:
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{hours * 60 + minutes} minutes"


def signed_out_message(reason: object) -> str:
    """The sentence for the sign-in page after a timeout, or '' for any other reason."""
    template = SIGNED_OUT_MESSAGES.get(str(reason), "")
    return template.format(
        idle=_duration(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        absolute=_duration(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()),
    )


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
