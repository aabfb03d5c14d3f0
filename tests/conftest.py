"""Shared fixtures: the database marker, a blocked network, and per-role users."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")


@pytest.fixture(autouse=True)
def _block_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to this machine only (the database, the live server, the browser)."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        local = {"127.0.0.1", "localhost", "::1"}
        if isinstance(host, str) and host not in local and not host.startswith("/"):
            raise RuntimeError(f"network access to {host} blocked in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Real hashers are slow by design; tests only need passwords to round-trip."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
