"""Statistical disclosure control: every rule in one module (DOMAIN.md, 'The national picture').

Counts are held as a *system*: the count of every (family, category, column, quarter)
cell, where a family is one way of splitting the same population (nationality, gender,
...), each member of the population falls in exactly one category of each family, and
the special family ``"*"`` with category ``"*"`` holds the population's total per
column and quarter. Every published figure is a *quantity*: a sum of such cells over a
span of quarters (an interior cell, a row total, a column total or the grand total).
Because the system knows how every figure is made of quarterly cells, a table of the
year to date, the quarter, the year ending and earlier publications all constrain the
same unknowns: suppression is checked against all of them at once (differencing).
A family may also be *nested* in another (``Nesting``): police force areas split the
nations, so the areas of Wales add up to Wales in every column and quarter, which anyone
with the reference data knows; the attacker's programmes include those sums too.

The rules, in order:

1. Primary suppression: a count from 1 to ``threshold - 1`` is not published.
2. Disclosive zeros: when a small row (total under ``disclosive_zero_limit``) has all its
   members in one column, the zeros would reveal that everyone in the group shares that
   column's attribute; the row's cells are suppressed (its total stays if it may).
3. Secondary suppression: an attacker who knows every published figure and that counts
   are never negative solves a linear programme for the lowest and highest value each
   suppressed figure can take (``attack``). While any suppressed figure, of this
   publication or an earlier one, is pinned to a single value, a partner is suppressed
   too: a published figure the attacker's proof uses (a non-zero dual value of the
   programme that pins it), since suppressing any other figure leaves the proof standing.
   The partners of one round are chosen together: a figure used by several proofs first,
   then the same cell over an overlapping period, then the smallest (``_partners``).
4. Optional rounding of every published count to the nearest ``round_to`` (after the
   pattern is fixed; the suppression is computed on the exact counts).

Suppressed figures are written ``[c]``; ``[x]`` marks a figure not available and
``[z]`` one that does not apply (GSS guidance on releasing statistics in spreadsheets).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack

ALL = "*"
# Two values closer than this are the same value to the attacker's LP.
TOLERANCE = 1e-6
UNPROTECTABLE = "disclosure control found nothing left to suppress to protect {figures}"


class Marker(StrEnum):
    """The GSS shorthand symbols for a cell without a number."""

    SUPPRESSED = "[c]"
    NOT_AVAILABLE = "[x]"
    NOT_APPLICABLE = "[z]"


@dataclass(frozen=True)
class DisclosureRules:
    """The parameters of disclosure control (threshold from policy disclosure_minimum_count)."""

    threshold: int = 10
    round_to: int | None = None
    disclosive_zero_limit: int = 20

    def publishable(self, value: int) -> bool:
        """Primary rule: zero, or at least the threshold."""
        return value == 0 or value >= self.threshold

    def rounded(self, value: int) -> int:
        """The published value: rounded half up to the nearest ``round_to`` when asked."""
        if not self.round_to:
            return value
        return (value + self.round_to // 2) // self.round_to * self.round_to


@dataclass(frozen=True, order=True)
class Quantity:
    """One published figure: the sum of a system's cells over a span of quarters.

    ``family`` and ``category`` are ``"*"`` for a column total (the same in every family);
    ``column`` is ``"*"`` for a row total.
    """

    system: str
    family: str
    category: str
    column: str
    span: tuple[str, ...]

    @property
    def is_interior(self) -> bool:
        return self.category != ALL and self.column != ALL


Cell = tuple[str, str, str, str]  # (family, category, column, quarter)


@dataclass(frozen=True)
class Nesting:
    """Family ``inner`` splits family ``outer`` further, as police force areas split nations.

    ``parents`` maps inner categories to the outer category holding them, for the outer
    categories that are exactly the sum of their inner ones: every member of an inner
    category listed belongs to its parent, and every member of a parent belongs to one
    of the inner categories listed with it. Anyone who knows the reference data knows
    these sums, so the attacker's programmes include them.
    """

    inner: str
    outer: str
    parents: Mapping[str, str]


class DistinctCounts(dict[Quantity, int]):
    """Counts of distinct people per figure, with how their families nest (``Nesting``):
    the people of a nation's police force areas are the nation's people, as its referrals
    are, though one person referred in two areas is counted in each."""

    def __init__(self, counts: Mapping[Quantity, int], nestings: Iterable[Nesting] = ()) -> None:
        super().__init__(counts)
        self.nestings = tuple(nestings)


@dataclass
class CountSystem:
    """The quarterly counts of one population, split by several families (see module doc)."""

    name: str
    columns: tuple[str, ...]
    families: dict[str, tuple[str, ...]]
    counts: dict[Cell, int] = field(default_factory=dict)
    nestings: tuple[Nesting, ...] = ()

    def terms(self, quantity: Quantity) -> list[Cell]:
        """The quarterly cells ``quantity`` adds up."""
        columns = self.columns if quantity.column == ALL else (quantity.column,)
        if quantity.family == ALL:
            return [(ALL, ALL, column, quarter) for column in columns for quarter in quantity.span]
        return [
            (quantity.family, quantity.category, column, quarter)
            for column in columns
            for quarter in quantity.span
        ]

    def value(self, quantity: Quantity) -> int:
        """The true value of ``quantity``."""
        return sum(self.counts.get(cell, 0) for cell in self.terms(quantity))

    def quantity(self, family: str, category: str, column: str, span: Iterable[str]) -> Quantity:
        """The quantity of this system at (family, category, column) over ``span``."""
        if category == ALL:
            family = ALL
        return Quantity(self.name, family, category, column, tuple(span))


@dataclass(frozen=True)
class Interval:
    """What an attacker can say about a suppressed figure: it lies in [low, high]."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def recovered(self) -> bool:
        return self.width <= TOLERANCE


