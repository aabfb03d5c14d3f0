"""The dashboards' figures: trends and breakdowns of referrals for a quarter, filtered.

Read from the analytics store (pseudonymised). Counts from 1 to ``threshold - 1`` are
returned as None and shown as [c]: dashboards are for signed-in staff, but a small count
on a screen is still a small count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from msht.analytics.engine.periods import Quarter, quarter_series


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard shows: a quarter, optionally one nation, type or organisation."""

    quarter: Quarter
    nation: str | None = None
    exploitation_type: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class Breakdown:
    """One breakdown of the quarter's referrals: (label, count or None) per row."""

    key: str
    title: str
    rows: tuple[tuple[str, int | None], ...]


@dataclass(frozen=True)
class Dashboard:
    """A dashboard's figures."""

    filters: DashboardFilters
    trend: tuple[tuple[str, int | None, int | None], ...]
    breakdowns: tuple[Breakdown, ...]
    rg_decisions: int | None
    rg_median_working_days: float | None
    linked_share: float


_BREAKDOWNS = (
    ("age_group", "Age group at exploitation", "age_group", "age_group"),
    ("gender", "Gender", "gender", "gender"),
    ("exploitation_type", "Exploitation type", "exploitation_type", "exploitation_type"),
    (
        "nationality",
        "Nationality (10 most referred)",
        "coalesce(nationality, 'not_recorded')",
        "nationality",
    ),
    (
        "first_responder_type",
        "First responder organisation type",
        "first_responder_type",
        "organisation_type",
    ),
    (
        "nation",
        "UK nation of exploitation",
        "coalesce(nation_of_exploitation, 'not_recorded')",
        "nation",
    ),
)


def _where(filters: DashboardFilters) -> tuple[str, list[object]]:
    clauses = ["TRUE"]
    parameters: list[object] = []
    if filters.nation:
        clauses.append("nation_of_exploitation = ?")
        parameters.append(filters.nation)
    if filters.exploitation_type:
        clauses.append(
            "referral_key IN (SELECT referral_key FROM referral_exploitation_types "
            "WHERE exploitation_type = ?)"
        )
        parameters.append(filters.exploitation_type)
    if filters.organisation:
        clauses.append("first_responder_organisation = ?")
        parameters.append(filters.organisation)
    return " AND ".join(clauses), parameters


def _shown(value: object, threshold: int) -> int | None:
    count = int(str(value))
    return None if 0 < count < threshold else count


def _labels(connection: duckdb.DuckDBPyConnection, dimension: str) -> dict[str, str]:
    rows = connection.execute(
        "SELECT code, label FROM labels WHERE dimension = ?", [dimension]
    ).fetchall()
    return {str(code): str(label) for code, label in rows}


def build_dashboard(
    connection: duckdb.DuckDBPyConnection, filters: DashboardFilters, *, threshold: int
) -> Dashboard:
    """The trend over nine quarters and the breakdowns of the chosen quarter."""
    where, parameters = _where(filters)
    quarters = [str(quarter) for quarter in quarter_series(filters.quarter)]
    rows = connection.execute(
        "SELECT quarter, count(*), count(DISTINCT person_key) FROM referrals "  # noqa: S608
        f"WHERE list_contains(?, quarter) AND {where} GROUP BY quarter",
        [quarters, *parameters],
    ).fetchall()
    found = {str(quarter): (referrals, people) for quarter, referrals, people in rows}
    trend = tuple(
        (
            quarter,
            _shown(found.get(quarter, (0, 0))[0], threshold),
            _shown(found.get(quarter, (0, 0))[1], threshold),
        )
        for quarter in quarters
    )
    breakdowns = []
    for key, title, expression, vocabulary in _BREAKDOWNS:
        labels = _labels(connection, vocabulary)
        counted = connection.execute(
            f"SELECT {expression} AS category, count(*) AS n FROM referrals "  # noqa: S608
            f"WHERE quarter = ? AND {where} GROUP BY 1 ORDER BY n DESC, category LIMIT 10",
            [str(filters.quarter), *parameters],
        ).fetchall()
        breakdowns.append(
            Breakdown(
                key,
                title,
                tuple(
                    (
                        labels.get(str(code), str(code).replace("_", " ").capitalize()),
                        _shown(count, threshold),
                    )
                    for code, count in counted
                ),
            )
        )
    decisions, median = connection.execute(
        "SELECT count(*), median(d.working_days_taken) FROM decisions d "  # noqa: S608
        "JOIN referrals USING (referral_key) "
        f"WHERE d.stage = 'rg' AND d.issued AND d.quarter_decided = ? AND {where}",
        [str(filters.quarter), *parameters],
    ).fetchall()[0]
    linked = connection.execute(
        "SELECT coalesce(avg(CAST(person_linked AS DOUBLE)), 0) FROM referrals "  # noqa: S608
        f"WHERE quarter = ? AND {where}",
        [str(filters.quarter), *parameters],
    ).fetchall()[0][0]
    shown_decisions = _shown(decisions, threshold)
    return Dashboard(
        filters=filters,
        trend=trend,
        breakdowns=tuple(breakdowns),
        rg_decisions=shown_decisions,
        rg_median_working_days=(
            None if shown_decisions is None or median is None else float(median)
        ),
        linked_share=float(linked),
    )


def available_quarters(connection: duckdb.DuckDBPyConnection) -> list[Quarter]:
    """Every quarter the store has referrals in, newest first."""
    rows = connection.execute("SELECT DISTINCT quarter FROM referrals ORDER BY 1 DESC").fetchall()
    return [Quarter.parse(str(row[0])) for row in rows]


def exploitation_types(connection: duckdb.DuckDBPyConnection) -> Sequence[tuple[str, str]]:
    """(code, label) of the exploitation types, in their reference order."""
    rows = connection.execute(
        "SELECT code, label FROM labels WHERE dimension = 'exploitation_type' "
        "AND code <> 'multiple' ORDER BY display_order"
    ).fetchall()
    return [(str(code), str(label)) for code, label in rows]
