"""Dashboards under the publication's disclosure control: no small count in any view, and
no suppressed figure recoverable by an attacker who reads every filtered and unfiltered
view (differencing) and solves linear programmes over what the pages show."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import numpy as np
import pytest
from scipy.optimize import linprog

from msht.analytics.engine.dashboard import (
    Dashboard,
    DashboardFigures,
    DashboardFilters,
    dashboard_view,
    protect_dashboard,
)
from msht.analytics.engine.disclosure import DisclosureRules
from tests.analytics.engine.dashboard_world import (
    EARLIER,
    FAMILIES,
    PLACES,
    QUARTER,
    THRESHOLD,
    TYPES,
    Referral,
    world_of,
)

CODES = {
    "age_group": ("adult", "child", "not_known"),
    "gender": ("female", "male", "other"),
    "nationality": ("gb", "al", "vn", "er", "sd", "ir", "cn", "ng", "ro", "af", "iq", "pl"),
    "first_responder_type": ("police_force", "local_authority", "ngo", "home_office"),
}


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[duckdb.DuckDBPyConnection, list[Referral]]]:
    connection, referrals = world_of(CODES)
    yield connection, referrals
    connection.close()


@pytest.fixture(scope="module")
def figures(world: tuple[duckdb.DuckDBPyConnection, list[Referral]]) -> DashboardFigures:
    connection, _referrals = world
    return protect_dashboard(
        connection, QUARTER, organisation=None, rules=DisclosureRules(THRESHOLD)
    )


def _views(figures: DashboardFigures) -> dict[tuple[str | None, str | None], Dashboard]:
    return {
        (view.nation, view.exploitation_type): dashboard_view(
            figures,
            DashboardFilters(QUARTER, nation=view.nation, exploitation_type=view.exploitation_type),
        )
        for view in figures.views
    }


def test_no_view_shows_a_count_from_1_to_9(figures: DashboardFigures) -> None:
    shown: list[int] = []
    for dashboard in _views(figures).values():
        shown.extend(n for _q, r, p in dashboard.trend for n in (r, p) if n is not None)
        shown.extend(n for b in dashboard.breakdowns for _label, n in b.rows if n is not None)
        if dashboard.rg_decisions is not None:
            shown.append(dashboard.rg_decisions)
    assert shown
    assert all(n == 0 or n >= THRESHOLD for n in shown)


def test_a_view_shows_the_true_counts_of_its_referrals(
    world: tuple[duckdb.DuckDBPyConnection, list[Referral]], figures: DashboardFigures
) -> None:
    _connection, referrals = world
    dashboard = _views(figures)[("wales", None)]
    in_view = [r for r in referrals if r.place == "wales"]
    trend = {quarter: count for quarter, count, _people in dashboard.trend}
    for quarter in (str(QUARTER), EARLIER):
        expected = sum(1 for r in in_view if r.quarter == quarter)
        assert trend[quarter] in (expected, None)
    (gender,) = [b for b in dashboard.breakdowns if b.key == "gender"]
    for label, count in gender.rows:
        expected = sum(
            1 for r in in_view if r.quarter == str(QUARTER) and r.attributes["gender"] == label
        )
        assert count in (expected, None)


class Attacker:
    """What someone who reads every view learns, as a linear system over the true counts of
    each (breakdown, row, place, type) in the quarter and of each (quarter, place, type),
    built from the pages' figures alone (not from the engine's count system)."""

    def __init__(self, views: dict[tuple[str | None, str | None], Dashboard]) -> None:  # noqa: C901
        self.slots = [(place, kind) for place in PLACES for kind in TYPES]
        self.quarters = (str(QUARTER), EARLIER)
        self.index: dict[tuple[str, ...], int] = {}
        for quarter in self.quarters:
            for slot in self.slots:
                self._unknown(("total", quarter, *slot))
        categories = {**CODES, "exploitation_type": TYPES}
        for family in FAMILIES:
            for category in categories[family]:
                for slot in self.slots:
                    self._unknown((family, category, *slot))
        self.rows: list[dict[int, float]] = []
        self.right: list[float] = []
        self.hidden: list[dict[int, float]] = []
        for family in FAMILIES:
            for slot in self.slots:
                row = {self.index[(family, c, *slot)]: 1.0 for c in categories[family]}
                row[self.index[("total", str(QUARTER), *slot)]] = -1.0
                self._equation(row, 0)
        for (nation, kind), dashboard in views.items():
            chosen = [s for s in self.slots if nation in (None, s[0]) and kind in (None, s[1])]
            for quarter, count, people in dashboard.trend:
                if quarter in self.quarters:
                    terms = {self.index[("total", quarter, *s)]: 1.0 for s in chosen}
                    self._figure(terms, count)
                    # Everyone in this world is referred once: people are referrals too.
                    if people is not None:
                        self._equation(terms, people)
            for breakdown in dashboard.breakdowns:
                if breakdown.key == "nation":
                    for place, count in breakdown.rows:
                        terms = {
                            self.index[("total", str(QUARTER), *s)]: 1.0
                            for s in chosen
                            if s[0] == place
                        }
                        self._figure(terms, count)
                    continue
                listed = {label for label, _count in breakdown.rows}
                for label, count in breakdown.rows:
                    terms = {self.index[(breakdown.key, label, *s)]: 1.0 for s in chosen}
                    self._figure(terms, count)
                if len(breakdown.rows) < 10:  # a short list: the rows left out are empty
                    for category in set(categories[breakdown.key]) - listed:
                        for s in chosen:
                            self._equation({self.index[(breakdown.key, category, *s)]: 1.0}, 0)

    def _unknown(self, key: tuple[str, ...]) -> None:
        self.index.setdefault(key, len(self.index))

    def _equation(self, terms: dict[int, float], value: float) -> None:
        self.rows.append(terms)
        self.right.append(value)

    def _figure(self, terms: dict[int, float], count: int | None) -> None:
        if count is None:
            self.hidden.append(terms)
        else:
            self._equation(terms, count)

    def pinned(self) -> list[tuple[float, float]]:
        """(lowest, highest) of every suppressed figure whose interval is one value."""
        matrix = np.zeros((len(self.rows), len(self.index)))
        for number, row in enumerate(self.rows):
            for position, weight in row.items():
                matrix[number, position] = weight
        found = []
        for terms in self.hidden:
            objective = np.zeros(len(self.index))
            for position, weight in terms.items():
                objective[position] = weight
            bounds = []
            for sign in (1, -1):
                result = linprog(sign * objective, A_eq=matrix, b_eq=self.right, bounds=(0, None))
                assert result.status in (0, 3), result.message
                bounds.append(sign * result.fun if result.status == 0 else sign * np.inf)
            if bounds[1] - bounds[0] <= 1e-6:
                found.append((bounds[0], bounds[1]))
        return found


def test_no_suppressed_figure_is_recovered_from_every_view_at_once(
    figures: DashboardFigures,
) -> None:
    attacker = Attacker(_views(figures))

    assert len(attacker.hidden) > 20
    assert attacker.pinned() == []


def test_primary_suppression_alone_would_let_the_attacker_recover_figures(
    figures: DashboardFigures,
) -> None:
    # The same pages with only the counts from 1 to 9 hidden, as the dashboards were
    # before: the attacker pins suppressed figures, so the attack above has teeth.
    primary = DashboardFigures(**{**figures.__dict__})
    primary.pattern = {
        quantity: 0 < figures.referrals.value(quantity) < THRESHOLD for quantity in figures.pattern
    }
    attacker = Attacker(_views(primary))

    assert attacker.hidden
    assert attacker.pinned()


def test_the_decisions_of_a_view_are_never_a_small_count_or_recoverable(
    figures: DashboardFigures,
) -> None:
    decided = {view: dashboard.rg_decisions for view, dashboard in _views(figures).items()}
    everyone = decided[(None, None)]
    assert everyone is not None
    assert everyone >= THRESHOLD
    assert all(count in (None, 0) or count >= THRESHOLD for count in decided.values())
    # The attacker's unknowns: decisions per (place, type) of the referral decided.
    attacker = Attacker({})
    attacker.index, attacker.rows, attacker.right, attacker.hidden = {}, [], [], []
    for slot in attacker.slots:
        attacker._unknown(("decisions", *slot))
    for (nation, kind), count in decided.items():
        chosen = [s for s in attacker.slots if nation in (None, s[0]) and kind in (None, s[1])]
        attacker._figure({attacker.index[("decisions", *s)]: 1.0 for s in chosen}, count)

    assert attacker.hidden
    assert attacker.pinned() == []