def _unknowns(system: CountSystem, quantities: Iterable[Quantity]) -> dict[Cell, int]:
    index: dict[Cell, int] = {}
    for quantity in quantities:
        for cell in system.terms(quantity):
            index.setdefault(cell, len(index))
    # Every family's quarterly column total is the population's: add the "*" cells too.
    for family, _category, column, quarter in list(index):
        if family != ALL:
            index.setdefault((ALL, ALL, column, quarter), len(index))
    return index


def _structure_rows(
    index: Mapping[Cell, int], nestings: Iterable[Nesting] = ()
) -> list[dict[int, float]]:
    """Each family's categories add up to the population in each column and quarter, and
    each nested family's categories add up to their parent in the outer family."""
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for (family, _category, column, quarter), position in index.items():
        if family != ALL:
            groups[(family, column, quarter)].append(position)
    rows = []
    # Every group is whole: the programme makes every category of each family it sees an
    # unknown in every column and quarter of the span (``_programme``).
    for (_family, column, quarter), positions in groups.items():
        row = dict.fromkeys(positions, 1.0)
        row[index[(ALL, ALL, column, quarter)]] = -1.0
        rows.append(row)
    for nesting in nestings:
        for family, column, quarter in list(groups):
            if family != nesting.outer or (nesting.inner, column, quarter) not in groups:
                continue
            sums: dict[str, dict[int, float]] = defaultdict(dict)
            for inner, parent in nesting.parents.items():
                sums[parent][index[(nesting.inner, inner, column, quarter)]] = 1.0
            for parent, row in sorted(sums.items()):
                row[index[(nesting.outer, parent, column, quarter)]] = -1.0
                rows.append(row)
    return rows


@dataclass
class _Programme:
    """The attacker's linear system: one unknown per quarterly cell, one equation per
    published figure, per family's column totals and per nested family's parents."""

    index: dict[Cell, int]
    matrix: csr_matrix | None
    right: list[float]

    def objective(self, system: CountSystem, quantity: Quantity) -> np.ndarray:
        vector = np.zeros(len(self.index))
        for cell in system.terms(quantity):
            vector[self.index[cell]] = 1.0
        return vector


def _programme(
    system: CountSystem,
    published: Mapping[Quantity, int],
    targets: list[Quantity],
    universe_extra: Iterable[Quantity] = (),
) -> _Programme:
    universe = [*published, *targets, *universe_extra]
    # Every category of every family the attacker sees is an unknown in every quarter.
    seen = {(quantity.family, quantity.span) for quantity in universe if quantity.family != ALL}
    universe.extend(
        Quantity(system.name, family, category, column, span)
        for family, span in sorted(seen)
        for category in system.families[family]
        for column in system.columns
    )
    index = _unknowns(system, universe)
    rows: list[dict[int, float]] = []
    right: list[float] = []
    for quantity, value in published.items():
        rows.append({index[cell]: 1.0 for cell in system.terms(quantity)})
        right.append(float(value))
    for row in _structure_rows(index, system.nestings):
        rows.append(row)
        right.append(0.0)
    return _Programme(index, _sparse(rows, len(index)), right)


