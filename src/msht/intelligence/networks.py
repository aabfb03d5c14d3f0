"""Reads of the perpetrator network graph: the evidence ``msht networks`` builds it from,
the stored build, and each reader's networks (docs/pursue.md, Suspects and networks).

Each stored network is shown as the connected parts that remain on the connections the
reader may see, numbered among that reader's parts only; the list, a network's page, its
missed opportunities and a suspect's networks all come from those parts. The graph
algorithms themselves are in ``msht.intelligence.engine.networks``, which knows no Django.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx
from django.db.models import Q, QuerySet

from msht.accounts.models import Directorate, Organisation
from msht.accounts.rules import Action, Actor, intelligence_visible_to, require
from msht.intelligence.engine.networks import (
    WEAK_KINDS,
    NodeKind,
    kind_of,
    network_graph,
    node,
    normalise_address,
    normalise_organisation,
    normalise_phone,
    normalise_vehicle,
    suspect_ranking,
)
from msht.intelligence.engine.networks import (
    CandidateNetwork as NetworkMembers,
)
from msht.intelligence.models import (
    CandidateNetwork,
    IntelligenceReport,
    NetworkRun,
    PursueOutcome,
    SuspectRanking,
    SuspectRecord,
)
from msht.referrals.models import Referral

CHUNK = 5000


def _suspect(record_id: int, entity_id: Any) -> str:
    """A linked suspect is its entity; one linkage has not placed is its own record."""
    key = f"entity-{entity_id}" if entity_id is not None else f"record-{record_id}"
    return node(NodeKind.SUSPECT, key)


def _victim(record_id: int, entity_id: Any) -> str:
    key = f"entity-{entity_id}" if entity_id is not None else f"record-{record_id}"
    return node(NodeKind.VICTIM, key)


def _address_text(address: Any) -> str:
    if isinstance(address, dict):
        return " ".join(str(address.get(part) or "") for part in ("lines", "town", "postcode"))
    return str(address)


def _things(phones: list[Any], addresses: list[Any], vehicles: list[Any]) -> list[str]:
    found = [node(NodeKind.PHONE, normalise_phone(str(p))) for p in phones if str(p).strip()]
    found += [
        node(NodeKind.ADDRESS, normalise_address(_address_text(a)))
        for a in addresses
        if _address_text(a).strip()
    ]
    found += [node(NodeKind.VEHICLE, normalise_vehicle(str(v))) for v in vehicles if str(v).strip()]
    return found


def network_edges() -> Iterator[tuple[str, str]]:
    """Every pair of things recorded together, from suspect records and intelligence.

    For the pipeline (``msht networks``), not for a person's screen: the nodes are
    pseudonymous keys, never names.
    """
    suspects = SuspectRecord.objects.values_list(
        "id", "entity_id", "phone_numbers", "addresses", "vehicles"
    )
    for record_id, entity_id, phones, addresses, vehicles in suspects.iterator(CHUNK):
        suspect = _suspect(record_id, entity_id)
        for thing in _things(phones, addresses, vehicles):
            yield suspect, thing
    victims_of_suspects = SuspectRecord.linked_referrals.through.objects.values_list(
        "suspectrecord_id",
        "suspectrecord__entity_id",
        "referral__person_record_id",
        "referral__person_record__entity_id",
    )
    for suspect_id, suspect_entity, person_id, person_entity in victims_of_suspects.iterator(CHUNK):
        yield _suspect(suspect_id, suspect_entity), _victim(person_id, person_entity)
    yield from _intelligence_edges()


def _report_nodes(report: IntelligenceReport) -> list[str]:
    """Everything one report names, as node keys (all of it is connected)."""
    named = [_suspect(s.pk, s.entity_id) for s in report.suspects.all()]
    named += [_victim(p.pk, p.entity_id) for p in report.persons.all()]
    named += _things(report.phone_numbers, report.addresses, report.vehicles)
    named += [
        node(NodeKind.ORGANISATION, normalise_organisation(str(name)))
        for name in report.organisations_named
        if str(name).strip()
    ]
    return named


def _intelligence_edges() -> Iterator[tuple[str, str]]:
    reports = IntelligenceReport.objects.prefetch_related("suspects", "persons")
    for report in reports.iterator(CHUNK):
        yield from combinations(_report_nodes(report), 2)


def referral_count_by_person() -> dict[str, int]:
    """How many referrals each victim node has (for the missed-opportunity report)."""
    counts: dict[str, int] = {}
    rows = Referral.objects.values_list("person_record_id", "person_record__entity_id")
    for record_id, entity_id in rows.iterator(CHUNK):
        name = _victim(record_id, entity_id)
        counts[name] = counts.get(name, 0) + 1
    return counts


def organisations_by_node() -> dict[str, set[str]]:
    """Who met each victim and suspect: the referring organisation, the recording agency."""
    met: dict[str, set[str]] = {}
    referrals = Referral.objects.values_list(
        "person_record_id", "person_record__entity_id", "first_responder_organisation__code"
    )
    for record_id, entity_id, code in referrals.iterator(CHUNK):
        met.setdefault(_victim(record_id, entity_id), set()).add(code)
    suspects = SuspectRecord.objects.values_list("id", "entity_id", "source_organisation__code")
    for record_id, entity_id, code in suspects.iterator(CHUNK):
        met.setdefault(_suspect(record_id, entity_id), set()).add(code)
    return met


def suspects_with_pursue_activity() -> set[str]:
    """Suspect nodes with any Pursue outcome recorded against one of their records."""
    rows = PursueOutcome.objects.filter(suspect_record__isnull=False).values_list(
        "suspect_record_id", "suspect_record__entity_id"
    )
    return {_suspect(record_id, entity_id) for record_id, entity_id in rows.iterator(CHUNK)}


def suspect_node_targets() -> dict[str, tuple[str | None, int | None]]:
    """Each suspect node's entity id, or its one record's id when linkage has not placed it."""
    targets: dict[str, tuple[str | None, int | None]] = {}
    for record_id, entity_id in SuspectRecord.objects.values_list("id", "entity_id").iterator(
        CHUNK
    ):
        name = _suspect(record_id, entity_id)
        targets[name] = (str(entity_id), None) if entity_id is not None else (None, record_id)
    return targets


@dataclass(frozen=True)
class MissedOpportunity:
    network: CandidateNetwork
    directorates: tuple[str, ...]


def network_run_latest(actor: Actor) -> NetworkRun | None:
    """The newest network build (investigators only: it names suspects by key)."""
    require(actor, Action.SUSPECT_VIEW)
    return NetworkRun.objects.first()


def network_missed_opportunities(
    actor: Actor | None, run: NetworkRun, *, minimum_referrals: int
) -> list[MissedOpportunity]:
    """Networks whose victims were referred ``minimum_referrals`` times or more and against
    whose suspects nothing has been recorded, with the directorates that met them."""
    if actor is not None:
        require(actor, Action.SUSPECT_VIEW)
    missed = run.networks.filter(
        has_pursue_activity=False, referral_count__gte=minimum_referrals
    ).order_by("-referral_count", "number")
    directorate_of = _directorate_by_organisation()
    return [
        MissedOpportunity(network, _directorates_met(network.organisations_met, directorate_of))
        for network in missed
    ]


@dataclass(frozen=True)
class NetworkShown:
    """One entry of the networks list as one reader may see it (docs/pursue.md, Candidate
    networks): a connected part of a stored network on the connections the reader may see,
    numbered among that reader's parts only. Nothing on it is worked out from intelligence
    the reader may not see, so it is what a build without that intelligence would show."""

    number: int
    suspects: tuple[str, ...]
    victims: tuple[str, ...]
    others: tuple[str, ...]
    referral_count: int
    has_pursue_activity: bool
    organisations_met: tuple[str, ...]


@dataclass(frozen=True)
class MissedOpportunityShown:
    network: NetworkShown
    directorates: tuple[str, ...]


def _connections_recorded_for_everyone() -> set[frozenset[str]]:
    """Connections made by suspect records and the referrals linked to them, which every
    investigator may see (docs/pursue.md, Sharing)."""
    seen: set[frozenset[str]] = set()
    suspects = SuspectRecord.objects.values_list(
        "id", "entity_id", "phone_numbers", "addresses", "vehicles"
    )
    for record_id, entity_id, phones, addresses, vehicles in suspects.iterator(CHUNK):
        suspect = _suspect(record_id, entity_id)
        seen.update(frozenset((suspect, thing)) for thing in _things(phones, addresses, vehicles))
    links = SuspectRecord.linked_referrals.through.objects.values_list(
        "suspectrecord_id",
        "suspectrecord__entity_id",
        "referral__person_record_id",
        "referral__person_record__entity_id",
    )
    for suspect_id, suspect_entity, person_id, person_entity in links.iterator(CHUNK):
        seen.add(
            frozenset((_suspect(suspect_id, suspect_entity), _victim(person_id, person_entity)))
        )
    return seen


def _connections_the_reader_may_see(actor: Actor) -> set[frozenset[str]]:
    """Every connection a source the reader may see makes: suspect records, their
    referrals, and the reports ``intelligence_visible_to`` lets the reader read (everything
    one report names is connected, as in ``network_edges``)."""
    seen = _connections_recorded_for_everyone()
    visible = intelligence_visible_to(actor, IntelligenceReport.objects.all()).values("pk")
    # Read as plain rows, not model instances with prefetches: a reader may see thousands.
    named: dict[int, list[str]] = {}
    suspects = IntelligenceReport.suspects.through.objects.filter(
        intelligencereport_id__in=visible
    ).values_list("intelligencereport_id", "suspectrecord_id", "suspectrecord__entity_id")
    for report_id, record_id, entity_id in suspects.iterator(CHUNK):
        named.setdefault(report_id, []).append(_suspect(record_id, entity_id))
    persons = IntelligenceReport.persons.through.objects.filter(
        intelligencereport_id__in=visible
    ).values_list("intelligencereport_id", "personrecord_id", "personrecord__entity_id")
    for report_id, record_id, entity_id in persons.iterator(CHUNK):
        named.setdefault(report_id, []).append(_victim(record_id, entity_id))
    reports = IntelligenceReport.objects.filter(pk__in=visible).values_list(
        "pk", "phone_numbers", "addresses", "vehicles", "organisations_named"
    )
    for report_id, phones, addresses, vehicles, organisations in reports.iterator(CHUNK):
        nodes = named.get(report_id, []) + _things(phones, addresses, vehicles)
        nodes += [
            node(NodeKind.ORGANISATION, normalise_organisation(str(name)))
            for name in organisations
            if str(name).strip()
        ]
        seen.update(frozenset(pair) for pair in combinations(nodes, 2))
    return seen


@dataclass(frozen=True)
class _Part:
    """One connected part of a stored network on the connections a reader may see."""

    members: frozenset[str]  # joined by strong evidence: suspects, victims, phones...
    weak: frozenset[str]  # the organisations its members are connected to
    source: int  # the stored network's number: never shown, as it would reveal a join


def _parts_shown(edges: list[list[str]], allowed: set[frozenset[str]], source: int) -> list[_Part]:
    """The connected parts of one stored network on the connections allowed, found as the
    engine finds networks: joined by strong evidence only, holding a suspect, each with
    the weak nodes (organisations) it touches."""
    strong = nx.Graph()
    weak_edges: list[tuple[str, str]] = []
    for first, second in edges:
        if frozenset((first, second)) not in allowed:
            continue
        first_weak, second_weak = kind_of(first) in WEAK_KINDS, kind_of(second) in WEAK_KINDS
        if not (first_weak or second_weak):
            strong.add_edge(first, second)
        elif first_weak != second_weak:
            weak_edges.append((second, first) if first_weak else (first, second))
    parts = []
    for members in nx.connected_components(strong):
        if not any(kind_of(name) == NodeKind.SUSPECT for name in members):
            continue
        weak = frozenset(organisation for name, organisation in weak_edges if name in members)
        parts.append(_Part(frozenset(members), weak, source))
    return parts


def _numbered_parts(run: NetworkRun, allowed: set[frozenset[str]]) -> list[_Part]:
    """Every part of every stored network on the connections allowed, in the order
    ``msht networks`` numbers networks (largest first, then by smallest member): part
    ``n`` is the reader's network ``n``."""
    stored = run.networks.values_list("number", "edges").iterator(CHUNK)
    parts = [part for number, edges in stored for part in _parts_shown(edges, allowed, number)]
    parts.sort(key=lambda part: (-len(part.members), min(part.members)))
    return parts


