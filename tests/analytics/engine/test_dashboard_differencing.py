"""The national dashboard differenced against the organisations' dashboards: an analyst may
open both, and every referral has one first responder organisation, so each national figure
is the sum of the organisations' figures for the same view, breakdown row and quarter. An
attacker who reads every view of every dashboard and solves linear programmes over them
recovers no suppressed figure, of the nation or of an organisation."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from msht.analytics.engine.dashboard import (
    Dashboard,
    DashboardFigures,
    every_view,
    protect_dashboard,
    protect_dashboards,
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

# The joint protection of four dashboards takes minutes on two cores: CI runs it (slow).
pytestmark = pytest.mark.slow

# Small vocabularies: every row of every breakdown is shown, and the programmes stay small.
CODES = {
    "age_group": ("adult", "child", "not_known"),
    "gender": ("female", "male", "other"),
    "nationality": ("gb", "al", "vn", "er", "sd"),
    "first_responder_type": ("police_force", "local_authority", "ngo"),
}
# Three first responder organisations of unequal size: the small one's figures are mostly
# suppressed on its own dashboard while the nation's are shown.
ORGANISATION_WEIGHTS = {"leicester": 60, "kent": 30, "gla": 10}
ORGANISATIONS = tuple(ORGANISATION_WEIGHTS)

Dashboards = Mapping[str | None, Mapping[tuple[str | None, str | None], Dashboard]]


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[duckdb.DuckDBPyConnection, list[Referral]]]:
    connection, referrals = world_of(CODES, ORGANISATION_WEIGHTS)
    yield connection, referrals
    connection.close()


def _pages(figures: Mapping[str | None, DashboardFigures]) -> Dashboards:
    """Every view of every dashboard, as its page shows it."""
    return {
        organisation: {
            (view.nation, view.exploitation_type): page
            for view, page in every_view(one, organisation).items()
        }
        for organisation, one in figures.items()
    }


@pytest.fixture(scope="module")
def together(
    world: tuple[duckdb.DuckDBPyConnection, list[Referral]],
) -> dict[str | None, DashboardFigures]:
    """The nation's and every organisation's dashboard, as the refresh protects them."""
    connection, _referrals = world
    return protect_dashboards(
        connection, QUARTER, organisations=ORGANISATIONS, rules=DisclosureRules(THRESHOLD)
    )


@pytest.fixture(scope="module")
def apart(
    world: tuple[duckdb.DuckDBPyConnection, list[Referral]],
) -> dict[str | None, DashboardFigures]:
    """Each dashboard protected on its own, as the refresh did before: the nation, then
    each organisation, with no regard for the others."""
    connection, _referrals = world
    return {
        organisation: protect_dashboards(
            connection,
            QUARTER,
            organisations=() if organisation is None else (organisation,),
            rules=DisclosureRules(THRESHOLD),
            national=organisation is None,
        )[organisation]
        for organisation in (None, *ORGANISATIONS)
    }


class Attacker:
    """What someone who reads every view of the national and every organisation's dashboard
    learns: a linear system over the true counts of each (breakdown, row, place, type,
    organisation) in the quarter, of each (quarter, place, type, organisation) and of the
    decisions per (place, type, organisation), built from the pages' figures alone. A
    national figure is the sum of the organisations' unknowns it covers."""

    def __init__(self, pages: Dashboards) -> None:
        self.slots = [(p, k, o) for p in PLACES for k in TYPES for o in ORGANISATIONS]
        self.quarters = (str(QUARTER), EARLIER)
        self.index: dict[tuple[str, ...], int] = {}
        self.rows: list[dict[int, float]] = []
        self.right: list[float] = []
        self.hidden: dict[tuple[tuple[int, float], ...], str] = {}
        self.categories = {**CODES, "exploitation_type": TYPES}
        for slot in self.slots:
            for quarter in self.quarters:
                self._unknown(("total", quarter, *slot))
            self._unknown(("decisions", *slot))
            for family in FAMILIES:
                row = {self._unknown((family, c, *slot)): 1.0 for c in self.categories[family]}
                row[self.index[("total", str(QUARTER), *slot)]] = -1.0
                self._equation(row, 0)
        for organisation, views in pages.items():
            for (nation, kind), dashboard in views.items():
                chosen = [
                    s
                    for s in self.slots
                    if nation in (None, s[0])
                    and kind in (None, s[1])
                    and organisation in (None, s[2])
                ]
                self._read(f"{organisation} {nation} {kind}", chosen, dashboard)

    def _read(self, where: str, chosen: list[tuple[str, str, str]], page: Dashboard) -> None:
        for quarter, count, people in page.trend:
            if quarter in self.quarters:
                terms = {self.index[("total", quarter, *s)]: 1.0 for s in chosen}
                self._figure(terms, count, f"{where} trend {quarter}")
                # Everyone in this world is referred once: people are referrals too.
                if people is not None:
                    self._equation(terms, people)
        decided = {self.index[("decisions", *s)]: 1.0 for s in chosen}
        self._figure(decided, page.rg_decisions, f"{where} decisions")
        for breakdown in page.breakdowns:
            listed = {label for label, _count in breakdown.rows}
            for label, count in breakdown.rows:
                if breakdown.key == "nation":
                    terms = {
                        self.index[("total", str(QUARTER), *s)]: 1.0
                        for s in chosen
                        if s[0] == label
                    }
                else:
                    terms = {self.index[(breakdown.key, label, *s)]: 1.0 for s in chosen}
                self._figure(terms, count, f"{where} {breakdown.key} {label}")
            if breakdown.key != "nation" and len(breakdown.rows) < 10:
                # A short list: the rows left out are empty.
                for category in set(self.categories[breakdown.key]) - listed:
                    for s in chosen:
                        self._equation({self.index[(breakdown.key, category, *s)]: 1.0}, 0)

    def _unknown(self, key: tuple[str, ...]) -> int:
        return self.index.setdefault(key, len(self.index))

    def _equation(self, terms: dict[int, float], value: float) -> None:
        self.rows.append(terms)
        self.right.append(value)

    def _figure(self, terms: dict[int, float], count: int | None, where: str) -> None:
        if count is None:
            self.hidden.setdefault(tuple(sorted(terms.items())), where)
        else:
            self._equation(terms, count)

    def pinned(self) -> list[str]:
        """Every suppressed figure whose interval is one value, by where it is shown."""
        cells = [(n, p) for n, row in enumerate(self.rows) for p in row]
        matrix = csr_matrix(
            ([self.rows[n][p] for n, p in cells], ([n for n, _ in cells], [p for _, p in cells])),
            shape=(len(self.rows), len(self.index)),
        )
        objectives = {}
        for terms, where in self.hidden.items():
            objectives[where] = np.zeros(len(self.index))
            for position, weight in terms:
                objectives[where][position] = weight
        # A few random programmes first: a figure with two values in two of their solutions
        # is not pinned, so only the others need their own two programmes.
        generator = np.random.default_rng(6)
        seen: dict[str, set[float]] = {where: set() for where in objectives}
        ceiling = (0, 10 * max(self.right))
        for _round in range(8):
            result = linprog(
                generator.normal(size=len(self.index)),
                A_eq=matrix,
                b_eq=self.right,
                bounds=ceiling,
                method="highs",
            )
            assert result.status == 0, result.message
            for where, objective in objectives.items():
                seen[where].add(round(float(objective @ result.x), 6))
        found = []
        for where, objective in objectives.items():
            if len(seen[where]) > 1:
                continue
            bounds = []
            for sign in (1, -1):
                result = linprog(
                    sign * objective, A_eq=matrix, b_eq=self.right, bounds=(0, None), method="highs"
                )
                assert result.status in (0, 3), result.message
                bounds.append(sign * result.fun if result.status == 0 else sign * np.inf)
            if bounds[1] - bounds[0] <= 1e-6:
                found.append(where)
        return found


