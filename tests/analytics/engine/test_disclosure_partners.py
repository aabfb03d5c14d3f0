"""Secondary suppression suppresses few figures: each partner is one the attacker's proof of a
pinned figure uses, so a lone small count in a table costs one rectangle, not a cascade; and
a suppressed count of people is never alone in its row or its column, totals included."""

from __future__ import annotations

from msht.analytics.engine.disclosure import ALL, Quantity, protect, protect_distinct_counts
from tests.analytics.engine.test_disclosure import (
    RULES,
    _published,
    _system,
    _table,
    independent_attack,
)

SPAN = ("Q1",)
# One small count (C/y, 7) in a 4 x 3 table. The partners chosen by row and column
# neighbours alone (the choice before this one) hid 9 figures: A/x, A/y, B/x, B/y, C/x, C/y,
# C/z, D/x and D/z, each partner pinned in turn by a row or column it left alone.
ONE_SMALL_COUNT = {
    ("g", "A", "x", "Q1"): 14,
    ("g", "A", "y", "Q1"): 42,
    ("g", "A", "z", "Q1"): 58,
    ("g", "B", "x", "Q1"): 38,
    ("g", "B", "y", "Q1"): 29,
    ("g", "B", "z", "Q1"): 60,
    ("g", "C", "x", "Q1"): 17,
    ("g", "C", "y", "Q1"): 7,
    ("g", "C", "z", "Q1"): 48,
    ("g", "D", "x", "Q1"): 39,
    ("g", "D", "y", "Q1"): 57,
    ("g", "D", "z", "Q1"): 54,
}


def test_one_small_count_costs_one_rectangle_of_the_smallest_partners() -> None:
    system = _system(ONE_SMALL_COUNT, {"g": ("A", "B", "C", "D")}, ("x", "y", "z"))
    table = _table(system, "g", SPAN)

    pattern = protect(system, table, RULES)

    hidden = {(q.category, q.column) for q, suppressed in pattern.items() if suppressed}
    # C/y, the smallest partner in its row (C/x, 17), and the corner that closes the
    # rectangle with the smallest partner in its column (A/y, 42; A/x, 14).
    assert hidden == {("C", "y"), ("C", "x"), ("A", "x"), ("A", "y")}
    published = _published(system, pattern)
    for quantity in (q for q, suppressed in pattern.items() if suppressed):
        low, high = independent_attack(system, published, quantity)
        assert high - low > 1e-6, quantity


def test_two_small_counts_in_one_column_share_their_partners() -> None:
    """Two small counts in one column (A/x 3 and B/x 4) protect each other there; their
    rows are protected by one more column, the cells of rows A and B in it (A/y 30 and
    B/y 25): four figures in all, not a partner for each small count."""
    counts = {
        ("g", "A", "x", "Q1"): 3,
        ("g", "A", "y", "Q1"): 30,
        ("g", "B", "x", "Q1"): 4,
        ("g", "B", "y", "Q1"): 25,
        ("g", "C", "x", "Q1"): 40,
        ("g", "C", "y", "Q1"): 50,
    }
    system = _system(counts, {"g": ("A", "B", "C")}, ("x", "y"))
    table = _table(system, "g", SPAN)

    pattern = protect(system, table, RULES)

    hidden = {(q.category, q.column) for q, suppressed in pattern.items() if suppressed}
    # A/x and B/x protect each other in their column; A/y and B/y in theirs.
    assert hidden == {("A", "x"), ("B", "x"), ("A", "y"), ("B", "y")}
    published = _published(system, pattern)
    for quantity in (q for q, suppressed in pattern.items() if suppressed):
        low, high = independent_attack(system, published, quantity)
        assert high - low > 1e-6, quantity


def _people(category: str, column: str) -> Quantity:
    family = ALL if category == ALL else "g"
    return Quantity("people", family, category, column, SPAN)


def test_a_suppressed_count_of_people_alone_in_its_row_gets_a_partner_there() -> None:
    """A/adult is suppressed (its referrals were) and B/adult is small: the column holds
    two suppressed figures, but row A would still give A/adult as its total (41) less
    A/child (27), give or take the few people in both columns."""
    values = {
        _people("A", "adult"): 15,
        _people("A", "child"): 27,
        _people("A", ALL): 41,
        _people("B", "adult"): 6,
        _people("B", "child"): 30,
        _people("B", ALL): 36,
        _people(ALL, "adult"): 21,
        _people(ALL, "child"): 57,
        _people(ALL, ALL): 77,
    }

    pattern = protect_distinct_counts(values, RULES, {_people("A", "adult"): True})

    hidden = {quantity for quantity, suppressed in pattern.items() if suppressed}
    assert _people("A", "adult") in hidden
    assert _people("B", "adult") in hidden
    for quantity in hidden:
        row = [
            other
            for other in values
            if (other.family, other.category) == (quantity.family, quantity.category)
            and other != quantity
        ]
        assert quantity.category == ALL or any(other in hidden for other in row), quantity
    # The cheapest that closes both rows: A/child (27) and B/child (30).
    assert hidden == {
        _people("A", "adult"),
        _people("A", "child"),
        _people("B", "adult"),
        _people("B", "child"),
    }


def test_a_suppressed_column_total_of_people_is_not_left_alone_in_any_table() -> None:
    """A column total of people is in the column of every table of its period and in the
    totals row: each of those lines gets another suppressed figure."""
    values = {
        _people("A", "adult"): 5,
        _people("A", "child"): 27,
        _people("A", ALL): 32,
        _people("B", "adult"): 3,
        _people("B", "child"): 30,
        _people("B", ALL): 33,
        _people(ALL, "adult"): 8,
        _people(ALL, "child"): 57,
        _people(ALL, ALL): 65,
    }

    pattern = protect_distinct_counts(values, RULES, {})

    hidden = {quantity for quantity, suppressed in pattern.items() if suppressed}
    # The adult column is all suppressed already; the totals row needs a partner (the
    # child total, smaller than the grand total), then the child column a cell (A/child,
    # 27), and row B one (B/child, 30, smaller than B's total).
    assert hidden == {
        _people("A", "adult"),
        _people("B", "adult"),
        _people(ALL, "adult"),
        _people(ALL, "child"),
        _people("A", "child"),
        _people("B", "child"),
    }