def attack(
    system: CountSystem,
    published: Mapping[Quantity, int],
    suppressed: Iterable[Quantity],
) -> dict[Quantity, Interval]:
    """The tightest interval an attacker can give each suppressed figure from the published
    ones, the tables' structure and non-negativity (a linear programme per bound)."""
    targets = list(suppressed)
    programme = _programme(system, published, targets)
    intervals = {}
    for target in targets:
        objective = programme.objective(system, target)
        low = _optimum(objective, programme.matrix, programme.right)
        high = -_optimum(-objective, programme.matrix, programme.right)
        intervals[target] = Interval(low, high)
    return intervals


# Random objectives tried before the exact programmes: each solution that gives a suppressed
# figure another value than the truth proves that figure cannot be recovered.
_SCREENING_ROUNDS = 12


def _screen(
    programme: _Programme,
    objectives: Mapping[Quantity, np.ndarray],
    truth: np.ndarray,
) -> set[Quantity]:
    """The figures a few random programmes could not move off their true value."""
    undecided = set(objectives)
    # Bounds make every screening programme bounded; a point inside them is still feasible
    # for the attacker, so the proof holds.
    ceiling = float(truth.sum()) + 1.0
    undecided -= _movable_zeros(programme, objectives, truth, ceiling)
    generator = np.random.default_rng(20_240_930)
    for _round in range(_SCREENING_ROUNDS):
        if not undecided:
            break
        order = sorted(undecided)
        weights = generator.uniform(-1.0, 1.0, size=len(order))
        combined = np.zeros(len(programme.index))
        for weight, target in zip(weights, order, strict=True):
            combined += weight * objectives[target]
        point = _point(combined, programme, ceiling)
        if point is None:
            break
        undecided = {
            target
            for target in undecided
            if abs(float(objectives[target] @ (point - truth))) <= TOLERANCE
        }
    return undecided


def _movable_zeros(
    programme: _Programme,
    objectives: Mapping[Quantity, np.ndarray],
    truth: np.ndarray,
    ceiling: float,
) -> set[Quantity]:
    """Figures that are truly 0 but could be positive, found by one programme: it raises a
    slack t <= min(x, 1) on every cell of such figures as far as it can, so every cell
    shown positive in its solution is a cell the attacker cannot hold at 0."""
    zeros = [target for target, vector in objectives.items() if float(vector @ truth) == 0]
    if not zeros or programme.matrix is None:
        return set()
    cells = sorted({int(i) for target in zeros for i in np.flatnonzero(objectives[target])})
    width, extra = len(programme.index), len(cells)
    equality = hstack([programme.matrix, csr_matrix((programme.matrix.shape[0], extra))])
    rows = np.arange(extra)
    slack_below_cell = hstack(
        [
            csr_matrix((-np.ones(extra), (rows, cells)), shape=(extra, width)),
            csr_matrix((np.ones(extra), (rows, rows)), shape=(extra, extra)),
        ]
    )
    result = linprog(
        np.concatenate([np.zeros(width), -np.ones(extra)]),
        A_ub=slack_below_cell,
        b_ub=np.zeros(extra),
        A_eq=equality,
        b_eq=np.array(programme.right),
        bounds=[(0, ceiling)] * width + [(0, 1)] * extra,
        method="highs",
    )
    if result.status != 0:
        return set()
    positive = {cell for cell, slack in zip(cells, result.x[width:], strict=True) if slack > 1e-7}
    return {
        target
        for target in zeros
        if any(int(i) in positive for i in np.flatnonzero(objectives[target]))
    }


def _pinned(programme: _Programme, objective: np.ndarray, true_value: float) -> set[int] | None:
    """Two exact programmes: is the figure's lowest value also its highest? If so, the
    equations (rows of the programme) the attacker's proof of each bound uses."""
    # A figure that is truly 0 already sits at its lowest value: one programme suffices.
    rows: set[int] = set()
    if true_value == 0:
        low = true_value
    else:
        low, used = _solve(objective, programme.matrix, programme.right)
        rows |= used
    if abs(low - true_value) > TOLERANCE:
        return None
    least_negated, used = _solve(-objective, programme.matrix, programme.right)
    if -least_negated - low > TOLERANCE:
        return None
    return rows | used


