"""An estimate as plain data (JSON, pages) and the caveats that apply to it, from the data."""

from __future__ import annotations

from typing import Any

from msht.estimation.engine.estimate import PopulationEstimate
from msht.estimation.engine.models import ModelEstimate

# Existing candidates whose estimates differ by more than this factor mean the
# choice of model, not the data, decides the answer.
MODEL_SPREAD_WARNING = 1.5


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def model_as_dict(model: ModelEstimate) -> dict[str, Any]:
    """One candidate: its estimate and intervals, or why it has none."""
    row: dict[str, Any] = {
        "model": model.name,
        "interactions": [f"{a}:{b}" for a, b in model.interactions],
        "exists": model.existence.exists,
        "chosen_by": list(model.chosen_by),
    }
    if model.fit is None or model.profile is None:
        row.update(point=None, lower=None, upper=None, reason=model.existence.reason)
        return row
    row.update(
        point=_rounded(model.fit.total),
        lower=_rounded(model.profile.lower),
        upper=_rounded(model.profile.upper),
        interval="profile likelihood, 95%",
        interval_note=model.profile.note,
        unseen=_rounded(model.fit.unseen),
        aic=round(model.fit.aic, 3),
        bic=round(model.fit.bic, 3),
    )
    if model.bootstrap is not None:
        row.update(
            bootstrap_lower=_rounded(model.bootstrap.lower),
            bootstrap_upper=_rounded(model.bootstrap.upper),
            bootstrap_note=model.bootstrap.note,
        )
    return row


def estimate_as_dict(estimate: PopulationEstimate) -> dict[str, Any]:
    """The whole answer: lists, observed count, the selected model and every candidate."""
    table = estimate.table
    return {
        "lists": list(table.lists),
        "observed": table.observed,
        "list_totals": table.list_totals(),
        "pair_overlaps": {f"{a}:{b}": n for (a, b), n in table.pair_overlaps().items()},
        "selection": estimate.selection,
        "selected": model_as_dict(estimate.selected),
        "models": [model_as_dict(model) for model in estimate.models],
    }


def caveats(estimate: PopulationEstimate, *, linked_share: float | None = None) -> list[str]:
    """What a reader must know before quoting the figure, worked out from this estimate."""
    notes = [
        "The lists are assumed to describe one closed population over the period: people "
        "who arrived, left or died during it blur the estimate."
    ]
    table = estimate.table
    empty_pairs = [f"{a} and {b}" for (a, b), n in table.pair_overlaps().items() if n == 0]
    if empty_pairs:
        notes.append(
            "No one is on both of these pairs of lists, so models of their dependence cannot "
            "be estimated: " + "; ".join(empty_pairs) + "."
        )
    missing = [model for model in estimate.models if not model.existence.exists]
    if missing:
        notes.append(
            f"{len(missing)} of {len(estimate.models)} candidate models have no estimate on "
            "this table (sparse overlaps); they are listed with the reason, not a number."
        )
    if estimate.selected.interactions:
        pairs = ", ".join(f"{a} with {b}" for a, b in estimate.selected.interactions)
        notes.append(
            f"The lists are not independent: the selected model allows for {pairs}. "
            "Dependence the model does not capture, or people more likely to be seen by every "
            "list (heterogeneity), would bias the estimate."
        )
    else:
        notes.append(
            "The selected model treats the lists as independent; if the same people are more "
            "likely to be seen by every list (heterogeneity), the true figure is higher."
        )
    points = [model.fit.total for model in estimate.models if model.fit is not None]
    if points and max(points) > MODEL_SPREAD_WARNING * min(points):
        notes.append(
            f"Estimates from the candidate models range from {min(points):,.0f} to "
            f"{max(points):,.0f}: the choice of model matters as much as the data."
        )
    upper = estimate.selected.profile.upper if estimate.selected.profile else None
    if estimate.selected.fit is not None and upper is None:
        notes.append("The data cannot set an upper limit on the hidden figure.")
    if linked_share is not None and linked_share < 1:
        notes.append(
            f"Only {linked_share:.0%} of the records were placed by record linkage: a person "
            "seen by two lists but not linked counts as two people seen once each, which "
            "hides an overlap and raises the estimate."
        )
    return notes
