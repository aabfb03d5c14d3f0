"""Recording variation and missingness: what the truth says was done, at the stated rates."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from msht.synth.engine import Missingness, Variation, schema
from msht.synth.engine.population import FAMILY, GIVEN, MIDDLE, NATIONALITY_INDEX
from msht.synth.engine.recording import date_parts, record_births, record_names, typo
from tests.synth.truth import Truthful, with_truth


@pytest.fixture(scope="module")
def world(calibration_world: Path) -> Truthful:
    return with_truth(calibration_world)


# Field of referrals.csv, field of truth_people.csv, and the missingness parameter.
FIELDS = [
    ("given_names", "given_names", "given_names"),
    ("family_name", "family_name", "family_name"),
    ("nationalities", "nationality", "nationality"),
    ("phone_numbers", "phone", "phone"),
    ("address_lines", "address", "address"),
    ("home_office_reference", "home_office_reference", "home_office_reference"),
    ("pnc_id", "pnc_id", "pnc_id"),
    ("passport_number", "passport_number", "passport_number"),
]


@pytest.mark.parametrize(("recorded", "true", "parameter"), FIELDS)
def test_missingness_in_the_truth_agrees_with_the_parameter(
    world: Truthful, recorded: str, true: str, parameter: str
) -> None:
    """Among referrals whose person has the value, the blank share is the parameter
    (within four binomial standard errors of the sample it is measured on)."""
    expected = getattr(Missingness(), parameter)
    has_value = [
        referral
        for referral in world.referrals
        if world.people[world.truth[referral["reference"]]["person_id"]][true]
    ]
    blanks = sum(1 for referral in has_value if not referral[recorded])
    n = len(has_value)
    assert n > 1000
    assert abs(blanks / n - expected) <= 4 * math.sqrt(expected * (1 - expected) / n)


def test_gender_and_birth_date_missingness_agree_with_the_parameters(world: Truthful) -> None:
    n = len(world.referrals)
    gender = sum(1 for r in world.referrals if r["gender"] == "not_known") / n
    expected = Missingness().gender
    assert abs(gender - expected) <= 4 * math.sqrt(expected * (1 - expected) / n)
    known = [r for r in world.referrals if r["age_group_at_exploitation"] != "not_known"]
    blank = sum(1 for r in known if not r["birth_year"]) / len(known)
    expected = Missingness().birth_date
    assert abs(blank - expected) <= 4 * math.sqrt(expected * (1 - expected) / len(known))
    unknown_age = [r for r in world.referrals if r["age_group_at_exploitation"] == "not_known"]
    assert all(not r["birth_year"] for r in unknown_age)


def test_the_truth_lists_the_fields_left_blank(world: Truthful) -> None:
    for referral in world.referrals[:3000]:
        missing = set(filter(None, world.truth[referral["reference"]]["missing_fields"].split(";")))
        assert ("phone" in missing) == (not referral["phone_numbers"])
        assert ("given_names" in missing) == (not referral["given_names"])


def test_recorded_birth_dates_match_the_truth_as_the_variation_says(world: Truthful) -> None:
    counts: dict[str, int] = {}
    for referral in world.referrals:
        truth = world.truth[referral["reference"]]
        person = world.people[truth["person_id"]]
        kind = truth["birth_date_variation"]
        counts[kind] = counts.get(kind, 0) + 1
        year, month, day = (int(part) for part in person["birth_date"].split("-"))
        if kind == "exact":
            assert (referral["birth_year"], referral["birth_month"], referral["birth_day"]) == (
                str(year),
                str(month),
                str(day),
            )
        elif kind == "year_only":
            assert referral["birth_year"] == str(year)
            assert not referral["birth_month"]
        elif kind == "estimated":
            assert referral["birth_date_is_estimated"] == "true"
            assert abs(int(referral["birth_year"]) - year) <= 2
    assert {"exact", "year_only", "year_month", "estimated", "missing"} <= set(counts)


def test_names_are_varied_and_the_truth_says_how(world: Truthful) -> None:
    variations = [row["name_variation"] for row in world.truth.values()]
    assert any("transliteration" in v for v in variations)
    assert any("typo" in v for v in variations)
    assert any("swapped" in v for v in variations)
    assert variations.count("none") > len(variations) / 2


def test_households_share_family_name_address_and_phone(world: Truthful) -> None:
    households: dict[str, list[dict[str, str]]] = {}
    for person in world.people.values():
        if person["household_id"]:
            households.setdefault(person["household_id"], []).append(person)
    assert len(households) > 100
    for members in households.values():
        assert len({(m["family_name"], m["address"], m["phone"]) for m in members}) == 1
        assert len({m["person_id"] for m in members}) == len(members)


def test_hidden_victims_are_known_only_to_the_truth(
    calibration_world: Path, world: Truthful
) -> None:
    hidden = {pid for pid, person in world.people.items() if person["status"] == "hidden"}
    referred = {row["person_id"] for row in world.truth.values()}
    assert len(hidden) > len(referred)
    assert hidden.isdisjoint(referred)
    for spec in schema.STORE_FILES:
        text = (calibration_world / spec.name).read_text(encoding="utf-8")
        assert "PERSON-" not in text
        assert "HOUSEHOLD-" not in text


def test_transliterated_spellings_come_from_the_variant_list() -> None:
    index = np.array([list(GIVEN.names).index("Mohammed")] * 400)
    people = {
        "given": index,
        "middle": np.zeros(400, dtype=np.int64),
        "family": np.full(400, list(FAMILY.names).index("Ahmed")),
        "nationality": np.full(400, NATIONALITY_INDEX["SDN"]),
        "gender": np.zeros(400, dtype=np.int64),
    }
    variation = Variation(typo=0, name_order_swapped=0, family_name_upper_case=0, alias=0)
    names = record_names(np.random.default_rng(4), people, variation, Missingness(given_names=0))
    assert {"Mohammed", "Muhammad", "Mohamed"} <= set(names.given)


def test_vietnamese_names_swap_into_both_orders() -> None:
    people = {
        "given": np.full(200, list(GIVEN.names).index("An")),
        "middle": np.full(200, list(MIDDLE.names).index("Van")),
        "family": np.full(200, list(FAMILY.names).index("Nguyen")),
        "nationality": np.full(200, NATIONALITY_INDEX["VNM"]),
        "gender": np.zeros(200, dtype=np.int64),
    }
    variation = Variation(
        transliteration=0, typo=0, name_order_swapped=0.5, family_name_upper_case=0, alias=0
    )
    missing = Missingness(given_names=0, family_name=0)
    names = record_names(np.random.default_rng(5), people, variation, missing)
    pairs = set(zip(names.given, names.family, strict=True))
    assert ("Van An", "Nguyen") in pairs
    assert ("Nguyen Van", "An") in pairs


def test_a_typo_changes_one_letter_position() -> None:
    assert typo("Hussein", 0.1, 0.5) != "Hussein"
    assert len(typo("Hussein", 0.3, 0.5)) == len("Hussein") - 1
    assert len(typo("Hussein", 0.6, 0.5)) == len("Hussein") + 1
    assert typo("Al", 0.9, 0.5) == "Al"


def test_day_month_swaps_only_where_the_day_could_be_a_month() -> None:
    births = np.array([11_000, 11_020, 11_030], dtype=np.int64)
    years, months, days = date_parts(births)
    variation = Variation(
        birth_date_estimated=0,
        birth_date_year_only=0,
        birth_date_year_month=0,
        birth_day_month_swapped=1,
    )
    recorded = record_births(np.random.default_rng(1), births, np.ones(3, dtype=bool), variation, 0)
    for i in range(3):
        swapped = recorded.variation[i] == "day_month_swapped"
        assert swapped == (days[i] <= 12 and days[i] != months[i])
        assert recorded.year[i] == str(years[i])
