"""Quota draws: categories in random order whose running counts track their shares exactly.

Drawing every category independently would leave sampling noise in each published
marginal; a quota draw keeps, per key, the running count of every category within one
of its expected count over the whole world, while the order (and so the joint
distribution with everything else) stays random.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt


class Quota:
    """Carried largest-remainder rounding, one running deficit per key."""

    def __init__(self) -> None:
        self._deficit: dict[Hashable, npt.NDArray[np.float64]] = {}

    def counts(
        self, key: Hashable, n: int, shares: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
        """Counts per category for ``n`` more draws under ``key`` (sum is exactly ``n``)."""
        shares = np.asarray(shares, dtype=np.float64)
        shares = shares / shares.sum()
        deficit = self._deficit.get(key)
        if deficit is None:
            deficit = np.zeros(shares.size)
        wanted = deficit + n * shares
        counts = np.maximum(np.floor(wanted), 0).astype(np.int64)
        remainder = n - int(counts.sum())
        if remainder > 0:
            order = np.argsort(-(wanted - counts), kind="stable")
            counts[order[:remainder]] += 1
        elif remainder < 0:
            excess = wanted - counts
            excess[counts == 0] = np.inf
            order = np.argsort(excess, kind="stable")
            counts[order[:-remainder]] -= 1
        self._deficit[key] = wanted - counts
        return counts

    def draw(
        self, rng: np.random.Generator, key: Hashable, n: int, shares: npt.ArrayLike
    ) -> npt.NDArray[np.int64]:
        """``n`` category indices in random order, their counts kept on quota for ``key``."""
        counts = self.counts(key, n, np.asarray(shares, dtype=np.float64))
        values = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
        shuffled: npt.NDArray[Any] = rng.permutation(values)
        return shuffled.astype(np.int64)
