"""A synthetic world loaded once and linked from the store, with every figure kept for the
tests; the database is flushed afterwards so no other test sees the world."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from msht.linkage.engine import Evaluation, TrainingPlan, evaluate
from msht.linkage.engine.worldfiles import truth
from msht.synth.engine import generate_world

WORLD_REFERRALS = 2_000
WORLD_SEED = 7
# The production plan (one million random pairs for u), named for the runs below.
TEST_PLAN = TrainingPlan(max_pairs_for_u=1e6)


@dataclass
class LinkedWorld:
    """What the linkage runs on the loaded world found, kept as plain values."""

    world: Path
    persons: Evaluation
    persons_after_review: Evaluation
    reviewed_pairs: int
    suspects: Evaluation
    first_run: dict[str, Any]
    second_run: dict[str, Any]
    entity_kept: float
    decided_apart: tuple[int, int]
    decided_together: tuple[int, int]
    after_decisions: dict[int, str]
    audit_counts: dict[str, int] = field(default_factory=dict)


def _entities(model: Any) -> dict[int, str]:
    return {pk: str(entity) for pk, entity in model.objects.values_list("pk", "entity_id")}


def _by_reference(model: Any) -> dict[str, str]:
    return {
        reference: str(entity)
        for reference, entity in model.objects.values_list("source_reference", "entity_id")
    }


def _run_figures(run: Any) -> dict[str, Any]:
    return {
        "counts": run.counts,
        "metrics": run.metrics,
        "merges": run.merges,
        "splits": run.splits,
        "created": run.entities_created,
        "changed": run.records_changed,
        "model": run.model,
    }


def _review_queue_as_the_truth_says(world: Path) -> int:
    """An exact reviewer: every queued person pair decided as the world's truth says."""
    from msht.linkage.models import ClericalDecision, ClericalPair, LinkageKind
    from msht.linkage.services import clerical_pair_decide
    from msht.referrals.models import PersonRecord
    from tests.accounts.factories import DecisionMakerFactory

    reviewer = DecisionMakerFactory.create()
    person_of = truth(world, "persons")
    reference = dict(PersonRecord.objects.values_list("pk", "source_reference"))
    pairs = list(ClericalPair.objects.filter(kind=LinkageKind.PERSONS, decision=""))
    for pair in pairs:
        same = person_of[reference[pair.record_l_id]] == person_of[reference[pair.record_r_id]]
        decision = ClericalDecision.MATCH if same else ClericalDecision.NOT_MATCH
        clerical_pair_decide(reviewer, pair=pair, decision=decision)
    return len(pairs)


def _decide_two_pairs(person_record: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """A linked pair decided 'not a match' and an unlinked pair decided 'match'."""
    from msht.linkage.models import ClericalDecision, ClericalPair, LinkageKind
    from msht.linkage.services import clerical_pair_decide
    from tests.accounts.factories import DecisionMakerFactory

    reviewer = DecisionMakerFactory.create()
    entities = _entities(person_record)
    members: dict[str, list[int]] = {}
    for pk, entity in entities.items():
        members.setdefault(entity, []).append(pk)
    # Pairs nobody has decided yet (the exact reviewer may have decided some).
    decided = set(ClericalPair.objects.values_list("record_l_id", "record_r_id"))
    together = next(
        pair
        for pair in (sorted(group) for group in members.values() if len(group) == 2)
        if tuple(pair) not in decided
    )
    singles = sorted(group[0] for group in members.values() if len(group) == 1)
    apart = next(
        [first, second]
        for first, second in itertools.pairwise(singles)
        if (first, second) not in decided
    )
    decisions = (
        (together, ClericalDecision.NOT_MATCH),
        (apart, ClericalDecision.MATCH),
    )
    for (left, right), decision in decisions:
        pair, _ = ClericalPair.objects.get_or_create(
            kind=LinkageKind.PERSONS,
            record_l_id=left,
            record_r_id=right,
            defaults={"match_probability": 0.5, "match_weight": 0.0},
        )
        clerical_pair_decide(reviewer, pair=pair, decision=decision)
    return (together[0], together[1]), (apart[0], apart[1])


@pytest.fixture(scope="session")
def linked_world(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
) -> Iterator[LinkedWorld]:
    """Load a world; link persons and suspects; review the person queue as the truth says
    and link again; then decide two pairs against the model and link once more."""
    from msht.audit.models import AuditEvent
    from msht.intelligence.models import SuspectRecord
    from msht.linkage.services import linkage_run
    from msht.referrals.models import PersonRecord
    from msht.synth.services import world_load
    from tests.reference_data import load_reference_data

    world = tmp_path_factory.mktemp("linkage") / "world"
    generate_world(world, referrals=WORLD_REFERRALS, seed=WORLD_SEED)
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        try:
            load_reference_data()
            world_load(None, directory=world)
            first = linkage_run(None, kind="persons", plan=TEST_PLAN).run
            persons = evaluate(_by_reference(PersonRecord), truth(world, "persons"))
            linkage_run(None, kind="suspects", plan=TEST_PLAN)
            suspects = evaluate(_by_reference(SuspectRecord), truth(world, "suspects"))
            reviewed = _review_queue_as_the_truth_says(world)
            linkage_run(None, kind="persons", plan=TEST_PLAN)
            after_review = evaluate(_by_reference(PersonRecord), truth(world, "persons"))
            before = _entities(PersonRecord)
            apart, together = _decide_two_pairs(PersonRecord)
            second = linkage_run(None, kind="persons", plan=TEST_PLAN).run
            after = _entities(PersonRecord)
            kept = sum(1 for pk, entity in before.items() if after[pk] == entity) / len(before)
            audit_counts = {
                event_type: AuditEvent.objects.filter(event_type=event_type).count()
                for event_type in (
                    "linkage.run",
                    "linkage.entity_merged",
                    "linkage.entity_split",
                    "linkage.clerical_decision",
                )
            }
            from msht.linkage.models import LinkageRun

            audit_counts["merges logged by runs"] = sum(
                LinkageRun.objects.values_list("merges", flat=True)
            )
            audit_counts["splits logged by runs"] = sum(
                LinkageRun.objects.values_list("splits", flat=True)
            )
            yield LinkedWorld(
                world=world,
                persons=persons,
                persons_after_review=after_review,
                reviewed_pairs=reviewed,
                suspects=suspects,
                first_run=_run_figures(first),
                second_run=_run_figures(second),
                entity_kept=kept,
                decided_apart=apart,
                decided_together=together,
                after_decisions=after,
                audit_counts=audit_counts,
            )
        finally:
            call_command("flush", interactive=False, verbosity=0)
