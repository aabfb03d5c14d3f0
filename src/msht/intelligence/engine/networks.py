"""Perpetrator networks: a graph of suspects, victims and what they share, and its rankings.

Nodes are suspects (linked entities, or a record linkage has not placed), victims
(likewise), phones, addresses, vehicles and organisations. Edges say that two things
were recorded together: a suspect linked to a referral, a suspect's own phone or
vehicle, or several things named in one intelligence report.

Organisation names are weak evidence (many car washes share a name), so they are
shown on every network that names them but never join two networks into one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx

SEED = 7  # community detection and sampled betweenness are randomised; a seed keeps pages stable
# Exact betweenness is quadratic in a component's size; past this many nodes it is
# estimated from this many sampled sources.
BETWEENNESS_SAMPLE = 200


class NodeKind(StrEnum):
    SUSPECT = "suspect"
    VICTIM = "victim"
    PHONE = "phone"
    ADDRESS = "address"
    VEHICLE = "vehicle"
    ORGANISATION = "organisation"


# Kinds that never join two networks into one component.
WEAK_KINDS = frozenset({NodeKind.ORGANISATION})

POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b")
HOUSE_NUMBER = re.compile(r"\b(\d+[A-Z]?)\b")


def node(kind: NodeKind, key: str) -> str:
    return f"{kind.value}:{key}"


def kind_of(name: str) -> NodeKind:
    return NodeKind(name.split(":", 1)[0])


def normalise_phone(text: str) -> str:
    """UK numbers as written nationally: +44 7700 900123 and 07700900123 are one phone."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