def recovered_figures(
    system: CountSystem,
    published: Mapping[Quantity, int],
    suppressed: Iterable[Quantity],
    universe: Iterable[Quantity] = (),
) -> list[Quantity]:
    """The suppressed figures an attacker pins to one value (the same answer as ``attack``).

    A few programmes with random objectives come first: each solution that gives a
    suppressed figure another value than the truth proves that figure safe; only the
    figures left get exact programmes.
    """
    return sorted(_recoveries(system, published, suppressed, universe))


def _recoveries(
    system: CountSystem,
    published: Mapping[Quantity, int],
    suppressed: Iterable[Quantity],
    universe: Iterable[Quantity] = (),
) -> dict[Quantity, set[Quantity]]:
    """Each suppressed figure an attacker pins, with the published figures the attacker's
    proof uses (those with a non-zero dual value in either exact programme): suppressing
    one of them breaks that proof, suppressing anything else leaves it standing."""
    targets = list(suppressed)
    if not targets:
        return {}
    # The unknowns of every figure in ``universe`` too, so that successive checks of one
    # release all reason about the same cells.
    programme = _programme(system, published, targets, universe)
    truth = np.zeros(len(programme.index))
    for cell, position in programme.index.items():
        truth[position] = system.counts.get(cell, 0)
    objectives = {target: programme.objective(system, target) for target in targets}
    undecided = _screen(programme, objectives, truth)
    figures = list(published)
    recovered = {}
    for target in sorted(undecided):
        rows = _pinned(programme, objectives[target], float(objectives[target] @ truth))
        if rows is not None:
            recovered[target] = {figures[row] for row in rows if row < len(figures)}
    return recovered


def _point(objective: np.ndarray, programme: _Programme, ceiling: float) -> np.ndarray | None:
    result = linprog(
        objective,
        A_eq=programme.matrix,
        b_eq=np.array(programme.right) if programme.matrix is not None else None,
        bounds=(0, ceiling),
        method="highs",
    )
    return np.asarray(result.x) if result.status == 0 else None


def _sparse(rows: list[dict[int, float]], width: int) -> csr_matrix | None:
    if not rows:
        return None
    data: list[float] = []
    columns: list[int] = []
    pointers = [0]
    for row in rows:
        columns.extend(row.keys())
        data.extend(row.values())
        pointers.append(len(columns))
    return csr_matrix((data, columns, pointers), shape=(len(rows), width))


def _optimum(objective: np.ndarray, matrix: csr_matrix | None, right: list[float]) -> float:
    return _solve(objective, matrix, right)[0]


# A dual value smaller than this is the solver's rounding, not a use of the equation.
_DUAL_TOLERANCE = 1e-9


def _solve(
    objective: np.ndarray, matrix: csr_matrix | None, right: list[float]
) -> tuple[float, set[int]]:
    """The least value of ``objective`` over the non-negative solutions, and the equations
    its proof uses (non-zero dual values)."""
    result = linprog(
        objective,
        A_eq=matrix,
        b_eq=np.array(right) if matrix is not None else None,
        bounds=(0, None),
        method="highs",
    )
    if result.status == 3:  # unbounded: the figure could be any size
        return -math.inf, set()
    if result.status != 0:
        raise ArithmeticError(f"disclosure audit could not solve its programme: {result.message}")
    duals = result.eqlin.marginals if matrix is not None else np.zeros(0)
    return float(result.fun), {int(row) for row in np.flatnonzero(np.abs(duals) > _DUAL_TOLERANCE)}


def _same_cell_elsewhere(quantity: Quantity, other: Quantity) -> bool:
    """The same cell of the same table over a period that shares quarters with it."""
    return (
        (other.family, other.category, other.column)
        == (quantity.family, quantity.category, quantity.column)
        and other.span != quantity.span
        and bool(set(other.span) & set(quantity.span))
    )


