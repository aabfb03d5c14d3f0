"""Monitoring finds a planted bias, stays quiet on unbiased worlds, and says why not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from msht.fairness.engine.monitoring import (
    DECISION_COLUMNS,
    MonitoringSettings,
    monitor,
)
from tests.fairness.simulate import END, START, STATUSES, UNITS, decision_table

BIASED_UNIT, BIASED_STATUS = UNITS[1], STATUSES[2]


def _affected(frame: pd.DataFrame) -> pd.Series:
    made = frame["outcome"].isin(["positive", "negative"]) & frame["decided_on"].between(
        pd.Timestamp(START), pd.Timestamp(END)
    )
    return made & (frame["unit"] == BIASED_UNIT) & (frame["immigration_status"] == BIASED_STATUS)


def test_a_planted_odds_ratio_of_one_half_is_found_with_2000_decisions_affected() -> None:
    frame = decision_table(
        np.random.default_rng(20),
        60_000,
        bias_unit=BIASED_UNIT,
        bias_status=BIASED_STATUS,
        odds_ratio=0.5,
    )
    assert _affected(frame).sum() >= 2000
    report = monitor(frame, period_start=START, period_end=END)
    found = [
        finding
        for finding in report.findings
        if finding.measure == "positive rate"
        and finding.level == BIASED_UNIT
        and finding.within.endswith(BIASED_STATUS)
    ]
    assert len(found) == 1
    finding = found[0]
    assert finding.lower is not None
    assert finding.upper is not None
    assert finding.lower < 0.5 < finding.upper
    assert finding.sentence.startswith(
        f"Conclusive Grounds decisions by {BIASED_UNIT} for people whose immigration status "
        f"was '{BIASED_STATUS}' were positive "
    )
    assert "adjusted odds ratio" in finding.sentence
    assert finding.q_value is not None
    assert finding.q_value <= MonitoringSettings().false_discovery_rate


def test_the_adjusted_estimate_agrees_with_statsmodels_run_directly_on_the_same_data() -> None:
    frame = decision_table(
        np.random.default_rng(21),
        20_000,
        bias_unit=BIASED_UNIT,
        bias_status=BIASED_STATUS,
        odds_ratio=0.5,
    )
    report = monitor(frame, period_start=START, period_end=END)
    comparison = next(
        c
        for c in report.comparisons
        if c.measure == "positive rate"
        and c.level == BIASED_UNIT
        and c.within.endswith(BIASED_STATUS)
    )
    made = frame[
        frame["outcome"].isin(["positive", "negative"])
        & frame["decided_on"].between(pd.Timestamp(START), pd.Timestamp(END))
        & (frame["immigration_status"] == BIASED_STATUS)
    ]
    controls = made[["exploitation_type", "age_group", "gender", "nation"]].assign(
        quarter=made["decided_on"].dt.to_period("Q").astype(str)
    )
    design = pd.get_dummies(controls, drop_first=True).astype(float)
    design.insert(0, "unit", (made["unit"] == BIASED_UNIT).astype(float))
    direct = sm.Logit((made["outcome"] == "positive").astype(float), sm.add_constant(design)).fit(
        disp=0
    )
    low, high = direct.conf_int().loc["unit"]
    assert comparison.ratio == pytest.approx(np.exp(direct.params["unit"]), rel=1e-6)
    assert comparison.lower == pytest.approx(np.exp(low), rel=1e-6)
    assert comparison.upper == pytest.approx(np.exp(high), rel=1e-6)


def test_raw_rates_differ_between_units_where_adjusted_comparisons_find_nothing() -> None:
    frame = decision_table(np.random.default_rng(22), 20_000)
    report = monitor(frame, period_start=START, period_end=END)
    table = next(t for t in report.tables if t.key == "cg|unit|")
    rates = {row.level: row.rate or 0.0 for row in table.rows}
    assert all(row.decisions for row in table.rows)
    # Case mix alone (more Scottish cases) lowers this unit's raw rate...
    assert rates[UNITS[1]] < rates[UNITS[0]] - 0.03
    # ...but other factors being equal it decides like the others.
    assert not [f for f in report.findings if f.factor == "unit"]


def test_groups_below_the_minimum_are_too_small_not_findings() -> None:
    frame = decision_table(np.random.default_rng(23), 4000)
    settings = MonitoringSettings(minimum_decisions=300)
    report = monitor(frame, period_start=START, period_end=END, settings=settings)
    small = report.too_small
    assert small
    for comparison in small:
        assert min(comparison.group_count, comparison.rest_count) < 300
        assert comparison.ratio is None
        assert comparison.q_value is None
    tested = [c for c in report.comparisons if c.status in {"finding", "no finding"}]
    assert all(min(c.group_count, c.rest_count) >= 300 for c in tested)


def test_wilson_intervals_in_the_tables_contain_their_rates() -> None:
    report = monitor(
        decision_table(np.random.default_rng(24), 3000), period_start=START, period_end=END
    )
    rows = [row for table in report.tables for row in table.rows if row.decisions]
    assert rows
    for row in rows:
        assert row.lower is not None
        assert row.upper is not None
        assert row.rate is not None
        assert row.lower <= row.rate <= row.upper


def test_a_table_without_the_decision_columns_is_refused_naming_them() -> None:
    frame = decision_table(np.random.default_rng(25), 100).drop(columns=["nation"])
    with pytest.raises(ValueError, match="lacks columns: nation"):
        monitor(frame, period_start=START, period_end=END)
    assert "nation" in DECISION_COLUMNS


@pytest.mark.slow
def test_unbiased_worlds_raise_no_finding_in_at_least_95_of_100_seeded_runs() -> None:
    alarms = [
        seed
        for seed in range(100)
        if monitor(
            decision_table(np.random.default_rng(1000 + seed), 3000),
            period_start=START,
            period_end=END,
        ).findings
    ]
    assert len(alarms) <= 5, f"false alarms in runs {alarms}"
