"""The quarterly release computed in DuckDB SQL over the analytics store (no Django).

``compute_release`` counts every population by every table's rows and the columns, per
quarter, for the quarters the release needs; the distinct people behind each referral
figure; the completeness of each table's field; the share of records linked; and the
medians of time taken. Disclosure control (disclosure.py) then decides what is shown,
and ``release_tables`` lays the figures out as the published tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
from msht.analytics.engine.disclosure import ALL, CountSystem, DistinctCounts, Nesting, Quantity
from msht.analytics.engine.periods import Period, Quarter, publication_periods, quarter_series

PEOPLE = "people"
TOTAL_LABEL = "Total"
# Tables whose rows split another table's rows of the same population (inner -> outer):
# every police force area lies in one nation, so the areas of Wales add up to Wales.
NESTED = {"police_force_area": "nation"}


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
    # Distinct people behind the referral figures, with the referral tables' nestings.
    people: DistinctCounts
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


# Temporary tables of one release's computation (a read-only store still takes temporary
# tables); dropped when it ends.
_WORK_PREFIX = "msht_release_"
_SPANS = f"{_WORK_PREFIX}spans"


def _work_table(population: Population) -> str:
    return f"{_WORK_PREFIX}{population.key}"


def _materialise(
    connection: duckdb.DuckDBPyConnection,
    population: Population,
    dimensions: list[Dimension],
    quarters: list[str],
) -> str:
    """One scan of the population's source (its joins done once), keeping only the release's
    quarters and, per row, the column, each table's row and whether its field is recorded:
    every later count reads this narrow table instead of the source."""
    name = _work_table(population)
    selected = [
        "period_quarter AS _quarter",
        f"{population.column_expression} AS _column",
        *(f"{dimension.expression} AS _row_{dimension.key}" for dimension in dimensions),
        *(f"({dimension.recorded}) AS _recorded_{dimension.key}" for dimension in dimensions),
    ]
    if population.counts_people:
        # Most people have one referral in the release's quarters; only the others need
        # de-duplicating when distinct people are counted (_people).
        selected.extend(
            [
                "person_linked",
                "person_key AS _person",
                "person_key IN (SELECT person_key FROM referrals "
                "WHERE list_contains($quarters, quarter) "
                "GROUP BY person_key HAVING count(*) > 1) AS _repeated",
            ]
        )
    if population.key.endswith("_decisions"):
        selected.extend(["working_days_taken", "days_taken"])
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {', '.join(selected)} "  # noqa: S608
        f"FROM {population.source} WHERE list_contains($quarters, period_quarter)",
        {"quarters": quarters},
    )
    return name


def _categories(connection: duckdb.DuckDBPyConnection, dimension: Dimension) -> tuple[str, ...]:
    """The fixed codes, then any other code met in these quarters (by count, largest first)."""
    sql = (
        f"SELECT _row_{dimension.key} AS category, count(*) AS n "  # noqa: S608 - fixed SQL
        f"FROM {_work_table(dimension.population)} GROUP BY 1 ORDER BY n DESC, category"
    )
    found = [str(row[0]) for row in _rows(connection, sql, [])]
    return tuple(dict.fromkeys([*dimension.fixed_codes, *found]))


def _nestings(
    connection: duckdb.DuckDBPyConnection, population: Population, dimensions: list[Dimension]
) -> tuple[Nesting, ...]:
    """How the rows of each nested table (``NESTED``) lie in its outer table's rows, read
    from the records themselves: an outer row is the sum of the inner rows met with it
    when none of those inner rows is met with another outer row (a police force area's
    records all carry its nation; overseas only and not recorded are the same rows in both
    tables)."""
    keys = {dimension.key for dimension in dimensions}
    nestings = []
    for inner, outer in NESTED.items():
        if inner not in keys or outer not in keys:
            continue
        sql = (
            f"SELECT DISTINCT _row_{inner}, _row_{outer} "  # noqa: S608 - fixed SQL
            f"FROM {_work_table(population)}"
        )
        pairs = [(str(row[0]), str(row[1])) for row in _rows(connection, sql, [])]
        outers: dict[str, set[str]] = defaultdict(set)
        for inner_row, outer_row in pairs:
            outers[inner_row].add(outer_row)
        parents = {
            inner_row: outer_row
            for inner_row, outer_row in pairs
            if all(len(outers[other]) == 1 for other, parent in pairs if parent == outer_row)
        }
        nestings.append(Nesting(inner, outer, parents))
    return tuple(nestings)


def _system(
    connection: duckdb.DuckDBPyConnection,
    population: Population,
    dimensions: list[Dimension],
    categories: Mapping[str, tuple[str, ...]],
) -> CountSystem:
    """Every quarterly cell of the population, all tables in one grouping-sets query."""
    system = CountSystem(
        population.key,
        population.column_codes,
        {dimension.key: categories[dimension.key] for dimension in dimensions},
        nestings=_nestings(connection, population, dimensions),
    )
    rows = [f"_row_{dimension.key}" for dimension in dimensions]
    sets = ", ".join(["(_column, _quarter)", *(f"({row}, _column, _quarter)" for row in rows)])
    groupings = "".join(f", grouping({row})" for row in rows)
    sql = (
        f"SELECT _column, _quarter, count(*){''.join(f', {row}' for row in rows)}"  # noqa: S608
        f"{groupings} FROM {_work_table(population)} GROUP BY GROUPING SETS ({sets})"
    )
    width = len(rows)
    for found in _rows(connection, sql, []):
        column, quarter, count = found[0], found[1], found[2]
        values, grouped = found[3 : 3 + width], found[3 + width :]
        in_table = [i for i, left_out in enumerate(grouped) if not left_out]
        if in_table:
            position = in_table[0]
            cell = (dimensions[position].key, str(values[position]), str(column), str(quarter))
        else:
            cell = (ALL, ALL, str(column), str(quarter))
        system.counts[cell] = int(str(count))
    return system


def _load_spans(connection: duckdb.DuckDBPyConnection, spans: list[tuple[str, ...]]) -> None:
    """A table of (span number, quarter): each span counted in one pass with the others."""
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {_SPANS} (span INTEGER, quarter VARCHAR)")
    pairs = [(number, quarter) for number, span in enumerate(spans) for quarter in span]
    if pairs:
        connection.executemany(f"INSERT INTO {_SPANS} VALUES (?, ?)", pairs)  # noqa: S608


def _people(
    connection: duckdb.DuckDBPyConnection,
    dimension: Dimension | None,
    spans: list[tuple[str, ...]],
) -> dict[Quantity, int]:
    """Distinct people (linked person keys) behind each referral figure of each span.

    Each person's quarters in a cell (and in a row) become a bit mask; people are counted
    per cell and mask, and a span counts those whose mask meets its own. A person with a
    single referral in the release's quarters is one referral: only people referred more
    than once are grouped person by person. No count(DISTINCT), no scan per span.
    """
    quarters = sorted({quarter for span in spans for quarter in span})
    bits = {quarter: 1 << position for position, quarter in enumerate(quarters)}
    category = f"_row_{dimension.key}" if dimension else f"'{ALL}'"
    family = dimension.key if dimension else ALL
    bit = "CAST(1 AS BIGINT) << CAST(list_position(?, _quarter) - 1 AS BIGINT)"
    table = _work_table(REFERRALS)
    repeated = (
        "SELECT category, age, whole_row, mask, count(*) FROM ("  # noqa: S608
        f"SELECT {category} AS category, _column AS age, grouping(_column) AS whole_row, "
        f"bit_or({bit}) AS mask FROM {table} WHERE _repeated AND list_contains(?, _quarter) "
        "GROUP BY GROUPING SETS ((_person, category, _column), (_person, category))"
        ") GROUP BY ALL"
    )
    single = (
        f"SELECT {category}, _column, {bit} AS mask, count(*) FROM {table} "  # noqa: S608
        "WHERE NOT _repeated AND list_contains(?, _quarter) GROUP BY ALL"
    )
    counted: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row_category, age, whole_row, mask, count in _rows(
        connection, repeated, [quarters, quarters]
    ):
        cell = (str(row_category), ALL if whole_row else str(age))
        counted[cell][int(str(mask))] += int(str(count))
    for row_category, age, mask, count in _rows(connection, single, [quarters, quarters]):
        for cell in ((str(row_category), str(age)), (str(row_category), ALL)):
            counted[cell][int(str(mask))] += int(str(count))
    # An empty span still has its total: no one.
    values: dict[Quantity, int] = (
        {} if dimension else {Quantity(PEOPLE, ALL, ALL, ALL, span): 0 for span in spans}
    )
    for span in spans:
        wanted = sum(bits[quarter] for quarter in span)
        for (row_category, column), masks in counted.items():
            people = sum(count for mask, count in masks.items() if mask & wanted)
            if people:
                whole = dimension is None
                key = Quantity(
                    PEOPLE, ALL if whole else family, ALL if whole else row_category, column, span
                )
                values[key] = people
    return values


def _completeness(
    connection: duckdb.DuckDBPyConnection,
    population: Population,
    dimensions: list[Dimension],
    periods: tuple[Period, ...],
    period_spans: list[tuple[str, ...]],
) -> dict[tuple[str, str], Completeness]:
    """Records and records with the field recorded, per table and period, in one query."""
    _load_spans(connection, period_spans)
    recorded = "".join(
        f", count(*) FILTER (WHERE _recorded_{dimension.key})" for dimension in dimensions
    )
    sql = (
        f"SELECT span, count(*){recorded} FROM {_work_table(population)} "  # noqa: S608
        f"JOIN {_SPANS} s ON s.quarter = _quarter GROUP BY span"
    )
    found = {int(str(row[0])): row[1:] for row in _rows(connection, sql, [])}
    completeness = {}
    for number, period in enumerate(periods):
        counts = found.get(number, (0,) * (len(dimensions) + 1))
        for position, dimension in enumerate(dimensions):
            completeness[(dimension.key, period.key)] = Completeness(
                int(str(counts[0])), int(str(counts[1 + position]))
            )
    return completeness


def _linked(
    connection: duckdb.DuckDBPyConnection,
    periods: tuple[Period, ...],
    period_spans: list[tuple[str, ...]],
) -> dict[str, Completeness]:
    _load_spans(connection, period_spans)
    sql = (
        "SELECT span, count(*), count(*) FILTER (WHERE person_linked) "  # noqa: S608
        f"FROM {_work_table(REFERRALS)} JOIN {_SPANS} s ON s.quarter = _quarter GROUP BY span"
    )
    found = {int(str(row[0])): row[1:] for row in _rows(connection, sql, [])}
    return {
        period.key: Completeness(*(int(str(n)) for n in found.get(number, (0, 0))))
        for number, period in enumerate(periods)
    }


def _time_taken(
    connection: duckdb.DuckDBPyConnection,
    population: Population,
    periods: tuple[Period, ...],
    period_spans: list[tuple[str, ...]],
) -> dict[tuple[str, str], TimeTaken]:
    _load_spans(connection, period_spans)
    sql = (
        "SELECT span, count(*), median(working_days_taken), median(days_taken) "  # noqa: S608
        f"FROM {_work_table(population)} JOIN {_SPANS} s ON s.quarter = _quarter GROUP BY span"
    )
    found = {int(str(row[0])): row[1:] for row in _rows(connection, sql, [])}
    taken = {}
    for number, period in enumerate(periods):
        count, working, days = found.get(number, (0, None, None))
        taken[(population.key, period.key)] = TimeTaken(
            int(str(count)),
            None if working is None else float(str(working)),
            None if days is None else float(str(days)),
        )
    return taken


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


def _drop_work_tables(connection: duckdb.DuckDBPyConnection) -> None:
    for population in POPULATIONS:
        connection.execute(f"DROP TABLE IF EXISTS {_work_table(population)}")
    connection.execute(f"DROP TABLE IF EXISTS {_SPANS}")


def compute_release(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    *,
    also_quarters: Iterable[str] = (),
) -> Release:
    """Count everything the release for ``quarter`` shows (and the quarterly counts of
    ``also_quarters``, which earlier releases' figures need for the differencing check).

    Each population's source is scanned once into a narrow temporary table (the decisions'
    join with referrals included); every table's cells then come from one grouping-sets
    query per population, and distinct people, completeness and medians from one query
    per dimension or population over all periods at once.

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
    period_spans = [tuple(str(q) for q in period.quarters) for period in periods]
    try:
        by_population = {
            population.key: [d for d in DIMENSIONS if d.population is population]
            for population in POPULATIONS
        }
        for population in POPULATIONS:
            _materialise(connection, population, by_population[population.key], quarters)
        categories = {dimension.key: _categories(connection, dimension) for dimension in DIMENSIONS}
        systems = {
            population.key: _system(
                connection, population, by_population[population.key], categories
            )
            for population in POPULATIONS
        }
        # People nest as their referrals do: the people of a nation are its areas' people.
        people = DistinctCounts(_people(connection, None, spans), systems[REFERRALS.key].nestings)
        for dimension in DIMENSIONS:
            if dimension.population.counts_people:
                people.update(_people(connection, dimension, period_spans))
        completeness: dict[tuple[str, str], Completeness] = {}
        for population in POPULATIONS:
            completeness.update(
                _completeness(
                    connection, population, by_population[population.key], periods, period_spans
                )
            )
        linked = _linked(connection, periods, period_spans)
        time_taken: dict[tuple[str, str], TimeTaken] = {}
        for population in POPULATIONS:
            if population.key.endswith("_decisions"):
                time_taken.update(_time_taken(connection, population, periods, period_spans))
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
    finally:
        _drop_work_tables(connection)
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
