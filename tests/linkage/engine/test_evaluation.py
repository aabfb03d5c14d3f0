"""Pairwise and B-cubed scores against a known truth."""

from __future__ import annotations

import pytest

from msht.linkage.engine.evaluation import evaluate


def test_a_perfect_clustering_scores_one() -> None:
    truth = {"1": "p", "2": "p", "3": "q"}
    result = evaluate({"1": "a", "2": "a", "3": "b"}, truth)
    assert result.pairwise.f1 == 1.0
    assert result.bcubed.f1 == 1.0


def test_a_wrong_merge_costs_pairwise_precision_not_recall() -> None:
    truth = {"1": "p", "2": "p", "3": "q"}
    result = evaluate({"1": "a", "2": "a", "3": "a"}, truth)
    assert result.pairwise.precision == pytest.approx(1 / 3)
    assert result.pairwise.recall == 1.0
    # B-cubed precision: records 1 and 2 see 2/3 of their cluster right, record 3 sees 1/3.
    assert result.bcubed.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert result.bcubed.recall == 1.0


def test_a_missed_link_costs_recall() -> None:
    truth = {"1": "p", "2": "p"}
    result = evaluate({"1": "a", "2": "b"}, truth)
    assert result.pairwise.recall == 0.0
    assert result.bcubed.recall == pytest.approx(0.5)
    assert result.predicted_entities == 2
    assert result.true_entities == 1
