"""Writes of the Pursue strand: building and keeping the perpetrator network graph."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import networkx as nx
from django.db import transaction
from django.utils import timezone

from msht.accounts.models import Organisation, User
from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.core.errors import ValidationError
from msht.intelligence import networks, selectors
from msht.intelligence.engine import networks as engine
from msht.intelligence.models import (
    CandidateNetwork,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceReport,
    NetworkRun,
    Offence,
    PursueOutcome,
    PursueOutcomeType,
    SourceEvaluation,
    SuspectRanking,
    SuspectRecord,
)
from msht.referrals.references import next_reference

# Networks with at least this many referrals and no Pursue activity are missed opportunities.
MISSED_OPPORTUNITY_REFERRALS = 3


@dataclass(frozen=True)
class NetworkBuild:
    run: NetworkRun
    seconds: float


def network_run(actor: Actor | None) -> NetworkBuild:
    """Build the graph from suspect records, referrals and intelligence, find candidate
    networks, rank suspects, and keep the result (the command line passes no actor)."""
    if actor is not None:
        require(actor, Action.SUSPECT_VIEW)
    started = time.perf_counter()
    graph = engine.network_graph(networks.network_edges())
    found = engine.candidate_networks(graph)
    ranking = engine.suspect_ranking(graph, found)
    referrals = networks.referral_count_by_person()
    met = networks.organisations_by_node()
    pursued = networks.suspects_with_pursue_activity()
    targets = networks.suspect_node_targets()
    with transaction.atomic():
        run = NetworkRun.objects.create(
            counts={
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "networks": len(found),
                "suspects_ranked": len(ranking),
            }
        )
        rows = CandidateNetwork.objects.bulk_create(
            [_network_row(run, network, graph, referrals, met, pursued) for network in found]
        )
        by_number = {row.number: row for row in rows}
        SuspectRanking.objects.bulk_create(
            [
                SuspectRanking(
                    network=by_number[rank.network],
                    position=position,
                    suspect=rank.suspect,
                    entity_id=targets.get(rank.suspect, (None, None))[0],
                    record_id=targets.get(rank.suspect, (None, None))[1],
                    centrality=rank.centrality,
                    degree=rank.degree,
                    victims_connected=rank.victims_connected,
                )
                for position, rank in enumerate(ranking, start=1)
            ],
            batch_size=2000,
        )
        # Combining records of many agencies into networks: audited as a linkage.
        audit_record(
            actor if actor is not None and actor.is_authenticated else None,
            event_type=AuditEventType.LINKAGE_RUN,
            obj=run,
            details={"kind": "networks", **run.counts},
        )
    return NetworkBuild(run, time.perf_counter() - started)


def _network_row(
    run: NetworkRun,
    network: engine.CandidateNetwork,
    graph: nx.Graph,
    referrals: dict[str, int],
    met: dict[str, set[str]],
    pursued: set[str],
) -> CandidateNetwork:
    members = set(network.suspects) | set(network.victims) | set(network.others)
    organisations = {code for name in members for code in met.get(name, ())}
    return CandidateNetwork(
        run=run,
        number=network.number,
        suspects=list(network.suspects),
        victims=list(network.victims),
        others=list(network.others),
        communities=[list(community) for community in network.communities],
        edges=[list(edge) for edge in graph.subgraph(members).edges()],
        referral_count=sum(referrals.get(victim, 0) for victim in network.victims),
        has_pursue_activity=any(suspect in pursued for suspect in network.suspects),
        organisations_met=sorted(organisations),
    )


def suspect_profile_read(actor: Actor, *, key: str) -> selectors.SuspectProfile:
    """A suspect's profile for an investigator's page; every record read is audited."""
    profile = selectors.suspect_profile(actor, key)
    with transaction.atomic():
        audit_record_many(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            object_type="intelligence.suspectrecord",
            object_ids=[str(record.pk) for record in profile.records],
            details={"page": "suspect profile", "suspect": key},
        )
        _audit_reports_read(actor, profile.intelligence, page="suspect profile")
    return profile


def network_view_read(actor: Actor, *, run: NetworkRun, number: int) -> networks.NetworkView:
    """One network page as the reader may see it (``networks.network_view``). It shows the
    phones, addresses and vehicles recorded with its suspects, so each suspect record behind
    a suspect shown is an audited read, as on the suspect page."""
    view = networks.network_view(actor, run, number)
    records = selectors.suspect_record_ids_of_nodes(actor, view.network.suspects)
    with transaction.atomic():
        audit_record_many(
            actor,
            event_type=AuditEventType.RECORD_VIEWED,
            object_type=SuspectRecord._meta.label_lower,
            object_ids=[str(pk) for pk in records],
            details={"page": "network", "run": run.pk, "network": number},
        )
    return view


def _audit_reports_read(actor: Actor, reports: list[IntelligenceReport], *, page: str) -> None:
    """Who saw which report, one chained event per report shown (issue 7)."""
    audit_record_many(
        actor,
        event_type=AuditEventType.RECORD_VIEWED,
        object_type="intelligence.intelligencereport",
        object_ids=[str(report.pk) for report in reports],
        details={"page": page},
    )


def intelligence_report_list_read(
    actor: Actor, *, limit: int | None = None, page: str = "intelligence list"
) -> list[IntelligenceReport]:
    """The reports the actor may see, newest first (at most ``limit``); every report listed
    is audited as read, so who saw what is in the trail whichever door they came by."""
    reports = selectors.intelligence_report_list(actor).prefetch_related(
        "permitted_organisations", "suspects"
    )
    shown = list(reports[:limit] if limit is not None else reports)
    with transaction.atomic():
        _audit_reports_read(actor, shown, page=page)
    return shown


@dataclass(frozen=True)
class IntelligenceAnswers:
    """What an investigator submits: the 3x5x2 grading and what the report names."""

    received_on: dt.date
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    summary: str
    handling_conditions: str = ""
    permitted_organisations: tuple[str, ...] = ()
    suspect_references: tuple[str, ...] = ()
    phone_numbers: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    organisations_named: tuple[str, ...] = ()


def _intelligence_problems(answers: IntelligenceAnswers) -> list[str]:
    problems = []
    if answers.source_evaluation not in SourceEvaluation.values:
        problems.append("Source evaluation must be 1, 2 or 3.")
    if answers.intelligence_assessment not in IntelligenceAssessment.values:
        problems.append("Intelligence assessment must be A, B, C, D or E.")
    if answers.handling_code not in HandlingCode.values:
        problems.append("Handling code must be P or C.")
    if answers.handling_code == HandlingCode.CONDITIONS and not answers.handling_conditions.strip():
        problems.append("Handling code C must state its conditions.")
    if answers.handling_code == HandlingCode.PERMITTED and answers.permitted_organisations:
        problems.append("Only handling code C restricts a report to named organisations.")
    if not answers.summary.strip():
        problems.append("Enter what the intelligence says.")
    if answers.received_on > timezone.localdate():
        problems.append("The date received cannot be in the future.")
    return problems


def intelligence_report_submit(actor: Actor, *, answers: IntelligenceAnswers) -> IntelligenceReport:
    """Record a graded report from the actor's organisation; handling code C restricts it to
    the organisations its conditions name (accounts.rules.intelligence_visible_to)."""
    require(actor, Action.INTELLIGENCE_SUBMIT)
    problems = _intelligence_problems(answers)
    permitted = list(Organisation.objects.filter(code__in=answers.permitted_organisations))
    unknown = set(answers.permitted_organisations) - {o.code for o in permitted}
    problems += [f"No organisation with the code {code!r}." for code in sorted(unknown)]
    suspects = list(SuspectRecord.objects.filter(source_reference__in=answers.suspect_references))
    missing = set(answers.suspect_references) - {s.source_reference for s in suspects}
    problems += [f"No suspect record {reference!r}." for reference in sorted(missing)]
    if problems:
        raise ValidationError("The intelligence report has problems.", problems)
    assert isinstance(actor, User)  # noqa: S101 - require() has let only active users through
    if actor.organisation is None:
        raise ValidationError("You need an organisation to submit intelligence.")
    with transaction.atomic():
        report = IntelligenceReport.objects.create(
            reference=next_reference("INT", answers.received_on.year),
            originating_organisation=actor.organisation,
            submitted_by=actor,
            received_on=answers.received_on,
            source_evaluation=answers.source_evaluation,
            intelligence_assessment=answers.intelligence_assessment,
            handling_code=answers.handling_code,
            handling_conditions=answers.handling_conditions.strip(),
            summary=answers.summary.strip(),
            phone_numbers=list(answers.phone_numbers),
            addresses=list(answers.addresses),
            vehicles=list(answers.vehicles),
            organisations_named=list(answers.organisations_named),
        )
        report.permitted_organisations.set(permitted)
        report.suspects.set(suspects)
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CREATED,
            obj=report,
            details={"grading": report.grading, "suspects": len(suspects)},
        )
    return report


def intelligence_report_read(actor: Actor, *, reference: str) -> IntelligenceReport:
    """One report the actor may see (others do not exist for them); the read is audited."""
    report = selectors.intelligence_report_get(actor, reference=reference)
    with transaction.atomic():
        audit_record(actor, event_type=AuditEventType.RECORD_VIEWED, obj=report)
    return report


@dataclass(frozen=True)
class PursueOutcomeAnswers:
    outcome_type: str
    occurred_on: dt.date
    suspect_reference: str = ""
    network_reference: str = ""
    offence: str = Offence.NOT_APPLICABLE
    notes: str = ""


def pursue_outcome_record(actor: Actor, *, answers: PursueOutcomeAnswers) -> PursueOutcome:
    """Record an outcome by the actor's agency against a suspect record or an operation."""
    require(actor, Action.PURSUE_OUTCOME_RECORD)
    assert isinstance(actor, User)  # noqa: S101 - require() has let only active users through
    problems = []
    if answers.outcome_type not in PursueOutcomeType.values:
        problems.append(f"{answers.outcome_type!r} is not a Pursue outcome.")
    if answers.offence not in Offence.values:
        problems.append(f"{answers.offence!r} is not an offence MSHT records.")
    if not (answers.suspect_reference or answers.network_reference.strip()):
        problems.append("Name the suspect record or the operation the outcome is against.")
    if answers.occurred_on > timezone.localdate():
        problems.append("The outcome's date cannot be in the future.")
    suspect = None
    if answers.suspect_reference:
        suspect = SuspectRecord.objects.filter(source_reference=answers.suspect_reference).first()
        if suspect is None:
            problems.append(f"No suspect record {answers.suspect_reference!r}.")
    agency = actor.organisation
    if agency is None:
        problems.append("You need an organisation to record a Pursue outcome.")
    if problems or agency is None:
        raise ValidationError("The Pursue outcome has problems.", problems)
    with transaction.atomic():
        outcome = PursueOutcome.objects.create(
            outcome_type=answers.outcome_type,
            agency=agency,
            suspect_record=suspect,
            network_reference=answers.network_reference.strip(),
            occurred_on=answers.occurred_on,
            offence=answers.offence,
            notes=answers.notes.strip(),
        )
        audit_record(
            actor,
            event_type=AuditEventType.RECORD_CREATED,
            obj=outcome,
            details={"outcome": outcome.outcome_type},
        )
    return outcome
