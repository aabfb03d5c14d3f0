"""Counts of distinct people know that police force areas lie in nations: the people of a
nation (per column) are the people of its areas, so an attacker who reads the people tables
by area and by nation side by side pins no suppressed people count.

The attacker here is written apart from the engine and assumes nothing the engine does not
say: one person can be counted in several rows of a table (two areas of one nation, two age
groups), so figures of people do not add up. What holds for any sets of people is that a
line's total (a row's, a column's, the totals row's grand total, a nation's figure over its
areas' in one column) is at least each of its parts and at most their sum. A suppressed
figure is pinned when its lowest and highest values under those facts and the published
figures are the same. A nation with one area is the sharpest case: its people are the
area's people, so a figure shown in one table gives away the same figure hidden in the other.
The attacker leaves out what the referral tables say of people (never more people than
referrals): that is another rule's question, not the nesting's.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from msht.analytics.engine.disclosure import (
    ALL,
    CountSystem,
    DistinctCounts,
    Nesting,
    Quantity,
    protect,
    protect_distinct_counts,
)
from tests.analytics.engine.test_disclosure import RULES

PINNED_WIDTH = 1e-6
SPAN = ("Q1",)
COLUMNS = ("x", "y")
AREA = "area"
NATION = "nation"


@dataclass(frozen=True)
class Person:
    """One person's referrals of the quarter: how many in each (area, column)."""

    referrals: Mapping[tuple[str, str], int]


@dataclass
class World:
    """The referral counts and the distinct-people figures of one quarter's two tables."""

    referrals: CountSystem
    people: dict[Quantity, int]
    nesting: Nesting

    def wanted(self) -> list[Quantity]:
        """Every figure of the area table and of the nation table."""
        figures = []
        for family in (AREA, NATION):
            rows = (*self.referrals.families[family], ALL)
            for row, column in itertools.product(rows, (*COLUMNS, ALL)):
                figures.append(_people(family, row, column))
        return list(dict.fromkeys(figures))


def _people(family: str, category: str, column: str) -> Quantity:
    return Quantity("people", ALL if category == ALL else family, category, column, SPAN)


def _world(nation_of_area: Mapping[str, str], persons: Iterable[Person]) -> World:
    """Count referrals and distinct people as the release does (a figure of no one is left
    out of the people, as ``tables._people`` leaves it out; it is shown as 0)."""
    areas = tuple(nation_of_area)
    nations = tuple(dict.fromkeys(nation_of_area.values()))
    counts: dict[tuple[str, str, str, str], int] = defaultdict(int)
    members: dict[Quantity, set[int]] = defaultdict(set)
    for number, person in enumerate(persons):
        for (area, column), referrals in person.referrals.items():
            nation = nation_of_area[area]
            for family, category in ((AREA, area), (NATION, nation), (ALL, ALL)):
                counts[(family, category, column, SPAN[0])] += referrals
                for col in (column, ALL):
                    members[_people(family, category, col)].add(number)
    nesting = Nesting(AREA, NATION, dict(nation_of_area))
    system = CountSystem(
        "referrals", COLUMNS, {AREA: areas, NATION: nations}, dict(counts), (nesting,)
    )
    people = {quantity: len(found) for quantity, found in members.items() if found}
    for column in (*COLUMNS, ALL):
        people.setdefault(_people(ALL, ALL, column), 0)
    return World(system, people, nesting)


def _protect(world: World) -> dict[Quantity, bool]:
    """The release's order: referral counts (which know the nesting), then people, hidden
    wherever their referrals are."""
    wanted = [
        world.referrals.quantity(q.family, q.category, q.column, q.span) for q in world.wanted()
    ]
    pattern = protect(world.referrals, wanted, RULES)
    mirror = {
        _people(q.family, q.category, q.column): hidden for q, hidden in pattern.items() if hidden
    }
    people = DistinctCounts(world.people, (world.nesting,))
    return protect_distinct_counts(people, RULES, mirror)


