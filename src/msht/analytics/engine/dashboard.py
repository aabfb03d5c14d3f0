"""The dashboards' figures: trends and breakdowns of referrals for a quarter, filtered,
under the same disclosure control as the publication (disclosure.py).

Read from the analytics store (pseudonymised). Anyone who may open a dashboard may open
every filtered view of it, and a filtered view subtracted from the unfiltered one (or
from the other filters' views) is a differencing attack. So the figures of *every* view
of a dashboard (each UK nation of exploitation or none, each exploitation type or none)
are protected together, as one count system:

- each referral falls in one *slot*: its quarter, its place of exploitation as the nation
  table classifies it (a UK nation, overseas only, or not recorded) and its exploitation
  type as the exploitation type table classifies it (one type, or more than one type);
- a view's figure for a quarter is the sum of the slots the view selects, and every
  breakdown (age group, gender, exploitation type, nationality, first responder type,
  nation) splits each slot's referrals exactly once;
- ``disclosure.protect`` then suppresses small counts and, by the attacker's linear
  programmes over all the views at once, whatever would let a suppressed figure be
  recovered from the others (row totals, the trend, other views).

A breakdown shows its ten largest rows; rows never shown in any view are one unknown to
the attacker (their sum is all the views reveal), and are carried as such. Reasonable
Grounds decisions by view are a second system of the same shape; distinct people follow
the referral figures (``protect_distinct_counts``). Suppressed figures are None ([c]).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb

from msht.analytics.engine.dimensions import NOT_RECORDED, OVERSEAS_ONLY
from msht.analytics.engine.disclosure import (
    ALL,
    CountSystem,
    DisclosureRules,
    Quantity,
    protect,
    protect_distinct_counts,
)
from msht.analytics.engine.periods import Quarter, quarter_series

UK_NATIONS = ("england", "wales", "scotland", "northern_ireland")
# Codes of the rows never shown in any view of a breakdown, carried as one unknown.
UNSHOWN = "_unshown"
SHOWN_ROWS = 10
_SLOT_SEPARATOR = "|"
_COUNT = "count"


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
        f"coalesce(nationality, '{NOT_RECORDED}')",
        "nationality",
    ),
    (
        "first_responder_type",
        "First responder organisation type",
        "first_responder_type",
        "organisation_type",
    ),
    ("nation", "UK nation of exploitation", "_nation", "nation"),
)

# The slot columns: the nation and exploitation type tables' own classification.
_NATION = (
    "coalesce(nation_of_exploitation, CASE WHEN exploitation_location = 'overseas_only' "
    f"THEN '{OVERSEAS_ONLY}' ELSE '{NOT_RECORDED}' END)"
)


def _slotted(*, quarters: bool) -> str:
    """The referrals (of one organisation when the parameter is set), with their slot."""
    period = "list_contains($quarters, quarter)" if quarters else "TRUE"
    return (
        f"SELECT *, {_NATION} AS _nation FROM referrals WHERE {period} "  # noqa: S608
        "AND ($organisation IS NULL OR first_responder_organisation = $organisation)"
    )


def _slot(quarter: str, nation: str, exploitation_type: str) -> str:
    return _SLOT_SEPARATOR.join((quarter, nation, exploitation_type))


@dataclass(frozen=True)
class View:
    """One filtered view: a UK nation or None, an exploitation type or None."""

    nation: str | None
    exploitation_type: str | None

    def selects(self, nation: str, exploitation_type: str) -> bool:
        """Whether a slot's referrals are in this view."""
        return (self.nation is None or nation == self.nation) and (
            self.exploitation_type is None or exploitation_type == self.exploitation_type
        )


