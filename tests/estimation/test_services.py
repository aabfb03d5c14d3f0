"""The overlap table from linked referrals, and a stored, audited estimate."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.estimation.models import EstimationRun, ListGrouping
from msht.estimation.selectors import estimation_period, linked_lists_for_period
from msht.estimation.services import estimation_run
from tests.accounts.factories import UserFactory
from tests.estimation.worlds import linked_referrals_world

pytestmark = pytest.mark.django_db


def test_people_are_counted_once_across_lists() -> None:
    linked_referrals_world()

    lists = linked_lists_for_period(period=estimation_period("2024"), grouping=ListGrouping.SECTOR)

    table = lists.table
    assert table.lists == ("government", "local_authority", "ngo", "police")
    assert lists.referral_count == 13
    assert lists.people_seen == 8
    assert table.observed == 8
    assert lists.linked_share == pytest.approx(10 / 13)
    assert table.list_totals() == {"government": 2, "local_authority": 2, "ngo": 3, "police": 5}
    assert table.pair_overlaps()[("ngo", "police")] == 2
    assert table.pair_overlaps()[("government", "local_authority")] == 0


def test_periods_are_years_or_quarters() -> None:
    assert estimation_period("2024Q3").start == dt.date(2024, 7, 1)
    assert estimation_period("2024").end == dt.date(2024, 12, 31)
    span = estimation_period("2017-2024")
    assert (span.start, span.end) == (dt.date(2017, 1, 1), dt.date(2024, 12, 31))
    for bad in ("last year", "2024Q5"):
        with pytest.raises(ValidationError, match="not a year"):
            estimation_period(bad)
    with pytest.raises(ValidationError, match="ends before it starts"):
        estimation_period("2024-2017")


def test_a_period_without_referrals_is_refused() -> None:
    with pytest.raises(ValidationError, match="nothing to estimate"):
        linked_lists_for_period(period=estimation_period("2019"), grouping=ListGrouping.SECTOR)


def test_a_run_is_stored_with_its_caveats_and_audited() -> None:
    linked_referrals_world()
    analyst = UserFactory.create(role=Role.ANALYST)

    run = estimation_run(analyst, period="2024", bootstrap_replicates=50)

    assert run.people_seen == 8
    assert run.result["observed"] == 8
    assert len(run.result["models"]) >= 7
    assert any("closed population" in note for note in run.caveats)
    assert any("placed by record linkage" in note for note in run.caveats)
    if run.result["selected"]["exists"]:
        assert run.point is not None
        assert run.point >= 8
    event = AuditEvent.objects.get(event_type=AuditEventType.STATISTICS_PUBLISHED)
    assert event.object_id == str(run.pk)
    assert event.actor_id == analyst.pk


def test_only_analysts_may_run_an_estimate() -> None:
    linked_referrals_world()
    for role in (Role.FIRST_RESPONDER, Role.DECISION_MAKER, Role.GOVERNANCE):
        with pytest.raises(PermissionDeniedError):
            estimation_run(UserFactory.create(role=role), period="2024")
    assert not EstimationRun.objects.exists()


def test_command_estimates_a_published_table_as_json(tmp_path: Path) -> None:
    table = tmp_path / "overlap.csv"
    table.write_text(
        "A,B,C,n\n1,0,0,120\n0,1,0,90\n0,0,1,60\n1,1,0,30\n1,0,1,20\n0,1,1,15\n1,1,1,5\n"
    )
    out = io.StringIO()

    call_command("estimate", "--table", str(table), "--json", "--bootstrap", "100", stdout=out)

    result = json.loads(out.getvalue())
    selected = result["selected"]
    assert result["observed"] == 340
    assert selected["lower"] <= selected["point"] <= selected["upper"]
    assert selected["point"] > 340
    assert {row["model"] for row in result["models"]} >= {"independence", "independence + A:B"}
    assert all(set(row) >= {"point", "lower", "upper"} for row in result["models"])


def test_command_names_a_bad_row(tmp_path: Path) -> None:
    table = tmp_path / "overlap.csv"
    table.write_text("A,B,C,n\n1,0,0,12\n1,1,2,4\n")

    with pytest.raises(CommandError, match="Row 3, column 'C'"):
        call_command("estimate", "--table", str(table))
