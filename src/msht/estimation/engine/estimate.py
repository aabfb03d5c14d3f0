"""Choose among log-linear models and estimate the population, showing every candidate.

Two ways of choosing are offered because they disagree on sparse tables, and the
disagreement is part of the answer:

- ``stepwise``: forward selection by the p-value of each added interaction, below a
  threshold (0.02, the SparseMSE default of Chan, Silverman and Vincent 2021), the
  approach behind the 2013 UK estimate (Silverman 2014);
- ``aic`` and ``bic``: forward selection by an information criterion.

Every candidate model (independence, each single interaction, and each chosen
model) is fitted and listed, or listed with the reason it has no estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from msht.estimation.engine.models import (
    Existence,
    Fit,
    Interaction,
    ModelEstimate,
    all_interactions,
    bootstrap_interval,
    check_existence,
    fit_model,
    model_name,
    profile_interval,
)
from msht.estimation.engine.overlap import OverlapTable

Selection = Literal["stepwise", "aic", "bic"]
SELECTIONS: tuple[Selection, ...] = ("stepwise", "aic", "bic")
STEPWISE_P_THRESHOLD = 0.02
DEFAULT_BOOTSTRAP_REPLICATES = 1000


@dataclass(frozen=True)
class PopulationEstimate:
    table: OverlapTable
    selection: Selection
    selected: ModelEstimate
    models: tuple[ModelEstimate, ...]


def _fit_if_exists(
    table: OverlapTable, interactions: tuple[Interaction, ...]
) -> tuple[Existence, Fit | None]:
    existence = check_existence(table, interactions)
    return existence, fit_model(table, interactions) if existence.exists else None


def _forward(
    table: OverlapTable, score: Callable[[Fit], float], accept: Callable[[Fit, Fit], bool]
) -> tuple[Interaction, ...]:
    """Add the best-scoring existing interaction while ``accept`` allows it."""
    _existence, current = _fit_if_exists(table, ())
    if current is None:
        return ()
    while True:
        remaining = [pair for pair in all_interactions(table) if pair not in current.interactions]
        candidates = [
            fit
            for pair in remaining
            for _, fit in [_fit_if_exists(table, (*current.interactions, pair))]
            if fit is not None
        ]
        if not candidates:
            return current.interactions
        best = min(candidates, key=score)
        if not accept(current, best):
            return current.interactions
        current = best


def select_model(
    table: OverlapTable, selection: Selection, threshold: float = STEPWISE_P_THRESHOLD
) -> tuple[Interaction, ...]:
    """The interactions chosen by ``selection``, starting from independence."""
    if selection == "stepwise":
        # The added interaction is the last parameter; its p-value decides.
        return _forward(
            table,
            score=lambda fit: float(fit.p_values[-1]),
            accept=lambda _current, best: float(best.p_values[-1]) < threshold,
        )
    if selection == "aic":
        return _forward(table, lambda fit: fit.aic, lambda current, best: best.aic < current.aic)
    return _forward(table, lambda fit: fit.bic, lambda current, best: best.bic < current.bic)


def _evaluate(table: OverlapTable, interactions: tuple[Interaction, ...]) -> ModelEstimate:
    existence, fit = _fit_if_exists(table, interactions)
    if fit is None:
        return ModelEstimate(interactions, existence)
    return ModelEstimate(interactions, existence, fit, profile_interval(table, fit))


def estimate_population(
    table: OverlapTable,
    *,
    selection: Selection = "stepwise",
    threshold: float = STEPWISE_P_THRESHOLD,
    bootstrap_replicates: int = DEFAULT_BOOTSTRAP_REPLICATES,
    seed: int = 0,
) -> PopulationEstimate:
    """Every candidate model with its estimate or reason, and the one ``selection`` chose."""
    chosen: dict[str, tuple[Interaction, ...]] = {
        method: select_model(table, method, threshold) for method in SELECTIONS
    }
    candidates: list[tuple[Interaction, ...]] = [()]
    candidates += [(pair,) for pair in all_interactions(table)]
    candidates += list(chosen.values())
    models: dict[str, ModelEstimate] = {}
    for interactions in candidates:
        name = model_name(interactions)
        if name not in models:
            models[name] = _evaluate(table, interactions)
    for method, interactions in chosen.items():
        name = model_name(interactions)
        models[name] = replace(models[name], chosen_by=(*models[name].chosen_by, method))
    selected = models[model_name(chosen[selection])]
    if selected.fit is not None and bootstrap_replicates > 0:
        selected = replace(
            selected,
            bootstrap=bootstrap_interval(
                table, selected.fit, replicates=bootstrap_replicates, seed=seed
            ),
        )
        models[selected.name] = selected
    return PopulationEstimate(table, selection, selected, tuple(models.values()))
