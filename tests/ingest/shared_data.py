"""Where the shared reference data lives: ../shared/data beside the repository (CI has it)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of the shared data, or skip the test saying which file is absent."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"shared data file {relative} is absent (../shared/data)")
    return path