def normalise_vehicle(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def normalise_address(text: str) -> str:
    """House number and postcode where both are known; otherwise the words, tidied."""
    upper = " ".join(text.upper().replace(",", " ").split())
    postcode = POSTCODE.search(upper)
    if postcode:
        number = HOUSE_NUMBER.search(upper[: postcode.start()])
        house = number.group(1) if number else ""
        return f"{house} {postcode.group(1)} {postcode.group(2)}".strip()
    return upper


def normalise_organisation(text: str) -> str:
    return " ".join(re.sub(r"[^A-Za-z0-9 ]", " ", text).upper().split())


@dataclass(frozen=True)
class CandidateNetwork:
    """A connected component with at least one suspect."""

    number: int
    suspects: tuple[str, ...]
    victims: tuple[str, ...]
    others: tuple[str, ...]
    communities: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SuspectRank:
    suspect: str
    network: int
    centrality: float
    degree: int
    victims_connected: int


def network_graph(edges: Iterable[tuple[str, str]]) -> nx.Graph:
    """One undirected graph from node-name pairs; repeated edges add to the weight."""
    counts = Counter(tuple(sorted(pair)) for pair in edges if pair[0] != pair[1])
    graph = nx.Graph()
    for (first, second), weight in counts.items():
        graph.add_edge(first, second, weight=weight)
    for name in graph.nodes:
        graph.nodes[name]["kind"] = kind_of(name)
    return graph


def _strong(graph: nx.Graph) -> nx.Graph:
    """The graph without weak nodes, built as a graph of its own: networkx's filtered
    subgraph views re-check every neighbour on every step, minutes at national scale."""
    strong = nx.Graph()
    strong.add_nodes_from(name for name in graph.nodes if kind_of(name) not in WEAK_KINDS)
    strong.add_edges_from(
        (first, second, data)
        for first, second, data in graph.edges(data=True)
        if first in strong and second in strong
    )
    return strong


def _component(strong: nx.Graph, members: set[str]) -> nx.Graph:
    """A connected component as a graph: every neighbour of a member is a member."""
    component = nx.Graph()
    component.add_nodes_from(members)
    component.add_edges_from(
        (name, neighbour, data) for name in members for neighbour, data in strong.adj[name].items()
    )
    return component


def candidate_networks(graph: nx.Graph) -> list[CandidateNetwork]:
    """Components (joined by strong evidence only) that hold a suspect, largest first,
    each with its communities and the weak nodes (organisations) it touches."""
    strong = _strong(graph)
    components = [
        component
        for component in nx.connected_components(strong)
        if any(kind_of(name) == NodeKind.SUSPECT for name in component)
    ]
    components.sort(key=lambda members: (-len(members), min(members)))
    networks = []
    for number, members in enumerate(components, start=1):
        weak = {
            neighbour
            for name in members
            for neighbour in graph.neighbors(name)
            if kind_of(neighbour) in WEAK_KINDS
        }
        subgraph = _component(strong, members)
        communities = (
            nx.community.louvain_communities(subgraph, weight="weight", seed=SEED)
            if len(members) > 2
            else [members]
        )
        networks.append(
            CandidateNetwork(
                number=number,
                suspects=tuple(sorted(n for n in members if kind_of(n) == NodeKind.SUSPECT)),
                victims=tuple(sorted(n for n in members if kind_of(n) == NodeKind.VICTIM)),
                others=tuple(
                    sorted(
                        n
                        for n in members | weak
                        if kind_of(n) not in (NodeKind.SUSPECT, NodeKind.VICTIM)
                    )
                ),
                communities=tuple(
                    tuple(sorted(community))
                    for community in sorted(communities, key=lambda c: (-len(c), min(c)))
                ),
            )
        )
    return networks


def suspect_ranking(graph: nx.Graph, networks: list[CandidateNetwork]) -> list[SuspectRank]:
    """Suspects by the victims they reach, then by betweenness centrality in their network.

    Betweenness finds the brokers a network depends on (a controller between
    recruiters, phones and premises); in large components it is estimated from a
    sample of sources. ``victims_connected`` counts victims within two steps (a
    victim, or a victim met through a shared phone, address, vehicle or suspect).
    """
    strong = _strong(graph)
    ranks: list[SuspectRank] = []
    for network in networks:
        members = (
            set(network.suspects)
            | set(network.victims)
            | {name for name in network.others if kind_of(name) not in WEAK_KINDS}
        )
        subgraph = _component(strong, members)
        sample = BETWEENNESS_SAMPLE if len(members) > BETWEENNESS_SAMPLE else None
        centrality = nx.betweenness_centrality(subgraph, k=sample, seed=SEED)
        for suspect in network.suspects:
            reach = nx.single_source_shortest_path_length(subgraph, suspect, cutoff=2)
            ranks.append(
                SuspectRank(
                    suspect=suspect,
                    network=network.number,
                    centrality=float(centrality.get(suspect, 0.0)),
                    degree=int(subgraph.degree(suspect)),
                    victims_connected=sum(1 for n in reach if kind_of(n) == NodeKind.VICTIM),
                )
            )
    ranks.sort(key=lambda rank: (-rank.victims_connected, -rank.centrality, rank.suspect))
    return ranks


@dataclass(frozen=True)
class Recovery:
    """How many planted networks came out whole: all their suspects in one candidate
    network that holds no other planted network's suspects."""

    planted: int
    whole: int
    split: int
    merged: int

    @property
    def share_whole(self) -> float:
        return self.whole / self.planted if self.planted else 0.0


def network_of_suspect(networks: list[CandidateNetwork]) -> dict[str, int]:
    return {suspect: network.number for network in networks for suspect in network.suspects}


def planted_network_recovery(
    found_in: dict[str, int], planted_of_suspect: dict[str, str]
) -> Recovery:
    """Compare the candidate network of each suspect node with the truth (suspect node ->
    planted network id)."""
    candidates_of: dict[str, set[int | None]] = {}
    planted_in: dict[int | None, set[str]] = {}
    for suspect, planted in planted_of_suspect.items():
        candidate = found_in.get(suspect)
        candidates_of.setdefault(planted, set()).add(candidate)
        planted_in.setdefault(candidate, set()).add(planted)
    whole = split = merged = 0
    for candidates in candidates_of.values():
        if len(candidates) > 1:
            split += 1
        elif len(planted_in[next(iter(candidates))]) > 1:
            merged += 1
        else:
            whole += 1
    return Recovery(len(candidates_of), whole, split, merged)
