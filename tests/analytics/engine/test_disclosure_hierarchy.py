"""Disclosure control knows that a police force area lies in one nation: an attacker who adds
"the areas of a nation add up to the nation" (per column and quarter) to the published
tables pins no suppressed figure.

The attacker here is written apart from the engine: one unknown per family, category,
column and quarter; one equation per published figure, per family's column totals and per
nation (its police force areas, from the reference data, add up to it; overseas only and
not recorded are the same rows in both tables); every count non-negative. A figure is
pinned when its lowest and highest values are the same (the engine's ``Interval.recovered``
and the other attack tests' ``high - low > 1e-6``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from msht.analytics.engine.dimensions import NOT_RECORDED, OVERSEAS_ONLY
from msht.analytics.engine.disclosure import (
    ALL,
    CountSystem,
    Nesting,
    Quantity,
    attack,
    protect,
)
from msht.analytics.engine.periods import Quarter
from msht.analytics.engine.tables import compute_release
from msht.synth.engine.calibration import POLICE_FORCE_AREA_NATION
from tests.analytics.conftest import AnalyticsWorld, scale_store
from tests.analytics.engine.test_disclosure import RULES, _published, _system, _table

PINNED_WIDTH = 1e-6
SPAN = ("Q1",)

# Two nations: A with areas a1 and a2, B with b1 and b2; one small count, a1/x (3).
AREA_COUNTS = {
    "a1": (3, 30),
    "a2": (50, 60),
    "b1": (20, 25),
    "b2": (22, 27),
}
NATION_OF_AREA = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
AREA_NESTING = ("area", "nation", NATION_OF_AREA)


def _nested_system(nestings: tuple[Nesting, ...]) -> CountSystem:
    counts: dict[tuple[str, str, str, str], int] = {}
    for area, values in AREA_COUNTS.items():
        for column, value in zip(("x", "y"), values, strict=True):
            counts[("area", area, column, "Q1")] = value
            nation = ("nation", NATION_OF_AREA[area], column, "Q1")
            counts[nation] = counts.get(nation, 0) + value
    system = _system(counts, {"area": tuple(AREA_COUNTS), "nation": ("A", "B")}, ("x", "y"))
    system.nestings = nestings
    return system


class HierarchyAttacker:
    """The attacker's equations: published figures, every family's column totals and the
    sums of family ``inner``'s categories to their ``parents`` in family ``outer``."""

    def __init__(
        self,
        system: CountSystem,
        published: Mapping[Quantity, int],
        quarters: list[str],
        nesting: tuple[str, str, Mapping[str, str]],
    ) -> None:
        self.system = system
        cells = [
            (family, category, column, quarter)
            for family, categories in system.families.items()
            for category in categories
            for column in system.columns
            for quarter in quarters
        ] + [(ALL, ALL, column, quarter) for column in system.columns for quarter in quarters]
        self.position = {cell: index for index, cell in enumerate(cells)}
        rows = [self.row_of(quantity) for quantity in published]
        self.right = [float(value) for value in published.values()]
        for column, quarter in itertools.product(system.columns, quarters):
            rows.extend(self._structure(column, quarter, nesting))
        self.right.extend([0.0] * (len(rows) - len(self.right)))
        self.matrix = csr_matrix(
            (
                [value for row in rows for value in row.values()],
                (
                    [number for number, row in enumerate(rows) for _ in row],
                    [i for row in rows for i in row],
                ),
            ),
            shape=(len(rows), len(cells)),
        )
        self.truth = np.array([float(system.counts.get(cell, 0)) for cell in cells])
        assert np.allclose(self.matrix @ self.truth, self.right), "equations false for the truth"

    def row_of(self, quantity: Quantity) -> dict[int, float]:
        columns = self.system.columns if quantity.column == ALL else (quantity.column,)
        category = ALL if quantity.family == ALL else quantity.category
        return {
            self.position[(quantity.family, category, column, quarter)]: 1.0
            for column in columns
            for quarter in quantity.span
        }

    def _structure(
        self, column: str, quarter: str, nesting: tuple[str, str, Mapping[str, str]]
    ) -> list[dict[int, float]]:
        rows = []
        for family, categories in self.system.families.items():
            row = {
                self.position[(family, category, column, quarter)]: 1.0 for category in categories
            }
            row[self.position[(ALL, ALL, column, quarter)]] = -1.0
            rows.append(row)
        inner, outer, parents = nesting
        for parent in self.system.families[outer]:
            row = {
                self.position[(inner, category, column, quarter)]: 1.0
                for category in self.system.families[inner]
                if parents[category] == parent
            }
            row[self.position[(outer, parent, column, quarter)]] = -1.0
            rows.append(row)
        return rows

    def objective(self, target: Quantity) -> np.ndarray:
        vector = np.zeros(len(self.position))
        vector[list(self.row_of(target))] = 1.0
        return vector

    def movable(self, targets: list[Quantity], seed: int = 7) -> set[Quantity]:
        """Targets a few programmes with random objectives move off their true value."""
        undecided = set(targets)
        generator = np.random.default_rng(seed)
        for _round in range(8):
            order = sorted(undecided)
            if not order:
                break
            combined = np.zeros(len(self.position))
            for weight, target in zip(generator.uniform(-1, 1, len(order)), order, strict=True):
                combined += weight * self.objective(target)
            bounds = (0, float(self.truth.sum()) + 1)
            result = linprog(
                combined, A_eq=self.matrix, b_eq=self.right, bounds=bounds, method="highs"
            )
            assert result.status == 0, result.message
            moved = result.x - self.truth
            undecided = {t for t in order if abs(float(self.objective(t) @ moved)) <= PINNED_WIDTH}
        return set(targets) - undecided

    def interval(self, target: Quantity) -> tuple[float, float]:
        """The exact lowest and highest value of ``target``."""
        bounds = []
        for sign in (1, -1):
            result = linprog(
                sign * self.objective(target),
                A_eq=self.matrix,
                b_eq=self.right,
                bounds=(0, None),
                method="highs",
            )
            bounds.append(math.inf if result.status == 3 else sign * result.fun)
        return bounds[0], bounds[1]


