"""Every dashboard's protected figures, computed once when the analytics store is refreshed
and kept in the store itself, so that a page reads its figures instead of solving the
disclosure control's linear programmes in the request.

For each quarter of the store, the national dashboard and every first responder
organisation's dashboard are protected together, as ``dashboard.protect_dashboards``
protects them (every filtered view of every dashboard: a reader may open them all, and the
organisations' figures add up to the nation's), and every view is laid out by
``dashboard.dashboard_view``: the figures stored are exactly what the page showed when it
computed them itself. One row per quarter and dashboard holds every view as compressed
JSON, with the threshold it was protected under and the ``snapshot_info.refreshed_at`` of
the snapshot it came from. An organisation with no referrals in the store shares one row per quarter
(``NO_REFERRALS``): its figures do not depend on which organisation it is.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from msht.analytics.engine.dashboard import (
    UK_NATIONS,
    Breakdown,
    Dashboard,
    DashboardFigures,
    DashboardFilters,
    available_quarters,
    every_view,
    organisations_with_referrals,
    protect_dashboards,
)
from msht.analytics.engine.disclosure import DisclosureRules
from msht.analytics.engine.periods import Quarter

DASHBOARDS_TABLE = "dashboards"
# The organisation of the row shared by every organisation without referrals in the store
# (organisation codes are slugs, so none is written like this).
NO_REFERRALS = "*"
_VIEW_SEPARATOR = "|"

_SCHEMA = pa.schema(
    [
        ("refreshed_at", pa.timestamp("us", tz="UTC")),
        ("quarter", pa.string()),
        ("organisation", pa.string()),
        ("threshold", pa.int64()),
        ("figures", pa.binary()),
    ]
)


@dataclass(frozen=True)
class StoredDashboards:
    """What ``store_dashboards`` wrote: how many dashboards, views and figures."""

    dashboards: int
    views: int
    figures: int
    suppressed: int


def view_key(nation: str | None, exploitation_type: str | None) -> str:
    """The key of one filtered view in a stored dashboard's figures."""
    return _VIEW_SEPARATOR.join((nation or "", exploitation_type or ""))


def dashboard_to_json(dashboard: Dashboard) -> dict[str, Any]:
    """A view's figures as JSON (its filters are the request's, so they are left out)."""
    return {
        "trend": [list(point) for point in dashboard.trend],
        "breakdowns": [
            {"key": b.key, "title": b.title, "rows": [list(row) for row in b.rows]}
            for b in dashboard.breakdowns
        ],
        "rg_decisions": dashboard.rg_decisions,
        "rg_median_working_days": dashboard.rg_median_working_days,
        "linked_share": dashboard.linked_share,
    }


def dashboard_from_json(data: Mapping[str, Any], filters: DashboardFilters) -> Dashboard:
    """The view stored by ``dashboard_to_json``, for the request's ``filters``."""
    median = data["rg_median_working_days"]
    return Dashboard(
        filters=filters,
        trend=tuple((str(q), r, p) for q, r, p in data["trend"]),
        breakdowns=tuple(
            Breakdown(
                str(b["key"]),
                str(b["title"]),
                tuple((str(label), count) for label, count in b["rows"]),
            )
            for b in data["breakdowns"]
        ),
        rg_decisions=data["rg_decisions"],
        rg_median_working_days=None if median is None else float(median),
        linked_share=float(data["linked_share"]),
    )


