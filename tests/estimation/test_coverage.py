"""The estimator's 95% interval covers a known population in at least 90% of simulations.

Each simulation draws every cell of a four-list table, the unseen cell included,
from a known log-linear model; the truth is everyone drawn, seen or not. The
estimator is the one shipped: stepwise selection, then the profile-likelihood
interval of the selected model.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from msht.estimation.engine.estimate import select_model
from msht.estimation.engine.models import check_existence, fit_model, profile_interval
from msht.estimation.engine.overlap import overlap_table

SIMULATIONS = 200
LISTS = ("police", "local_authority", "government", "ngo")
CAPTURE = (0.25, 0.3, 0.2, 0.15)
POPULATION = 4000


def _simulate(seed: int, interaction: float) -> tuple[dict[tuple[int, ...], float], int]:
    """Counts for every seen pattern, and the true total including the unseen."""
    rng = np.random.default_rng(seed)
    main = [math.log(p / (1 - p)) for p in CAPTURE]
    unseen = math.log(POPULATION * math.prod(1 - p for p in CAPTURE))
    counts: dict[tuple[int, ...], float] = {}
    truth = 0
    for pattern in itertools.product((0, 1), repeat=len(LISTS)):
        log_mean = unseen + sum(b * x for b, x in zip(main, pattern, strict=True))
        log_mean += interaction * pattern[0] * pattern[1]
        drawn = int(rng.poisson(math.exp(log_mean)))
        truth += drawn
        if any(pattern):
            counts[pattern] = float(drawn)
    return counts, truth


def _coverage(interaction: float) -> tuple[float, int]:
    covered = 0
    chose_planted = 0
    for seed in range(SIMULATIONS):
        counts, truth = _simulate(seed, interaction)
        table = overlap_table(LISTS, counts)
        chosen = select_model(table, "stepwise")
        assert check_existence(table, chosen).exists
        interval = profile_interval(table, fit_model(table, chosen))
        assert interval.lower is not None
        assert interval.upper is not None
        covered += interval.lower <= truth <= interval.upper
        chose_planted += ("police", "local_authority") in chosen
    return covered / SIMULATIONS, chose_planted


@pytest.mark.slow
@pytest.mark.parametrize(
    ("interaction", "label"), [(0.0, "independence"), (1.0, "police:local_authority")]
)
def test_interval_covers_the_truth_in_at_least_90_percent(interaction: float, label: str) -> None:
    coverage, chose_planted = _coverage(interaction)

    print(
        f"{label}: 95% profile interval covered the true population in {coverage:.1%} of "
        f"{SIMULATIONS} simulations; the planted interaction was selected {chose_planted} times"
    )
    assert coverage >= 0.90
    if interaction:
        assert chose_planted >= 0.9 * SIMULATIONS