def _lines(world: World) -> list[tuple[Quantity, list[Quantity]]]:
    """Every (total, parts) of the two tables: rows, columns, the totals row, and each
    nation's figure over its areas' figures in each column (the row totals included)."""
    lines = []
    for family in (AREA, NATION):
        categories = world.referrals.families[family]
        for category in categories:
            parts = [_people(family, category, column) for column in COLUMNS]
            lines.append((_people(family, category, ALL), parts))
        for column in (*COLUMNS, ALL):
            parts = [_people(family, category, column) for category in categories]
            lines.append((_people(ALL, ALL, column), parts))
    totals = [_people(ALL, ALL, column) for column in COLUMNS]
    lines.append((_people(ALL, ALL, ALL), totals))
    for nation in world.referrals.families[NATION]:
        areas = [area for area, parent in world.nesting.parents.items() if parent == nation]
        for column in (*COLUMNS, ALL):
            parts = [_people(AREA, area, column) for area in areas]
            lines.append((_people(NATION, nation, column), parts))
    return lines


def set_attack(
    world: World, pattern: Mapping[Quantity, bool]
) -> dict[Quantity, tuple[float, float]]:
    """The lowest and highest value of each suppressed figure: the published figures (a
    figure of no one is published as 0), every figure at least 0, and each line's total at
    least each part and at most the parts' sum."""
    figures = world.wanted()
    position = {quantity: index for index, quantity in enumerate(figures)}
    upper: list[np.ndarray] = []
    for total, parts in _lines(world):
        for part in parts:  # part - total <= 0
            row = np.zeros(len(figures))
            row[position[part]] += 1.0
            row[position[total]] -= 1.0
            upper.append(row)
        row = np.zeros(len(figures))  # total - sum(parts) <= 0
        row[position[total]] += 1.0
        for part in parts:
            row[position[part]] -= 1.0
        upper.append(row)
    shown = [quantity for quantity in figures if not pattern.get(quantity, False)]
    equal = np.zeros((len(shown), len(figures)))
    for number, quantity in enumerate(shown):
        equal[number, position[quantity]] = 1.0
    right = [float(world.people.get(quantity, 0)) for quantity in shown]
    truth = np.array([float(world.people.get(quantity, 0)) for quantity in figures])
    assert all(row @ truth <= 0 for row in upper), "a line's facts are false for the truth"
    intervals = {}
    for target in (quantity for quantity in figures if pattern.get(quantity, False)):
        bounds = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(figures))
            objective[position[target]] = sign
            result = linprog(
                objective,
                A_ub=np.array(upper),
                b_ub=np.zeros(len(upper)),
                A_eq=equal,
                b_eq=right,
                bounds=(0, float(truth.sum())),
                method="highs",
            )
            assert result.status == 0, result.message
            bounds.append(sign * float(result.fun))
        intervals[target] = (bounds[0], bounds[1])
    return intervals


def _pinned(intervals: Mapping[Quantity, tuple[float, float]]) -> list[Quantity]:
    return sorted(q for q, (low, high) in intervals.items() if high - low <= PINNED_WIDTH)


def _persons(cells: Mapping[tuple[str, str], tuple[int, int]]) -> list[Person]:
    """(area, column) -> (people, referrals each): that many people, each referred that
    many times in that one cell."""
    return [
        Person({cell: each}) for cell, (people, each) in cells.items() for _person in range(people)
    ]


# Nation A has areas a1 and a2, nation B one area, b1 (as Northern Ireland has one police
# force area). a1/x holds 3 people referred 4 times each: 12 referrals, so every referral
# count is publishable and only the people count of a1/x is small. One person is referred in
# a1/y and in a2/y, counted in both areas and once in A.
ONE_AREA_NATION = {"a1": "A", "a2": "A", "b1": "B"}
ONE_AREA_PERSONS = [
    *_persons(
        {
            ("a1", "x"): (3, 4),
            ("a1", "y"): (19, 1),
            ("a2", "x"): (25, 1),
            ("a2", "y"): (29, 1),
            ("b1", "x"): (15, 1),
            ("b1", "y"): (40, 1),
        }
    ),
    Person({("a1", "y"): 1, ("a2", "y"): 1}),
]