def _partners(
    system: CountSystem,
    recoveries: Mapping[Quantity, set[Quantity]],
    open_to_suppress: set[Quantity],
) -> set[Quantity]:
    """The figures to suppress next so that every pinned figure loses its attacker's proof.

    Each partner is a figure that some proof uses: suppressing any other figure would leave
    the proof standing. Chosen greedily, a grand total last and a zero late; then the
    figure in the most proofs (one partner often protects several figures at once); then
    the same cell over an overlapping period (what differencing periods needs); then the
    smallest.
    """
    choices = {target: used & open_to_suppress for target, used in recoveries.items()}

    def cost(other: Quantity, uses: int) -> tuple[bool, bool, int, bool, int, Quantity]:
        value = system.value(other)
        grand_total = other.category == ALL and other.column == ALL
        elsewhere = any(
            _same_cell_elsewhere(target, other) for target, pool in choices.items() if other in pool
        )
        return (grand_total, value == 0, -uses, not elsewhere, value, other)

    added: set[Quantity] = set()
    while choices:
        uses = Counter(other for pool in choices.values() for other in pool)
        if not uses:
            # Unreachable: a proof that uses no figure open to suppress uses only figures
            # earlier publications gave away, so its figure is in `known` and never a
            # target (_known_already). Should the solver's rounding ever disagree, stop
            # the release rather than loop for ever or publish a recoverable figure.
            raise ArithmeticError(UNPROTECTABLE.format(figures=sorted(choices)))  # pragma: no cover
        partner = min(uses, key=lambda other: cost(other, uses[other]))
        added.add(partner)
        choices = {target: pool for target, pool in choices.items() if partner not in pool}
    return added


def _disclosive_zero_rows(
    system: CountSystem, wanted: Iterable[Quantity], rules: DisclosureRules
) -> set[Quantity]:
    """Interior cells of small rows whose members all share one column (rule 2)."""
    rows: dict[tuple[str, str, tuple[str, ...]], list[Quantity]] = defaultdict(list)
    for quantity in wanted:
        if quantity.is_interior:
            rows[(quantity.family, quantity.category, quantity.span)].append(quantity)
    flagged: set[Quantity] = set()
    for cells in rows.values():
        values = [system.value(cell) for cell in cells]
        total = sum(values)
        if 0 < total < rules.disclosive_zero_limit and sum(1 for v in values if v) == 1:
            flagged.update(cells)
    return flagged


def _known_already(
    system: CountSystem, wanted: list[Quantity], fixed: Mapping[Quantity, bool]
) -> set[Quantity]:
    """Figures earlier publications already give away: shown, or pinned by what was shown.
    Suppressing them now protects nothing, so they are never chosen as partners."""
    shown = {quantity: system.value(quantity) for quantity, hidden in fixed.items() if not hidden}
    if not shown:
        return set()
    others = [q for q in dict.fromkeys([*wanted, *fixed]) if q not in shown]
    return set(shown) | set(recovered_figures(system, shown, others, others))


def protect(
    system: CountSystem,
    wanted: Iterable[Quantity],
    rules: DisclosureRules,
    earlier: Mapping[Quantity, bool] | None = None,
) -> dict[Quantity, bool]:
    """Which of the ``wanted`` figures to suppress (True) so that no suppressed figure, of
    this publication or of the ``earlier`` ones (figure -> was suppressed), can be recovered.

    Args:
        system: the true quarterly counts.
        wanted: every figure the publication would show.
        rules: threshold, rounding, disclosive zero limit.
        earlier: figures already published by earlier publications (fixed).

    Returns:
        Every wanted figure mapped to whether it is suppressed.
    """
    wanted = list(dict.fromkeys(wanted))
    fixed = dict(earlier or {})
    suppressed = {quantity for quantity in wanted if not rules.publishable(system.value(quantity))}
    suppressed |= _disclosive_zero_rows(system, wanted, rules)
    # A figure an earlier release suppressed stays suppressed: showing it now would undo
    # the protection it gave that release's other figures.
    suppressed |= {quantity for quantity in wanted if fixed.get(quantity, False)}
    # Sorted, as is every input to the programmes below: their rows' order decides which
    # of several equally good proofs the solver finds, and so which partners are chosen.
    known = _known_already(system, wanted, fixed)
    known_in_order = sorted(known)
    universe = list(dict.fromkeys([*wanted, *fixed]))
    pending = sorted((suppressed | {q for q, was in fixed.items() if was}) - known)
    while pending:
        published = {
            quantity: system.value(quantity)
            for quantity in (*wanted, *known_in_order)
            if quantity not in suppressed or quantity in known
        }
        recoveries = _recoveries(system, published, pending, universe)
        if not recoveries:
            break
        open_to_suppress = {
            quantity
            for quantity in wanted
            if quantity not in suppressed and quantity not in fixed and quantity not in known
        }
        added = _partners(system, recoveries, open_to_suppress)
        suppressed |= added
        pending = sorted({*recoveries, *added} - known)
    return {quantity: quantity in suppressed for quantity in wanted}


