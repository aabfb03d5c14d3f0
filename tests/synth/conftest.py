"""Worlds shared by the synth tests: generated once per session (they are deterministic)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from msht.synth.engine import generate_world

# Large enough that a share near 5% has a standard error under 0.5 percentage points in
# each of 2022-2024 (about 5,000 referrals a year); generated in a few seconds.
CALIBRATION_REFERRALS = 30_000
CALIBRATION_SEED = 2024
SMALL_REFERRALS = 1_500
SMALL_SEED = 11


def read_csv(directory: Path, name: str) -> list[dict[str, str]]:
    """Every row of one file of a world, as dictionaries."""
    with (directory / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def calibration_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A world of 30,000 referrals for the calibration and ground truth tests."""
    directory = tmp_path_factory.mktemp("calibration") / "world"
    generate_world(directory, referrals=CALIBRATION_REFERRALS, seed=CALIBRATION_SEED)
    return directory


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A world of 1,500 referrals for loading into the store (never modified by tests)."""
    directory = tmp_path_factory.mktemp("small") / "world"
    generate_world(directory, referrals=SMALL_REFERRALS, seed=SMALL_SEED)
    return directory
