"""Log-linear Poisson models of a list-overlap table, and the population they imply.

Each observed cell (a pattern of lists) has a Poisson count whose log is linear in
an intercept, one main effect per list and the chosen two-way interactions. The
intercept is the log of the expected count in the cell nobody sees, so the total
population is the observed count plus exp(intercept) (Bales, Hesketh and Silverman
2015; Chan, Silverman and Vincent 2021).

When overlaps are sparse, the maximum likelihood estimate may not exist: some
parameter runs off to infinity, and software still prints a number. We check
existence first by linear programming (Fienberg and Rinaldo 2012; Chan et al.
2021) and report a model without an estimate as such.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from scipy import optimize, stats

from msht.estimation.engine.overlap import OverlapTable

Interaction = tuple[str, str]
FloatArray = npt.NDArray[np.float64]

CONFIDENCE_LEVEL = 0.95
# Directions in the linear programme below this size are rounding, not divergence.
EXISTENCE_TOLERANCE = 1e-7
# The profile-likelihood search gives up this far (in log count) from the estimate:
# exp(40) people is no bound at all, so the limit is reported as not existing.
PROFILE_SEARCH_LIMIT = 40.0


@dataclass(frozen=True)
class Existence:
    """Whether a model's estimate exists for a table, and if not, why not."""

    exists: bool
    reason: str = ""


@dataclass(frozen=True)
class Fit:
    """A fitted model: its parameters, fitted counts and information criteria."""

    interactions: tuple[Interaction, ...]
    parameters: FloatArray
    fitted: FloatArray
    log_likelihood: float
    aic: float
    bic: float
    p_values: FloatArray
    observed: int

    @property
    def unseen(self) -> float:
        """Expected number of people on no list: exp(intercept)."""
        return math.exp(float(self.parameters[0]))

    @property
    def total(self) -> float:
        return self.observed + self.unseen


@dataclass(frozen=True)
class Interval:
    lower: float | None
    upper: float | None
    method: str
    note: str = ""


@dataclass(frozen=True)
class ModelEstimate:
    """One candidate model's answer, or the reason it has none."""

    interactions: tuple[Interaction, ...]
    existence: Existence
    fit: Fit | None = None
    profile: Interval | None = None
    bootstrap: Interval | None = None
    chosen_by: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return model_name(self.interactions)


def model_name(interactions: tuple[Interaction, ...]) -> str:
    if not interactions:
        return "independence"
    return "independence + " + " + ".join(f"{a}:{b}" for a, b in interactions)


def all_interactions(table: OverlapTable) -> tuple[Interaction, ...]:
    return tuple(itertools.combinations(table.lists, 2))


def design_matrix(table: OverlapTable, interactions: tuple[Interaction, ...]) -> FloatArray:
    """Intercept, a main effect per list, then each interaction, one row per cell."""
    patterns = table.patterns.astype(np.float64)
    position = {name: index for index, name in enumerate(table.lists)}
    columns = [np.ones(len(patterns)), *(patterns[:, i] for i in range(len(table.lists)))]
    columns += [patterns[:, position[a]] * patterns[:, position[b]] for a, b in interactions]
    return np.column_stack(columns)


def _term_names(table: OverlapTable, interactions: tuple[Interaction, ...]) -> list[str]:
    return ["intercept", *table.lists, *(f"{a}:{b}" for a, b in interactions)]


def check_existence(
    table: OverlapTable, interactions: tuple[Interaction, ...], counts: FloatArray | None = None
) -> Existence:
    """Does the maximum likelihood estimate exist for this model and these counts?

    It does not when some direction b in parameter space has X b >= 0 on every cell,
    X b = 0 on every cell with a count, and X b > 0 somewhere: moving the parameters
    along -b then raises the likelihood for ever. A linear programme looks for the
    largest such direction; any found means no estimate.
    """
    y = table.counts if counts is None else counts
    design = design_matrix(table, interactions)
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return Existence(False, "the model has more parameters than the table can identify")
    zero = y == 0
    if not zero.any():
        return Existence(True)
    # Variables: b (free). Maximise the sum of X b over the zero cells.
    objective = -design[zero].sum(axis=0)
    result = optimize.linprog(
        objective,
        A_ub=np.vstack([design[zero], -design[zero]]),
        b_ub=np.concatenate([np.ones(zero.sum()), np.zeros(zero.sum())]),
        A_eq=design[~zero] if (~zero).any() else None,
        b_eq=np.zeros((~zero).sum()) if (~zero).any() else None,
        bounds=[(None, None)] * design.shape[1],
        method="highs",
    )
    if not result.success:
        return Existence(False, f"the existence check could not be solved ({result.message})")
    if -result.fun <= EXISTENCE_TOLERANCE:
        return Existence(True)
    direction = result.x
    names = _term_names(table, interactions)
    diverging = [
        name
        for name, value in zip(names, direction, strict=True)
        if abs(value) > EXISTENCE_TOLERANCE
    ]
    return Existence(
        False,
        "the maximum likelihood estimate does not exist: the observed zeros let "
        + ", ".join(diverging)
        + " run off to infinity",
    )