def _nested_lines(
    quantity: Quantity, same_span: list[Quantity], nestings: Iterable[Nesting]
) -> list[list[Quantity]]:
    """The other figures of ``quantity``'s nation, in its column: for an area, the nation and
    its other areas; for a nation, its areas (``Nesting``)."""
    lines = []
    for nesting in nestings:
        parents = nesting.parents
        if quantity.family == nesting.inner and quantity.category in parents:
            parent = parents[quantity.category]
        elif quantity.family == nesting.outer and quantity.category in parents.values():
            parent = quantity.category
        else:
            continue
        lines.append(
            [
                other
                for other in same_span
                if other.column == quantity.column
                and (
                    (other.family == nesting.outer and other.category == parent)
                    or (other.family == nesting.inner and parents.get(other.category) == parent)
                )
            ]
        )
    return lines


def _lines(
    quantity: Quantity, figures: Iterable[Quantity], nestings: Iterable[Nesting] = ()
) -> list[list[Quantity]]:
    """The other figures of each line through ``quantity`` in its tables: its row with the
    row's total, its nation's line (its areas and itself, in its column) when it is an area
    or a nation, its column with the column's total (in every table of its period, for a
    column total), and for a total the line of totals it sits in."""
    same_span = [other for other in figures if other.span == quantity.span and other != quantity]
    lines: list[list[Quantity]] = []
    if quantity.category != ALL:
        # Its row, the row's total included (a row total's row is its interior cells).
        lines.append(
            [
                other
                for other in same_span
                if (other.family, other.category) == (quantity.family, quantity.category)
            ]
        )
        # Before its column: a partner among the nation's other areas lies in the area's
        # column too, so one figure closes both lines.
        lines.extend(_nested_lines(quantity, same_span, nestings))
    families = (
        {other.family for other in same_span if other.family != ALL}
        if quantity.family == ALL
        else {quantity.family}
    )
    for family in sorted(families):
        # Its column in each table: the column's cells and the column's total.
        lines.append(
            [
                other
                for other in same_span
                if other.column == quantity.column and other.family in (family, ALL)
            ]
        )
    if quantity.family == ALL:
        # A column total or the grand total: the totals row.
        lines.append([other for other in same_span if other.family == ALL])
    return [line for line in lines if line]


def protect_distinct_counts(
    values: Mapping[Quantity, int],
    rules: DisclosureRules,
    mirror: Mapping[Quantity, bool],
    nestings: Iterable[Nesting] | None = None,
) -> dict[Quantity, bool]:
    """Suppression for counts of distinct people, which do not add up exactly across rows
    or periods (one person can be in two rows), so no exact linear attack applies: primary
    suppression, every figure whose referral count is suppressed (people never exceed
    referrals), and no suppressed figure left alone in any line through it (its row, its
    column, with their totals, and a nested family's: a nation with its areas): people
    nearly add up, so a figure alone in its row would be its row's total less the row's
    other figures, give or take the few people counted in two columns of the row; and a
    nation with one area has exactly that area's people.

    ``nestings`` defaults to the ones ``values`` carries (``DistinctCounts``), else none.
    """
    if nestings is None:
        nestings = values.nestings if isinstance(values, DistinctCounts) else ()
    nestings = tuple(nestings)
    suppressed = {
        quantity
        for quantity, value in values.items()
        if not rules.publishable(value) or mirror.get(quantity, False)
    }
    changed = True
    while changed:
        changed = False
        for quantity in sorted(suppressed):
            for line in _lines(quantity, values, nestings):
                shown = [other for other in line if other not in suppressed]
                if len(shown) < len(line):  # another suppressed figure protects it there
                    continue
                suppressed.add(
                    min(shown, key=lambda other: (values[other] == 0, values[other], other))
                )
                changed = True
    return {quantity: quantity in suppressed for quantity in values}
