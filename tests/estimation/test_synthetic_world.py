"""On a synthetic world, the hidden-figure estimate from the linked lists beside the truth.

The generator knows every victim, including those no agency referred (truth_people.csv,
status ``hidden``); the estimate sees only linked referrals. The test prints both and
checks what must hold whatever the model: the estimate exists, is at least the people
seen, and its interval holds its point.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from msht.estimation.models import EstimationRun
from msht.estimation.services import estimation_run
from msht.synth.engine import generate_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def estimated(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
) -> Iterator[tuple[EstimationRun, Counter[str]]]:
    from msht.linkage.engine import TrainingPlan
    from msht.linkage.services import linkage_run
    from msht.synth.services import world_load
    from tests.reference_data import load_reference_data

    world: Path = tmp_path_factory.mktemp("estimate") / "world"
    generate_world(world, referrals=3_000, seed=5)
    with (world / "truth_people.csv").open(newline="") as handle:
        statuses = Counter(row["status"] for row in csv.DictReader(handle))
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        try:
            load_reference_data()
            world_load(None, directory=world)
            linkage_run(None, kind="persons", plan=TrainingPlan(max_pairs_for_u=1e6))
            run = estimation_run(None, period="2017-2024", bootstrap_replicates=200)
            yield run, statuses
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_the_estimate_is_reported_beside_the_truth(
    estimated: tuple[EstimationRun, Counter[str]],
) -> None:
    run, statuses = estimated
    selected = run.result["selected"]
    everyone = sum(statuses.values())

    print(
        f"hidden figure 2017-2024 from {run.referral_count:,} referrals of "
        f"{run.people_seen:,} linked people on "
        f"{len(run.result['lists'])} lists ({run.linked_share:.0%} of records linked): "
        f"estimate {selected['point']} ({selected['lower']} to {selected['upper']}, "
        f"{selected['model']}); truth: {everyone:,} victims, of whom "
        f"{statuses['referred']:,} referred, {statuses['notified']:,} only notified, "
        f"{statuses['hidden']:,} never seen"
    )
    assert selected["exists"]
    assert selected["point"] >= run.people_seen
    assert selected["lower"] <= selected["point"]
    assert selected["upper"] is None or selected["point"] <= selected["upper"]
    assert run.linked_share == 1.0
    # Linkage counts people close to the truth, not referral forms.
    assert abs(run.people_seen - statuses["referred"]) <= 0.03 * statuses["referred"]
