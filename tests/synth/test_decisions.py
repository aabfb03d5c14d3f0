"""Decisions: deadlines by the working-day rule, the recovery period, and dates in order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import numpy as np

from msht.core.calendar import add_working_days as core_add_working_days
from msht.core.reference import UkNation
from msht.synth.engine.decisions import recovery_days
from msht.synth.engine.workdays import NATIONS, add_working_days, day_number
from tests.synth.conftest import read_csv


def test_working_days_agree_with_the_core_calendar() -> None:
    rng = np.random.default_rng(8)
    starts = rng.integers(day_number(dt.date(2017, 1, 1)), day_number(dt.date(2025, 1, 1)), 300)
    counts = rng.integers(0, 30, 300)
    nations = rng.integers(0, 4, 300)
    ours = add_working_days(starts, counts, nations)
    for start, count, nation, result in zip(starts, counts, nations, ours, strict=True):
        day = dt.date(1970, 1, 1) + dt.timedelta(days=int(start))
        expected = core_add_working_days(day, int(count), UkNation(NATIONS[int(nation)]))
        assert dt.date(1970, 1, 1) + dt.timedelta(days=int(result)) == expected


def test_the_recovery_period_follows_the_dated_policy() -> None:
    days = np.array([day_number(dt.date(2022, 12, 12)), day_number(dt.date(2022, 12, 13))] * 2)
    nations = np.array([0, 0, 2, 3])
    assert recovery_days(days, nations).tolist() == [45, 30, 90, 45]


def test_rg_deadlines_are_five_working_days_after_referral(small_world: Path) -> None:
    referrals = {row["reference"]: row for row in read_csv(small_world, "referrals.csv")}
    for decision in read_csv(small_world, "decisions.csv"):
        if decision["stage"] != "rg":
            continue
        referral = referrals[decision["referral_reference"]]
        expected = core_add_working_days(
            dt.date.fromisoformat(referral["referred_on"]), 5, UkNation(referral["nation"])
        )
        assert decision["deadline"] == expected.isoformat()
        assert decision["started_on"] == referral["referred_on"]


def test_every_referral_has_one_rg_and_cg_follows_only_a_positive_rg(small_world: Path) -> None:
    stages: dict[str, list[dict[str, str]]] = defaultdict(list)
    for decision in read_csv(small_world, "decisions.csv"):
        stages[decision["referral_reference"]].append(decision)
    referrals = read_csv(small_world, "referrals.csv")
    for referral in referrals:
        decisions = stages[referral["reference"]]
        rg = [d for d in decisions if d["stage"] == "rg"]
        cg = [d for d in decisions if d["stage"] == "cg"]
        assert len(rg) == 1
        positive = rg[0]["outcome"] == "positive" or any(
            d["stage"] == "rg_reconsideration" and d["outcome"] == "positive" for d in decisions
        )
        assert len(cg) == (1 if positive else 0)
        for decision in cg:
            assert decision["started_on"] > rg[0]["decided_on"]
            if decision["decided_on"]:
                assert decision["decided_on"] >= decision["started_on"]
        for decision in decisions:
            assert (decision["outcome"] == "") == (decision["decided_on"] == "")
            assert decision["decided_on"] <= "2024-12-31"


def test_negative_cg_decisions_since_2019_go_to_the_panel(small_world: Path) -> None:
    for decision in read_csv(small_world, "decisions.csv"):
        expected = (
            decision["stage"] == "cg"
            and decision["outcome"] == "negative"
            and decision["decided_on"] >= "2019-04-29"
        )
        assert (decision["multi_agency_panel_reviewed"] == "true") == expected


def test_decisions_are_made_by_the_competent_authority_of_their_time(small_world: Path) -> None:
    for decision in read_csv(small_world, "decisions.csv"):
        when = decision["decided_on"] or "2024-12-31"
        if when >= "2019-04-29":
            assert decision["decision_making_unit"] in {
                "single-competent-authority",
                "immigration-enforcement-competent-authority",
            }
        else:
            assert decision["decision_making_unit"] in {"nca", "ukvi"}