def hierarchy_attack(
    system: CountSystem,
    published: Mapping[Quantity, int],
    targets: Iterable[Quantity],
    nesting: tuple[str, str, Mapping[str, str]],
) -> dict[Quantity, tuple[float, float]]:
    """The lowest and highest value of each target, to an attacker who also knows the
    nesting (inner family, outer family, inner category -> outer category). A target a
    random programme moves is not pinned (reported as (-inf, inf)); the others get both
    exact programmes."""
    targets = list(targets)
    quarters = sorted({q for quantity in (*published, *targets) for q in quantity.span})
    attacker = HierarchyAttacker(system, published, quarters, nesting)
    movable = attacker.movable(targets)
    return {
        target: (-math.inf, math.inf) if target in movable else attacker.interval(target)
        for target in targets
    }


def _pinned(intervals: Mapping[Quantity, tuple[float, float]]) -> list[Quantity]:
    return sorted(q for q, (low, high) in intervals.items() if high - low <= PINNED_WIDTH)


def test_an_area_hidden_while_its_neighbour_and_nation_are_shown_is_pinned_unless_nested() -> None:
    """a1/x (3) is hidden in the area table; a2/x and the nation table are not. The engine
    that takes the tables for unrelated splits thinks it safe; A/x - a2/x gives it away."""
    unrelated = _nested_system(())
    wanted_of = _table(unrelated, "area", SPAN) + _table(unrelated, "nation", SPAN)
    pattern = protect(unrelated, wanted_of, RULES)
    published = _published(unrelated, pattern)
    hidden = [q for q, suppressed in pattern.items() if suppressed]
    assert all(not interval.recovered for interval in attack(unrelated, published, hidden).values())
    pinned = _pinned(hierarchy_attack(unrelated, published, hidden, AREA_NESTING))
    lone = unrelated.quantity("area", "a1", "x", SPAN)
    assert lone in pinned
    assert unrelated.value(lone) == 3

    nested = _nested_system((Nesting(*AREA_NESTING),))
    pattern = protect(nested, wanted_of, RULES)
    published = _published(nested, pattern)
    hidden = [q for q, suppressed in pattern.items() if suppressed]
    assert lone in hidden
    assert _pinned(hierarchy_attack(nested, published, hidden, AREA_NESTING)) == []
    # The engine's own attacker now knows the sums: on the unrelated pattern it pins a1/x.
    unrelated_published = _published(nested, protect(unrelated, wanted_of, RULES))
    assert attack(nested, unrelated_published, [lone])[lone].recovered