def _of_kind(names: frozenset[str], kind: NodeKind) -> tuple[str, ...]:
    return tuple(sorted(name for name in names if kind_of(name) == kind))


def network_list_shown(actor: Actor, run: NetworkRun) -> list[NetworkShown]:
    """The run's networks as ``actor`` may see them (docs/pursue.md, Candidate networks).

    Each stored network keeps the connections the reader may see and splits into the
    connected parts that remain; the parts are numbered among the reader's own, largest
    first (as ``msht networks`` numbers them), so neither a join nor a network that only
    hidden intelligence makes leaves a trace. Referrals, Pursue activity and the
    organisations that met a part are those of its own victims and suspects.
    """
    require(actor, Action.SUSPECT_VIEW)
    parts = _numbered_parts(run, _connections_the_reader_may_see(actor))
    facts = (referral_count_by_person(), suspects_with_pursue_activity(), organisations_by_node())
    return [_network_shown(number, part, *facts) for number, part in enumerate(parts, start=1)]


def _network_shown(
    number: int,
    part: _Part,
    referrals: dict[str, int],
    pursued: set[str],
    met: dict[str, set[str]],
) -> NetworkShown:
    """A part as a list entry: its referrals, Pursue activity and the organisations that
    met it are those of its own victims and suspects, as ``msht networks`` counts them."""
    suspects = _of_kind(part.members, NodeKind.SUSPECT)
    victims = _of_kind(part.members, NodeKind.VICTIM)
    return NetworkShown(
        number=number,
        suspects=suspects,
        victims=victims,
        others=tuple(sorted((part.members | part.weak) - set(suspects) - set(victims))),
        referral_count=sum(referrals.get(victim, 0) for victim in victims),
        has_pursue_activity=any(suspect in pursued for suspect in suspects),
        organisations_met=tuple(
            sorted({code for name in part.members for code in met.get(name, ())})
        ),
    )


