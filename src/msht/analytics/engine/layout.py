"""Lay the release out as published tables, after disclosure control.

Every table has one header row and one row per category, a Total row last, and the
same figures in every output (ODS, CSV, HTML). A cell is a number, or a GSS symbol:
``[c]`` suppressed, ``[x]`` not available, ``[z]`` not applicable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from msht.analytics.engine.dimensions import DIMENSIONS, POPULATIONS, Dimension, Population
from msht.analytics.engine.disclosure import (
    ALL,
    DisclosureRules,
    Marker,
    Quantity,
    protect,
    protect_distinct_counts,
)
from msht.analytics.engine.periods import Period
from msht.analytics.engine.tables import PEOPLE, TOTAL_LABEL, Release

CellValue = int | float | str

PERIOD_CODES = {
    "quarter": "qtr",
    "year_to_date": "ytd",
    "year_ending": "ye",
    "same_quarter_year_earlier": "prev_yr",
}

MEASURE_WORDS = {
    "referrals": "Referrals",
    "duty_to_notify": "Reports",
    "rg_decisions": "Decisions",
    "cg_decisions": "Decisions",
}


@dataclass(frozen=True)
class StatTable:
    """One published table: a title in A1, one header row, then its rows."""

    key: str
    title: str
    period_title: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[CellValue, ...]], ...]
    notes: tuple[str, ...] = ()
    dimension: str = ""
    period: str = ""
    population: str = ""

    @property
    def header(self) -> tuple[str, ...]:
        return (self.row_heading, *self.columns)

    def column(self, heading: str) -> list[CellValue]:
        """The cells under ``heading``, Total row included."""
        position = self.columns.index(heading)
        return [values[position] for _label, values in self.rows]


@dataclass
class Protected:
    """The release with its suppression decided: figure -> suppressed."""

    release: Release
    rules: DisclosureRules
    pattern: dict[Quantity, bool]
    people_pattern: dict[Quantity, bool]
    earlier: dict[Quantity, bool] = field(default_factory=dict)

    def count(self, quantity: Quantity) -> CellValue:
        """A published count, rounded if the rules say so, or ``[c]``."""
        if self.pattern.get(quantity, False):
            return Marker.SUPPRESSED.value
        system = self.release.systems[quantity.system]
        return self.rules.rounded(system.value(quantity))

    def people(self, quantity: Quantity) -> CellValue:
        key = Quantity(PEOPLE, quantity.family, quantity.category, quantity.column, quantity.span)
        if key not in self.release.people:
            # Other populations have no people. No referral in a cell means no person in
            # it, but a 0 shown beside a suppressed referral count would give that count
            # away (a disclosive zero's row, or a partner that is truly 0).
            if quantity.system != "referrals":
                return Marker.NOT_AVAILABLE.value
            return Marker.SUPPRESSED.value if self.pattern.get(quantity, False) else 0
        if self.people_pattern.get(key, True):
            return Marker.SUPPRESSED.value
        return self.rules.rounded(self.release.people[key])


def protect_release(
    release: Release,
    rules: DisclosureRules,
    earlier: Mapping[Quantity, bool] | None = None,
) -> Protected:
    """Decide every suppression of the release (disclosure.py), counts then people."""
    earlier = dict(earlier or {})
    pattern: dict[Quantity, bool] = {}
    for population in POPULATIONS:
        system = release.systems[population.key]
        before = {q: s for q, s in earlier.items() if q.system == population.key}
        pattern.update(protect(system, release.wanted[population.key], rules, before))
    mirror = {
        Quantity(PEOPLE, q.family, q.category, q.column, q.span): hidden
        for q, hidden in pattern.items()
        if q.system == "referrals"
    }
    people_pattern = protect_distinct_counts(release.people, rules, mirror)
    return Protected(release, rules, pattern, people_pattern, earlier)


def _span(period: Period) -> tuple[str, ...]:
    return tuple(str(quarter) for quarter in period.quarters)


def _percent(share: float) -> str:
    return f"{share:.1%}"


def _columns(release: Release, population: Population) -> list[tuple[str, str, str]]:
    """(measure, column code, heading) for each value column of a population's tables."""
    words = MEASURE_WORDS[population.key]
    codes = (*population.column_codes, ALL)
    columns = [
        (
            "count",
            code,
            f"{words}: "
            + (TOTAL_LABEL if code == ALL else release.label(population.column_dimension, code)),
        )
        for code in codes
    ]
    if population.counts_people:
        columns.extend(
            (
                PEOPLE,
                code,
                "People: "
                + (
                    TOTAL_LABEL if code == ALL else release.label(population.column_dimension, code)
                ),
            )
            for code in codes
        )
    elif population.people_note:
        columns.append((PEOPLE, ALL, "People: Total"))
    return columns


