"""The statistics agree with statsmodels and scipy computed directly on the same data."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_kappa
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from msht.fairness.engine import statistics as st


def test_wilson_intervals_match_statsmodels_proportion_confint() -> None:
    rng = np.random.default_rng(7)
    trials = rng.integers(1, 500, 200)
    successes = rng.binomial(trials, rng.random(200))
    lower, upper = st.wilson_interval(successes, trials)
    expected_lower, expected_upper = proportion_confint(successes, trials, method="wilson")
    np.testing.assert_allclose(lower, expected_lower, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(upper, expected_upper, rtol=1e-10, atol=1e-12)


def test_wilson_interval_of_no_trials_is_empty() -> None:
    lower, upper = st.wilson_interval([0], [0])
    assert np.isnan(lower[0])
    assert np.isnan(upper[0])


def test_benjamini_hochberg_matches_statsmodels_multipletests() -> None:
    rng = np.random.default_rng(11)
    p_values = np.concatenate([rng.random(80), rng.random(20) * 0.002])
    adjusted, discovered = st.benjamini_hochberg(p_values, 0.05)
    expected_reject, expected_adjusted, _, _ = multipletests(p_values, 0.05, method="fdr_bh")
    np.testing.assert_allclose(adjusted, expected_adjusted, rtol=1e-12)
    np.testing.assert_array_equal(discovered, expected_reject)


def test_cohens_kappa_matches_statsmodels() -> None:
    rng = np.random.default_rng(3)
    first = rng.choice(["positive", "negative", "withdrawn"], 300)
    second = np.where(rng.random(300) < 0.7, first, rng.choice(["positive", "negative"], 300))
    labels = sorted(set(first) | set(second))
    table = np.array([[np.sum((first == a) & (second == b)) for b in labels] for a in labels])
    assert st.cohens_kappa(first, second) == pytest.approx(statsmodels_kappa(table).kappa)


def test_cohens_kappa_is_one_for_perfect_agreement_and_undefined_for_no_items() -> None:
    assert st.cohens_kappa(["a", "b", "a"], ["a", "b", "a"]) == pytest.approx(1.0)
    assert np.isnan(st.cohens_kappa([], []))


def _data(seed: int, n: int = 3000) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    controls = (rng.random((n, 4)) < 0.3).astype(float)
    indicator = (rng.random(n) < 0.2).astype(float)
    logit = 0.2 - 0.6 * indicator + controls @ np.array([0.5, -0.3, 0.2, 0.0])
    outcome = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return outcome, indicator, controls, logit


def test_adjusted_odds_ratio_agrees_with_statsmodels_logit_run_directly() -> None:
    outcome, indicator, controls, _ = _data(5)
    estimate = st.logistic_odds_ratio(outcome, indicator, controls)
    direct = sm.Logit(outcome, sm.add_constant(np.column_stack([indicator, controls]))).fit(disp=0)
    low, high = direct.conf_int()[1]
    assert estimate is not None
    assert estimate.ratio == pytest.approx(np.exp(direct.params[1]), rel=1e-6)
    assert estimate.lower == pytest.approx(np.exp(low), rel=1e-6)
    assert estimate.upper == pytest.approx(np.exp(high), rel=1e-6)
    assert estimate.p_value == pytest.approx(direct.pvalues[1], rel=1e-4)


def test_odds_ratio_is_not_estimated_without_variation_in_the_outcome() -> None:
    _, indicator, controls, _ = _data(5)
    assert st.logistic_odds_ratio(np.ones(indicator.size), indicator, controls) is None


def test_hazard_ratio_agrees_with_statsmodels_phreg_run_directly() -> None:
    rng = np.random.default_rng(9)
    n = 2000
    controls = (rng.random((n, 3)) < 0.4).astype(float)
    indicator = (rng.random(n) < 0.25).astype(float)
    waited = np.ceil(rng.exponential(60 * np.exp(0.5 * indicator + 0.3 * controls[:, 0])))
    decided = (waited < 150).astype(float)
    waited = np.minimum(waited, 150)
    estimate = st.cox_hazard_ratio(waited, decided, indicator, controls)
    direct = PHReg(
        waited, np.column_stack([indicator, controls]), status=decided, ties="breslow"
    ).fit(disp=0)
    assert estimate is not None
    assert estimate.ratio == pytest.approx(np.exp(direct.params[0]), rel=1e-6)
    assert estimate.lower == pytest.approx(np.exp(direct.conf_int()[0][0]), rel=1e-6)
    assert estimate.p_value == pytest.approx(direct.pvalues[0], rel=1e-4)
    assert estimate.ratio < 1  # the indicated group waits longer: slower
