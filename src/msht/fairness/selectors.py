"""Reads of monitoring runs and of second-review agreement (Action.FAIRNESS_VIEW)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import QuerySet

from msht.accounts.rules import Action, Actor, require
from msht.fairness.engine.statistics import cohens_kappa
from msht.fairness.models import MonitoringRun, SecondReview


@dataclass(frozen=True)
class Agreement:
    """How often second reviewers agreed with the first decision, and Cohen's kappa."""

    drawn: int
    recorded: int
    agreed: int
    kappa: float | None


def monitoring_run_list(actor: Actor) -> QuerySet[MonitoringRun]:
    """Every stored run, newest first, so findings can be followed over time."""
    require(actor, Action.FAIRNESS_VIEW)
    return MonitoringRun.objects.select_related("run_by").defer("report")


def monitoring_run_get(actor: Actor, *, run_id: int) -> MonitoringRun:
    """One run with its report (MonitoringRun.DoesNotExist when there is none)."""
    require(actor, Action.FAIRNESS_VIEW)
    return MonitoringRun.objects.select_related("run_by").get(pk=run_id)


def monitoring_run_latest(actor: Actor) -> MonitoringRun | None:
    """The newest run of any period, or None before the first."""
    require(actor, Action.FAIRNESS_VIEW)
    return MonitoringRun.objects.select_related("run_by").first()


def second_review_agreement(actor: Actor) -> Agreement:
    """Agreement between first and second decision makers over every recorded review."""
    require(actor, Action.FAIRNESS_VIEW)
    reviews = SecondReview.objects.all()
    pairs = list(reviews.exclude(second_outcome="").values_list("first_outcome", "second_outcome"))
    kappa = cohens_kappa([a for a, _ in pairs], [b for _, b in pairs]) if pairs else math.nan
    return Agreement(
        drawn=reviews.count(),
        recorded=len(pairs),
        agreed=sum(1 for a, b in pairs if a == b),
        kappa=None if math.isnan(kappa) else kappa,
    )
