"""Fixtures of the privacy tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _var_folder_per_test(settings: Any, tmp_path: Path) -> None:
    """``msht retention`` deletes spooled uploads no batch of the test database claims: it
    must never look at the developer's real var folder, whose batches that database lacks."""
    settings.VAR_DIR = tmp_path / "var"