def test_a_nesting_of_tables_not_published_together_changes_nothing() -> None:
    """Only the area table is published: no nation row to sum to, the same pattern."""
    wanted = _table(_nested_system(()), "area", SPAN)
    nested = _nested_system((Nesting(*AREA_NESTING),))

    assert protect(nested, wanted, RULES) == protect(_nested_system(()), wanted, RULES)


RELEASE_QUARTER = "2024Q3"
NATIONS_OUTSIDE_UK = {OVERSEAS_ONLY: OVERSEAS_ONLY, NOT_RECORDED: NOT_RECORDED}
# The analytics world three times over: a release where protection that takes the two
# tables for unrelated splits left 7 of 1,099 suppressed referral counts pinned by the
# nations' sums (Northern Ireland's and Scotland's year totals, 6 and 12, equal to their
# one area's; North Wales's year total, 6, Wales's less the other Welsh areas').
COPIES = 3


@pytest.mark.django_db
@pytest.mark.slow
def test_no_suppressed_referral_count_is_pinned_by_the_nations_of_police_force_areas(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    store = tmp_path / "analytics.duckdb"
    scale_store(analytics_world.store, store, COPIES)
    with duckdb.connect(str(store), read_only=True) as connection:
        release = compute_release(connection, Quarter.parse(RELEASE_QUARTER))
    system = release.systems["referrals"]
    parents = {**POLICE_FORCE_AREA_NATION, **NATIONS_OUTSIDE_UK}
    areas = system.families["police_force_area"]
    assert set(areas) <= set(parents)
    # The release reads the nesting from the records: the reference data's, for every area.
    (declared,) = system.nestings
    assert (declared.inner, declared.outer) == ("police_force_area", "nation")
    assert dict(declared.parents) == {area: parents[area] for area in areas}

    pattern = protect(system, release.wanted["referrals"], RULES)
    published = _published(system, pattern)
    hidden = [q for q, suppressed in pattern.items() if suppressed]
    assert any(q.family == "police_force_area" for q in hidden)

    nesting_known = ("police_force_area", "nation", parents)
    intervals = hierarchy_attack(system, published, hidden, nesting_known)

    assert _pinned(intervals) == []


@pytest.mark.django_db
def test_a_nation_whose_areas_are_not_all_its_own_gets_no_sum(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    """One Welsh area's referral recorded in England: neither Wales nor England is the sum of the
    areas met with it, so neither gets an equation (a false one would be an attacker's
    mistake, and an unsolvable programme for the engine); the other nations keep theirs."""
    store = tmp_path / "analytics.duckdb"
    scale_store(analytics_world.store, store, 1)
    with duckdb.connect(str(store)) as connection:
        connection.execute(
            "UPDATE referrals SET nation_of_exploitation = 'england' WHERE referral_key = "
            "(SELECT min(referral_key) FROM referrals "
            "WHERE nation_of_exploitation = 'wales' AND quarter = ?)",
            [RELEASE_QUARTER],
        )
        changed = connection.execute(
            "SELECT count(*) FROM referrals WHERE nation_of_exploitation = 'england' "
            "AND police_force_area IN ('dyfed-powys', 'gwent', 'north-wales', 'south-wales')"
        ).fetchone()
    assert changed == (1,)
    with duckdb.connect(str(store), read_only=True) as connection:
        release = compute_release(connection, Quarter.parse(RELEASE_QUARTER))
    system = release.systems["referrals"]
    (declared,) = system.nestings

    nations = set(declared.parents.values())
    assert "england" not in nations
    assert "wales" not in nations
    assert {"scotland", "northern_ireland", OVERSEAS_ONLY, NOT_RECORDED} <= nations
    assert declared.parents["police-scotland"] == "scotland"
    wanted = [q for q in release.wanted["referrals"] if q.family in ("nation", "police_force_area")]
    assert any(protect(system, wanted, RULES).values())
