"""A reviewer works the clerical review queue in a real browser, and the next linkage run
honours the decision; axe checks every page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from msht.linkage.engine import TrainingPlan
from msht.linkage.models import ClericalDecision, ClericalPair, LinkageKind
from msht.linkage.services import linkage_run
from msht.referrals.models import PersonRecord
from msht.synth.engine import generate_world
from msht.synth.services import world_load
from tests.accounts.factories import DecisionMakerFactory
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