def network_missed_opportunities_shown(
    actor: Actor, networks: list[NetworkShown], *, minimum_referrals: int
) -> list[MissedOpportunityShown]:
    """Of the networks a reader sees (``network_list_shown``), those whose victims were
    referred ``minimum_referrals`` times or more and against whose suspects nothing has
    been recorded, with the directorates that met them (docs/pursue.md)."""
    require(actor, Action.SUSPECT_VIEW)
    missed = sorted(
        (
            network
            for network in networks
            if not network.has_pursue_activity and network.referral_count >= minimum_referrals
        ),
        key=lambda network: (-network.referral_count, network.number),
    )
    directorate_of = _directorate_by_organisation()
    return [
        MissedOpportunityShown(
            network, _directorates_met(network.organisations_met, directorate_of)
        )
        for network in missed
    ]


def _directorates_met(
    organisations_met: Iterable[str], directorate_of: Mapping[str, str]
) -> tuple[str, ...]:
    """The directorates among the organisations a network met, in order."""
    return tuple(sorted({directorate_of[c] for c in organisations_met if c in directorate_of}))


def _directorate_by_organisation() -> dict[str, str]:
    labels = dict(Directorate.choices)
    return {
        code: labels[directorate]
        for code, directorate in Organisation.objects.exclude(directorate="").values_list(
            "code", "directorate"
        )
    }


