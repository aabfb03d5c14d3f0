"""Reads of the linkage app, filtered through accounts.rules; reading a pair reads two
records, so it is audited like any other read of a person's or suspect's record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record
from msht.intelligence.models import SuspectRecord
from msht.linkage.models import (
    ClericalDecision,
    ClericalPair,
    EntityChange,
    LinkageKind,
    LinkageRun,
)
from msht.linkage.services import clerical_precision, review_action
from msht.referrals.models import PersonRecord

RECORD_GONE = "One of the pair's records is no longer in the store."


def linkage_run_list(actor: Actor) -> QuerySet[LinkageRun]:
    """Every run, newest first (LINKAGE_RUN: analysts and administrators)."""
    require(actor, Action.LINKAGE_RUN)
    return LinkageRun.objects.select_related("started_by").order_by("-started_at", "-pk")


def linkage_run_get(actor: Actor, *, pk: int) -> LinkageRun:
    """One run with its model and figures (LINKAGE_RUN)."""
    require(actor, Action.LINKAGE_RUN)
    return LinkageRun.objects.select_related("started_by").get(pk=pk)


def entity_change_list(actor: Actor, *, run: LinkageRun) -> QuerySet[EntityChange]:
    """The merges and splits a run made (LINKAGE_RUN)."""
    require(actor, Action.LINKAGE_RUN)
    return EntityChange.objects.filter(run=run).order_by("pk")


def clerical_precision_get(actor: Actor, *, kind: str) -> dict[str, Any]:
    """The model's precision as reviewers found it (LINKAGE_RUN)."""
    require(actor, Action.LINKAGE_RUN)
    return clerical_precision(kind)


def clerical_pair_list_undecided(actor: Actor, *, kind: str) -> QuerySet[ClericalPair]:
    """Pairs waiting for a decision, most likely matches first (the kind's review action)."""
    require(actor, review_action(kind))
    return ClericalPair.objects.filter(kind=kind, decision=ClericalDecision.UNDECIDED).order_by(
        "-match_probability", "pk"
    )


@dataclass(frozen=True)
class PairForReview:
    """A pair with its two records, side by side."""

    pair: ClericalPair
    left: PersonRecord | SuspectRecord
    right: PersonRecord | SuspectRecord


def _records(kind: str, ids: list[int]) -> dict[int, Any]:
    if kind == LinkageKind.SUSPECTS:
        suspects = SuspectRecord.objects.select_related("source_organisation", "nationality")
        return {record.pk: record for record in suspects.filter(pk__in=ids)}
    persons = PersonRecord.objects.select_related("source_organisation").prefetch_related(
        "nationalities"
    )
    return {record.pk: record for record in persons.filter(pk__in=ids)}


def clerical_pair_get(actor: Actor, *, pk: int) -> PairForReview:
    """A pair and both its records for a reviewer; each record shown is an audited read."""
    pair = ClericalPair.objects.select_related("reviewer").get(pk=pk)
    require(actor, review_action(pair.kind), pair)
    records = _records(pair.kind, [pair.record_l_id, pair.record_r_id])
    if len(records) != 2:
        # A record removed since the run leaves nothing to compare.
        raise ClericalPair.DoesNotExist(RECORD_GONE)
    with transaction.atomic():
        for record in records.values():
            audit_record(
                actor,
                event_type=AuditEventType.RECORD_VIEWED,
                obj=record,
                details={"via": "clerical review", "pair": pair.pk},
            )
    return PairForReview(pair=pair, left=records[pair.record_l_id], right=records[pair.record_r_id])
