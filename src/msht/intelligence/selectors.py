"""Reads of the Pursue strand: a suspect across agencies, intelligence reports, and counts
of Pursue outcomes, each as far as the reader may see it. The network graph's reads are in
``msht.intelligence.networks``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from msht.accounts.models import Directorate
from msht.accounts.rules import (
    PERMISSION_DENIED,
    Action,
    Actor,
    can,
    intelligence_visible_to,
    require,
)
from msht.core.errors import PermissionDeniedError
from msht.intelligence.models import (
    IntelligenceReport,
    PursueOutcome,
    PursueOutcomeType,
    SuspectRecord,
)
from msht.intelligence.networks import NetworkShown, is_uuid, suspect_networks_shown


@dataclass(frozen=True)
class SuspectProfile:
    """Everything known about one suspect across agencies, as the reader may see it."""

    key: str
    records: list[SuspectRecord]
    intelligence: list[IntelligenceReport]
    outcomes: list[PursueOutcome]
    victims_connected: list[str]
    networks: list[NetworkShown]


def _records_of_key(key: str) -> Q | None:
    """The suspect records a suspect key names: every record of a linked entity
    (``entity-<uuid>``), or one record linkage has not placed (``record-<id>``)."""
    kind, _, identifier = key.partition("-")
    if kind == "entity" and is_uuid(identifier):
        return Q(entity_id=uuid.UUID(identifier))
    if kind == "record" and identifier.isdigit():
        return Q(pk=int(identifier), entity__isnull=True)
    return None


def suspect_profile(actor: Actor, key: str) -> SuspectProfile:
    """A suspect by node key (``entity-<uuid>`` or ``record-<id>``): every record of the
    entity, the intelligence naming any of them that the reader may see, the Pursue
    outcomes, and the victims connected as pseudonymous keys (investigators do not see
    victims' records). Reading the records is audited by the caller's service."""
    require(actor, Action.SUSPECT_VIEW)
    records = SuspectRecord.objects.select_related("source_organisation", "nationality")
    named = _records_of_key(key)
    chosen = [] if named is None else list(records.filter(named).order_by("pk"))
    if not chosen:
        raise SuspectRecord.DoesNotExist(key)
    visible = intelligence_visible_to(
        actor, IntelligenceReport.objects.filter(suspects__in=chosen)
    ).select_related("originating_organisation")
    outcomes = PursueOutcome.objects.filter(suspect_record__in=chosen).select_related("agency")
    networks, victims = suspect_networks_shown(actor, f"suspect:{key}")
    return SuspectProfile(
        key=key,
        records=chosen,
        intelligence=list(visible.distinct().order_by("-received_on")),
        outcomes=list(outcomes),
        victims_connected=victims,
        networks=networks,
    )


def suspect_record_ids_of_nodes(actor: Actor, nodes: Iterable[str]) -> list[int]:
    """The suspect records behind a network's suspect nodes (``suspect:<key>``, as
    ``suspect_profile`` reads a key), for auditing what a network page shows (SUSPECT_VIEW)."""
    require(actor, Action.SUSPECT_VIEW)
    wanted = Q(pk__in=[])
    for name in nodes:
        kind, _, key = name.partition(":")
        named = _records_of_key(key) if kind == "suspect" else None
        if named is not None:
            wanted |= named
    return list(SuspectRecord.objects.filter(wanted).order_by("pk").values_list("pk", flat=True))


def intelligence_report_list(actor: Actor) -> QuerySet[IntelligenceReport]:
    """Reports the actor may see, newest first (handling code C enforced by the rules)."""
    require(actor, Action.INTELLIGENCE_VIEW)
    return intelligence_visible_to(
        actor, IntelligenceReport.objects.select_related("originating_organisation")
    )


def intelligence_report_get(actor: Actor, *, reference: str) -> IntelligenceReport:
    """One report, or DoesNotExist when it is missing or the actor may not see it (the
    rule for one report looks from its suspects, not through everything the reader works)."""
    require(actor, Action.INTELLIGENCE_VIEW)
    report = (
        IntelligenceReport.objects.select_related("originating_organisation")
        .prefetch_related("permitted_organisations", "suspects")
        .get(reference=reference)
    )
    if not can(actor, Action.INTELLIGENCE_VIEW, report):
        raise IntelligenceReport.DoesNotExist(reference)
    return report


@dataclass(frozen=True)
class OutcomeCount:
    agency: str
    directorate: str
    outcome_type: str
    count: int


def _outcomes_readable_by(
    actor: Actor, outcomes: QuerySet[PursueOutcome]
) -> QuerySet[PursueOutcome]:
    """The Pursue outcomes an investigator may read one by one (deny by default).

    Those against a suspect record: SUSPECT_VIEW lets every investigator read every
    suspect record with its outcomes (``suspect_profile``), and a network's Pursue activity
    is worked out from them (``msht.intelligence.networks``). Those against an operation
    only (the agency's own reference, no suspect record) no page or rule shares, so only
    the agency that recorded them reads them, as an organisation reads its own reports.
    """
    if not can(actor, Action.SUSPECT_VIEW):
        return outcomes.none()
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return outcomes.filter(suspect_record__isnull=False)
    return outcomes.filter(Q(suspect_record__isnull=False) | Q(agency_id=organisation_id))


def pursue_outcome_counts(actor: Actor) -> list[OutcomeCount]:
    """Outcomes by agency, directorate and type, counts only (docs/pursue.md, Pursue
    outcomes): an investigator counts the outcomes they may read (``_outcomes_readable_by``);
    governance counts every outcome, as its indicator pursue-outcomes-by-directorate does."""
    if can(actor, Action.GOVERNANCE_VIEW):
        outcomes = PursueOutcome.objects.all()
    elif can(actor, Action.SUSPECT_VIEW):
        outcomes = _outcomes_readable_by(actor, PursueOutcome.objects.all())
    else:
        raise PermissionDeniedError(PERMISSION_DENIED)
    labels = dict(Directorate.choices)
    rows = (
        outcomes.values("agency__name", "agency__directorate", "outcome_type")
        .annotate(count=Count("id"))
        .order_by("agency__name", "outcome_type")
    )
    return [
        OutcomeCount(
            agency=row["agency__name"],
            directorate=labels.get(row["agency__directorate"], ""),
            outcome_type=PursueOutcomeType(row["outcome_type"]).label,
            count=row["count"],
        )
        for row in rows
    ]
