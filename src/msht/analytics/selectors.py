"""Reads of the analytics app: dashboards from the analytics store, and publications.

Every read goes through accounts.rules. Dashboards read the figures protected when the
pseudonymised store was refreshed (never a person's record, and never computed in the
request), so they leave no record-level audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from msht.accounts.models import Organisation
from msht.accounts.rules import Action, Actor, can, require
from msht.analytics.engine.dashboard import (
    Dashboard,
    DashboardFilters,
    available_quarters,
    exploitation_types,
)
from msht.analytics.engine.dashboard_store import read_dashboard, stored_refresh
from msht.analytics.engine.periods import Quarter
from msht.analytics.models import Publication
from msht.analytics.store import dashboard_threshold, open_store
from msht.core.errors import ConfigurationError

DASHBOARD_MISSING = (
    "The figures of this dashboard for {quarter} were not computed when the analytics store "
    "was refreshed (on {refreshed}). They are computed, with their disclosure control, only "
    "when the store is refreshed, for the latest quarters ('msht analytics refresh "
    "--dashboard-quarters N' for more); earlier quarters are in the published statistics."
)


class DashboardMissingError(ConfigurationError):
    """The store holds no protected figures for the dashboard asked for."""

    def __init__(self, filters: DashboardFilters, refreshed: dt.datetime | None) -> None:
        when = "time not recorded" if refreshed is None else f"{refreshed:%d %B %Y at %H:%M %Z}"
        super().__init__(DASHBOARD_MISSING.format(quarter=filters.quarter.label, refreshed=when))
        self.filters = filters


@dataclass(frozen=True)
class DashboardChoices:
    """What the dashboard filters offer, from the store."""

    quarters: list[Quarter]
    exploitation_types: list[tuple[str, str]]


def dashboard_choices(actor: Actor) -> DashboardChoices:
    """The quarters and exploitation types the store holds (STATISTICS_VIEW or a dashboard)."""
    if not (can(actor, Action.STATISTICS_VIEW) or can(actor, Action.ORGANISATION_DASHBOARD_VIEW)):
        require(actor, Action.STATISTICS_VIEW)
    with open_store() as connection:
        return DashboardChoices(
            available_quarters(connection), list(exploitation_types(connection))
        )


def _protected_view(filters: DashboardFilters) -> Dashboard:
    """One view of a dashboard as protected, with all its other views, when the store was
    refreshed (engine.dashboard_store); DashboardMissingError when it was not."""
    with open_store() as connection:
        dashboard = read_dashboard(connection, filters, threshold=dashboard_threshold())
        if dashboard is None:
            raise DashboardMissingError(filters, stored_refresh(connection))
    return dashboard


def statistics_dashboard(actor: Actor, *, filters: DashboardFilters) -> Dashboard:
    """The national picture (STATISTICS_VIEW: analysts and governance), under the
    publication's disclosure control across every filtered view."""
    require(actor, Action.STATISTICS_VIEW)
    return _protected_view(
        DashboardFilters(
            quarter=filters.quarter,
            nation=filters.nation,
            exploitation_type=filters.exploitation_type,
        )
    )


def organisation_dashboard(
    actor: Actor, *, organisation: Organisation, filters: DashboardFilters
) -> Dashboard:
    """One organisation's referrals (ORGANISATION_DASHBOARD_VIEW: its own staff, analysts
    and governance)."""
    require(actor, Action.ORGANISATION_DASHBOARD_VIEW, organisation)
    scoped = DashboardFilters(
        quarter=filters.quarter,
        nation=filters.nation,
        exploitation_type=filters.exploitation_type,
        organisation=organisation.code,
    )
    return _protected_view(scoped)


def organisation_get(actor: Actor, *, code: str) -> Organisation:
    """The organisation whose dashboard ``actor`` asks for (Organisation.DoesNotExist if none)."""
    organisation = Organisation.objects.get(code=code)
    require(actor, Action.ORGANISATION_DASHBOARD_VIEW, organisation)
    return organisation


def organisation_list_with_dashboards(actor: Actor) -> QuerySet[Organisation]:
    """Organisations whose dashboard ``actor`` may open: all for analysts and governance."""
    require(actor, Action.ORGANISATION_DASHBOARD_VIEW)
    organisations = Organisation.objects.order_by("name")
    if can(actor, Action.STATISTICS_VIEW):
        return organisations
    own: int | None = getattr(actor, "organisation_id", None)
    return organisations.filter(pk=own) if own is not None else organisations.none()


def publication_list(actor: Actor) -> QuerySet[Publication]:
    """Every publication, newest first (STATISTICS_VIEW)."""
    require(actor, Action.STATISTICS_VIEW)
    return Publication.objects.select_related("published_by").defer("suppression_pattern", "tables")


def publication_get(actor: Actor, *, pk: int) -> Publication:
    """One publication with its tables (STATISTICS_VIEW)."""
    require(actor, Action.STATISTICS_VIEW)
    return Publication.objects.get(pk=pk)
