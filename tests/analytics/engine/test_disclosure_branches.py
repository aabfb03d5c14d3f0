"""Disclosure control at its edges, every branch deterministic (issue 10: 100% branch coverage):
the random screening is only a shortcut and its failures cost time, never protection; a
solver failure stops the release; a table with nothing left to suppress withholds rather than
leaves a figure recoverable."""

from __future__ import annotations

import math
from typing import Any

import pytest
from scipy.optimize import OptimizeResult

from msht.analytics.engine import disclosure
from msht.analytics.engine.disclosure import (
    ALL,
    DisclosureRules,
    Quantity,
    attack,
    protect,
    protect_distinct_counts,
    recovered_figures,
)
from tests.analytics.engine.test_disclosure import (
    COLUMNS,
    FAMILIES,
    RULES,
    SMALL_TABLE,
    _published,
    _system,
    _table,
    independent_attack,
)

SPAN = ("Q1",)


def _small() -> tuple[Any, list[Quantity]]:
    system = _system(SMALL_TABLE, FAMILIES, COLUMNS)
    return system, _table(system, "nationality", SPAN)


def test_without_rounding_counts_are_published_as_they_are() -> None:
    assert [DisclosureRules(threshold=10).rounded(value) for value in (0, 3, 13, 17)] == [
        0,
        3,
        13,
        17,
    ]


def test_with_nothing_published_a_suppressed_total_could_be_any_size() -> None:
    system, _ = _small()
    grand_total = system.quantity(ALL, ALL, ALL, SPAN)

    interval = attack(system, {}, [grand_total])[grand_total]

    assert (interval.low, interval.high) == (0, math.inf)
    assert not interval.recovered
    assert recovered_figures(system, {}, [grand_total]) == []


def test_nothing_suppressed_means_nothing_to_recover() -> None:
    system, table = _small()

    assert recovered_figures(system, _published(system, dict.fromkeys(table, False)), []) == []