def test_dashboards_protected_apart_give_away_suppressed_figures_when_differenced(
    apart: dict[str | None, DashboardFigures],
) -> None:
    # Each dashboard alone is safe (test_dashboard.py), but the nation's figures are the
    # sums of the organisations': read together, suppressed figures are pinned.
    attacker = Attacker(_pages(apart))

    assert len(attacker.hidden) > 20
    assert attacker.pinned()


def test_no_suppressed_figure_is_recovered_from_every_dashboard_at_once(
    together: dict[str | None, DashboardFigures],
) -> None:
    attacker = Attacker(_pages(together))

    assert len(attacker.hidden) > 20
    assert attacker.pinned() == []


def test_each_dashboard_protected_together_shows_no_small_count_and_true_counts(
    world: tuple[duckdb.DuckDBPyConnection, list[Referral]],
    together: dict[str | None, DashboardFigures],
) -> None:
    _connection, referrals = world
    pages = _pages(together)
    for organisation, views in pages.items():
        page = views[(None, None)]
        mine = [r for r in referrals if organisation in (None, r.organisation)]
        for quarter, count, _people in page.trend:
            assert count in (sum(1 for r in mine if r.quarter == quarter), None)
        for dashboard in views.values():
            shown = [n for _q, n, _p in dashboard.trend if n is not None]
            shown.extend(n for b in dashboard.breakdowns for _label, n in b.rows if n is not None)
            assert all(n == 0 or n >= THRESHOLD for n in shown), organisation
    assert sum(1 for _q, n, _p in pages[None][(None, None)].trend if n) == 2


def test_protect_dashboard_gives_the_figures_protected_with_every_organisation(
    world: tuple[duckdb.DuckDBPyConnection, list[Referral]],
    together: dict[str | None, DashboardFigures],
) -> None:
    # What a page computing one organisation's dashboard gets is what the refresh stored.
    connection, _referrals = world
    one = protect_dashboard(
        connection, QUARTER, organisation="kent", rules=DisclosureRules(THRESHOLD)
    )

    assert one.pattern == together["kent"].pattern
    assert _pages({"kent": one}) == _pages({"kent": together["kent"]})


_PATTERN_DIGEST = """
import hashlib
from msht.analytics.engine.dashboard import protect_dashboards
from msht.analytics.engine.disclosure import DisclosureRules
from tests.analytics.engine.dashboard_world import QUARTER, THRESHOLD, world_of
from tests.analytics.engine.test_dashboard_differencing import (
    CODES, ORGANISATION_WEIGHTS, ORGANISATIONS,
)
connection, _referrals = world_of(CODES, ORGANISATION_WEIGHTS)
figures = protect_dashboards(
    connection, QUARTER, organisations=ORGANISATIONS, rules=DisclosureRules(THRESHOLD)
)
pattern = sorted((repr(quantity), hidden) for quantity, hidden in figures[None].pattern.items())
print(hashlib.sha256(repr(pattern).encode()).hexdigest())
"""


def test_the_suppression_is_the_same_whatever_the_hash_seed() -> None:
    # Sets of figures iterate in an order that follows Python's hash seed; the programmes'
    # equations must not, or which figures are suppressed changes from one run to the next.
    digests = set()
    for seed in ("1", "3"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _PATTERN_DIGEST],
            capture_output=True,
            text=True,
            env=environment,
            cwd=Path(__file__).resolve().parents[3],
            check=True,
        )
        digests.add(run.stdout.strip())

    assert len(digests) == 1