def suspect_ranking_list(actor: Actor | None, run: NetworkRun) -> QuerySet[SuspectRanking]:
    """The run's suspects, those reaching most victims first."""
    if actor is not None:
        require(actor, Action.SUSPECT_VIEW)
    return SuspectRanking.objects.filter(network__run=run).select_related("network")


def network_get(actor: Actor, run: NetworkRun, number: int) -> CandidateNetwork:
    require(actor, Action.SUSPECT_VIEW)
    return run.networks.get(number=number)


@dataclass(frozen=True)
class RankShown:
    """A suspect's place among the suspects of one network, ranked on the connections the
    reader may see (victims within two steps, then betweenness), never on the whole graph."""

    suspect: str
    position: int
    victims_connected: int
    centrality: float
    degree: int


@dataclass(frozen=True)
class NetworkView:
    """A network as one reader may see it: the connections known from sources they may
    read (suspect records, referrals, intelligence shared with them), and the ranking and
    counts worked out from those alone. Nothing on it says how much is left out, as that
    would reveal intelligence the reader may not know exists."""

    network: CandidateNetwork
    nodes: list[str]
    edges: list[tuple[str, str]]
    rankings: list[RankShown]
    referral_count: int
    has_pursue_activity: bool


def _node_keys(nodes: list[str], kind: NodeKind) -> tuple[list[uuid.UUID], list[int]]:
    """The entity ids and the unplaced record ids behind suspect or victim node keys."""
    entities, records = [], []
    for name in nodes:
        key_kind, _, identifier = name.removeprefix(f"{kind.value}:").partition("-")
        if key_kind == "entity" and is_uuid(identifier):
            entities.append(uuid.UUID(identifier))
        elif key_kind == "record" and identifier.isdigit():
            records.append(int(identifier))
    return entities, records


