"""Policy rules are declared once, dated where they changed, and versioned."""

from __future__ import annotations

import datetime as dt

from msht.core import policy


def test_recovery_period_was_45_days_until_13_december_2022_then_30() -> None:
    assert policy.RECOVERY_PERIOD_DAYS.value_on(dt.date(2022, 12, 12)) == 45
    assert policy.RECOVERY_PERIOD_DAYS.value_on(dt.date(2022, 12, 13)) == 30


def test_rg_test_changed_in_january_2023_and_again_later_in_2023() -> None:
    before = policy.RG_TEST.value_on(dt.date(2023, 1, 29))
    after_act = policy.RG_TEST.value_on(dt.date(2023, 1, 30))
    after_guidance = policy.RG_TEST.value_on(dt.date(2023, 8, 1))
    assert len({before, after_act, after_guidance}) == 3
    assert "suspect but cannot prove" in before


def test_rules_version_records_the_dated_rules_in_force() -> None:
    before = policy.rules_version_on(dt.date(2022, 6, 1))
    after = policy.rules_version_on(dt.date(2024, 6, 1))
    assert before != after
    assert before.startswith(policy.RULES_VERSION)
    assert "recovery_period_days=2009-04-01" in before
    assert "recovery_period_days=2022-12-13" in after


def test_every_rule_is_documented_with_a_source_and_help() -> None:
    names = [rule.name for rule in policy.RULES]
    assert len(names) == len(set(names))
    for rule in policy.RULES:
        assert rule.help_text.strip()
        assert rule.source.strip()
        assert rule.version.strip()