def dashboard_organisations(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Every first responder organisation with a referral in the store, by code."""
    return organisations_with_referrals(connection)


def dashboard_plan(
    connection: duckdb.DuckDBPyConnection,
    *,
    latest_quarters: int | None = None,
    organisations: bool = True,
) -> list[tuple[Quarter, str | None]]:
    """Every dashboard a page can ask for: each quarter of the store (or the latest few),
    nationally (None), and unless left out for each organisation with referrals and for any
    organisation without (NO_REFERRALS)."""
    chosen: list[str | None] = [None]
    if organisations:
        chosen.extend([*dashboard_organisations(connection), NO_REFERRALS])
    quarters = available_quarters(connection)
    if latest_quarters is not None:
        quarters = quarters[:latest_quarters]
    return [(quarter, organisation) for quarter in quarters for organisation in chosen]


def _figures_of(views: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
    """(figures shown, figures suppressed) over every view of one dashboard."""
    values: list[object] = []
    for view in views.values():
        values.extend(value for _q, *counts in view["trend"] for value in counts)
        values.extend(count for b in view["breakdowns"] for _label, count in b["rows"])
        values.append(view["rg_decisions"])
    return len(values), sum(1 for value in values if value is None)


def _laid_out(figures: DashboardFigures, organisation: str | None) -> dict[str, dict[str, Any]]:
    """Every view of one protected dashboard, as JSON by ``view_key``."""
    return {
        view_key(view.nation, view.exploitation_type): dashboard_to_json(laid_out)
        for view, laid_out in every_view(figures, organisation).items()
    }


def store_dashboards(
    connection: duckdb.DuckDBPyConnection,
    *,
    rules: DisclosureRules,
    plan: Sequence[tuple[Quarter, str | None]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StoredDashboards:
    """Protect every dashboard of the store (dashboard_plan) under the publication's
    disclosure control (policy disclosure_minimum_count) and write them to the store's
    ``dashboards`` table, replacing any there, with the snapshot's refresh time.

    Args:
        connection: a writable connection to the analytics store (before it is published).
        rules: the threshold of primary suppression (no rounding on dashboards).
        plan: the (quarter, organisation or None) to protect; default every one.
        progress: told (dashboards done, dashboards in all) after each dashboard.

    Returns:
        How many dashboards, views and figures were stored, and how many are suppressed.
    """
    refreshed_at = connection.execute("SELECT max(refreshed_at) FROM snapshot_info").fetchall()
    plan = list(dashboard_plan(connection) if plan is None else plan)
    columns: dict[str, list[object]] = {name: [] for name in _SCHEMA.names}
    views = figures = suppressed = 0
    together = _protected_together(connection, plan, rules)
    for done, (quarter, organisation) in enumerate(plan, start=1):
        stored = _laid_out(together[quarter][organisation], organisation)
        shown, hidden = _figures_of(stored)
        views, figures, suppressed = views + len(stored), figures + shown, suppressed + hidden
        row = (refreshed_at[0][0], str(quarter), organisation, rules.threshold, stored)
        for name, value in zip(_SCHEMA.names, row, strict=True):
            columns[name].append(_packed(value) if name == "figures" else value)
        if progress is not None:
            progress(done, len(plan))
    table = pa.table(columns, schema=_SCHEMA)
    connection.register("_protected_dashboards", table)
    try:
        connection.execute(
            f"CREATE OR REPLACE TABLE {DASHBOARDS_TABLE} AS "  # noqa: S608
            "SELECT * FROM _protected_dashboards"
        )
    finally:
        connection.unregister("_protected_dashboards")
    return StoredDashboards(len(plan), views, figures, suppressed)


def _protected_together(
    connection: duckdb.DuckDBPyConnection,
    plan: Sequence[tuple[Quarter, str | None]],
    rules: DisclosureRules,
) -> dict[Quarter, dict[str | None, DashboardFigures]]:
    """Each quarter's dashboards of the plan, protected with the national dashboard and
    every organisation's with referrals (``protect_dashboard`` gives the same figures)."""
    with_referrals = organisations_with_referrals(connection)
    wanted: dict[Quarter, list[str]] = {}
    for quarter, organisation in plan:
        wanted.setdefault(quarter, list(with_referrals))
        if organisation is not None and organisation not in wanted[quarter]:
            wanted[quarter].append(organisation)
    return {
        quarter: protect_dashboards(connection, quarter, organisations=codes, rules=rules)
        for quarter, codes in wanted.items()
    }


def _packed(views: Mapping[str, Any]) -> bytes:
    """A dashboard's views as zlib-compressed JSON: a page then reads a few kilobytes where
    a text column would make DuckDB decompress whole vectors of them (8 ms against 0.5 ms
    per read on the 5,000-referral world)."""
    return zlib.compress(json.dumps(views).encode())


def _has_dashboards(connection: duckdb.DuckDBPyConnection) -> bool:
    rows = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = $name",
        {"name": DASHBOARDS_TABLE},
    ).fetchall()
    return bool(rows[0][0])


def _stored_organisation(connection: duckdb.DuckDBPyConnection, organisation: str) -> str:
    """The organisation's own row, or the shared one when it has no referrals in the store."""
    rows = connection.execute(
        "SELECT count(*) FROM referrals WHERE first_responder_organisation = $organisation",
        {"organisation": organisation},
    ).fetchall()
    return organisation if rows[0][0] else NO_REFERRALS


def read_dashboard(
    connection: duckdb.DuckDBPyConnection, filters: DashboardFilters, *, threshold: int
) -> Dashboard | None:
    """One view of a dashboard as stored at refresh (``store_dashboards``), or None when the
    store holds no figures for it from its own snapshot under ``threshold``."""
    if not _has_dashboards(connection):
        return None
    refreshed = stored_refresh(connection)
    organisation = filters.organisation
    if organisation is not None:
        organisation = _stored_organisation(connection, organisation)
    rows = connection.execute(
        f"SELECT figures FROM {DASHBOARDS_TABLE} "  # noqa: S608
        "WHERE quarter = $quarter AND organisation IS NOT DISTINCT FROM $organisation "
        "AND threshold = $threshold AND refreshed_at = $refreshed",
        {
            "quarter": str(filters.quarter),
            "organisation": organisation,
            "threshold": threshold,
            "refreshed": refreshed,
        },
    ).fetchall()
    if refreshed is None or not rows:
        return None
    views: dict[str, dict[str, Any]] = json.loads(zlib.decompress(bytes(rows[0][0])))
    key = view_key(filters.nation, filters.exploitation_type)
    if key not in views:
        # As dashboard_view: a filter the store does not know falls back to the nation alone.
        key = view_key(filters.nation if filters.nation in UK_NATIONS else None, None)
    return dashboard_from_json(views[key], filters)


def stored_refresh(connection: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the store's snapshot was taken, for the page that says figures are missing."""
    rows = connection.execute("SELECT max(refreshed_at) FROM snapshot_info").fetchall()
    value = rows[0][0] if rows else None
    return value if isinstance(value, dt.datetime) else None
