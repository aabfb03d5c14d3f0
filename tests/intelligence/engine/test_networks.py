"""Network construction and ranking on a hand-built world."""

from __future__ import annotations

import pytest

from msht.intelligence.engine.networks import (
    NodeKind,
    candidate_networks,
    network_graph,
    network_of_suspect,
    node,
    normalise_address,
    normalise_phone,
    normalise_vehicle,
    planted_network_recovery,
    suspect_ranking,
)

S = NodeKind.SUSPECT
V = NodeKind.VICTIM


def _world() -> list[tuple[str, str]]:
    """Two networks and a lone suspect.

    North: controller c1 runs recruiters r1 and r2 (one phone shared with c1, one
    co-mentioned in a report) and three victims reached through them; c1's car is
    seen at a house where a fourth victim lives.
    South: s1 and s2 share an address and one victim.
    Both networks are named beside the same car wash, which must not join them.
    """
    phone = node(NodeKind.PHONE, "07700900123")
    car = node(NodeKind.VEHICLE, "AB12CDE")
    house = node(NodeKind.ADDRESS, "12 LS1 4AB")
    wash = node(NodeKind.ORGANISATION, "STAR HAND CAR WASH")
    return [
        (node(S, "c1"), phone),
        (node(S, "r1"), phone),
        (node(S, "c1"), node(S, "r2")),
        (node(S, "r1"), node(V, "v1")),
        (node(S, "r1"), node(V, "v2")),
        (node(S, "r2"), node(V, "v3")),
        (node(S, "c1"), car),
        (car, house),
        (house, node(V, "v4")),
        (node(S, "c1"), wash),
        (node(S, "s1"), node(NodeKind.ADDRESS, "3 M1 1AA")),
        (node(S, "s2"), node(NodeKind.ADDRESS, "3 M1 1AA")),
        (node(S, "s2"), node(V, "v5")),
        (node(S, "s2"), wash),
        (node(S, "lone"), node(S, "lone")),  # a self-pair adds nothing
        (node(S, "lone"), node(NodeKind.PHONE, "07700900999")),
    ]


def test_components_are_the_networks_and_organisations_do_not_join_them() -> None:
    networks = candidate_networks(network_graph(_world()))

    assert [n.suspects for n in networks] == [
        (node(S, "c1"), node(S, "r1"), node(S, "r2")),
        (node(S, "s1"), node(S, "s2")),
        (node(S, "lone"),),
    ]
    assert networks[0].victims == tuple(node(V, v) for v in ("v1", "v2", "v3", "v4"))
    # The car wash shows on both networks it touches, joining neither.
    assert node(NodeKind.ORGANISATION, "STAR HAND CAR WASH") in networks[0].others
    assert node(NodeKind.ORGANISATION, "STAR HAND CAR WASH") in networks[1].others
    # Every strong node once: 3 suspects, 4 victims, the phone, the car and the house.
    assert sum(len(c) for c in networks[0].communities) == 10


def test_ranking_puts_the_suspects_who_reach_most_victims_first() -> None:
    graph = network_graph(_world())
    ranking = suspect_ranking(graph, candidate_networks(graph))

    by_suspect = {rank.suspect: rank for rank in ranking}
    assert by_suspect[node(S, "r1")].victims_connected == 2
    # c1 reaches v3 through r2; v1 and v2 (via phone, r1) and v4 (via car, house) are 3 steps.
    assert by_suspect[node(S, "c1")].victims_connected == 1
    assert ranking[0].suspect == node(S, "r1")
    assert by_suspect[node(S, "c1")].degree == 3  # phone, r2, car (the car wash is weak)
    # The controller is the broker every path through the north network crosses.
    north = [rank for rank in ranking if rank.network == 1]
    assert max(north, key=lambda rank: rank.centrality).suspect == node(S, "c1")
    assert by_suspect[node(S, "lone")].victims_connected == 0


@pytest.mark.parametrize(
    ("written", "expected"),
    [("+44 7700 900123", "07700900123"), ("07700-900123", "07700900123")],
)
def test_phone_numbers_are_compared_as_written_nationally(written: str, expected: str) -> None:
    assert normalise_phone(written) == expected


def test_addresses_compare_by_house_number_and_postcode() -> None:
    assert normalise_address("12 High Rd, Leeds, LS1 4AB") == normalise_address(
        "12, High Road, LEEDS LS14AB"
    )
    assert normalise_address("12 High Rd, Leeds, LS1 4AB") != normalise_address(
        "14 High Rd, Leeds, LS1 4AB"
    )
    assert normalise_vehicle("ab12 cde") == "AB12CDE"


def test_recovery_counts_planted_networks_found_whole_split_or_merged() -> None:
    graph = network_graph(_world())
    networks = candidate_networks(graph)
    truth = {
        node(S, "c1"): "north",
        node(S, "r1"): "north",
        node(S, "r2"): "north",
        node(S, "s1"): "south",
        node(S, "s2"): "east",  # planted apart but found together: both merged
        node(S, "lone"): "west",
    }

    recovery = planted_network_recovery(network_of_suspect(networks), truth)

    assert (recovery.planted, recovery.whole, recovery.split, recovery.merged) == (4, 2, 0, 2)
    assert recovery.share_whole == 0.5
    split_truth = {**truth, node(S, "lone"): "north"}  # north now spans two candidates
    assert planted_network_recovery(network_of_suspect(networks), split_truth).split == 1
