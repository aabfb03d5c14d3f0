"""On the published overlap tables, the engine agrees with statsmodels fitted directly.

The direct fits here use statsmodels' formula interface on the table as published
(seen patterns only, zeros added back), a separate path from the engine's design
matrices, and a brute-force profile likelihood on a grid.
"""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from msht.estimation.engine.estimate import estimate_population
from msht.estimation.engine.models import ModelEstimate
from msht.estimation.engine.overlap import read_overlap_csv
from tests.estimation.conftest import PUBLIC_TABLES


def _direct_frame(path: Path) -> tuple[pd.DataFrame, list[str]]:
    published = pd.read_csv(path)
    count = published.columns[-1]
    lists = [f"L_{name}" for name in published.columns[:-1]]
    published.columns = [*lists, "y"]
    full = pd.DataFrame(
        [bits for bits in itertools.product((0, 1), repeat=len(lists)) if any(bits)],
        columns=lists,
    )
    merged = full.merge(published.groupby(lists, as_index=False)["y"].sum(), how="left")
    merged["y"] = merged["y"].fillna(0.0)
    assert count  # the published count column was read
    return merged, lists


def _formula(lists: list[str], model: ModelEstimate) -> str:
    terms = list(lists) + [f"L_{a}:L_{b}" for a, b in model.interactions]
    return "y ~ " + " + ".join(terms)


def _direct_fit(frame: pd.DataFrame, formula: str) -> sm.GLM:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return smf.glm(formula, data=frame, family=sm.families.Poisson()).fit()


def _direct_profile(frame: pd.DataFrame, formula: str, centre: float) -> tuple[float, float]:
    """Complete the table with a trial count of unseen people on a grid of log counts,
    refit, and keep the counts within the chi-squared cut-off of the best (Cormack 1992)."""
    cutoff = float(stats.chi2.ppf(0.95, 1)) / 2
    unseen_row = {column: 0 for column in frame.columns}
    grid = centre + np.linspace(-1.5, 1.5, 1001)
    log_likelihoods = []
    for value in grid:
        completed = pd.concat(
            [pd.DataFrame([{**unseen_row, "y": math.exp(value)}]), frame], ignore_index=True
        )
        log_likelihoods.append(_direct_fit(completed, formula).llf)
    best = max(log_likelihoods)
    inside = [v for v, ll in zip(grid, log_likelihoods, strict=True) if best - ll <= cutoff]
    return min(inside), max(inside)


@pytest.mark.slow
@pytest.mark.parametrize("name", PUBLIC_TABLES)
def test_estimates_match_statsmodels_fitted_directly(mse_data: Path, name: str) -> None:
    path = mse_data / f"{name}.csv"
    estimate = estimate_population(read_overlap_csv(path), bootstrap_replicates=0)
    frame, lists = _direct_frame(path)
    observed = frame["y"].sum()

    checked = 0
    for model in estimate.models:
        if model.fit is None:
            continue
        direct = _direct_fit(frame, _formula(lists, model))
        direct_total = observed + math.exp(direct.params["Intercept"])
        assert model.fit.total == pytest.approx(direct_total, rel=1e-6), model.name
        checked += 1
    print(f"{name}: {checked} models agree with statsmodels")
    assert checked >= 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Western", "NewOrl_5", "Ned_5"])
def test_profile_interval_matches_a_brute_force_scan(mse_data: Path, name: str) -> None:
    path = mse_data / f"{name}.csv"
    estimate = estimate_population(read_overlap_csv(path), bootstrap_replicates=0)
    selected = estimate.selected
    assert selected.fit is not None
    assert selected.profile is not None
    frame, lists = _direct_frame(path)
    formula = _formula(lists, selected)
    direct = _direct_fit(frame, formula)
    low, high = _direct_profile(frame, formula, direct.params["Intercept"])
    observed = frame["y"].sum()

    # The grid step is 0.003 in log count: agreement to 0.3% of the hidden figure.
    assert selected.profile.lower - observed == pytest.approx(math.exp(low), rel=3e-3)
    assert selected.profile.upper is not None
    assert selected.profile.upper - observed == pytest.approx(math.exp(high), rel=3e-3)
    print(
        f"{name}: {selected.name}: {selected.fit.total:.0f} "
        f"({selected.profile.lower:.0f} to {selected.profile.upper:.0f})"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", PUBLIC_TABLES)
def test_models_flagged_as_not_existing_really_diverge(mse_data: Path, name: str) -> None:
    """A flagged model's direct fit runs a parameter off; an existing model's stays finite."""
    path = mse_data / f"{name}.csv"
    estimate = estimate_population(read_overlap_csv(path), bootstrap_replicates=0)
    frame, lists = _direct_frame(path)

    for model in estimate.models:
        # Iterated to a tight tolerance, a diverging fit's parameters grow past 20; the
        # existing models on these tables stay under 7.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            direct = smf.glm(_formula(lists, model), data=frame, family=sm.families.Poisson()).fit(
                maxiter=300, tol=1e-12
            )
        diverged = bool(np.max(np.abs(direct.params.drop("Intercept"))) > 15)
        if model.existence.exists:
            assert not diverged, model.name
        else:
            assert diverged, (model.name, model.existence.reason)
            assert "does not exist" in model.existence.reason


@pytest.mark.slow
def test_the_sparse_check_flags_the_sparse_tables(mse_data: Path) -> None:
    flagged = {}
    for name in PUBLIC_TABLES:
        estimate = estimate_population(
            read_overlap_csv(mse_data / f"{name}.csv"), bootstrap_replicates=0
        )
        flagged[name] = [model.name for model in estimate.models if not model.existence.exists]
    print(flagged)
    # New Orleans (8 lists, 185 people) has many empty overlaps; every table here has some.
    assert len(flagged["NewOrl"]) > len(flagged["NewOrl_5"])
    assert all(flagged[name] for name in PUBLIC_TABLES)
    # The selected model always has an estimate when any model does.
    for name in PUBLIC_TABLES:
        estimate = estimate_population(
            read_overlap_csv(mse_data / f"{name}.csv"), bootstrap_replicates=0
        )
        assert estimate.selected.fit is not None
