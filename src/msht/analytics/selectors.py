"""Reads of the analytics app: dashboards from the analytics store, and publications.

Every read goes through accounts.rules. Dashboards read the pseudonymised store only
(never a person's record), so they leave no record-level audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from msht.accounts.models import Organisation
from msht.accounts.rules import Action, Actor, can, require
from msht.analytics.engine.dashboard import (
    Dashboard,
    DashboardFigures,
    DashboardFilters,
    available_quarters,
    dashboard_view,
    exploitation_types,
    protect_dashboard,
)
from msht.analytics.engine.disclosure import DisclosureRules
from msht.analytics.engine.periods import Quarter
from msht.analytics.models import Publication
from msht.analytics.store import default_store_path, open_store
from msht.core import policy

# Protecting every view of a dashboard at once takes linear programmes: the figures of the
# latest few dashboards are kept, per store file as it was when read.
_PROTECTED: dict[tuple[object, ...], DashboardFigures] = {}
_PROTECTED_KEPT = 16


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
    """One view of a dashboard, protected with all its other views (engine.dashboard)."""
    store = default_store_path()
    rules = DisclosureRules(threshold=int(policy.DISCLOSURE_MINIMUM_COUNT.default))
    with open_store() as connection:
        state = store.stat()
        key: tuple[object, ...] = (str(store), state.st_mtime_ns, state.st_size)
        key += (str(filters.quarter), filters.organisation, rules.threshold)
        figures = _PROTECTED.get(key)
        if figures is None:
            figures = protect_dashboard(
                connection, filters.quarter, organisation=filters.organisation, rules=rules
            )
            while len(_PROTECTED) >= _PROTECTED_KEPT:
                _PROTECTED.pop(next(iter(_PROTECTED)))
            _PROTECTED[key] = figures
    return dashboard_view(figures, filters)


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
