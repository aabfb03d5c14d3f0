"""The public list-overlap tables in the shared data folder (CI has them)."""

from __future__ import annotations

from pathlib import Path

import pytest

MSE_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mse"
PUBLIC_TABLES = ("Western", "NewOrl_5", "NewOrl", "Ned_5", "Ned")


@pytest.fixture
def mse_data() -> Path:
    if not MSE_DATA.is_dir():
        pytest.skip(
            "the shared data folder with the public MSE tables is not beside the repository"
        )
    return MSE_DATA