@dataclass
class DashboardFigures:
    """Every view's figures of one dashboard and quarter, protected together."""

    quarter: Quarter
    series: tuple[str, ...]
    views: list[View]
    slots: dict[str, list[tuple[str, str]]]
    decision_slots: list[tuple[str, str]]
    referrals: CountSystem
    decisions: CountSystem
    pattern: dict[Quantity, bool] = field(default_factory=dict)
    decisions_pattern: dict[Quantity, bool] = field(default_factory=dict)
    people: dict[Quantity, int] = field(default_factory=dict)
    people_pattern: dict[Quantity, bool] = field(default_factory=dict)
    shown: dict[tuple[View, str], tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    working_days: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    linked: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def span(self, view: View, quarter: str) -> tuple[str, ...]:
        """The referral slots of ``quarter`` the view selects."""
        return tuple(
            _slot(quarter, nation, kind)
            for nation, kind in self.slots.get(quarter, [])
            if view.selects(nation, kind)
        )

    def decision_span(self, view: View) -> tuple[str, ...]:
        """The decision slots (by the referral decided) the view selects."""
        return tuple(
            _slot(str(self.quarter), nation, kind)
            for nation, kind in self.decision_slots
            if view.selects(nation, kind)
        )

    def total(self, view: View, quarter: str) -> Quantity:
        """The view's referrals in a quarter."""
        return Quantity(self.referrals.name, ALL, ALL, ALL, self.span(view, quarter))

    def row(self, view: View, family: str, category: str) -> Quantity:
        """The view's referrals in a breakdown row, in the dashboard's quarter."""
        span = self.span(view, str(self.quarter))
        return Quantity(self.referrals.name, family, category, ALL, span)

    def decided(self, view: View) -> Quantity:
        """The view's Reasonable Grounds decisions issued in the quarter."""
        return Quantity(self.decisions.name, ALL, ALL, ALL, self.decision_span(view))

    def shown_count(self, quantity: Quantity) -> int | None:
        """The figure, or None when it is suppressed."""
        if quantity.system == self.decisions.name:
            hidden = self.decisions_pattern[quantity]
            return None if hidden else self.decisions.value(quantity)
        return None if self.pattern[quantity] else self.referrals.value(quantity)

    def shown_people(self, view: View, quarter: str) -> int | None:
        """Distinct people in the view and quarter, or None when suppressed."""
        key = _people_key(self.total(view, quarter))
        if self.people_pattern.get(key, False):
            return None
        return self.people.get(key, 0)


def _people_key(quantity: Quantity) -> Quantity:
    return Quantity("people", quantity.family, quantity.category, quantity.column, quantity.span)


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, object]
) -> list[tuple[object, ...]]:
    return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]


