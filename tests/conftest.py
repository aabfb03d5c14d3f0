"""Shared fixtures: the database marker, a blocked network, and per-role users."""

from __future__ import annotations

import os
import socket
from pathlib import Path
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


@pytest.fixture(autouse=True)
def _reference_data_present(request: pytest.FixtureRequest, _django_db_marker: None) -> None:
    """Tests that commit for real end with a flush of the test database, which takes the
    migrations' reference data with it; put it back before the next database test."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from msht.core.models import PoliceForceArea
    from tests.reference_data import load_reference_data

    if not PoliceForceArea.objects.exists():
        load_reference_data()


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings: Any, tmp_path: Path) -> None:
    """Each test's audit checkpoints go to its own file: the trail starts empty in every test,
    and a test must never append to the developer's real checkpoint file under var/."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
