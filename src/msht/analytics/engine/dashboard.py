"""The dashboards' figures: trends and breakdowns of referrals for a quarter, filtered,
under the same disclosure control as the publication (disclosure.py).

Read from the analytics store (pseudonymised). Anyone who may open a dashboard may open
every filtered view of it, and a filtered view subtracted from the unfiltered one (or
from the other filters' views) is a differencing attack. Analysts may open the national
dashboard and every first responder organisation's too, and the organisations' figures
add up to the nation's: an organisation's suppressed figure is the national one less the
other organisations', and a suppressed national figure the sum of the organisations'
(measured before they were protected together: 10 suppressed figures pinned in the latest
quarter of a 5,000-referral world). So the figures of *every* view of the national and
every organisation's dashboard (each UK nation of exploitation or none, each exploitation
type or none) are protected together, as one count system:

- each referral falls in one *slot*: its quarter, its place of exploitation as the nation
  table classifies it (a UK nation, overseas only, or not recorded), its exploitation
  type as the exploitation type table classifies it (one type, or more than one type) and
  its first responder organisation;
- a view's figure for a quarter is the sum of the slots the view selects (of every
  organisation on the national dashboard, of its own on an organisation's), and every
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
from collections.abc import Callable, Iterable, Sequence
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


# A referral without a first responder organisation is on no organisation's dashboard.
_NO_ORGANISATION = ""


def _slotted(*, quarters: bool) -> str:
    """The referrals (of the quarters parameter's, when ``quarters``), with their slot's
    nation and organisation."""
    period = "list_contains($quarters, quarter)" if quarters else "TRUE"
    return (
        f"SELECT *, {_NATION} AS _nation, "  # noqa: S608
        f"coalesce(first_responder_organisation, '{_NO_ORGANISATION}') AS _organisation "
        f"FROM referrals WHERE {period}"
    )


def _slot(quarter: str, nation: str, exploitation_type: str, organisation: str) -> str:
    return _SLOT_SEPARATOR.join((quarter, nation, exploitation_type, organisation))


# A slot's place in its quarter: (nation, exploitation type, first responder organisation).
Place = tuple[str, str, str]


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
    slots: dict[str, list[Place]]
    decision_slots: list[Place]
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
            _slot(quarter, nation, kind, organisation)
            for nation, kind, organisation in self.slots.get(quarter, [])
            if view.selects(nation, kind)
        )

    def decision_span(self, view: View) -> tuple[str, ...]:
        """The decision slots (by the referral decided) the view selects."""
        return tuple(
            _slot(str(self.quarter), nation, kind, organisation)
            for nation, kind, organisation in self.decision_slots
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
) -> list[tuple[str, Place, int, int]]:
    """(quarter, place, referrals, referrals linked) per slot over the trend."""
    sql = (
        "SELECT quarter, _nation, exploitation_type, _organisation, count(*), "  # noqa: S608
        f"count(*) FILTER (WHERE person_linked) FROM ({_slotted(quarters=True)}) GROUP BY ALL"
    )
    return [
        (str(q), (str(n), str(t), str(o)), int(str(c)), int(str(linked)))
        for q, n, t, o, c, linked in _rows(connection, sql, parameters)
    ]


RowCounts = dict[tuple[str, str, Place], int]


def _row_counts(connection: duckdb.DuckDBPyConnection, parameters: dict[str, object]) -> RowCounts:
    """{(family, category, place): referrals} in the dashboard's quarter."""
    counts: RowCounts = {}
    for key, _title, expression, _vocabulary in _BREAKDOWNS:
        sql = (
            f"SELECT {expression}, _nation, exploitation_type, _organisation, "  # noqa: S608
            f"count(*) FROM ({_slotted(quarters=True)}) GROUP BY ALL"
        )
        for category, nation, kind, organisation, count in _rows(connection, sql, parameters):
            place = (str(nation), str(kind), str(organisation))
            counts[(key, str(category), place)] = int(str(count))
    return counts


# The people figures' filters, each with and without the organisation: every dashboard's
# people from one query.
_PEOPLE_SETS = ", ".join(
    f"(quarter{by}{organisation})"
    for organisation in ("", ", _organisation")
    for by in ("", ", _nation", ", exploitation_type", ", _nation, exploitation_type")
)


def _people_counts(
    connection: duckdb.DuckDBPyConnection,
    parameters: dict[str, object],
    views: list[View],
) -> dict[str | None, dict[tuple[str, View], int]]:
    """Distinct people per dashboard (None for the nation), quarter and view, in one query:
    the filters and the organisation as grouping sets."""
    sql = (
        "SELECT quarter, _nation, exploitation_type, _organisation, grouping(_nation), "  # noqa: S608
        "grouping(exploitation_type), grouping(_organisation), count(DISTINCT person_key) "
        f"FROM ({_slotted(quarters=True)}) GROUP BY GROUPING SETS ({_PEOPLE_SETS})"
    )
    wanted = set(views)
    people: dict[str | None, dict[tuple[str, View], int]] = defaultdict(dict)
    for row in _rows(connection, sql, parameters):
        quarter, nation, kind, organisation, any_nation, any_type, national, count = row
        view = View(None if any_nation else str(nation), None if any_type else str(kind))
        if view in wanted:
            dashboard = None if national else str(organisation)
            people[dashboard][(str(quarter), view)] = int(str(count))
    return people


def _decisions(connection: duckdb.DuckDBPyConnection, quarter: Quarter) -> dict[Place, list[float]]:
    """Working days taken by each Reasonable Grounds decision issued in the quarter, per
    slot of the referral decided (referrals of any quarter)."""
    sql = (
        "SELECT r._nation, r.exploitation_type, r._organisation, "  # noqa: S608
        f"list(d.working_days_taken) FROM decisions d JOIN ({_slotted(quarters=False)}) r "
        "USING (referral_key) "
        "WHERE d.stage = 'rg' AND d.issued AND d.quarter_decided = $quarter GROUP BY ALL"
    )
    rows = _rows(connection, sql, {"quarter": str(quarter)})
    return {
        (str(nation), str(kind), str(organisation)): [
            float(str(days))
            for days in list(taken)  # type: ignore[call-overload]
        ]
        for nation, kind, organisation, taken in rows
    }


def _shown_rows(counts: RowCounts, views: list[View]) -> dict[tuple[View, str], tuple[str, ...]]:
    """The ten largest non-empty rows of each breakdown in each view."""
    shown: dict[tuple[View, str], tuple[str, ...]] = {}
    for view in views:
        totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (family, category, (nation, kind, _organisation)), count in counts.items():
            if view.selects(nation, kind):
                totals[family][category] += count
        for key, *_rest in _BREAKDOWNS:
            ranked = sorted((-count, category) for category, count in totals[key].items() if count)
            shown[(view, key)] = tuple(category for _count, category in ranked[:SHOWN_ROWS])
    return shown


def organisations_with_referrals(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Every first responder organisation with a referral in the store, by code."""
    rows = connection.execute(
        "SELECT DISTINCT first_responder_organisation FROM referrals "
        "WHERE first_responder_organisation IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [str(row[0]) for row in rows]


def protect_dashboard(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    *,
    organisation: str | None,
    rules: DisclosureRules,
) -> DashboardFigures:
    """One dashboard's figures for ``quarter``, protected with every view of the national
    dashboard and of every organisation's (``protect_dashboards``): those are what anyone
    who may open this one may open too.

    Args:
        connection: the analytics store.
        quarter: the dashboard's quarter (its trend is the nine quarters ending with it).
        organisation: the first responder organisation's code, or None for the nation.
        rules: the threshold of primary suppression (no rounding on dashboards).

    Returns:
        The figures and their suppression, for ``dashboard_view``.
    """
    organisations = organisations_with_referrals(connection)
    if organisation is not None and organisation not in organisations:
        organisations.append(organisation)
    together = protect_dashboards(connection, quarter, organisations=organisations, rules=rules)
    return together[organisation]


def protect_dashboards(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    *,
    organisations: Sequence[str],
    rules: DisclosureRules,
    national: bool = True,
) -> dict[str | None, DashboardFigures]:
    """Every view of the national dashboard and of each organisation's (each filter, and
    none) for ``quarter``, protected together by the publication's disclosure control
    (disclosure.protect; policy disclosure_minimum_count), so that no view, difference of
    views or of dashboards recovers a suppressed figure: a reader may open them all, and
    the organisations' figures add up to the nation's.

    Args:
        connection: the analytics store.
        quarter: the dashboards' quarter (their trend is the nine quarters ending with it).
        organisations: the first responder organisations whose dashboards are protected;
            for the refresh, every one with referrals (``organisations_with_referrals``).
        rules: the threshold of primary suppression (no rounding on dashboards).
        national: whether the national dashboard is protected with them.

    Returns:
        Each dashboard's figures and their suppression by organisation (None for the
        nation), for ``dashboard_view``.
    """
    series = tuple(str(q) for q in quarter_series(quarter))
    labels = _labels(connection)
    views = _views(sorted(labels["exploitation_type"]))
    # In one order whatever the caller's, so that every caller gets the same suppression.
    listed = sorted(set(organisations))
    parameters: dict[str, object] = {"quarters": list(series)}
    store = _read_counts(connection, quarter, parameters, _owner(set(listed), national=national))
    every = {
        dashboard: _figures(dashboard, store, quarter=quarter, series=series, views=views)
        for dashboard in [*([None] if national else []), *listed]
    }
    for one in every.values():
        one.labels = labels
    shown = {
        (dashboard, key): rows
        for dashboard, one in every.items()
        for key, rows in one.shown.items()
    }
    _add_rows(store.referrals, store.counts, shown, quarter)
    wanted, known_zeros = _wanted(every.values(), store, quarter)
    pattern = protect(store.referrals, wanted, rules, known_zeros)
    decided = [one.decided(view) for one in every.values() for view in views]
    decisions_pattern = protect(store.decisions, decided, rules)
    people = _people_counts(connection, parameters, views)
    for dashboard, one in every.items():
        one.pattern = pattern
        one.decisions_pattern = decisions_pattern
        _protect_people(one, people.get(dashboard, {}), rules)
    return every


@dataclass
class _StoreCounts:
    """The store's counts per slot, as the protection sees them (``_owner``)."""

    slot_rows: list[tuple[str, Place, int, int]]
    counts: RowCounts
    taken: dict[Place, list[float]]
    referrals: CountSystem
    decisions: CountSystem