def _labels(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for dimension, code, label in _rows(
        connection, "SELECT dimension, code, label FROM labels", {}
    ):
        labels[str(dimension)][str(code)] = str(label)
    return labels


def _slot_totals(
    connection: duckdb.DuckDBPyConnection, parameters: dict[str, object]
) -> list[tuple[str, str, str, int, int]]:
    """(quarter, nation, type, referrals, referrals linked) per slot over the trend."""
    sql = (
        "SELECT quarter, _nation, exploitation_type, count(*), "  # noqa: S608
        f"count(*) FILTER (WHERE person_linked) FROM ({_slotted(quarters=True)}) GROUP BY ALL"
    )
    return [
        (str(q), str(n), str(t), int(str(c)), int(str(linked)))
        for q, n, t, c, linked in _rows(connection, sql, parameters)
    ]


def _row_counts(
    connection: duckdb.DuckDBPyConnection, parameters: dict[str, object]
) -> dict[tuple[str, str, str, str], int]:
    """{(family, category, nation, type): referrals} in the dashboard's quarter."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for key, _title, expression, _vocabulary in _BREAKDOWNS:
        sql = (
            f"SELECT {expression}, _nation, exploitation_type, count(*) "  # noqa: S608
            f"FROM ({_slotted(quarters=True)}) GROUP BY ALL"
        )
        for category, nation, kind, count in _rows(connection, sql, parameters):
            counts[(key, str(category), str(nation), str(kind))] = int(str(count))
    return counts


def _people_counts(
    connection: duckdb.DuckDBPyConnection,
    parameters: dict[str, object],
    views: list[View],
) -> dict[tuple[str, View], int]:
    """Distinct people per quarter and view (the filters as grouping sets)."""
    sql = (
        "SELECT quarter, _nation, exploitation_type, grouping(_nation), "  # noqa: S608
        "grouping(exploitation_type), count(DISTINCT person_key) "
        f"FROM ({_slotted(quarters=True)}) GROUP BY GROUPING SETS ((quarter), "
        "(quarter, _nation), (quarter, exploitation_type), (quarter, _nation, exploitation_type))"
    )
    wanted = set(views)
    people: dict[tuple[str, View], int] = {}
    for quarter, nation, kind, any_nation, any_type, count in _rows(connection, sql, parameters):
        view = View(None if any_nation else str(nation), None if any_type else str(kind))
        if view in wanted:
            people[(str(quarter), view)] = int(str(count))
    return people


def _decisions(
    connection: duckdb.DuckDBPyConnection, quarter: Quarter, organisation: str | None
) -> dict[tuple[str, str], list[float]]:
    """Working days taken by each Reasonable Grounds decision issued in the quarter, per
    slot of the referral decided (referrals of any quarter)."""
    sql = (
        "SELECT r._nation, r.exploitation_type, list(d.working_days_taken) "  # noqa: S608
        f"FROM decisions d JOIN ({_slotted(quarters=False)}) r USING (referral_key) "
        "WHERE d.stage = 'rg' AND d.issued AND d.quarter_decided = $quarter GROUP BY ALL"
    )
    rows = _rows(connection, sql, {"organisation": organisation, "quarter": str(quarter)})
    return {
        (str(nation), str(kind)): [float(str(days)) for days in list(taken)]  # type: ignore[call-overload]
        for nation, kind, taken in rows
    }


def _shown_rows(
    counts: dict[tuple[str, str, str, str], int], views: list[View]
) -> dict[tuple[View, str], tuple[str, ...]]:
    """The ten largest non-empty rows of each breakdown in each view."""
    shown: dict[tuple[View, str], tuple[str, ...]] = {}
    for view in views:
        totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (family, category, nation, kind), count in counts.items():
            if view.selects(nation, kind):
                totals[family][category] += count
        for key, *_rest in _BREAKDOWNS:
            ranked = sorted((-count, category) for category, count in totals[key].items() if count)
            shown[(view, key)] = tuple(category for _count, category in ranked[:SHOWN_ROWS])
    return shown


def protect_dashboard(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    *,
    organisation: str | None,
    rules: DisclosureRules,
) -> DashboardFigures:
    """Every view of a dashboard (each filter, and none) for ``quarter``, protected together
    by the publication's disclosure control (disclosure.protect; policy
    disclosure_minimum_count), so that no view or difference of views recovers a
    suppressed figure.

    Args:
        connection: the analytics store.
        quarter: the dashboard's quarter (its trend is the nine quarters ending with it).
        organisation: the first responder organisation's code, or None for the nation.
        rules: the threshold of primary suppression (no rounding on dashboards).

    Returns:
        The figures and their suppression, for ``dashboard_view``.
    """
    series = tuple(str(q) for q in quarter_series(quarter))
    labels = _labels(connection)
    views = _views(sorted(labels["exploitation_type"]))
    parameters: dict[str, object] = {"quarters": list(series), "organisation": organisation}
    slot_rows = _slot_totals(connection, parameters)
    slots: dict[str, list[tuple[str, str]]] = defaultdict(list)
    linked: dict[tuple[str, str], tuple[int, int]] = {}
    referrals = CountSystem("referrals", (_COUNT,), {})
    for q, nation, kind, count, linked_count in slot_rows:
        slots[q].append((nation, kind))
        referrals.counts[(ALL, ALL, _COUNT, _slot(q, nation, kind))] = count
        if q == str(quarter):
            linked[(nation, kind)] = (count, linked_count)
    counts = _row_counts(connection, {**parameters, "quarters": [str(quarter)]})
    shown = _shown_rows(counts, views)
    _add_rows(referrals, counts, shown, quarter)
    working_days = _decisions(connection, quarter, organisation)
    decisions = CountSystem("rg_decisions", (_COUNT,), {})
    for (nation, kind), taken in working_days.items():
        decisions.counts[(ALL, ALL, _COUNT, _slot(str(quarter), nation, kind))] = len(taken)
    figures = DashboardFigures(
        quarter=quarter,
        series=series,
        views=views,
        slots={q: sorted(pairs) for q, pairs in slots.items()},
        decision_slots=sorted(working_days),
        referrals=referrals,
        decisions=decisions,
        shown=shown,
        labels=labels,
        working_days=working_days,
        linked=linked,
    )
    wanted = [figures.total(view, q) for view in views for q in series]
    wanted.extend(
        figures.row(view, family, category)
        for (view, family), rows in shown.items()
        for category in rows
    )
    # A breakdown listing fewer rows than it could tells that its other rows are empty:
    # those zeros are known to anyone, as if published, and never suppressed.
    known_zeros = {
        figures.row(view, family, category): False
        for (view, family), rows in shown.items()
        if len(rows) < SHOWN_ROWS
        for category in referrals.families[family]
        if category not in rows
    }
    # A slot's referrals are all in its own row of the nation and exploitation type
    # breakdowns (the slot is their classification): its other rows are known zeros.
    quarter_key = str(quarter)
    for nation, kind in slots[quarter_key]:
        slot = (_slot(quarter_key, nation, kind),)
        for family, own in (("nation", nation), ("exploitation_type", kind)):
            for category in referrals.families[family]:
                if category != own:
                    known_zeros[Quantity(referrals.name, family, category, ALL, slot)] = False
    figures.pattern = protect(referrals, wanted, rules, known_zeros)
    figures.decisions_pattern = protect(decisions, [figures.decided(view) for view in views], rules)
    people = _people_counts(connection, parameters, views)
    figures.people = {
        _people_key(figures.total(view, q)): people.get((q, view), 0)
        for view in views
        for q in series
    }
    mirror = {_people_key(quantity): hidden for quantity, hidden in figures.pattern.items()}
    figures.people_pattern = protect_distinct_counts(figures.people, rules, mirror)
    return figures


def _add_rows(
    referrals: CountSystem,
    counts: dict[tuple[str, str, str, str], int],
    shown: dict[tuple[View, str], tuple[str, ...]],
    quarter: Quarter,
) -> None:
    """Each breakdown's rows as a family of the system: the rows some view shows, and the
    rest as one unknown (no view shows them, so only their sum is known)."""
    for key, *_rest in _BREAKDOWNS:
        categories = sorted(
            {code for (_v, family), codes in shown.items() if family == key for code in codes}
        )
        present = {category for (family, category, _n, _t) in counts if family == key}
        unshown = (UNSHOWN,) if present - set(categories) else ()
        referrals.families[key] = (*categories, *unshown)
    for (family, category, nation, kind), count in counts.items():
        code = category if category in referrals.families[family] else UNSHOWN
        cell = (family, code, _COUNT, _slot(str(quarter), nation, kind))
        referrals.counts[cell] = referrals.counts.get(cell, 0) + count


def _views(types: Iterable[str]) -> list[View]:
    return [View(nation, kind) for nation in (None, *UK_NATIONS) for kind in (None, *types)]


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def dashboard_view(figures: DashboardFigures, filters: DashboardFilters) -> Dashboard:
    """One view's figures, as protected with every other view (``protect_dashboard``)."""
    view = View(filters.nation, filters.exploitation_type)
    if view not in figures.views:
        view = View(filters.nation if filters.nation in UK_NATIONS else None, None)
    trend = tuple(
        (
            q,
            figures.shown_count(figures.total(view, q)),
            figures.shown_people(view, q),
        )
        for q in figures.series
    )
    breakdowns = []
    for key, title, _expression, vocabulary in _BREAKDOWNS:
        words = figures.labels.get(vocabulary, {})
        counted = [
            (words.get(code, code.replace("_", " ").capitalize()), figures.shown_count(quantity))
            for code in figures.shown[(view, key)]
            for quantity in (figures.row(view, key, code),)
        ]
        # Published rows largest first, then the suppressed ones by name: a suppressed row
        # placed by its size would be bounded by its neighbours.
        rows = sorted(counted, key=lambda row: (row[1] is None, -(row[1] or 0), row[0]))
        breakdowns.append(Breakdown(key, title, tuple(rows)))
    decided = figures.shown_count(figures.decided(view))
    taken = [
        days
        for (nation, kind), values in figures.working_days.items()
        if view.selects(nation, kind)
        for days in values
    ]
    linkage = [pair for (n, k), pair in figures.linked.items() if view.selects(n, k)]
    records = sum(count for count, _linked in linkage)
    return Dashboard(
        filters=filters,
        trend=trend,
        breakdowns=tuple(breakdowns),
        rg_decisions=decided,
        rg_median_working_days=None if decided is None else _median(taken),
        linked_share=sum(linked for _count, linked in linkage) / records if records else 0.0,
    )


def build_dashboard(
    connection: duckdb.DuckDBPyConnection, filters: DashboardFilters, *, threshold: int
) -> Dashboard:
    """The trend over nine quarters and the breakdowns of the chosen quarter, protected
    with every other view of the same dashboard."""
    figures = protect_dashboard(
        connection,
        filters.quarter,
        organisation=filters.organisation,
        rules=DisclosureRules(threshold=threshold),
    )
    return dashboard_view(figures, filters)


def available_quarters(connection: duckdb.DuckDBPyConnection) -> list[Quarter]:
    """Every quarter the store has referrals in, newest first."""
    rows = connection.execute("SELECT DISTINCT quarter FROM referrals ORDER BY 1 DESC").fetchall()
    return [Quarter.parse(str(row[0])) for row in rows]


def exploitation_types(connection: duckdb.DuckDBPyConnection) -> Sequence[tuple[str, str]]:
    """(code, label) of the exploitation types, in their reference order, with "more than
    one type" last: the exploitation type table's rows, which the type filter selects."""
    rows = connection.execute(
        "SELECT code, label FROM labels WHERE dimension = 'exploitation_type' "
        "ORDER BY display_order"
    ).fetchall()
    return [(str(code), str(label)) for code, label in rows]
