"""The second-review sample is drawn at random within every stratum."""

from __future__ import annotations

import numpy as np
import pandas as pd

from msht.fairness.engine.sampling import stratified_sample


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "decision_id": np.arange(1000),
            "unit": np.where(np.arange(1000) < 20, "small unit", "large unit"),
            "outcome": rng.choice(["positive", "negative"], 1000),
        }
    )


def test_every_stratum_is_sampled_even_a_small_one() -> None:
    sample = stratified_sample(_frame(), strata=["unit", "outcome"], share=0.05, minimum=5, seed=4)
    counts = sample.groupby(["unit", "outcome"]).size()
    assert set(counts.index) == {
        ("large unit", "negative"),
        ("large unit", "positive"),
        ("small unit", "negative"),
        ("small unit", "positive"),
    }
    frame = _frame()
    sizes = frame.groupby(["unit", "outcome"]).size()
    for key, drawn in counts.items():
        assert drawn == min(sizes[key], max(5, int(np.ceil(0.05 * sizes[key]))))
    assert sample["decision_id"].is_unique


def test_the_same_seed_draws_the_same_sample_and_another_seed_another() -> None:
    first = stratified_sample(_frame(), strata=["unit"], share=0.1, minimum=1, seed=4)
    again = stratified_sample(_frame(), strata=["unit"], share=0.1, minimum=1, seed=4)
    other = stratified_sample(_frame(), strata=["unit"], share=0.1, minimum=1, seed=5)
    assert first["decision_id"].tolist() == again["decision_id"].tolist()
    assert first["decision_id"].tolist() != other["decision_id"].tolist()
    assert set(first["stratum"]) == {"large unit", "small unit"}
