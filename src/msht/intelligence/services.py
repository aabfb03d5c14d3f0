"""Writes of the Pursue strand: building and keeping the perpetrator network graph."""

from __future__ import annotations

import time
from dataclasses import dataclass

import networkx as nx
from django.db import transaction

from msht.accounts.rules import Action, Actor, require
from msht.audit.models import AuditEventType
from msht.audit.services import audit_record, audit_record_many
from msht.intelligence import selectors
from msht.intelligence.engine import networks as engine
from msht.intelligence.models import CandidateNetwork, NetworkRun, SuspectRanking

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
    graph = engine.network_graph(selectors.network_edges())
    found = engine.candidate_networks(graph)
    ranking = engine.suspect_ranking(graph, found)
    referrals = selectors.referral_count_by_person()
    met = selectors.organisations_by_node()
    pursued = selectors.suspects_with_pursue_activity()
    targets = selectors.suspect_node_targets()
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
    return profile