def test_people_of_a_nation_with_one_area_are_hidden_in_both_tables_or_in_neither() -> None:
    """Without the nesting, b1/x (15) became a1/x's column partner and was hidden while
    B/x (15, the same people) was shown: the attacker's facts pinned it (and b1/y, hidden
    as b1/x's row partner, at B/y's 40)."""
    world = _world(ONE_AREA_NATION, ONE_AREA_PERSONS)
    assert world.people[_people(AREA, "a1", "x")] == 3
    assert world.people[_people(NATION, "A", "y")] == 49  # 20 + 30, one person in both

    pattern = _protect(world)

    assert pattern[_people(AREA, "a1", "x")]
    for column in (*COLUMNS, ALL):
        area, nation = _people(AREA, "b1", column), _people(NATION, "B", column)
        assert pattern[area] == pattern[nation], column
    assert _pinned(set_attack(world, pattern)) == []


def test_the_attacker_pins_an_area_hidden_while_its_one_area_nation_is_shown() -> None:
    """The attacker is not toothless: given the pattern the engine chose without the
    nesting (the same rule blind to it), it pins b1/x at B/x's 15."""
    world = _world(ONE_AREA_NATION, ONE_AREA_PERSONS)
    blind = protect_distinct_counts(dict(world.people), RULES, {})
    assert blind[_people(AREA, "b1", "x")]
    assert not blind[_people(NATION, "B", "x")]

    intervals = set_attack(world, blind)

    assert intervals[_people(AREA, "b1", "x")] == (15.0, 15.0)
    assert _people(AREA, "b1", "x") in _pinned(intervals)


# Nation A has three areas; a1/x is small. Nobody is in two areas, so A's people are the sum
# of its areas' and A/x less the areas shown gives a hidden area exactly.
THREE_AREA_NATION = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B"}
THREE_AREA_CELLS = {
    ("a1", "x"): (4, 3),
    ("a1", "y"): (30, 1),
    ("a2", "x"): (28, 1),
    ("a2", "y"): (33, 1),
    ("a3", "x"): (26, 1),
    ("a3", "y"): (35, 1),
    ("b1", "x"): (12, 1),
    ("b1", "y"): (31, 1),
    ("b2", "x"): (40, 1),
    ("b2", "y"): (45, 1),
}


def test_a_suppressed_area_is_never_alone_among_its_nations_areas_and_the_nation() -> None:
    """a1/x (4 people) is hidden; its column partner by value alone is b1/x (12), in
    another nation, which leaves a1/x alone among A's areas: A/x (58) less a2/x (28) and
    a3/x (26) is 4, give or take the people in two of A's areas (none here). Its partner
    is one of A's areas, which protects its column too."""
    world = _world(THREE_AREA_NATION, _persons(THREE_AREA_CELLS))
    nation_less_others = (
        world.people[_people(NATION, "A", "x")]
        - world.people[_people(AREA, "a2", "x")]
        - world.people[_people(AREA, "a3", "x")]
    )
    assert nation_less_others == world.people[_people(AREA, "a1", "x")] == 4

    pattern = _protect(world)

    hidden = {quantity for quantity, suppressed in pattern.items() if suppressed}
    for quantity in hidden:
        if quantity.family == AREA:
            nation = world.nesting.parents[quantity.category]
            line = [
                other
                for other in world.wanted()
                if other.column == quantity.column
                and other != quantity
                and (
                    (other.family == NATION and other.category == nation)
                    or (other.family == AREA and world.nesting.parents[other.category] == nation)
                )
            ]
            assert any(other in hidden for other in line), quantity
    # a1/x; a1/y (30) closes row a1; a3/x (26), the smallest of A's other areas in x,
    # closes A's line and column x at once. Lines are closed one at a time, by the smallest
    # figure: a2/y (33) closes A's line in y for a1/y, a3/y row a3, and a2/x row a2. Not
    # one partner lies in nation B, whose figures all stay shown.
    assert {(q.family, q.category, q.column) for q in hidden} == {
        (AREA, area, column) for area in ("a1", "a2", "a3") for column in COLUMNS
    }
    assert _pinned(set_attack(world, pattern)) == []