def _suspect_records_of(suspect_nodes: list[str]) -> QuerySet[SuspectRecord]:
    entities, records = _node_keys(suspect_nodes, NodeKind.SUSPECT)
    return SuspectRecord.objects.filter(Q(entity_id__in=entities) | Q(pk__in=records))


def _referral_count(victim_nodes: list[str]) -> int:
    """Referrals of the victims given, counted as the run counts them (one victim node is
    an entity's records, or one record linkage has not placed)."""
    entities, records = _node_keys(victim_nodes, NodeKind.VICTIM)
    return Referral.objects.filter(
        Q(person_record__entity_id__in=entities)
        | Q(person_record_id__in=records, person_record__entity__isnull=True)
    ).count()


def network_view(actor: Actor, run: NetworkRun, number: int) -> NetworkView:
    """One network as ``actor`` may see it, by the number the reader's list gives it
    (``network_list_shown``; DoesNotExist for a number the reader has not got).

    Phones, addresses, vehicles, victims and associations that only intelligence the
    reader may not see records are left out, so a handling code C report's contents never
    reach a network page of an organisation it does not name, and a stored network that
    only such a report joins is two networks, each with its own page. The suspects are
    ranked again on the connections shown (``network_rankings_shown``), and the referrals
    and Pursue activity are those of the victims and suspects shown: the run's stored
    figures are over the whole graph, so they would reveal what is left out.
    ``NetworkView.network`` is the network as this reader numbers it, not a stored row.
    """
    require(actor, Action.SUSPECT_VIEW)
    allowed = _connections_the_reader_may_see(actor)
    parts = _numbered_parts(run, allowed)
    if not 1 <= number <= len(parts):
        raise CandidateNetwork.DoesNotExist(number)
    part = parts[number - 1]
    kept = part.members | part.weak
    stored = network_get(actor, run, part.source)
    edges: list[tuple[str, str]] = [
        (first, second)
        for first, second in stored.edges
        if first in kept and second in kept and frozenset((first, second)) in allowed
    ]
    suspects = _of_kind(part.members, NodeKind.SUSPECT)
    victims = _of_kind(part.members, NodeKind.VICTIM)
    others = tuple(sorted(kept - set(suspects) - set(victims)))
    nodes = [*suspects, *victims, *others]
    return NetworkView(
        network=CandidateNetwork(
            run=run,
            number=number,
            suspects=list(suspects),
            victims=list(victims),
            others=list(others),
            edges=[list(edge) for edge in edges],
        ),
        nodes=nodes,
        edges=edges,
        rankings=network_rankings_shown(number, nodes, edges),
        referral_count=_referral_count(list(victims)),
        has_pursue_activity=PursueOutcome.objects.filter(
            suspect_record__in=_suspect_records_of(list(suspects))
        ).exists(),
    )


