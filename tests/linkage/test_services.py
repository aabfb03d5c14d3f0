"""Linkage from the store on a synthetic world with planted duplicates, scored against the
world's truth; stable entities across runs; reviewers' decisions honoured."""

from __future__ import annotations

import pytest

from msht.linkage.engine import Evaluation
from tests.linkage.conftest import WORLD_REFERRALS, LinkedWorld

pytestmark = pytest.mark.django_db(transaction=True)


def _report(label: str, scores: Evaluation) -> None:
    print(
        f"\n{label} ({WORLD_REFERRALS:,} referrals): pairwise precision "
        f"{scores.pairwise.precision:.4f}, recall {scores.pairwise.recall:.4f}, "
        f"F1 {scores.pairwise.f1:.4f}; B-cubed precision {scores.bcubed.precision:.4f}, "
        f"recall {scores.bcubed.recall:.4f}, F1 {scores.bcubed.f1:.4f}; "
        f"naive records {scores.records:,}, linked {scores.predicted_entities:,}, "
        f"truth {scores.true_entities:,}"
    )


def test_persons_are_linked_against_the_truth(linked_world: LinkedWorld) -> None:
    scores = linked_world.persons
    _report("persons", scores)
    assert scores.bcubed.f1 >= 0.97
    assert scores.pairwise.precision >= 0.9
    assert scores.pairwise.recall >= 0.8
    # Linking moves the count of people from the naive record count towards the truth.
    assert abs(scores.predicted_entities - scores.true_entities) < (
        scores.records - scores.true_entities
    )


@pytest.mark.xfail(
    strict=True,
    reason="issue #5: the model alone reaches pairwise F1 0.963 on this world of 2,000 "
    "referrals; 0.92 to 0.96 at 2,000 to 20,000 referrals and 0.967 to 0.977 at 50,000 to "
    "200,000 (bench/linkage_worlds.py); the missed pairs share a name and little else",
)
def test_the_model_alone_reaches_the_issues_target_for_persons(
    linked_world: LinkedWorld,
) -> None:
    scores = linked_world.persons
    _report("persons, automatic links only", scores)
    assert scores.pairwise.f1 >= 0.97


def test_reviewing_the_queue_raises_pairwise_recall(linked_world: LinkedWorld) -> None:
    scores = linked_world.persons_after_review
    _report(f"persons after {linked_world.reviewed_pairs} pairs reviewed", scores)
    assert linked_world.reviewed_pairs > 0
    assert scores.pairwise.recall >= linked_world.persons.pairwise.recall
    assert scores.pairwise.f1 >= linked_world.persons.pairwise.f1
    # The issue's target for persons, reached with the review queue worked.
    assert scores.pairwise.f1 >= 0.97


def test_suspects_are_linked_against_the_truth(linked_world: LinkedWorld) -> None:
    scores = linked_world.suspects
    _report("suspects", scores)
    assert scores.bcubed.f1 >= 0.9
    assert scores.predicted_entities < scores.records


def test_a_second_run_keeps_entities_where_the_evidence_is_unchanged(
    linked_world: LinkedWorld,
) -> None:
    print(f"\nrecords keeping their entity across runs: {linked_world.entity_kept:.4f}")
    assert linked_world.entity_kept >= 0.99
    assert linked_world.second_run["created"] < linked_world.first_run["created"]


def test_the_next_run_honours_reviewers_decisions(linked_world: LinkedWorld) -> None:
    after = linked_world.after_decisions
    left, right = linked_world.decided_apart
    assert after[left] != after[right]
    left, right = linked_world.decided_together
    assert after[left] == after[right]
    clerical = linked_world.second_run["metrics"]["clerical"]
    assert clerical["decided"] == linked_world.reviewed_pairs + 2


def test_runs_store_the_trained_model_and_their_counts(linked_world: LinkedWorld) -> None:
    run = linked_world.first_run
    assert run["counts"]["records"] == WORLD_REFERRALS
    assert run["metrics"]["entities_before"] == 0
    assert run["metrics"]["entities_after"] == run["counts"]["clusters"]
    names = [comparison["output_column_name"] for comparison in run["model"]["comparisons"]]
    assert names == ["name", "date_of_birth", "identifiers", "household", "origin"]
    assert 0 < run["model"]["probability_two_random_records_match"] < 1


def test_runs_merges_splits_and_decisions_are_audited(linked_world: LinkedWorld) -> None:
    counts = linked_world.audit_counts
    # Each run audits itself and every record whose entity it set.
    assert counts["linkage.run"] > 3 + WORLD_REFERRALS
    assert counts["linkage.clerical_decision"] == linked_world.reviewed_pairs + 2
    assert counts["linkage.entity_split"] == counts["splits logged by runs"]
    assert counts["linkage.entity_merged"] == counts["merges logged by runs"]
    assert counts["merges logged by runs"] > 0
