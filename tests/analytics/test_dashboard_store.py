"""Dashboards computed when the analytics store is refreshed: the stored figures are exactly
what the page computed in the request before, pages read them without computing, and a
page whose figures are missing says so."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import call_command
from django.test import Client

from msht.accounts.models import Organisation, Role, User
from msht.analytics.engine import dashboard, dashboard_store
from msht.analytics.engine.dashboard import (
    DashboardFilters,
    build_dashboard,
    dashboard_view,
    protect_dashboards,
)
from msht.analytics.engine.dashboard_store import (
    DASHBOARDS_TABLE,
    NO_REFERRALS,
    dashboard_organisations,
    dashboard_plan,
    read_dashboard,
)
from msht.analytics.engine.disclosure import DisclosureRules
from msht.analytics.engine.periods import Quarter
from msht.analytics.services import analytics_refresh
from msht.analytics.store import dashboard_threshold
from msht.audit.models import AuditEvent, AuditEventType
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.analytics.conftest import DASHBOARD_QUARTERS, AnalyticsWorld
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/statistics/"
# An organisation code with no referral in any store: its dashboard is the shared row.
WITHOUT_REFERRALS = "no-such-organisation"


def _client(role: Role = Role.ANALYST) -> Client:
    user: User = UserFactory.create(role=role, organisation=Organisation.objects.get(code="nca"))
    client = Client()
    sign_in_verified(client, user)
    return client


def _rules() -> DisclosureRules:
    return DisclosureRules(threshold=dashboard_threshold())


@pytest.mark.slow
def test_every_stored_view_is_what_the_page_computed_in_the_request_before(
    analytics_world: AnalyticsWorld,
) -> None:
    # Every filter combination of every dashboard the refresh protected: each quarter, the
    # nation and each organisation (and one with no referrals), each view, and a filter
    # the store does not know (which falls back to the nation alone, as before).
    with duckdb.connect(str(analytics_world.store), read_only=True) as connection:
        plan = dashboard_plan(connection, latest_quarters=DASHBOARD_QUARTERS)
        organisations = dashboard_organisations(connection)
        views = suppressed = 0
        # Protected together, once per quarter, as protect_dashboard protects each of them.
        together = {
            quarter: protect_dashboards(
                connection,
                quarter,
                organisations=[*organisations, WITHOUT_REFERRALS],
                rules=_rules(),
            )
            for quarter in {quarter for quarter, _organisation in plan}
        }
        for quarter, organisation in plan:
            code = WITHOUT_REFERRALS if organisation == NO_REFERRALS else organisation
            figures = together[quarter][code]
            every = [(view.nation, view.exploitation_type) for view in figures.views]
            for nation, kind in [*every, ("wales", "no_such_type")]:
                filters = DashboardFilters(quarter, nation, kind, organisation=code)
                stored = read_dashboard(connection, filters, threshold=dashboard_threshold())
                assert stored == dashboard_view(figures, filters), (quarter, code, nation, kind)
                views += 1
                suppressed += sum(1 for _q, count, _p in stored.trend if count is None)

    assert len(plan) == DASHBOARD_QUARTERS * (len(organisations) + 2)
    assert views == len(plan) * (len(every) + 1)
    assert suppressed > 0


def test_the_stored_view_equals_build_dashboard_for_the_nation_and_an_organisation(
    analytics_world: AnalyticsWorld,
) -> None:
    quarter = Quarter.parse("2024Q3")
    with duckdb.connect(str(analytics_world.store), read_only=True) as connection:
        for filters in (
            DashboardFilters(quarter, nation="england", exploitation_type="labour"),
            DashboardFilters(quarter, organisation="ukvi"),
        ):
            expected = build_dashboard(connection, filters, threshold=dashboard_threshold())
            assert read_dashboard(connection, filters, threshold=dashboard_threshold()) == (
                expected
            )
            assert any(count for _q, count, _p in expected.trend)


@pytest.fixture
def pages_store(analytics_world: AnalyticsWorld, settings: Any, tmp_path: Path) -> Path:
    settings.ANALYTICS_STORE = str(analytics_world.store)
    settings.VAR_DIR = tmp_path
    return analytics_world.store


def _never_computed(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("a page computed a dashboard's disclosure control")


def test_the_pages_read_the_stored_figures_and_never_compute_them(
    pages_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quarter = Quarter.parse("2024Q3")
    national = DashboardFilters(quarter, nation="wales")
    organisation = DashboardFilters(quarter, organisation="leicester")
    with duckdb.connect(str(pages_store), read_only=True) as connection:
        expected = {
            filters: build_dashboard(connection, filters, threshold=dashboard_threshold())
            for filters in (national, organisation)
        }
    monkeypatch.setattr(dashboard, "protect_dashboard", _never_computed)
    monkeypatch.setattr(dashboard_store, "protect_dashboards", _never_computed)
    monkeypatch.setattr(dashboard, "protect_dashboards", _never_computed)
    client = _client()

    national_page = client.get(DASHBOARD, {"period": "2024Q3", "nation": "wales"})
    organisation_page = client.get("/statistics/organisations/leicester/", {"period": "2024Q3"})

    assert national_page.status_code == organisation_page.status_code == 200
    assert national_page.context["dashboard"] == expected[national]
    assert organisation_page.context["dashboard"] == expected[organisation]


def test_a_quarter_whose_figures_were_not_computed_says_so_with_the_filters(
    pages_store: Path,
) -> None:
    # The refresh protected the latest two quarters only (tests/analytics/conftest.py).
    response = _client().get(DASHBOARD, {"period": "2024Q1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "dashboard" not in response.context
    assert 'data-testid="dashboard-missing"' in page
    assert "govuk-notification-banner" in page
    assert "The figures for January to March 2024 are not available" in page
    assert "msht analytics refresh" in page
    assert 'name="period"' in page


def _copy(store: Path, tmp_path: Path, *statements: str) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(store, copy)
    with duckdb.connect(str(copy)) as connection:
        for statement in statements:
            connection.execute(statement)
    return copy


def test_a_store_without_dashboards_says_the_figures_are_missing(
    pages_store: Path, settings: Any, tmp_path: Path
) -> None:
    settings.ANALYTICS_STORE = str(_copy(pages_store, tmp_path, f"DROP TABLE {DASHBOARDS_TABLE}"))

    national = _client().get(DASHBOARD, {"period": "2024Q3"})
    organisation = _client().get("/statistics/organisations/leicester/", {"period": "2024Q3"})

    for response in (national, organisation):
        assert response.status_code == 200
        assert "The figures for July to September 2024 are not available" in (
            response.content.decode()
        )


def test_figures_of_another_snapshot_or_threshold_are_never_shown(
    pages_store: Path, tmp_path: Path
) -> None:
    filters = DashboardFilters(Quarter.parse("2024Q3"))
    threshold = dashboard_threshold()
    later = _copy(
        pages_store,
        tmp_path,
        "UPDATE snapshot_info SET refreshed_at = refreshed_at + INTERVAL 1 SECOND",
    )

    with duckdb.connect(str(pages_store), read_only=True) as connection:
        assert read_dashboard(connection, filters, threshold=threshold) is not None
        assert read_dashboard(connection, filters, threshold=threshold + 1) is None
    with duckdb.connect(str(later), read_only=True) as connection:
        assert read_dashboard(connection, filters, threshold=threshold) is None


@pytest.mark.django_db(transaction=True)
def test_the_refresh_command_protects_the_dashboards_with_progress_and_audits_them(
    tmp_path: Path,
) -> None:
    ReferralFactory.create_batch(3)
    store = tmp_path / "store" / "analytics.duckdb"
    output = io.StringIO()

    call_command(
        "analytics", "refresh", "--out", str(store), "--dashboard-quarters", "1", stdout=output
    )

    with duckdb.connect(str(store), read_only=True) as connection:
        plan = dashboard_plan(connection, latest_quarters=1)
        quarter = plan[0][0]
        stored = connection.execute(
            f"SELECT quarter, organisation FROM {DASHBOARDS_TABLE} ORDER BY ALL"  # noqa: S608
        ).fetchall()
        national = read_dashboard(
            connection, DashboardFilters(quarter), threshold=dashboard_threshold()
        )
    assert sorted(stored, key=str) == sorted(
        ((str(q), organisation) for q, organisation in plan), key=str
    )
    assert national is not None
    # One to three referrals in the quarter: a count under the threshold, suppressed.
    assert dict((q, count) for q, count, _p in national.trend)[str(quarter)] is None
    assert f"dashboards protected: {len(plan)}" in output.getvalue()
    assert "dashboards" in output.getvalue()
    assert sorted(path.name for path in store.parent.iterdir()) == ["analytics.duckdb"]
    event = AuditEvent.objects.get(event_type=AuditEventType.ANALYTICS_REFRESHED)
    assert event.details["dashboards"]["dashboards"] == len(plan)


@pytest.mark.django_db(transaction=True)
def test_a_refresh_whose_dashboards_fail_leaves_the_old_store_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ReferralFactory.create_batch(2)
    store = tmp_path / "store.duckdb"
    store.write_text("the old snapshot")

    def fail(*_args: object, **_kwargs: object) -> None:
        raise ArithmeticError("disclosure control failed")

    monkeypatch.setattr("msht.analytics.services.store_dashboards", fail)
    with pytest.raises(ArithmeticError):
        analytics_refresh(None, out=store)

    assert store.read_text() == "the old snapshot"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["store.duckdb"]
    assert not AuditEvent.objects.filter(event_type=AuditEventType.ANALYTICS_REFRESHED).exists()
