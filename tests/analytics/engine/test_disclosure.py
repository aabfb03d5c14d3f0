"""Disclosure control: no published count under the threshold, no suppressed count
recoverable by linear programming from the published tables, this period's or earlier."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from msht.analytics.engine.disclosure import (
    ALL,
    CountSystem,
    DisclosureRules,
    Quantity,
    attack,
    protect,
    protect_distinct_counts,
)

RULES = DisclosureRules(threshold=10)


def _system(
    counts: Mapping[tuple[str, str, str, str], int],
    families: dict[str, tuple[str, ...]],
    columns: tuple[str, ...],
) -> CountSystem:
    """A system whose "*" totals are the sums of its first family (every family must agree)."""
    system = CountSystem("test", columns, families, dict(counts))
    first = next(iter(families))
    quarters = {quarter for (_f, _c, _col, quarter) in counts}
    for column, quarter in itertools.product(columns, quarters):
        system.counts[(ALL, ALL, column, quarter)] = sum(
            counts.get((first, category, column, quarter), 0) for category in families[first]
        )
    return system


def _table(system: CountSystem, family: str, span: tuple[str, ...]) -> list[Quantity]:
    """Every interior figure, row total, column total and the grand total of one table."""
    rows = (*system.families[family], ALL)
    columns = (*system.columns, ALL)
    return [system.quantity(family, row, column, span) for row in rows for column in columns]


def independent_attack(
    system: CountSystem, published: Mapping[Quantity, int], target: Quantity
) -> tuple[float, float]:
    """The attacker, written apart from the engine: unknowns per family, category, column and
    quarter; one equation per published figure and per family's column totals; x >= 0."""
    quarters = sorted({q for quantity in (*published, target) for q in quantity.span})
    cells = [
        (family, category, column, quarter)
        for family, categories in system.families.items()
        for category in (*categories,)
        for column in system.columns
        for quarter in quarters
    ] + [(ALL, ALL, column, quarter) for column in system.columns for quarter in quarters]
    position = {cell: index for index, cell in enumerate(cells)}

    def vector(quantity: Quantity) -> np.ndarray:
        row = np.zeros(len(cells))
        columns = system.columns if quantity.column == ALL else (quantity.column,)
        categories = (ALL,) if quantity.family == ALL else (quantity.category,)
        for column, quarter, category in itertools.product(columns, quantity.span, categories):
            row[position[(quantity.family, category, column, quarter)]] = 1
        return row

    equations = [vector(quantity) for quantity in published]
    right = [float(value) for value in published.values()]
    for family, categories in system.families.items():
        for column, quarter in itertools.product(system.columns, quarters):
            row = np.zeros(len(cells))
            for category in categories:
                row[position[(family, category, column, quarter)]] = 1
            row[position[(ALL, ALL, column, quarter)]] = -1
            equations.append(row)
            right.append(0.0)
    objective = vector(target)
    bounds = []
    for sign in (1, -1):
        result = linprog(
            sign * objective, A_eq=np.array(equations), b_eq=right, bounds=(0, None), method="highs"
        )
        bounds.append(math.inf if result.status == 3 else sign * result.fun)
    return bounds[0], bounds[1]


def _published(system: CountSystem, pattern: Mapping[Quantity, bool]) -> dict[Quantity, int]:
    return {quantity: system.value(quantity) for quantity, hidden in pattern.items() if not hidden}


SMALL_TABLE = {
    ("nationality", "A", "adult", "Q1"): 40,
    ("nationality", "A", "child", "Q1"): 3,
    ("nationality", "B", "adult", "Q1"): 25,
    ("nationality", "B", "child", "Q1"): 30,
    ("nationality", "C", "adult", "Q1"): 12,
    ("nationality", "C", "child", "Q1"): 18,
}
FAMILIES: dict[str, tuple[str, ...]] = {"nationality": ("A", "B", "C")}
COLUMNS = ("adult", "child")


def test_a_lone_suppressed_cell_is_recovered_from_its_totals() -> None:
    system = _system(SMALL_TABLE, FAMILIES, COLUMNS)
    table = _table(system, "nationality", ("Q1",))
    lone = system.quantity("nationality", "A", "child", ("Q1",))
    published = {q: system.value(q) for q in table if q != lone}

    interval = attack(system, published, [lone])[lone]

    assert interval.recovered
    assert interval.low == pytest.approx(3)
    assert independent_attack(system, published, lone) == pytest.approx((3, 3))


def test_primary_and_secondary_suppression_leave_nothing_recoverable() -> None:
    system = _system(SMALL_TABLE, FAMILIES, COLUMNS)
    table = _table(system, "nationality", ("Q1",))

    pattern = protect(system, table, RULES)

    hidden = [q for q, suppressed in pattern.items() if suppressed]
    assert system.quantity("nationality", "A", "child", ("Q1",)) in hidden
    assert len(hidden) >= 4  # the small cell, a partner in its row, and the column's pair
    published = _published(system, pattern)
    assert all(RULES.publishable(value) for value in published.values())
    for quantity in hidden:
        low, high = independent_attack(system, published, quantity)
        assert high - low > 1e-6, quantity


