"""The statistics behind decision monitoring: intervals, models, corrections, agreement.

Plain functions over numpy arrays; statsmodels does the model fitting. Nothing here
knows what a decision is: monitoring.py says which columns go in.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from scipy.stats import norm
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

FloatArray = npt.NDArray[np.float64]
# The 95% two-sided normal quantile, used for every interval here.
Z_95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """A ratio (odds or hazard) with its 95% interval and the two-sided p-value."""

    ratio: float
    lower: float
    upper: float
    p_value: float


def wilson_interval(
    successes: npt.ArrayLike, trials: npt.ArrayLike, z: float = Z_95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for each proportion (Wilson 1927); NaN where there are no trials."""
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    empty = n <= 0
    lower = np.where(empty, np.nan, np.clip(centre - half, 0.0, 1.0))
    upper = np.where(empty, np.nan, np.clip(centre + half, 0.0, 1.0))
    return lower.astype(np.float64), upper.astype(np.float64)


def benjamini_hochberg(
    p_values: npt.ArrayLike, rate: float
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Benjamini-Hochberg (1995) adjusted p-values, and which are discoveries at ``rate``."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if m == 0:
        return np.empty(0), np.empty(0, dtype=bool)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    # Step-up: each adjusted value is the smallest ranked value at or after it.
    adjusted_sorted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted, adjusted <= rate


def cohens_kappa(first: npt.ArrayLike, second: npt.ArrayLike) -> float:
    """Cohen's kappa (1960) between two raters' labels of the same items; NaN if undefined."""
    a = np.asarray(first)
    b = np.asarray(second)
    if a.size == 0 or a.size != b.size:
        return math.nan
    labels = np.union1d(a, b)
    index_a = np.searchsorted(labels, a)
    index_b = np.searchsorted(labels, b)
    table = np.zeros((labels.size, labels.size))
    np.add.at(table, (index_a, index_b), 1)
    total = table.sum()
    observed = np.trace(table) / total
    expected = float((table.sum(axis=0) * table.sum(axis=1)).sum() / total**2)
    if expected >= 1.0:
        return math.nan
    return float((observed - expected) / (1 - expected))


def _usable_columns(design: FloatArray) -> FloatArray:
    """Drop control columns constant in this subset (they would make the model singular)."""
    keep = [0, 1] + [
        column for column in range(2, design.shape[1]) if np.ptp(design[:, column]) > 0
    ]
    return design[:, keep]


def logistic_odds_ratio(
    outcome: npt.ArrayLike, indicator: npt.ArrayLike, controls: FloatArray
) -> Estimate | None:
    """Adjusted odds ratio of ``outcome`` for ``indicator`` from a logistic regression
    with an intercept, the indicator and the control columns (statsmodels Logit, Wald
    interval); None when the model cannot be estimated (separation, no variation)."""
    y = np.asarray(outcome, dtype=np.float64)
    x = np.asarray(indicator, dtype=np.float64)
    if np.ptp(y) == 0 or np.ptp(x) == 0:
        return None
    design = _usable_columns(np.column_stack([np.ones(y.size), x, controls]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            result = sm.Logit(y, design).fit(disp=0, maxiter=100)
        except (PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError):
            return None
    return _ratio(float(result.params[1]), float(result.bse[1]))


def cox_hazard_ratio(
    duration: npt.ArrayLike,
    decided: npt.ArrayLike,
    indicator: npt.ArrayLike,
    controls: FloatArray,
) -> Estimate | None:
    """Adjusted hazard ratio of being decided for ``indicator`` (Cox proportional hazards,
    Breslow ties): cases still pending are censored, not dropped, so a slow unit is not
    made to look fast by leaving out its oldest cases. Below 1 is slower.

    Fitted by Newton-Raphson on sums over the distinct times (the same likelihood as
    statsmodels PHReg with ``ties="breslow"``, which tests compare against): PHReg
    builds a risk set per time in Python and is about fifty times slower here.
    """
    time = np.asarray(duration, dtype=np.float64)
    event = np.asarray(decided, dtype=np.float64)
    x = np.asarray(indicator, dtype=np.float64)
    if np.ptp(x) == 0 or event.sum() == 0:
        return None
    design = _usable_columns(np.column_stack([np.ones(time.size), x, controls]))[:, 1:]
    fitted = _cox_newton(time, event, design)
    if fitted is None:
        return None
    coefficients, covariance = fitted
    return _ratio(float(coefficients[0]), math.sqrt(max(float(covariance[0, 0]), 0.0)))


def _cox_newton(
    time: FloatArray, event: FloatArray, design: FloatArray, iterations: int = 50
) -> tuple[FloatArray, FloatArray] | None:
    """Breslow partial likelihood maximised by Newton steps, halved while it falls.

    The information matrix is X' diag(w c) X minus the sum over times of d m m', where
    c is each row's sum of d / R0 over the times it was at risk: one matrix product, so
    memory stays at one copy of the design however many columns it has.
    """
    # Rows sorted by time, so sums per distinct time are reduceat over contiguous runs.
    order = np.argsort(time, kind="stable")
    time, event, design = time[order], event[order], design[order]
    _, starts, position = np.unique(time, return_index=True, return_inverse=True)
    width = design.shape[1]
    events_at = np.add.reduceat(event, starts)
    event_sums = np.add.reduceat(design * event[:, None], starts, axis=0)

    def risk_sums(beta: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, float]:
        linear = design @ beta
        weight = np.exp(linear - linear.max())
        # Everyone still waiting at a time is at risk then: sums from the latest time back.
        r0 = np.cumsum(np.add.reduceat(weight, starts)[::-1])[::-1]
        r1 = np.cumsum(np.add.reduceat(design * weight[:, None], starts, axis=0)[::-1], axis=0)[
            ::-1
        ]
        with np.errstate(divide="ignore"):
            loglik = float((event * (linear - linear.max())).sum() - (events_at * np.log(r0)).sum())
        return r0, r1, weight, loglik

    def information(r0: FloatArray, r1: FloatArray, weight: FloatArray) -> FloatArray:
        mean = r1 / r0[:, None]
        at_risk = np.cumsum(events_at / r0)[position]
        first = (design * (weight * at_risk)[:, None]).T @ design
        second = (mean * events_at[:, None]).T @ mean
        result: FloatArray = first - second
        return result

    beta = np.zeros(width)
    r0, r1, weight, loglik = risk_sums(beta)
    for _ in range(iterations):
        gradient = (event_sums - events_at[:, None] * (r1 / r0[:, None])).sum(axis=0)
        try:
            step = np.linalg.solve(information(r0, r1, weight), gradient)
        except np.linalg.LinAlgError:
            return None
        scale = 1.0
        while True:
            candidate = beta + scale * step
            new = risk_sums(candidate)
            if new[3] >= loglik - 1e-12 or scale < 1e-6:
                break
            scale /= 2
        beta = candidate
        r0, r1, weight, previous = *new[:3], loglik
        loglik = new[3]
        if abs(loglik - previous) < 1e-10:
            break
    if not np.all(np.isfinite(beta)):
        return None
    try:
        covariance: FloatArray = np.linalg.inv(information(r0, r1, weight)).astype(np.float64)
    except np.linalg.LinAlgError:
        return None
    return beta, covariance


def _ratio(coefficient: float, standard_error: float) -> Estimate | None:
    if not (math.isfinite(coefficient) and math.isfinite(standard_error)) or standard_error <= 0:
        return None
    p_value = float(2 * norm.sf(abs(coefficient) / standard_error))
    return Estimate(
        ratio=math.exp(coefficient),
        lower=math.exp(coefficient - Z_95 * standard_error),
        upper=math.exp(coefficient + Z_95 * standard_error),
        p_value=p_value,
    )