def test_the_exact_programmes_alone_give_the_screenings_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Screening only proves figures safe early: without it every figure gets both exact
    programmes, and the recovered ones are the same."""
    system, table = _small()
    lone = system.quantity("nationality", "A", "child", SPAN)
    pattern = protect(system, table, RULES)
    hidden = [quantity for quantity, suppressed in pattern.items() if suppressed]
    cases = [
        ({q: system.value(q) for q in table if q != lone}, [lone]),
        (_published(system, pattern), hidden),
    ]
    screened = [recovered_figures(system, published, targets) for published, targets in cases]

    monkeypatch.setattr(disclosure, "_SCREENING_ROUNDS", 0)
    monkeypatch.setattr(disclosure, "_movable_zeros", lambda *args: set())
    exact = [recovered_figures(system, published, targets) for published, targets in cases]

    assert screened == exact == [[lone], []]


def _failing_when(condition: Any) -> Any:
    """linprog, but answering 'infeasible' (status 2) whenever ``condition(kwargs)`` holds."""
    real = disclosure.linprog  # type: ignore[attr-defined]

    def linprog(objective: Any, **kwargs: Any) -> Any:
        if condition(kwargs):
            return OptimizeResult(status=2, message="The problem is infeasible.", x=None)
        return real(objective, **kwargs)

    return linprog


def test_a_failed_screening_costs_time_never_protection(monkeypatch: pytest.MonkeyPatch) -> None:
    # Row A (0 and 12) is a small group all in one column: its zero is suppressed too, so
    # the zero programme runs.
    counts = {
        **SMALL_TABLE,
        ("nationality", "A", "adult", "Q1"): 0,
        ("nationality", "A", "child", "Q1"): 12,
    }
    system = _system(counts, FAMILIES, COLUMNS)
    table = _table(system, "nationality", SPAN)
    expected = protect(system, table, RULES)

    # The zero programme (the only one with inequalities) and every random objective fail.
    monkeypatch.setattr(disclosure, "linprog", _failing_when(lambda kw: "A_ub" in kw))
    monkeypatch.setattr(disclosure, "_point", lambda *args: None)
    pattern = protect(system, table, RULES)

    assert pattern == expected
    published = _published(system, pattern)
    for quantity in (q for q, hidden in pattern.items() if hidden):
        low, high = independent_attack(system, published, quantity)
        assert high - low > 1e-6, quantity


def test_a_programme_the_solver_cannot_solve_stops_the_release(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system, table = _small()
    lone = system.quantity("nationality", "A", "child", SPAN)
    monkeypatch.setattr(disclosure, "linprog", _failing_when(lambda kw: True))

    with pytest.raises(ArithmeticError, match=r"could not solve its programme: .*infeasible"):
        attack(system, {q: system.value(q) for q in table if q != lone}, [lone])


def test_a_partner_is_a_figure_the_attackers_proof_uses() -> None:
    """Row A is 1 and 12, row B all zeros; the release leaves out A/b and the column total
    of a. The attacker gets the 1 as the grand total less the column total of b less B/a:
    suppressing the column total of b (the proof's smallest non-zero figure) protects it.
    (Partners taken from the 1's row and column, the choice before this one, cascaded
    until every figure of the release was withheld.)"""
    counts = {
        ("g", "A", "a", "Q1"): 1,
        ("g", "A", "b", "Q1"): 12,
        ("g", "B", "a", "Q1"): 0,
        ("g", "B", "b", "Q1"): 0,
    }
    system = _system(counts, {"g": ("A", "B")}, ("a", "b"))
    wanted = [
        system.quantity("g", category, column, SPAN)
        for category, column in [
            ("A", "a"),
            ("A", ALL),
            ("B", "a"),
            ("B", "b"),
            ("B", ALL),
            (ALL, "b"),
            (ALL, ALL),
        ]
    ]

    pattern = protect(system, wanted, RULES)

    hidden = {quantity for quantity, suppressed in pattern.items() if suppressed}
    assert hidden == {system.quantity("g", "A", "a", SPAN), system.quantity(ALL, ALL, "b", SPAN)}
    published = _published(system, pattern)
    for quantity in hidden:
        low, high = independent_attack(system, published, quantity)
        assert high - low > 1e-6, quantity


def test_a_lone_suppressed_count_of_people_gets_the_smallest_partner_in_its_row_and_column() -> (
    None
):
    def people(category: str, column: str) -> Quantity:
        return Quantity("people", "g", category, column, SPAN)

    values = {
        people("A", "adult"): 40,
        people("A", "child"): 25,
        people("B", "adult"): 15,
        people("B", "child"): 30,
    }
    # The referral pattern suppressed A/adult; people are suppressed wherever referrals are.
    pattern = protect_distinct_counts(values, RULES, {people("A", "adult"): True})

    # A/adult needs a partner in its row (A/child, 25) and in its column (B/adult, 15); each
    # of those then needs one in its other line, B/child: in a 2 x 2 table, all four.
    assert pattern == dict.fromkeys(values, True)


def test_a_small_column_total_of_people_is_protected_by_another_column_total() -> None:
    """A column total's row is the table's totals row: its partner is the smallest other
    total there (the grand total last, as it is the larger)."""

    def total(column: str) -> Quantity:
        return Quantity("people", ALL, ALL, column, SPAN)

    values = {total("adult"): 7, total("child"): 30, total(ALL): 37}

    pattern = protect_distinct_counts(values, RULES, {})

    assert pattern == {total("adult"): True, total("child"): True, total(ALL): False}


def test_a_table_with_no_small_count_is_published_whole() -> None:
    counts = {key: value + 10 for key, value in SMALL_TABLE.items()}
    system = _system(counts, FAMILIES, COLUMNS)
    table = _table(system, "nationality", SPAN)

    assert protect(system, table, RULES) == dict.fromkeys(table, False)