def test_a_nation_hidden_by_its_referrals_gets_a_hidden_area_and_so_does_its_area() -> None:
    """B/x's referrals are hidden by the referral tables (they are B's one area's, 6): its
    people are hidden too, and its one area's people with them."""
    world = _world(
        {"a1": "A", "a2": "A", "b1": "B"},
        _persons(
            {
                ("a1", "x"): (20, 1),
                ("a1", "y"): (30, 1),
                ("a2", "x"): (25, 1),
                ("a2", "y"): (35, 1),
                ("b1", "x"): (6, 1),
                ("b1", "y"): (50, 1),
            }
        ),
    )

    pattern = _protect(world)

    assert pattern[_people(NATION, "B", "x")]
    assert pattern[_people(AREA, "b1", "x")]
    assert _pinned(set_attack(world, pattern)) == []


def test_a_nesting_given_in_the_call_outranks_the_one_the_counts_carry() -> None:
    """The caller's nestings are used when given; a plain mapping of counts has none."""
    world = _world(ONE_AREA_NATION, ONE_AREA_PERSONS)
    carried = protect_distinct_counts(DistinctCounts(world.people, (world.nesting,)), RULES, {})
    given_in_call = protect_distinct_counts(dict(world.people), RULES, {}, (world.nesting,))
    overridden = protect_distinct_counts(
        DistinctCounts(world.people, (world.nesting,)), RULES, {}, ()
    )

    assert carried == given_in_call
    assert overridden == protect_distinct_counts(dict(world.people), RULES, {})
    assert carried != overridden


@st.composite
def _random_worlds(draw: st.DrawFn) -> World:
    """Two or three nations of one to three areas each; people referred once to four times in
    one or two cells, so some are counted in two areas or two columns. Every cell has someone
    (a figure of no one is shown as 0 whatever its referral count's fate, which is the
    layout's question, not the nesting's)."""
    nation_of_area: dict[str, str] = {}
    for nation in range(draw(st.integers(2, 3))):
        for area in range(draw(st.integers(1, 3))):
            nation_of_area[f"n{nation}a{area}"] = f"n{nation}"
    cells = list(itertools.product(sorted(nation_of_area), COLUMNS))
    referrals = st.integers(1, 4)
    persons = [Person({cell: draw(referrals)}) for cell in cells]
    persons += draw(
        st.lists(
            st.dictionaries(st.sampled_from(cells), referrals, min_size=1, max_size=2).map(Person),
            max_size=40,
        )
    )
    return _world(nation_of_area, persons)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=_random_worlds())
def test_no_suppressed_people_count_is_pinned_by_the_nations_of_areas(world: World) -> None:
    pattern = _protect(world)

    for quantity, hidden in pattern.items():
        assert hidden or RULES.publishable(world.people[quantity]), quantity
    assert _pinned(set_attack(world, pattern)) == []


def test_a_nesting_of_tables_not_in_the_counts_changes_nothing() -> None:
    """People by age and some other split only: the nesting of areas in nations has no
    figure to act on, so the pattern is the one without it."""

    def people(category: str, column: str) -> Quantity:
        return Quantity("people", ALL if category == ALL else "g", category, column, SPAN)

    values = {
        people("A", "x"): 4,
        people("A", "y"): 27,
        people("A", ALL): 31,
        people("B", "x"): 22,
        people("B", "y"): 30,
        people("B", ALL): 52,
        people(ALL, "x"): 26,
        people(ALL, "y"): 57,
        people(ALL, ALL): 83,
    }
    nesting = Nesting(AREA, NATION, ONE_AREA_NATION)

    pattern = protect_distinct_counts(DistinctCounts(values, (nesting,)), RULES, {})

    assert pattern == protect_distinct_counts(values, RULES, {})
    assert sum(pattern.values()) == 4