def _glm(y: FloatArray, design: FloatArray, offset: FloatArray | None = None) -> sm.GLM:
    return sm.GLM(y, design, family=sm.families.Poisson(), offset=offset)


def fit_model(
    table: OverlapTable, interactions: tuple[Interaction, ...], counts: FloatArray | None = None
) -> Fit:
    """Fit by maximum likelihood; call only after check_existence said it exists."""
    y = table.counts if counts is None else counts
    design = design_matrix(table, interactions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns on near-zero fitted cells
        result = _glm(y, design).fit()
    parameters = np.asarray(result.params, dtype=np.float64)
    fitted = np.asarray(result.fittedvalues, dtype=np.float64)
    log_likelihood = float(result.llf)
    size = design.shape[1]
    return Fit(
        interactions=interactions,
        parameters=parameters,
        fitted=fitted,
        log_likelihood=log_likelihood,
        aic=2 * size - 2 * log_likelihood,
        bic=size * math.log(len(y)) - 2 * log_likelihood,
        p_values=np.asarray(result.pvalues, dtype=np.float64),
        observed=int(y.sum()),
    )


def _with_unseen_cell(design: FloatArray) -> FloatArray:
    """The design with a first row for the unseen pattern: intercept only."""
    unseen = np.zeros((1, design.shape[1]))
    unseen[0, 0] = 1.0
    return np.vstack([unseen, design])


def _complete_log_likelihood(y: FloatArray, design: FloatArray, unseen: float) -> float:
    """The largest log-likelihood of the table completed with ``unseen`` people on no list."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _glm(np.concatenate([[unseen], y]), design).fit()
    return float(result.llf)


def profile_interval(table: OverlapTable, fit: Fit, level: float = CONFIDENCE_LEVEL) -> Interval:
    """The profile-likelihood interval for the population (Cormack 1992).

    The number of people on no list is itself unknown and random, not just its
    expectation: the table is completed with a trial count for the unseen cell and
    the model refitted; the interval holds the counts whose likelihood is within
    the chi-squared cut-off of the best. An interval for exp(intercept) alone would
    leave out that randomness and cover the population too rarely. A limit not
    reached within a factor of exp(40) of the estimate does not exist.
    """
    y = table.counts
    design = _with_unseen_cell(design_matrix(table, fit.interactions))
    cutoff = float(stats.chi2.ppf(level, df=1)) / 2
    centre = float(fit.parameters[0])

    def drop(log_unseen: float) -> float:
        return -_complete_log_likelihood(y, design, math.exp(log_unseen))

    best = optimize.minimize_scalar(drop, bracket=(centre - 0.1, centre + 0.1))
    peak, best_value = float(best.x), -float(best.fun)

    def excess(log_unseen: float) -> float:
        return best_value + drop(log_unseen) - cutoff

    def limit(direction: float) -> float | None:
        step = 0.25
        inner = peak
        while step <= PROFILE_SEARCH_LIMIT:
            outer = peak + direction * step
            if excess(outer) > 0:
                return float(optimize.brentq(excess, min(inner, outer), max(inner, outer)))
            inner = outer
            step *= 2
        return None

    lower, upper = limit(-1.0), limit(1.0)
    notes = []
    if lower is None:
        notes.append("no lower limit above the observed count")
    if upper is None:
        notes.append("no finite upper limit: the data cannot bound the hidden figure")
    return Interval(
        lower=table.observed + math.exp(lower) if lower is not None else float(table.observed),
        upper=table.observed + math.exp(upper) if upper is not None else None,
        method="profile likelihood",
        note="; ".join(notes),
    )


def bootstrap_interval(
    table: OverlapTable,
    fit: Fit,
    *,
    replicates: int,
    seed: int,
    level: float = CONFIDENCE_LEVEL,
) -> Interval:
    """Parametric bootstrap: redraw every cell from the fitted model, refit, take quantiles.

    Replicates whose estimate does not exist are left out and counted in the note,
    because they are part of the honest answer about sparse tables.
    """
    rng = np.random.default_rng(seed)
    totals: list[float] = []
    missing = 0
    for _ in range(replicates):
        counts = rng.poisson(fit.fitted).astype(np.float64)
        if counts.sum() == 0 or not check_existence(table, fit.interactions, counts).exists:
            missing += 1
            continue
        replicate = fit_model(table, fit.interactions, counts)
        totals.append(replicate.total)
    if not totals:
        return Interval(None, None, "parametric bootstrap", "no replicate had an estimate")
    tail = (1 - level) / 2
    lower, upper = np.quantile(np.array(totals), [tail, 1 - tail])
    note = f"{replicates} replicates"
    if missing:
        note += f"; {missing} had no estimate and were left out"
    return Interval(float(lower), float(upper), "parametric bootstrap", note)
