"""The quarterly release computed in DuckDB SQL over the analytics store (no Django).

``compute_release`` counts every population by every table's rows and the columns, per
quarter, for the quarters the release needs; the distinct people behind each referral
figure; the completeness of each table's field; the share of records linked; and the
medians of time taken. Disclosure control (disclosure.py) then decides what is shown,
and ``release_tables`` lays the figures out as the published tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import duckdb

from msht.analytics.engine.dimensions import (
    DIMENSIONS,
    POPULATIONS,
    REFERRALS,
    SPECIAL_LABELS,
    Dimension,
    Population,
)
from msht.analytics.engine.disclosure import ALL, CountSystem, Quantity
from msht.analytics.engine.periods import Period, Quarter, publication_periods, quarter_series

PEOPLE = "people"
TOTAL_LABEL = "Total"


@dataclass(frozen=True)
class Completeness:
    """How many of a table's records in a period have its field recorded."""

    records: int
    recorded: int

    @property
    def share(self) -> float:
        return self.recorded / self.records if self.records else 1.0


@dataclass(frozen=True)
class TimeTaken:
    """Decisions issued in a period and how long they took (median)."""

    decisions: int
    median_working_days: float | None
    median_days: float | None


@dataclass
class Release:
    """Every figure of one quarter's release, before disclosure control."""

    quarter: Quarter
    periods: tuple[Period, ...]
    series: tuple[Quarter, ...]
    systems: dict[str, CountSystem]
    people: dict[Quantity, int]
    categories: dict[str, tuple[str, ...]]
    completeness: dict[tuple[str, str], Completeness]
    linked: dict[str, Completeness]
    time_taken: dict[tuple[str, str], TimeTaken]
    labels: dict[tuple[str, str], str]
    refreshed_at: dt.datetime | None = None
    wanted: dict[str, list[Quantity]] = field(default_factory=dict)

    def label(self, dimension: str | None, code: str) -> str:
        """The words for a code: the reference list's, else the release's own."""
        if dimension is not None and (dimension, code) in self.labels:
            return self.labels[(dimension, code)]
        return SPECIAL_LABELS.get(code, code.replace("_", " ").capitalize())


def _quarters(quarters: Iterable[Quarter]) -> list[str]:
    return sorted({str(quarter) for quarter in quarters})


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: list[object]
) -> list[tuple[object, ...]]:
    return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]


def _categories(
    connection: duckdb.DuckDBPyConnection, dimension: Dimension, quarters: list[str]
) -> tuple[str, ...]:
    """The fixed codes, then any other code met in these quarters (by count, largest first)."""
    sql = (
        f"SELECT {dimension.expression} AS category, count(*) AS n "  # noqa: S608 - fixed SQL
        f"FROM {dimension.population.source} WHERE list_contains(?, period_quarter) "
        "GROUP BY 1 ORDER BY n DESC, category"
    )
    found = [str(row[0]) for row in _rows(connection, sql, [quarters])]
    return tuple(dict.fromkeys([*dimension.fixed_codes, *found]))


def _system(
    connection: duckdb.DuckDBPyConnection,
    population: Population,
    dimensions: list[Dimension],
    categories: Mapping[str, tuple[str, ...]],
    quarters: list[str],
) -> CountSystem:
    system = CountSystem(
        population.key,
        population.column_codes,
        {dimension.key: categories[dimension.key] for dimension in dimensions},
    )
    total_sql = (
        f"SELECT {population.column_expression}, period_quarter, count(*) "  # noqa: S608
        f"FROM {population.source} WHERE list_contains(?, period_quarter) GROUP BY ALL"
    )
    for column, quarter, count in _rows(connection, total_sql, [quarters]):
        system.counts[(ALL, ALL, str(column), str(quarter))] = int(str(count))
    for dimension in dimensions:
        sql = (
            f"SELECT {dimension.expression}, {population.column_expression}, "  # noqa: S608
            f"period_quarter, count(*) FROM {population.source} "
            "WHERE list_contains(?, period_quarter) GROUP BY ALL"
        )
        for category, column, quarter, count in _rows(connection, sql, [quarters]):
            cell = (dimension.key, str(category), str(column), str(quarter))
            system.counts[cell] = int(str(count))
    return system


def _people(
    connection: duckdb.DuckDBPyConnection,
    dimension: Dimension | None,
    spans: Iterable[tuple[str, ...]],
) -> dict[Quantity, int]:
    """Distinct people (linked person keys) behind each referral figure of each span."""
    population = dimension.population if dimension else REFERRALS
    category = dimension.expression if dimension else f"'{ALL}'"
    family = dimension.key if dimension else ALL
    sql = (
        "SELECT category, age, count(DISTINCT person_key), grouping(category), grouping(age) "  # noqa: S608
        f"FROM (SELECT {category} AS category, {population.column_expression} AS age, "
        f"person_key FROM {population.source} WHERE list_contains(?, period_quarter)) "
        "GROUP BY GROUPING SETS ((category, age), (category), (age), ())"
    )
    values: dict[Quantity, int] = {}
    for span in spans:
        for row_category, age, count, no_category, no_age in _rows(connection, sql, [list(span)]):
            whole = bool(no_category) or dimension is None
            key = Quantity(
                PEOPLE,
                ALL if whole else family,
                ALL if whole else str(row_category),
                ALL if no_age else str(age),
                span,
            )
            values[key] = int(str(count))
    return values


