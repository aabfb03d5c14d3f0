"""Who each referral is about: a new person, or someone already referred (a repeat referral).

Referrals are made in date order. A repeat referral refers a person of the same
nationality, gender and age group (so the published marginals still hold) who was first
referred earlier: half the time within weeks (the same exploitation reported by another
agency), otherwise months or years before (referred again). The share of repeats is
``SynthParameters.repeat_share``; the very first referral of each group cannot be a
repeat and is made new, a bias of at most one referral per group.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from msht.synth.engine.growth import GrowArray
from msht.synth.engine.population import PERSON_COLUMNS, BoolArray, Columns, IntArray


class Registry:
    """Referred people (compact columns) and, per group, who was referred when."""

    def __init__(self) -> None:
        self.people = Columns(PERSON_COLUMNS)
        self._groups: dict[int, tuple[GrowArray, GrowArray]] = {}

    def __len__(self) -> int:
        return len(self.people)

    def _group(self, key: int) -> tuple[GrowArray, GrowArray]:
        """Who was referred in a group (nationality, gender, age group), and when."""
        if key not in self._groups:
            self._groups[key] = (GrowArray(np.int64, 64), GrowArray(np.int64, 64))
        return self._groups[key]

    def assign(
        self, rng: np.random.Generator, days: IntArray, groups: IntArray, repeat: BoolArray
    ) -> tuple[IntArray, BoolArray]:
        """Registry rows of each referral (new people get rows from ``len(self)`` in order).

        Returns the rows and the final repeat flags (a repeat with no earlier person in its
        group becomes new). New people must be added with ``add`` straight after.
        """
        repeat = repeat.copy()
        for key in np.unique(groups):
            positions = np.nonzero(groups == key)[0]
            if len(self._group(int(key))[0]) == 0:
                repeat[positions[0]] = False
        new = ~repeat
        rows = np.full(days.size, -1, dtype=np.int64)
        rows[new] = len(self.people) + np.arange(int(new.sum()))
        lag = np.where(
            rng.random(days.size) < 0.5,
            rng.exponential(30.0, days.size),
            rng.uniform(90, 2500, days.size),
        ).astype(np.int64)
        for key in np.unique(groups):
            positions = np.nonzero(groups == key)[0]
            ids, firsts = self._group(int(key))
            new_positions = positions[new[positions]]
            known_rows = np.concatenate([ids.values, rows[new_positions]])
            known_days = np.concatenate([firsts.values, days[new_positions]])
            wanted = positions[repeat[positions]]
            if wanted.size:
                before = len(ids) + np.searchsorted(new_positions, wanted)
                target = days[wanted] - lag[wanted]
                index = np.searchsorted(known_days, target, side="right") - 1
                index = np.clip(index, 0, before - 1)
                rows[wanted] = known_rows[index]
            ids.extend(rows[new_positions])
            firsts.extend(days[new_positions])
        return rows, repeat

    def add(self, people: dict[str, npt.NDArray[Any]]) -> None:
        """Append new people (columns of PERSON_COLUMNS) in the order ``assign`` numbered them."""
        self.people.extend(people)

    def take(self, rows: IntArray) -> dict[str, npt.NDArray[Any]]:
        """The people at registry rows."""
        return self.people.take(rows)