def _read_counts(
    connection: duckdb.DuckDBPyConnection,
    quarter: Quarter,
    parameters: dict[str, object],
    owner: Callable[[Place], Place | None],
) -> _StoreCounts:
    """Referrals per slot over the trend, breakdown rows per slot and decisions per slot in
    the quarter, each slot as ``owner`` sees it; the count systems of the slots' totals."""
    totals: dict[tuple[str, Place], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for q, raw, count, linked in _slot_totals(connection, parameters):
        if (place := owner(raw)) is not None:
            before = totals[(q, place)]
            totals[(q, place)] = (before[0] + count, before[1] + linked)
    slot_rows = [(q, place, count, both) for (q, place), (count, both) in sorted(totals.items())]
    referrals = CountSystem("referrals", (_COUNT,), {})
    for q, place, count, _linked in slot_rows:
        referrals.counts[(ALL, ALL, _COUNT, _slot(q, *place))] = count
    counts: RowCounts = defaultdict(int)
    quarterly = {**parameters, "quarters": [str(quarter)]}
    for (family, category, raw), count in _row_counts(connection, quarterly).items():
        if (place := owner(raw)) is not None:
            counts[(family, category, place)] += count
    taken: dict[Place, list[float]] = defaultdict(list)
    for raw, days in _decisions(connection, quarter).items():
        if (place := owner(raw)) is not None:
            taken[place].extend(days)
    decisions = CountSystem("rg_decisions", (_COUNT,), {})
    for place, days in taken.items():
        decisions.counts[(ALL, ALL, _COUNT, _slot(str(quarter), *place))] = len(days)
    return _StoreCounts(slot_rows, dict(counts), dict(taken), referrals, decisions)


def _wanted(
    every: Iterable[DashboardFigures], store: _StoreCounts, quarter: Quarter
) -> tuple[list[Quantity], dict[Quantity, bool]]:
    """Every figure some dashboard shows, and the zeros anyone knows (as if published)."""
    referrals = store.referrals
    wanted: list[Quantity] = []
    known_zeros: dict[Quantity, bool] = {}
    for one in every:
        wanted.extend(one.total(view, q) for view in one.views for q in one.series)
        wanted.extend(
            one.row(view, family, category)
            for (view, family), rows in one.shown.items()
            for category in rows
        )
        # A breakdown listing fewer rows than it could tells that its other rows are empty:
        # those zeros are known to anyone, as if published, and never suppressed.
        known_zeros.update(
            (one.row(view, family, category), False)
            for (view, family), rows in one.shown.items()
            if len(rows) < SHOWN_ROWS
            for category in referrals.families[family]
            if category not in rows
        )
    # A slot's referrals are all in its own row of the nation and exploitation type
    # breakdowns (the slot is their classification): its other rows are known zeros.
    quarter_key = str(quarter)
    for q, place, _count, _linked in store.slot_rows:
        if q != quarter_key:
            continue
        slot = (_slot(quarter_key, *place),)
        for family, own in (("nation", place[0]), ("exploitation_type", place[1])):
            for category in referrals.families[family]:
                if category != own:
                    known_zeros[Quantity(referrals.name, family, category, ALL, slot)] = False
    return wanted, known_zeros


def _owner(listed: set[str], *, national: bool) -> Callable[[Place], Place | None]:
    """How the protection sees a slot: as it is for an organisation whose dashboard is
    protected; for any other (or none) on the national dashboard, lumped together, since
    no figure tells them apart; not at all when only organisations are protected."""

    def owner(place: Place) -> Place | None:
        nation, kind, organisation = place
        if organisation in listed:
            return place
        return (nation, kind, _NO_ORGANISATION) if national else None

    return owner


def _figures(
    dashboard: str | None,
    store: _StoreCounts,
    *,
    quarter: Quarter,
    series: tuple[str, ...],
    views: list[View],
) -> DashboardFigures:
    """One dashboard's slots, shown rows and figures besides the counts (not yet
    protected): the nation's are every slot, an organisation's its own."""

    def mine(place: Place) -> bool:
        return dashboard is None or place[2] == dashboard

    slots: dict[str, list[Place]] = defaultdict(list)
    linked: dict[tuple[str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for q, place, count, linked_count in store.slot_rows:
        if not mine(place):
            continue
        slots[q].append(place)
        if q == str(quarter):
            before = linked[place[:2]]
            linked[place[:2]] = (before[0] + count, before[1] + linked_count)
    working_days: dict[tuple[str, str], list[float]] = defaultdict(list)
    for place, days in store.taken.items():
        if mine(place):
            working_days[place[:2]].extend(days)
    own_counts = {key: count for key, count in store.counts.items() if mine(key[2])}
    return DashboardFigures(
        quarter=quarter,
        series=series,
        views=views,
        slots={q: sorted(places) for q, places in slots.items()},
        decision_slots=sorted(place for place in store.taken if mine(place)),
        referrals=store.referrals,
        decisions=store.decisions,
        shown=_shown_rows(own_counts, views),
        working_days=dict(working_days),
        linked=dict(linked),
    )


def _protect_people(
    figures: DashboardFigures, people: dict[tuple[str, View], int], rules: DisclosureRules
) -> None:
    """Distinct people follow the referral figures' suppression (protect_distinct_counts)."""
    figures.people = {
        _people_key(figures.total(view, q)): people.get((q, view), 0)
        for view in figures.views
        for q in figures.series
    }
    mirror = {_people_key(quantity): hidden for quantity, hidden in figures.pattern.items()}
    figures.people_pattern = protect_distinct_counts(figures.people, rules, mirror)


def _add_rows(
    referrals: CountSystem,
    counts: RowCounts,
    shown: dict[tuple[str | None, tuple[View, str]], tuple[str, ...]],
    quarter: Quarter,
) -> None:
    """Each breakdown's rows as a family of the system: the rows some view of some
    dashboard shows, and the rest as one unknown (no view shows them, so only their sum
    is known)."""
    for key, *_rest in _BREAKDOWNS:
        categories = sorted(
            {code for (_d, (_v, family)), codes in shown.items() if family == key for code in codes}
        )
        present = {category for (family, category, _place) in counts if family == key}
        unshown = (UNSHOWN,) if present - set(categories) else ()
        referrals.families[key] = (*categories, *unshown)
    for (family, category, place), count in counts.items():
        code = category if category in referrals.families[family] else UNSHOWN
        cell = (family, code, _COUNT, _slot(str(quarter), *place))
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


def every_view(figures: DashboardFigures, organisation: str | None) -> dict[View, Dashboard]:
    """Every view of one protected dashboard (each filter, and none), laid out."""
    return {
        view: dashboard_view(
            figures,
            DashboardFilters(
                figures.quarter,
                nation=view.nation,
                exploitation_type=view.exploitation_type,
                organisation=organisation,
            ),
        )
        for view in figures.views
    }


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