def _cell(protected: Protected, measure: str, quantity: Quantity) -> CellValue:
    if measure == "count":
        return protected.count(quantity)
    return protected.people(quantity)


def _table_notes(protected: Protected, dimension: Dimension, period: Period) -> tuple[str, ...]:
    """Caveats from the data: completeness of the field, linkage, the table's own rules."""
    release = protected.release
    notes = []
    completeness = release.completeness[(dimension.key, period.key)]
    population = dimension.population
    if completeness.records:
        missing = 1 - completeness.share
        notes.append(
            f"{_percent(missing)} of {population.noun} in this period have no recorded "
            f"{dimension.field_words}."
            if missing
            else f"Every one of the {population.noun} in this period has a recorded "
            f"{dimension.field_words}."
        )
    else:
        notes.append(f"There are no {population.noun} in this period.")
    if population.counts_people:
        notes.append(linkage_caveat(protected, period))
        notes.append(
            "A person referred more than once with different answers is counted in each row "
            "they appear in; the Total row counts each person once."
        )
    if population.people_note:
        notes.append(population.people_note)
    if dimension.note:
        notes.append(dimension.note)
    return tuple(notes)


def linkage_caveat(protected: Protected, period: Period) -> str:
    """How people are counted and how far to trust it (share of records linked)."""
    linked = protected.release.linked[period.key]
    if not linked.records:
        return "People are counted by linked person ids."
    if linked.recorded == 0:
        return (
            "No referral record in this period is linked to a person yet: each record "
            "counts as one person, so the people figures equal the referral figures and "
            "overstate people referred more than once."
        )
    return (
        f"People are counted by linked person ids; {_percent(linked.share)} of referral "
        "records in this period are linked by record linkage, and each unlinked record "
        "counts as one person."
    )


def _dimension_table(protected: Protected, dimension: Dimension, period: Period) -> StatTable:
    release = protected.release
    population = dimension.population
    system = release.systems[population.key]
    span = _span(period)
    columns = _columns(release, population)
    rows = []
    for code in (*release.categories[dimension.key], ALL):
        label = TOTAL_LABEL if code == ALL else release.label(dimension.vocabulary, code)
        values = tuple(
            _cell(protected, measure, system.quantity(dimension.key, code, column, span))
            for measure, column, _heading in columns
        )
        rows.append((label, values))
    return StatTable(
        key=f"{dimension.key}_{PERIOD_CODES[period.key]}",
        title=f"{dimension.title}, {period.title}",
        period_title=period.title,
        row_heading=dimension.row_heading,
        columns=tuple(heading for _m, _c, heading in columns),
        rows=tuple(rows),
        notes=_table_notes(protected, dimension, period),
        dimension=dimension.key,
        period=period.key,
        population=population.key,
    )


def _series_table(protected: Protected, population: Population) -> StatTable:
    release = protected.release
    system = release.systems[population.key]
    columns = _columns(release, population)
    rows = []
    for quarter in release.series:
        values = tuple(
            _cell(protected, measure, system.quantity(ALL, ALL, column, (str(quarter),)))
            for measure, column, _heading in columns
        )
        rows.append((str(quarter), values))
    first, last = release.series[0], release.series[-1]
    notes = [f"Quarters by the date of the {population.noun.rstrip('s')}."]
    if population.people_note:
        notes.append(population.people_note)
    return StatTable(
        key=f"{population.key}_by_quarter",
        title=f"{population.noun[0].upper()}{population.noun[1:]} by quarter, "
        f"{first.label} to {last.label}",
        period_title=f"{first} to {last}",
        row_heading="Quarter",
        columns=tuple(heading for _m, _c, heading in columns),
        rows=tuple(rows),
        notes=tuple(notes),
        dimension="quarter",
        period="series",
        population=population.key,
    )


def _median(value: float | None) -> CellValue:
    return Marker.NOT_AVAILABLE.value if value is None else round(value, 1)


