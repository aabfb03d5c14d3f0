"""Reading a world together with its ground truth (test helper)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.synth.conftest import read_csv


@dataclass
class Truthful:
    """Store rows next to the truth about them."""

    referrals: list[dict[str, str]]
    truth: dict[str, dict[str, str]]
    people: dict[str, dict[str, str]]


def with_truth(directory: Path) -> Truthful:
    """Referrals, their truth rows (by reference) and true people (by person id)."""
    return Truthful(
        referrals=read_csv(directory, "referrals.csv"),
        truth={
            row["referral_reference"]: row for row in read_csv(directory, "truth_referrals.csv")
        },
        people={row["person_id"]: row for row in read_csv(directory, "truth_people.csv")},
    )
