"""DRF token authentication that keeps the second factor: a token is no way around it."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from msht.accounts.second_factor import confirmed_device, second_factor_enforced

SECOND_FACTOR_MISSING = (
    "This account must use a second factor: set up an authenticator app on the web pages, "
    "then ask for a new token with `msht token USERNAME --code CODE`."
)


class SecondFactorTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (which already refuses a disabled user), refusing as well an
    administrator's or decision maker's token while they have no confirmed authenticator app
    (never set up, or reset by an administrator)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if second_factor_enforced(user) and confirmed_device(user) is None:
            raise AuthenticationFailed(SECOND_FACTOR_MISSING)
        return user, token