def _completeness(
    connection: duckdb.DuckDBPyConnection, dimension: Dimension, span: tuple[str, ...]
) -> Completeness:
    sql = (
        f"SELECT count(*), count(*) FILTER (WHERE {dimension.recorded}) "  # noqa: S608
        f"FROM {dimension.population.source} WHERE list_contains(?, period_quarter)"
    )
    records, recorded = _rows(connection, sql, [list(span)])[0]
    return Completeness(int(str(records)), int(str(recorded)))


def _linked(connection: duckdb.DuckDBPyConnection, span: tuple[str, ...]) -> Completeness:
    sql = (
        "SELECT count(*), count(*) FILTER (WHERE person_linked) FROM referrals "
        "WHERE list_contains(?, quarter)"
    )
    records, linked = _rows(connection, sql, [list(span)])[0]
    return Completeness(int(str(records)), int(str(linked)))


def _time_taken(
    connection: duckdb.DuckDBPyConnection, population: Population, span: tuple[str, ...]
) -> TimeTaken:
    sql = (
        "SELECT count(*), median(working_days_taken), median(days_taken) "  # noqa: S608
        f"FROM {population.source} WHERE list_contains(?, period_quarter)"
    )
    count, working, days = _rows(connection, sql, [list(span)])[0]
    return TimeTaken(
        int(str(count)),
        None if working is None else float(str(working)),
        None if days is None else float(str(days)),
    )


def _labels(connection: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    rows = _rows(connection, "SELECT dimension, code, label FROM labels", [])
    return {(str(dimension), str(code)): str(label) for dimension, code, label in rows}


def _refreshed_at(connection: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    rows = _rows(connection, "SELECT max(refreshed_at) FROM snapshot_info", [])
    value = rows[0][0] if rows else None
    return value if isinstance(value, dt.datetime) else None


def spans_of(quarter: Quarter) -> list[tuple[str, ...]]:
    """Every span of quarters the release for ``quarter`` shows figures for."""
    spans = [tuple(str(q) for q in period.quarters) for period in publication_periods(quarter)]
    spans.extend((str(q),) for q in quarter_series(quarter))
    return list(dict.fromkeys(spans))


def compute_release(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    *,
    also_quarters: Iterable[str] = (),
) -> Release:
    """Count everything the release for ``quarter`` shows (and the quarterly counts of
    ``also_quarters``, which earlier releases' figures need for the differencing check).

    Args:
        connection: the analytics store.
        quarter: the quarter the release is for.
        also_quarters: further quarters to count (written 2024Q1).

    Returns:
        The release's figures before disclosure control.
    """
    periods = publication_periods(quarter)
    series = quarter_series(quarter)
    spans = spans_of(quarter)
    quarters = _quarters([*series, *(q for period in periods for q in period.quarters)])
    quarters = sorted({*quarters, *also_quarters})
    categories = {
        dimension.key: _categories(connection, dimension, quarters) for dimension in DIMENSIONS
    }
    systems = {
        population.key: _system(
            connection,
            population,
            [d for d in DIMENSIONS if d.population is population],
            categories,
            quarters,
        )
        for population in POPULATIONS
    }
    period_spans = [tuple(str(q) for q in period.quarters) for period in periods]
    people: dict[Quantity, int] = _people(connection, None, spans)
    for dimension in DIMENSIONS:
        if dimension.population.counts_people:
            people.update(_people(connection, dimension, period_spans))
    completeness = {
        (dimension.key, period.key): _completeness(connection, dimension, span)
        for dimension in DIMENSIONS
        for period, span in zip(periods, period_spans, strict=True)
    }
    linked = {
        period.key: _linked(connection, span)
        for period, span in zip(periods, period_spans, strict=True)
    }
    time_taken = {
        (population.key, period.key): _time_taken(connection, population, span)
        for population in POPULATIONS
        if population.key.endswith("_decisions")
        for period, span in zip(periods, period_spans, strict=True)
    }
    release = Release(
        quarter=quarter,
        periods=periods,
        series=series,
        systems=systems,
        people=people,
        categories=categories,
        completeness=completeness,
        linked=linked,
        time_taken=time_taken,
        labels=_labels(connection),
        refreshed_at=_refreshed_at(connection),
    )
    release.wanted = wanted_quantities(release)
    return release


def _table_quantities(
    system: CountSystem, family: str, categories: Iterable[str], span: tuple[str, ...]
) -> list[Quantity]:
    rows = (*categories, ALL)
    columns = (*system.columns, ALL)
    return [system.quantity(family, row, column, span) for row in rows for column in columns]


def wanted_quantities(release: Release) -> dict[str, list[Quantity]]:
    """Every count figure each population's tables would show, per population."""
    wanted: dict[str, list[Quantity]] = {}
    for population in POPULATIONS:
        system = release.systems[population.key]
        figures: list[Quantity] = []
        for quarter in release.series:
            figures.extend(_table_quantities(system, ALL, (), (str(quarter),)))
        for period in release.periods:
            span = tuple(str(q) for q in period.quarters)
            for dimension in DIMENSIONS:
                if dimension.population is population:
                    figures.extend(
                        _table_quantities(
                            system, dimension.key, release.categories[dimension.key], span
                        )
                    )
        wanted[population.key] = list(dict.fromkeys(figures))
    return wanted
