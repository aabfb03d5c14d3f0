"""Networks, suspect records by several agencies, graded intelligence and Pursue outcomes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from msht.synth.engine.perpetrators import ROLES, registration
from tests.synth.conftest import read_csv


@pytest.fixture(scope="module")
def records(calibration_world: Path) -> list[dict[str, str]]:
    return read_csv(calibration_world, "suspect_records.csv")


def test_suspects_have_roles_and_belong_to_networks(calibration_world: Path) -> None:
    suspects = read_csv(calibration_world, "truth_suspects.csv")
    networks = {row["network_id"] for row in read_csv(calibration_world, "truth_networks.csv")}
    assert {row["role"] for row in suspects} == set(ROLES)
    assert {row["network_id"] for row in suspects} == networks
    by_network = Counter(row["network_id"] for row in suspects)
    controllers = Counter(row["network_id"] for row in suspects if row["role"] == "controller")
    assert all(controllers[network] == 1 for network in by_network)


def test_the_same_suspect_is_recorded_by_several_agencies_differently(
    calibration_world: Path, records: list[dict[str, str]]
) -> None:
    truth = {
        row["suspect_record_reference"]: row["suspect_id"]
        for row in read_csv(calibration_world, "truth_suspect_records.csv")
    }
    by_suspect: dict[str, list[dict[str, str]]] = {}
    for record in records:
        by_suspect.setdefault(truth[record["source_reference"]], []).append(record)
    several = [
        rows for rows in by_suspect.values() if len({r["source_organisation"] for r in rows}) > 1
    ]
    assert len(several) > 50
    varied = [
        rows for rows in several if len({(r["given_names"], r["family_name"]) for r in rows}) > 1
    ]
    assert len(varied) > 0.2 * len(several)


def test_suspect_records_link_to_referrals_made_before(
    calibration_world: Path, records: list[dict[str, str]]
) -> None:
    references = {row["reference"] for row in read_csv(calibration_world, "referrals.csv")}
    for record in records:
        links = record["linked_referrals"].split(";")
        assert links
        assert set(links) <= references


def test_intelligence_is_graded_three_by_five_by_two(calibration_world: Path) -> None:
    reports = read_csv(calibration_world, "intelligence.csv")
    assert {r["source_evaluation"] for r in reports} == {"1", "2", "3"}
    assert {r["intelligence_assessment"] for r in reports} == set("ABCDE")
    assert {r["handling_code"] for r in reports} == {"P", "C"}
    for report in reports:
        if report["handling_code"] == "C":
            assert report["handling_conditions"]
            assert report["permitted_organisations"]
        else:
            assert not report["handling_conditions"]


def test_intelligence_names_only_records_and_victims_known_by_then(
    calibration_world: Path, records: list[dict[str, str]]
) -> None:
    referred_on = {
        r["reference"]: r["referred_on"] for r in read_csv(calibration_world, "referrals.csv")
    }
    record_refs = {r["source_reference"] for r in records}
    for report in read_csv(calibration_world, "intelligence.csv"):
        for reference in filter(None, report["suspect_records"].split(";")):
            assert reference in record_refs
        for reference in filter(None, report["persons"].split(";")):
            assert referred_on[reference] <= report["received_on"]


def test_pursue_outcomes_run_from_investigation_to_conviction_within_the_world(
    calibration_world: Path,
) -> None:
    outcomes = read_csv(calibration_world, "pursue_outcomes.csv")
    kinds = Counter(row["outcome_type"] for row in outcomes)
    assert kinds["investigation_opened"] > kinds["arrest"] / 2
    assert kinds["arrest"] > kinds["charge"] > kinds["conviction"] > 0
    assert all(row["occurred_on"] <= "2024-12-31" for row in outcomes)
    assert all(row["suspect_record"] or row["network_reference"] for row in outcomes)
    operations = {
        row["network_reference"] for row in read_csv(calibration_world, "truth_operations.csv")
    }
    assert {row["network_reference"] for row in outcomes if row["network_reference"]} <= operations


def test_registration_marks_look_like_uk_plates() -> None:
    mark = registration(123_456_789)
    assert len(mark) == 8
    assert mark[4] == " "
    assert mark[:2].isalpha()
    assert mark[2:4].isdigit()
    assert mark[5:].isalpha()
