"""Reads of the Pursue strand: the evidence that builds the perpetrator network graph."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db.models import Count, Q, QuerySet

from msht.accounts.models import Directorate, Organisation
from msht.accounts.rules import (
    PERMISSION_DENIED,
    Action,
    Actor,
    can,
    intelligence_visible_to,
    require,
)
from msht.core.errors import PermissionDeniedError
from msht.intelligence.engine.networks import (
    CandidateNetwork as NetworkMembers,
)
from msht.intelligence.engine.networks import (
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
from msht.intelligence.models import (
    CandidateNetwork,
    IntelligenceReport,
    NetworkRun,
    PursueOutcome,
    PursueOutcomeType,
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


def network_list(actor: Actor, run: NetworkRun) -> QuerySet[CandidateNetwork]:
    require(actor, Action.SUSPECT_VIEW)
    return run.networks.all()


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
    labels = dict(Directorate.choices)
    directorate_of = {
        code: labels[directorate]
        for code, directorate in Organisation.objects.exclude(directorate="").values_list(
            "code", "directorate"
        )
    }
    return [
        MissedOpportunity(
            network,
            tuple(
                sorted(
                    {directorate_of[c] for c in network.organisations_met if c in directorate_of}
                )
            ),
        )
        for network in missed
    ]


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
        if key_kind == "entity" and _is_uuid(identifier):
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


def _edges_the_reader_may_see(actor: Actor, network: CandidateNetwork) -> set[frozenset[str]]:
    """Every connection among the network's members that a source the reader may see makes.

    Suspect records and the referrals linked to them are for every investigator; reports
    count when ``intelligence_visible_to`` lets the reader see them. A report that connects
    to this network names one of its suspects or names no suspect at all.
    """
    seen: set[frozenset[str]] = set()
    records = _suspect_records_of(list(network.suspects))
    for record in records.prefetch_related("linked_referrals__person_record"):
        suspect = _suspect(record.pk, record.entity_id)
        for thing in _things(record.phone_numbers, record.addresses, record.vehicles):
            seen.add(frozenset((suspect, thing)))
        for referral in record.linked_referrals.all():
            person = referral.person_record
            seen.add(frozenset((suspect, _victim(person.pk, person.entity_id))))
    connected = IntelligenceReport.objects.filter(
        Q(pk__in=IntelligenceReport.objects.filter(suspects__in=records).values("pk"))
        | Q(suspects__isnull=True)
    )
    visible = intelligence_visible_to(actor, connected).prefetch_related("suspects", "persons")
    for report in visible.iterator(CHUNK):
        seen.update(frozenset(pair) for pair in combinations(_report_nodes(report), 2))
    return seen


def network_view(actor: Actor, run: NetworkRun, number: int) -> NetworkView:
    """One network of the run as ``actor`` may see it (DoesNotExist for an unknown number).

    Phones, addresses, vehicles, victims and associations that only intelligence the
    reader may not see records are left out, so a handling code C report's contents never
    reach a network page of an organisation it does not name. The suspects are ranked
    again on the connections shown (``network_rankings_shown``), and the referrals and
    Pursue activity are those of the victims and suspects shown: the run's stored figures
    are over the whole graph, so they would reveal what is left out.
    """
    network = network_get(actor, run, number)
    edges = _edges_shown(actor, network)
    shown = {name for edge in edges for name in edge}
    members = [*network.suspects, *network.victims, *network.others]
    nodes = [name for name in members if name in shown]
    suspects = [name for name in network.suspects if name in shown]
    return NetworkView(
        network=network,
        nodes=nodes,
        edges=edges,
        rankings=network_rankings_shown(network.number, nodes, edges),
        referral_count=_referral_count([name for name in network.victims if name in shown]),
        has_pursue_activity=PursueOutcome.objects.filter(
            suspect_record__in=_suspect_records_of(suspects)
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


@dataclass(frozen=True)
class SuspectProfile:
    """Everything known about one suspect across agencies, as the reader may see it."""

    key: str
    records: list[SuspectRecord]
    intelligence: list[IntelligenceReport]
    outcomes: list[PursueOutcome]
    victims_connected: list[str]
    networks: list[CandidateNetwork]


def suspect_profile(actor: Actor, key: str) -> SuspectProfile:
    """A suspect by node key (``entity-<uuid>`` or ``record-<id>``): every record of the
    entity, the intelligence naming any of them that the reader may see, the Pursue
    outcomes, and the victims connected as pseudonymous keys (investigators do not see
    victims' records). Reading the records is audited by the caller's service."""
    require(actor, Action.SUSPECT_VIEW)
    kind, _, identifier = key.partition("-")
    records = SuspectRecord.objects.select_related("source_organisation", "nationality")
    if kind == "entity" and _is_uuid(identifier):
        chosen = list(records.filter(entity_id=uuid.UUID(identifier)).order_by("pk"))
    elif kind == "record" and identifier.isdigit():
        chosen = list(records.filter(pk=int(identifier), entity__isnull=True))
    else:
        chosen = []
    if not chosen:
        raise SuspectRecord.DoesNotExist(key)
    visible = intelligence_visible_to(
        actor, IntelligenceReport.objects.filter(suspects__in=chosen)
    ).select_related("originating_organisation")
    outcomes = PursueOutcome.objects.filter(suspect_record__in=chosen).select_related("agency")
    node_key = f"suspect:{key}"
    latest = NetworkRun.objects.first()
    networks = (
        [n for n in latest.networks.all() if node_key in n.suspects] if latest is not None else []
    )
    victims = sorted(
        {
            victim
            for network in networks
            for victim in _adjacent_victims(_edges_shown(actor, network), node_key)
        }
    )
    return SuspectProfile(
        key=key,
        records=chosen,
        intelligence=list(visible.distinct().order_by("-received_on")),
        outcomes=list(outcomes),
        victims_connected=victims,
        networks=networks,
    )


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _edges_shown(actor: Actor, network: CandidateNetwork) -> list[tuple[str, str]]:
    allowed = _edges_the_reader_may_see(actor, network)
    return [(a, b) for a, b in network.edges if frozenset((a, b)) in allowed]


def _adjacent_victims(edges: list[tuple[str, str]], suspect: str) -> list[str]:
    return [
        other
        for first, second in edges
        for this, other in ((first, second), (second, first))
        if this == suspect and other.startswith("victim:")
    ]


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


def pursue_outcome_counts(actor: Actor) -> list[OutcomeCount]:
    """Outcomes by agency, directorate and type (counts only: governance and investigators)."""
    if not (can(actor, Action.SUSPECT_VIEW) or can(actor, Action.GOVERNANCE_VIEW)):
        raise PermissionDeniedError(PERMISSION_DENIED)
    labels = dict(Directorate.choices)
    rows = (
        PursueOutcome.objects.values("agency__name", "agency__directorate", "outcome_type")
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
