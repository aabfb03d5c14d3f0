"""A reviewer works the clerical review queue in a real browser, and the next linkage run
honours the decision; an analyst starts a run from the runs page and sees it finish; axe
checks every page."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from msht.accounts.models import Role
from msht.linkage import launcher
from msht.linkage.engine import TrainingPlan
from msht.linkage.models import ClericalDecision, ClericalPair, LinkageKind
from msht.linkage.services import linkage_run
from msht.referrals.models import PersonRecord
from msht.synth.engine import generate_world
from msht.synth.services import world_load
from tests.accounts.factories import DecisionMakerFactory, UserFactory
from tests.browser.journeys import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A small world leaves a few pairs between the thresholds (seed 5 gives about ten).
WORLD_REFERRALS = 600
PLAN = TrainingPlan(max_pairs_for_u=1e6)


def test_a_reviewers_match_decision_is_honoured_by_the_next_run(
    open_as: Callable[..., Page], tmp_path: Path
) -> None:
    generate_world(tmp_path, referrals=WORLD_REFERRALS, seed=5)
    world_load(None, directory=tmp_path)
    first = linkage_run(None, kind=LinkageKind.PERSONS, plan=PLAN).run
    assert first.counts["pairs_for_review"] > 0
    # The pair shown first is the likeliest undecided one: the model did not link it.
    pair = ClericalPair.objects.filter(kind=LinkageKind.PERSONS).order_by(
        "-match_probability", "pk"
    )[0]
    left, right = (
        PersonRecord.objects.get(pk=pair.record_l_id),
        PersonRecord.objects.get(pk=pair.record_r_id),
    )
    assert left.entity_id != right.entity_id

    reviewer = DecisionMakerFactory.create()
    page = open_as(reviewer.username)
    page.get_by_role("link", name="Possible duplicate people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pairs to review: Person records (potential victims)"
    )
    assert_accessible(page)
    page.get_by_role("link", name=f"Records {pair.record_l_id} and {pair.record_r_id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    expect(page.get_by_test_id("records-side-by-side")).to_contain_text(left.family_name)
    expect(page.get_by_test_id("comparison-evidence")).to_contain_text("name")
    assert_accessible(page)

    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether")
    assert_accessible(page)
    page.get_by_label("Yes, the same person").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision saved")
    assert_accessible(page)

    pair.refresh_from_db()
    assert pair.decision == ClericalDecision.MATCH
    linkage_run(None, kind=LinkageKind.PERSONS, plan=PLAN)
    left.refresh_from_db()
    right.refresh_from_db()
    assert left.entity_id == right.entity_id
    # A decided pair is not asked again.
    page.reload()
    expect(
        page.get_by_role("link", name=f"Records {pair.record_l_id} and {pair.record_r_id}")
    ).to_have_count(0)


def test_an_analyst_starts_a_run_from_the_runs_page_and_follows_it_to_the_end(
    open_as: Callable[..., Page], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_world(tmp_path, referrals=300, seed=3)
    world_load(None, directory=tmp_path)
    # The page starts 'msht link persons --run N' in a process of its own; here the test
    # runs that command itself, once the page has queued the run.
    started: list[int] = []

    def start_detached(*, run_pk: int, kind: str) -> int:
        started.append(run_pk)
        return 1

    monkeypatch.setattr(launcher, "start_detached", start_detached)
    analyst = UserFactory.create(role=Role.ANALYST)
    page = open_as(analyst.username)
    scheme, _, host = page.url.split("/", 3)[:3]
    page.goto(f"{scheme}//{host}/linkage/runs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record linkage runs")
    page.get_by_role("button", name="Start a run").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select which records")
    assert_accessible(page)
    page.get_by_label("Person records (potential victims)").check()
    page.get_by_role("button", name="Start a run").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("Waiting to start")
    expect(page.get_by_test_id("run-in-progress")).to_be_visible()
    assert_accessible(page)

    assert len(started) == 1
    call_command("link", "persons", "--run", str(started[0]), stdout=io.StringIO())
    page.reload()
    expect(page.get_by_test_id("run-status")).to_contain_text("Finished")
    expect(page.get_by_test_id("match-weights-chart")).to_be_visible()
    assert_accessible(page)