def _time_taken_table(protected: Protected, period: Period) -> StatTable:
    release = protected.release
    span = _span(period)
    rows = []
    for key, label, working in (
        ("rg_decisions", "Reasonable Grounds", True),
        ("cg_decisions", "Conclusive Grounds", False),
    ):
        summary = release.time_taken[(key, period.key)]
        total = release.systems[key].quantity(ALL, ALL, ALL, span)
        count = protected.count(total)
        hidden = count == Marker.SUPPRESSED.value
        shown_working = _median(summary.median_working_days)
        shown_days = _median(summary.median_days)
        rows.append(
            (
                label,
                (
                    count,
                    Marker.SUPPRESSED.value if hidden else shown_working,
                    Marker.NOT_APPLICABLE.value
                    if working
                    else (Marker.SUPPRESSED.value if hidden else shown_days),
                ),
            )
        )
        if not working:
            rows[-1] = (label, (count, Marker.NOT_APPLICABLE.value, rows[-1][1][2]))
    return StatTable(
        key=f"time_taken_{PERIOD_CODES[period.key]}",
        title=f"Time taken to make NRM decisions (median), {period.title}",
        period_title=period.title,
        row_heading="Decision",
        columns=("Decisions issued", "Median working days", "Median calendar days"),
        rows=tuple(rows),
        notes=(
            "Reasonable Grounds decisions are measured in working days from the referral "
            "(target: 5 working days); Conclusive Grounds decisions in calendar days from the "
            "Reasonable Grounds decision ([z] for the other measure).",
            "A median is suppressed with the count of decisions it summarises.",
        ),
        dimension="time_taken",
        period=period.key,
        population="decisions",
    )


def release_tables(protected: Protected) -> list[StatTable]:
    """Every table of the release, in publication order."""
    release = protected.release
    tables = [_series_table(protected, population) for population in POPULATIONS]
    for period in release.periods:
        tables.extend(_dimension_table(protected, dimension, period) for dimension in DIMENSIONS)
        tables.append(_time_taken_table(protected, period))
    return tables


def release_caveats(protected: Protected) -> list[str]:
    """Caveats for the whole release, generated from the data."""
    release = protected.release
    quarter = release.periods[0]
    caveats = [linkage_caveat(protected, quarter)]
    span = _span(quarter)
    total = release.systems["referrals"].quantity(ALL, ALL, ALL, span)
    referrals = protected.count(total)
    people = protected.people(total)
    if isinstance(referrals, int) and isinstance(people, int) and referrals:
        repeats = referrals - people
        caveats.append(
            f"The {referrals:,} referrals of {quarter.title} concern {people:,} people: "
            f"{repeats:,} ({repeats / referrals:.1%}) are further referrals of a person "
            "already referred in the quarter. Counting referrals overstates people by that much."
        )
    for dimension in DIMENSIONS:
        completeness = release.completeness[(dimension.key, quarter.key)]
        if completeness.records and completeness.share < 1:
            caveats.append(
                f"{_percent(1 - completeness.share)} of {dimension.population.noun} in "
                f"{quarter.title} have no recorded {dimension.field_words}."
            )
    caveats = list(dict.fromkeys(caveats))
    if release.refreshed_at is not None:
        caveats.append(
            f"Figures come from the analytics store as refreshed on "
            f"{release.refreshed_at:%d %B %Y}; figures for earlier quarters may be revised as "
            "records are amended, linked or loaded late."
        )
    return caveats


def table_to_json(table: StatTable) -> dict[str, object]:
    """A table as JSON (stored with its publication)."""
    return {
        "key": table.key,
        "title": table.title,
        "period_title": table.period_title,
        "row_heading": table.row_heading,
        "columns": list(table.columns),
        "rows": [[label, list(values)] for label, values in table.rows],
        "notes": list(table.notes),
        "dimension": table.dimension,
        "period": table.period,
        "population": table.population,
    }


def _list(data: Mapping[str, object], name: str) -> list[Any]:
    value = data[name]
    if not isinstance(value, list):
        raise TypeError(f"stored table field {name} is not a list")
    return value


def table_from_json(data: Mapping[str, object]) -> StatTable:
    """A table stored by ``table_to_json``."""
    rows, columns, notes = (_list(data, name) for name in ("rows", "columns", "notes"))
    return StatTable(
        key=str(data["key"]),
        title=str(data["title"]),
        period_title=str(data["period_title"]),
        row_heading=str(data["row_heading"]),
        columns=tuple(str(column) for column in columns),
        rows=tuple((str(label), tuple(values)) for label, values in rows),
        notes=tuple(str(note) for note in notes),
        dimension=str(data["dimension"]),
        period=str(data["period"]),
        population=str(data["population"]),
    )
