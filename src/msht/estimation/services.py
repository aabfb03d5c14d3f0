"""Writes for the hidden-figure estimate: run one and keep it, audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.core.policy import rules_version_on
from msht.estimation.engine.estimate import (
    DEFAULT_BOOTSTRAP_REPLICATES,
    Selection,
    estimate_population,
)
from msht.estimation.engine.report import caveats, estimate_as_dict
from msht.estimation.models import EstimationRun, ListGrouping
from msht.estimation.selectors import estimation_period, linked_lists_for_period


def estimation_run(
    actor: Actor | None,
    *,
    period: str,
    grouping: ListGrouping = ListGrouping.SECTOR,
    selection: Selection = "stepwise",
    bootstrap_replicates: int = DEFAULT_BOOTSTRAP_REPLICATES,
    seed: int = 0,
) -> EstimationRun:
    """Estimate the population for ``period`` from the linked lists and store the answer.

    ``actor`` is None only for the command line run by an operator; a page passes the
    signed-in analyst, who must be allowed to publish statistics.
    """
    if actor is not None:
        require(actor, Action.STATISTICS_PUBLISH)
    bounds = estimation_period(period)
    lists = linked_lists_for_period(period=bounds, grouping=grouping)
    estimate = estimate_population(
        lists.table,
        selection=selection,
        bootstrap_replicates=bootstrap_replicates,
        seed=seed,
    )
    result = estimate_as_dict(estimate)
    selected = result["selected"]
    with transaction.atomic():
        run = EstimationRun.objects.create(
            period=bounds.label,
            grouping=grouping,
            selection=selection,
            referral_count=lists.referral_count,
            people_seen=lists.people_seen,
            linked_share=lists.linked_share,
            point=selected["point"],
            lower=selected["lower"],
            upper=selected["upper"],
            result=result,
            caveats=caveats(estimate, linked_share=lists.linked_share),
            rules_version=rules_version_on(timezone.localdate()),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        # Aggregates of linked people: a combination of records, so it is audited.
        audit_record(
            actor if actor is not None and actor.is_authenticated else None,
            event_type=AuditEventType.STATISTICS_PUBLISHED,
            obj=run,
            details={"period": bounds.label, "grouping": grouping, "kind": "hidden figure"},
        )
    return run