def test_differencing_the_year_to_date_against_an_earlier_publication_fails() -> None:
    counts = {
        **SMALL_TABLE,
        ("nationality", "A", "adult", "Q2"): 35,
        ("nationality", "A", "child", "Q2"): 20,
        ("nationality", "B", "adult", "Q2"): 22,
        ("nationality", "B", "child", "Q2"): 31,
        ("nationality", "C", "adult", "Q2"): 14,
        ("nationality", "C", "child", "Q2"): 16,
    }
    system = _system(counts, FAMILIES, COLUMNS)
    # The Q1 release suppressed A/child (3); Q2's quarter table alone has nothing small,
    # so publishing it with the year to date would give A/child in Q1 as 23 - 20.
    earlier = protect(system, _table(system, "nationality", ("Q1",)), RULES)
    wanted = _table(system, "nationality", ("Q2",)) + _table(system, "nationality", ("Q1", "Q2"))

    pattern = protect(system, wanted, RULES, earlier=earlier)

    published = {**_published(system, earlier), **_published(system, pattern)}
    hidden = [q for q, s in {**earlier, **pattern}.items() if s]
    assert any(q.span == ("Q1", "Q2") for q in hidden)
    for quantity in hidden:
        low, high = independent_attack(system, published, quantity)
        assert high - low > 1e-6, quantity


def test_a_small_group_all_in_one_column_has_its_zeros_protected() -> None:
    counts = {
        ("nationality", "A", "adult", "Q1"): 0,
        ("nationality", "A", "child", "Q1"): 12,
        ("nationality", "B", "adult", "Q1"): 25,
        ("nationality", "B", "child", "Q1"): 30,
        ("nationality", "C", "adult", "Q1"): 22,
        ("nationality", "C", "child", "Q1"): 18,
    }
    system = _system(counts, FAMILIES, COLUMNS)

    pattern = protect(system, _table(system, "nationality", ("Q1",)), RULES)

    assert pattern[system.quantity("nationality", "A", "adult", ("Q1",))]
    assert pattern[system.quantity("nationality", "A", "child", ("Q1",))]
    assert not pattern[system.quantity("nationality", "A", ALL, ("Q1",))]


def test_rounding_to_five_rounds_half_up() -> None:
    rules = DisclosureRules(threshold=10, round_to=5)
    assert [rules.rounded(value) for value in (0, 2, 3, 12, 13, 17, 18)] == [
        0,
        0,
        5,
        10,
        15,
        15,
        20,
    ]


def test_distinct_people_follow_the_referral_pattern_and_never_stand_alone() -> None:
    values = {
        Quantity("people", "g", "A", "adult", ("Q1",)): 12,
        Quantity("people", "g", "A", "child", ("Q1",)): 11,
        Quantity("people", "g", "B", "adult", ("Q1",)): 7,
        Quantity("people", "g", "B", "child", ("Q1",)): 30,
    }
    mirror = {Quantity("people", "g", "A", "adult", ("Q1",)): True}

    pattern = protect_distinct_counts(values, RULES, mirror)

    assert pattern[Quantity("people", "g", "A", "adult", ("Q1",))]
    assert pattern[Quantity("people", "g", "B", "adult", ("Q1",))]
    for quantity, hidden in pattern.items():
        assert hidden or values[quantity] >= RULES.threshold or values[quantity] == 0


@st.composite
def _worlds(draw: st.DrawFn) -> tuple[CountSystem, list[str]]:
    categories = tuple("ABCD"[: draw(st.integers(2, 4))])
    columns = tuple(["adult", "child", "not_known"][: draw(st.integers(2, 3))])
    quarters = ["Q1", "Q2", "Q3"][: draw(st.integers(1, 3))]
    # Counts skewed small so that suppression is common.
    value = st.one_of(st.integers(0, 12), st.integers(10, 60))
    counts = {
        ("group", category, column, quarter): draw(value)
        for category in categories
        for column in columns
        for quarter in quarters
    }
    return _system(counts, {"group": categories}, columns), quarters


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_worlds())
def test_no_published_figure_is_small_and_no_suppressed_one_recoverable(
    world: tuple[CountSystem, list[str]],
) -> None:
    system, quarters = world
    earlier: dict[Quantity, bool] = {}
    for end in range(1, len(quarters) + 1):
        # Each quarter's release: the quarter and the year to date, after the earlier ones.
        wanted = _table(system, "group", (quarters[end - 1],)) + _table(
            system, "group", tuple(quarters[:end])
        )
        pattern = protect(system, wanted, RULES, earlier=earlier)
        earlier = {**earlier, **pattern}
    published = _published(system, earlier)
    assert all(RULES.publishable(value) for value in published.values())
    for quantity in (q for q, hidden in earlier.items() if hidden):
        low, high = independent_attack(system, published, quantity)
        assert high - low > 1e-6, quantity
