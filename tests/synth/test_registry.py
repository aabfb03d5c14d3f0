"""Repeat referrals: the share is the parameter, and the truth says who is who."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from msht.synth.engine import SynthParameters
from msht.synth.engine.registry import Registry
from tests.synth.truth import Truthful, with_truth


@pytest.fixture(scope="module")
def world(calibration_world: Path) -> Truthful:
    return with_truth(calibration_world)


def test_the_repeat_share_in_the_truth_agrees_with_the_parameter(world: Truthful) -> None:
    """Within four binomial standard errors: at 30,000 referrals, about 0.6 points."""
    expected = SynthParameters().repeat_share
    n = len(world.referrals)
    repeats = sum(1 for row in world.truth.values() if row["is_repeat"] == "true")
    assert abs(repeats / n - expected) <= 4 * math.sqrt(expected * (1 - expected) / n)


def test_a_repeat_refers_a_person_referred_before_and_only_then(world: Truthful) -> None:
    seen: set[str] = set()
    for referral in world.referrals:
        truth = world.truth[referral["reference"]]
        assert (truth["is_repeat"] == "true") == (truth["person_id"] in seen)
        seen.add(truth["person_id"])


def test_counting_referrals_overstates_people(world: Truthful) -> None:
    people = {row["person_id"] for row in world.truth.values()}
    repeats = sum(1 for row in world.truth.values() if row["is_repeat"] == "true")
    assert len(people) == len(world.referrals) - repeats
    assert len(people) < 0.96 * len(world.referrals)


def test_a_repeat_keeps_the_persons_nationality_gender_and_age_group(world: Truthful) -> None:
    for referral in world.referrals:
        truth = world.truth[referral["reference"]]
        person = world.people[truth["person_id"]]
        assert referral["age_group_at_exploitation"] == person["age_group"]
        if referral["nationalities"]:
            assert referral["nationalities"] == person["nationality"]


def test_the_same_person_is_recorded_differently_by_different_agencies(world: Truthful) -> None:
    by_person: dict[str, list[dict[str, str]]] = {}
    for referral in world.referrals:
        by_person.setdefault(world.truth[referral["reference"]]["person_id"], []).append(referral)
    repeated = [rows for rows in by_person.values() if len(rows) > 1]
    differing_names = sum(
        1 for rows in repeated if len({(r["given_names"], r["family_name"]) for r in rows}) > 1
    )
    differing_agencies = sum(
        1 for rows in repeated if len({r["first_responder_organisation"] for r in rows}) > 1
    )
    assert differing_names > 0.3 * len(repeated)
    assert differing_agencies > 0.8 * len(repeated)


def test_the_first_referral_of_a_group_is_never_a_repeat() -> None:
    registry = Registry()
    days = np.array([10, 11, 12], dtype=np.int64)
    rows, repeat = registry.assign(
        np.random.default_rng(1), days, np.array([5, 5, 6]), np.ones(3, dtype=bool)
    )
    assert repeat.tolist() == [False, True, False]
    assert rows.tolist() == [0, 0, 1]
