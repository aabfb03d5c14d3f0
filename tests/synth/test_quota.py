"""Quota draws keep running counts within one of their expected counts."""

from __future__ import annotations

import numpy as np

from msht.synth.engine.quota import Quota


def test_counts_over_many_draws_track_the_shares_within_one() -> None:
    quota = Quota()
    rng = np.random.default_rng(3)
    shares = np.array([0.5, 0.3, 0.15, 0.05])
    totals = np.zeros(4, dtype=np.int64)
    drawn = 0
    for size in rng.integers(0, 40, 500).tolist():
        values = quota.draw(rng, "key", size, shares)
        assert values.size == size
        totals += np.bincount(values, minlength=4)
        drawn += size
        assert np.all(np.abs(totals - drawn * shares) < 1 + 1e-9)


def test_keys_are_independent() -> None:
    quota = Quota()
    assert quota.counts("a", 10, np.array([1.0, 0.0])).tolist() == [10, 0]
    assert quota.counts("b", 10, np.array([0.0, 1.0])).tolist() == [0, 10]