def network_rankings_shown(
    number: int, nodes: list[str], edges: list[tuple[str, str]]
) -> list[RankShown]:
    """The suspects of one network ranked on the graph a reader may see (docs/pursue.md,
    Ranking): the engine's ranking run on the shown nodes and edges alone, so a reader gets
    the ranking they would get if the intelligence they may not see did not exist."""
    members = NetworkMembers(
        number=number,
        suspects=tuple(name for name in nodes if kind_of(name) == NodeKind.SUSPECT),
        victims=tuple(name for name in nodes if kind_of(name) == NodeKind.VICTIM),
        others=tuple(
            name for name in nodes if kind_of(name) not in (NodeKind.SUSPECT, NodeKind.VICTIM)
        ),
        communities=(),
    )
    ranks = suspect_ranking(network_graph(edges), [members])
    return [
        RankShown(
            suspect=rank.suspect,
            position=position,
            victims_connected=rank.victims_connected,
            centrality=rank.centrality,
            degree=rank.degree,
        )
        for position, rank in enumerate(ranks, start=1)
    ]


def suspect_networks_shown(actor: Actor, node_key: str) -> tuple[list[NetworkShown], list[str]]:
    """The latest build's networks as ``actor`` may see them that hold the suspect
    ``node_key``, numbered as the reader's list numbers them (so the links lead to the same
    pages), and the victims next to the suspect in them on the connections shown."""
    require(actor, Action.SUSPECT_VIEW)
    latest = NetworkRun.objects.first()
    networks: list[NetworkShown] = []
    victims: set[str] = set()
    if latest is None or not any(
        node_key in suspects for suspects in latest.networks.values_list("suspects", flat=True)
    ):
        return networks, []
    allowed = _connections_the_reader_may_see(actor)
    parts = _numbered_parts(latest, allowed)
    facts = (
        referral_count_by_person(),
        suspects_with_pursue_activity(),
        organisations_by_node(),
    )
    for number, part in enumerate(parts, start=1):
        if node_key in part.members:
            networks.append(_network_shown(number, part, *facts))
            stored = latest.networks.get(number=part.source)
            edges = [(a, b) for a, b in stored.edges if frozenset((a, b)) in allowed]
            victims.update(_adjacent_victims(edges, node_key))
    return networks, sorted(victims)


def is_uuid(text: str) -> bool:
    """Whether a suspect or victim key's identifier is an entity id (``entity-<uuid>``)."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _adjacent_victims(edges: list[tuple[str, str]], suspect: str) -> list[str]:
    return [
        other
        for first, second in edges
        for this, other in ((first, second), (second, first))
        if this == suspect and other.startswith("victim:")
    ]
