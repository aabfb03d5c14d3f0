"""The planted decision bias (issue 8): off by default, exact in size when on, and found
by decision monitoring when planted in the synth decision engine."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from msht.fairness.engine.monitoring import monitor
from msht.synth.engine import calibration as cal
from msht.synth.engine import organisations as orgs
from msht.synth.engine.decisions import (
    ConclusiveGroundsQueue,
    DecisionBias,
    DecisionLog,
    reasonable_grounds,
)
from msht.synth.engine.parameters import BIAS_KNOBS, SynthParameters
from msht.synth.engine.referrals import IMMIGRATION_STATUSES
from msht.synth.engine.workdays import day_number

DETAINED = "immigration_detention"
IECA_CODE = "immigration-enforcement-competent-authority"


def _biased(odds_ratio: str = "0.5") -> SynthParameters:
    return SynthParameters().with_overrides(
        {
            "bias_unit": IECA_CODE,
            "bias_immigration_status": DETAINED,
            "bias_odds_ratio": odds_ratio,
        }
    )


def test_without_a_bias_the_manifest_and_world_identity_are_as_before() -> None:
    data = SynthParameters().as_dict()
    assert not set(BIAS_KNOBS) & set(data)
    assert DecisionBias.from_parameters(SynthParameters()) is None
    # A unit named with a ratio of 1 plants nothing either.
    assert DecisionBias.from_parameters(_biased("1")) is None


def test_the_bias_is_set_from_the_command_line_and_recorded_in_the_manifest() -> None:
    parameters = _biased()
    assert (parameters.bias_unit, parameters.bias_odds_ratio) == (IECA_CODE, 0.5)
    assert parameters.as_dict()["bias_immigration_status"] == DETAINED
    bias = DecisionBias.from_parameters(parameters)
    assert bias == DecisionBias(
        unit=orgs.IECA, immigration_status=IMMIGRATION_STATUSES.index(DETAINED), odds_ratio=0.5
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bias_unit": "no-such-unit", "bias_immigration_status": DETAINED}, "organisation"),
        ({"bias_unit": IECA_CODE, "bias_immigration_status": "jailed"}, "is not one of"),
    ],
)
def test_an_unknown_unit_or_status_is_refused(overrides: dict[str, str], message: str) -> None:
    parameters = SynthParameters().with_overrides({**overrides, "bias_odds_ratio": "0.5"})
    with pytest.raises(ValueError, match=message):
        DecisionBias.from_parameters(parameters)


@pytest.mark.parametrize(
    "change",
    [
        {"bias_odds_ratio": 0.0},
        {"bias_unit": IECA_CODE},
        {"bias_immigration_status": DETAINED},
    ],
)
def test_impossible_bias_settings_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        dataclasses.replace(SynthParameters(), **change)  # type: ignore[arg-type]


def test_the_bias_multiplies_the_odds_of_the_affected_cases_only() -> None:
    bias = DecisionBias(unit=orgs.IECA, immigration_status=4, odds_ratio=0.5)
    rate = np.array([0.6, 0.6, 0.6, 0.8])
    unit = np.array([orgs.IECA, orgs.IECA, orgs.SCA, orgs.IECA])
    status = np.array([4, 3, 4, 4])
    biased = bias.apply(rate, unit, status)
    odds = biased / (1 - biased)
    assert odds[0] == pytest.approx(0.5 * 0.6 / 0.4)
    assert odds[3] == pytest.approx(0.5 * 0.8 / 0.2)
    assert biased[1:3].tolist() == [0.6, 0.6]


def _decisions(bias: DecisionBias | None, referrals: int = 60_000) -> pd.DataFrame:
    """Run the synth RG and CG engine over referrals of 2021-2024 split between two units."""
    rng = np.random.default_rng(17)
    first, end = day_number(dt.date(2021, 11, 1)), day_number(dt.date(2024, 12, 31))
    days = np.sort(rng.integers(first, end - 200, referrals)).astype(np.int64)
    authority = np.where(rng.random(referrals) < 0.5, orgs.IECA, orgs.SCA).astype(np.int64)
    statuses = np.where(rng.random(referrals) < 0.5, 4, 3).astype(np.int64)
    log = DecisionLog("bias")
    scale = 3 * referrals / sum(f.value for f in cal.REFERRALS_PER_YEAR.values())
    queue = ConclusiveGroundsQueue(rng, log, start=first, scale=scale, bias=bias)
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    reasonable_grounds(
        rng,
        log,
        queue,
        referral=np.arange(1, referrals + 1, dtype=np.int64),
        days=days,
        years=years,
        nations=np.zeros(referrals, dtype=np.int64),
        authority=authority,
        end=end,
        immigration_status=statuses,
    )
    queue.close(end)
    rows = pd.DataFrame(log.drain())
    number = rows["referral_reference"].str.rsplit("-", n=1).str[-1].astype(int) - 1
    return pd.DataFrame(
        {
            "stage": rows["stage"],
            "outcome": rows["outcome"],
            "started_on": pd.to_datetime(rows["started_on"]),
            "decided_on": pd.to_datetime(rows["decided_on"].replace("", None)),
            "unit": rows["decision_making_unit"],
            "nationality": "Not known",
            "immigration_status": np.array(IMMIGRATION_STATUSES)[statuses[number]],
            "referring_organisation_type": "Not known",
            "exploitation_type": "Not known",
            "age_group": "Not known",
            "gender": "Not known",
            "nation": "England",
        }
    )


def _planted(frame: pd.DataFrame) -> list[str]:
    report = monitor(frame, period_start=dt.date(2022, 1, 1), period_end=dt.date(2024, 12, 31))
    return [
        f.sentence
        for f in report.findings
        if f.measure == "positive rate" and f.level == IECA_CODE and f.within.endswith(DETAINED)
    ]


def test_monitoring_finds_a_bias_planted_in_the_synth_decision_engine() -> None:
    frame = _decisions(DecisionBias.from_parameters(_biased()))
    affected = (
        (frame["stage"] == "cg")
        & frame["outcome"].isin(["positive", "negative"])
        & (frame["unit"] == IECA_CODE)
        & (frame["immigration_status"] == DETAINED)
    )
    assert affected.sum() >= 2000
    found = _planted(frame)
    assert len(found) == 1
    assert found[0].startswith(f"Conclusive Grounds decisions by {IECA_CODE} for people")


def test_the_same_engine_without_the_bias_raises_no_such_finding() -> None:
    assert _planted(_decisions(None)) == []


def _cg_positive_rate(world: Path) -> tuple[float, int]:
    """The positive CG rate of detained people decided by the IECA, and how many there are."""
    referrals = pd.read_csv(world / "referrals.csv", usecols=["reference", "immigration_status"])
    decisions = pd.read_csv(world / "decisions.csv")
    cg = decisions[(decisions["stage"] == "cg") & decisions["outcome"].notna()]
    cg = cg.merge(referrals, left_on="referral_reference", right_on="reference")
    by_ieca = cg["decision_making_unit"] == IECA_CODE
    affected = cg[by_ieca & (cg["immigration_status"] == DETAINED)]
    return float((affected["outcome"] == "positive").mean()), len(affected)


@pytest.mark.slow
def test_a_whole_world_carries_the_planted_bias(tmp_path: Path) -> None:
    from msht.synth.engine import generate_world

    generate_world(tmp_path / "fair", referrals=30_000, seed=3)
    generate_world(tmp_path / "biased", referrals=30_000, seed=3, parameters=_biased("0.2"))

    fair_rate, fair_count = _cg_positive_rate(tmp_path / "fair")
    biased_rate, biased_count = _cg_positive_rate(tmp_path / "biased")
    print(
        f"detained people's CG by the IECA: positive {fair_rate:.1%} of {fair_count} "
        f"without the bias, {biased_rate:.1%} of {biased_count} with odds ratio 0.2"
    )
    assert fair_count > 50
    assert biased_rate < fair_rate - 0.1
