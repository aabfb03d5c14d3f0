"""Reasonable Grounds, reconsideration and Conclusive Grounds decisions (DOMAIN.md, NRM 3-6).

RG decisions follow each referral after a delay in working days; CG decisions come from
a queue of positive-RG cases, eligible once the recovery period has passed and worked at
the published yearly number of CG decisions, so that waiting times and the backlog at
the end of the world emerge as they did: long and large.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from msht.core.policy import (
    RECONSIDERATION_WINDOW_DAYS,
    RECOVERY_PERIOD_DAYS,
    RECOVERY_PERIOD_DAYS_NORTHERN_IRELAND,
    RECOVERY_PERIOD_DAYS_SCOTLAND,
    RG_DECISION_WORKING_DAYS,
)
from msht.synth.engine import calibration as cal
from msht.synth.engine import organisations as orgs
from msht.synth.engine import schema
from msht.synth.engine.parameters import SynthParameters
from msht.synth.engine.population import BoolArray, IntArray
from msht.synth.engine.referrals import IMMIGRATION_STATUSES, NEW_RG_TEST_FROM, SCA_FROM
from msht.synth.engine.workdays import add_working_days, date_of, day_number, iso

POSITIVE, NEGATIVE, WITHDRAWN, PENDING = range(4)
OUTCOMES = ("positive", "negative", "withdrawn", "")
RG, CG, RG_RECONSIDERATION = "rg", "cg", "rg_reconsideration"
SCOTLAND, NORTHERN_IRELAND = 2, 3
_RECOVERY_CHANGE = day_number(dt.date(2022, 12, 13))

_REASONS = {
    (RG, POSITIVE): "There are reasonable grounds to believe the person is a victim.",
    (RG, NEGATIVE): "The information does not meet the Reasonable Grounds threshold.",
    (RG, WITHDRAWN): "Closed before a decision: the person withdrew or could not be found.",
    (CG, POSITIVE): "On the balance of probabilities the person is a victim of modern slavery.",
    (CG, NEGATIVE): "On the balance of probabilities the person is not a victim.",
    (
        CG,
        WITHDRAWN,
    ): "Closed while awaiting Conclusive Grounds: the person withdrew or went missing.",
}


def _clamp_year(year: int) -> int:
    """Years outside the calibration use the nearest calibrated year."""
    return min(max(year, cal.YEARS[0]), cal.YEARS[-1])


def rg_positive_rate(days: IntArray) -> npt.NDArray[np.float64]:
    """RG positive rate by decision date (s.8): the new test from 30 January 2023 lowers it."""
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    rates = np.array([cal.RG_POSITIVE_RATE[_clamp_year(int(y))].value for y in years])
    in_2023 = years == 2023
    before = cal.RG_POSITIVE_RATE_BEFORE_NEW_TEST_2023.value
    after = cal.rg_positive_rate_after_new_test_2023()
    rates = np.where(in_2023 & (days < NEW_RG_TEST_FROM), before, rates)
    result: npt.NDArray[np.float64] = np.where(in_2023 & (days >= NEW_RG_TEST_FROM), after, rates)
    return result


def recovery_days(days: IntArray, nations: IntArray) -> IntArray:
    """Minimum recovery period after a positive RG, by nation and date (core.policy rules)."""
    england_wales = np.where(
        days >= _RECOVERY_CHANGE,
        RECOVERY_PERIOD_DAYS.value_on(dt.date(2023, 1, 1)),
        RECOVERY_PERIOD_DAYS.value_on(dt.date(2022, 1, 1)),
    )
    result = np.where(nations == SCOTLAND, RECOVERY_PERIOD_DAYS_SCOTLAND.default, england_wales)
    result = np.where(
        nations == NORTHERN_IRELAND, RECOVERY_PERIOD_DAYS_NORTHERN_IRELAND.default, result
    )
    return result.astype(np.int64)


def deciding_unit(authority: IntArray, days: IntArray) -> IntArray:
    """The deciding unit: the referral's authority, or the SCA for NCA/UKVI from 29 Apr 2019."""
    legacy = np.isin(authority, [orgs.NCA, orgs.UKVI]) & (days >= SCA_FROM)
    return np.where(legacy, orgs.SCA, authority).astype(np.int64)


@dataclass(frozen=True)
class DecisionBias:
    """A planted bias (issue 8): one unit's odds of a positive CG multiplied by
    ``odds_ratio`` for people of one immigration status at referral."""

    unit: int
    immigration_status: int
    odds_ratio: float

    @classmethod
    def from_parameters(cls, parameters: SynthParameters) -> DecisionBias | None:
        """The bias the parameters plant, or None (the default: no bias)."""
        if not parameters.has_bias:
            return None
        if parameters.bias_unit not in orgs.INDEX:
            raise ValueError(f"bias_unit {parameters.bias_unit!r} is not an organisation code")
        if parameters.bias_immigration_status not in IMMIGRATION_STATUSES:
            raise ValueError(
                f"bias_immigration_status {parameters.bias_immigration_status!r} is not one of "
                + ", ".join(IMMIGRATION_STATUSES)
            )
        return cls(
            unit=orgs.INDEX[parameters.bias_unit],
            immigration_status=IMMIGRATION_STATUSES.index(parameters.bias_immigration_status),
            odds_ratio=parameters.bias_odds_ratio,
        )

    def apply(
        self, rate: npt.NDArray[np.float64], unit: IntArray, status: IntArray
    ) -> npt.NDArray[np.float64]:
        """The positive rate with the affected cases' odds multiplied by the odds ratio."""
        affected = (unit == self.unit) & (status == self.immigration_status)
        odds = rate / (1 - rate) * self.odds_ratio
        biased: npt.NDArray[np.float64] = np.where(affected, odds / (1 + odds), rate)
        return biased


def _no_status(n: int) -> IntArray:
    """Immigration status unknown to the queue (callers that do not pass it)."""
    return np.full(n, -1, dtype=np.int64)


@cache
def _yearly_capacity(year: int) -> float:
    """CG decisions a year (s.8; years after the last use its figure)."""
    figure = cal.CG_DECISIONS_PER_YEAR.get(year)
    return float(figure.value if figure else cal.CG_DECISIONS_PER_YEAR[cal.YEARS[-1]].value)


class DecisionLog:
    """Decision rows waiting to be written, with references given in writing order."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.next_number = 1
        self._columns: dict[str, list[str]] = {name: [] for name in schema.DECISIONS.columns}

    def add(
        self,
        *,
        referral: IntArray,
        stage: str,
        outcome: IntArray,
        unit: IntArray,
        started: IntArray,
        deadline: IntArray | None,
        decided: IntArray,
        reconsideration_of: list[str] | None = None,
    ) -> list[str]:
        """Append decisions (PENDING leaves the date blank); returns their references."""
        n = referral.size
        references = [f"DEC-{self.tag}-{self.next_number + i:08d}" for i in range(n)]
        self.next_number += n
        pending = outcome == PENDING
        decided_text = iso(np.where(pending, 0, decided))
        columns = self._columns
        columns["reference"].extend(references)
        columns["referral_reference"].extend(referral_references(self.tag, referral))
        columns["stage"].extend([stage] * n)
        columns["outcome"].extend(OUTCOMES[o] for o in outcome.tolist())
        columns["decision_making_unit"].extend(orgs.CODE_ARRAY[unit].tolist())
        columns["started_on"].extend(iso(started))
        columns["deadline"].extend(iso(deadline) if deadline is not None else [""] * n)
        columns["decided_on"].extend(
            "" if p else d for p, d in zip(pending.tolist(), decided_text, strict=True)
        )
        columns["reconsideration_of"].extend(reconsideration_of or [""] * n)
        maap = (stage == CG) & (outcome == NEGATIVE) & (decided >= SCA_FROM)
        columns["multi_agency_panel_reviewed"].extend(np.where(maap, "true", "false").tolist())
        base = RG if stage == RG_RECONSIDERATION else stage
        columns["reasons"].extend(_REASONS.get((base, o), "") for o in outcome.tolist())
        return references

    def drain(self) -> dict[str, list[str]]:
        """The rows gathered since the last drain."""
        rows = self._columns
        self._columns = {name: [] for name in schema.DECISIONS.columns}
        return rows


def referral_references(tag: str, numbers: IntArray) -> list[str]:
    """Referral references 'NRM-<world tag>-<number>'."""
    return [f"NRM-{tag}-{number:07d}" for number in numbers.tolist()]


class ConclusiveGroundsQueue:
    """Positive-RG cases awaiting CG, worked week by week at the published capacity."""

    _FIELDS = ("referral", "eligible", "priority", "withdraw", "authority", "status")

    def __init__(
        self,
        rng: np.random.Generator,
        log: DecisionLog,
        *,
        start: int,
        scale: float,
        bias: DecisionBias | None = None,
    ) -> None:
        self.rng = rng
        self.log = log
        self.scale = scale
        self.bias = bias
        # Weeks run Monday to Sunday from the Monday on or before the world's first day.
        self.week_start = start - int(date_of(start).weekday())
        self.carry = 0.0
        self.cases: dict[str, IntArray] = {
            name: np.empty(0, dtype=np.int64) for name in self._FIELDS
        }

    def add(
        self,
        referral: IntArray,
        decided: IntArray,
        nations: IntArray,
        authority: IntArray,
        statuses: IntArray | None = None,
    ) -> None:
        """Queue positive-RG cases; each is eligible once its recovery period has passed."""
        n = referral.size
        eligible = decided + recovery_days(decided, nations)
        jitter = self.rng.exponential(cal.CG_PRIORITY_JITTER_DAYS.value, n).astype(np.int64)
        withdraw = eligible + self.rng.exponential(cal.CG_WITHDRAWAL_MEAN_DAYS.value, n).astype(
            np.int64
        )
        new = {
            "referral": referral,
            "eligible": eligible,
            "priority": eligible + jitter,
            "withdraw": withdraw,
            "authority": authority,
            "status": _no_status(n) if statuses is None else statuses,
        }
        self.cases = {name: np.concatenate([self.cases[name], new[name]]) for name in self._FIELDS}

    def advance(self, until: int) -> None:
        """Work every whole week ending on or before ``until``."""
        while self.week_start + 6 <= until:
            self._week(self.week_start, self.week_start + 6)
            self.week_start += 7

    def _remove(self, keep: BoolArray) -> None:
        """Keep only the cases where ``keep`` is true."""
        self.cases = {name: values[keep] for name, values in self.cases.items()}

    def _week(self, first: int, last: int) -> None:
        """One week of CG work: withdrawals, then decisions up to the week's capacity (s.8)."""
        cases = self.cases
        gone = cases["withdraw"] <= last
        if gone.any():
            self.log.add(
                referral=cases["referral"][gone],
                stage=CG,
                outcome=np.full(int(gone.sum()), WITHDRAWN),
                unit=deciding_unit(cases["authority"][gone], cases["withdraw"][gone]),
                started=cases["eligible"][gone],
                deadline=None,
                decided=cases["withdraw"][gone],
            )
            self._remove(~gone)
            cases = self.cases
        year = int(date_of(last).year)
        days_in_year = 366 if year % 4 == 0 else 365
        self.carry += _yearly_capacity(year) * self.scale * 7 / days_in_year
        capacity = int(self.carry)
        self.carry -= capacity
        ready = np.nonzero(cases["eligible"] <= last)[0]
        if capacity <= 0 or ready.size == 0:
            return
        if ready.size > capacity:
            ready = ready[np.argpartition(cases["priority"][ready], capacity - 1)[:capacity]]
        ready.sort()
        decided = np.maximum(cases["eligible"][ready], first + self.rng.integers(0, 5, ready.size))
        years = decided.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        rate = np.array([cal.CG_POSITIVE_RATE[_clamp_year(int(y))].value for y in years])
        unit = deciding_unit(cases["authority"][ready], decided)
        if self.bias is not None:
            rate = self.bias.apply(rate, unit, cases["status"][ready])
        outcome = np.where(self.rng.random(ready.size) < rate, POSITIVE, NEGATIVE)
        self.log.add(
            referral=cases["referral"][ready],
            stage=CG,
            outcome=outcome,
            unit=unit,
            started=cases["eligible"][ready],
            deadline=None,
            decided=decided,
        )
        keep = np.ones(cases["referral"].size, dtype=bool)
        keep[ready] = False
        self._remove(keep)

    def close(self, end: int) -> int:
        """Work to the end; each case still waiting is a pending CG. Returns the backlog."""
        self.advance(end)
        cases = self.cases
        backlog = int(cases["referral"].size)
        order = np.argsort(cases["referral"], kind="stable")
        self.log.add(
            referral=cases["referral"][order],
            stage=CG,
            outcome=np.full(backlog, PENDING),
            unit=deciding_unit(cases["authority"][order], np.full(backlog, end)),
            started=cases["eligible"][order],
            deadline=None,
            decided=np.zeros(backlog, dtype=np.int64),
        )
        self._remove(np.zeros(backlog, dtype=bool))
        return backlog


def reasonable_grounds(
    rng: np.random.Generator,
    log: DecisionLog,
    queue: ConclusiveGroundsQueue,
    *,
    referral: IntArray,
    days: IntArray,
    years: IntArray,
    nations: IntArray,
    authority: IntArray,
    end: int,
    immigration_status: IntArray | None = None,
) -> None:
    """RG decisions (target 5 working days, many late), reconsiderations, the CG queue.

    ``immigration_status`` (at referral) lets the CG queue apply a planted bias.
    """
    n = referral.size
    target = np.full(n, RG_DECISION_WORKING_DAYS.default, dtype=np.int64)
    deadline = add_working_days(days, target, nations)
    median = np.array([cal.RG_DELAY_MEDIAN_WORKING_DAYS[int(y)].value for y in years])
    delay = np.clip(
        np.rint(median * np.exp(cal.RG_DELAY_SIGMA.value * rng.standard_normal(n))), 1, 400
    ).astype(np.int64)
    decided = add_working_days(days, delay, nations)
    draw = rng.random(n)
    rate = rg_positive_rate(decided)
    withdrawn = draw < cal.RG_WITHDRAWN_SHARE.value
    positive = ~withdrawn & (rng.random(n) < rate)
    outcome = np.where(withdrawn, WITHDRAWN, np.where(positive, POSITIVE, NEGATIVE))
    outcome = np.where(decided > end, PENDING, outcome)
    unit = deciding_unit(authority, np.minimum(decided, end))
    references = log.add(
        referral=referral,
        stage=RG,
        outcome=outcome,
        unit=unit,
        started=days,
        deadline=deadline,
        decided=decided,
    )
    statuses = _no_status(n) if immigration_status is None else immigration_status
    done = outcome == POSITIVE
    queue.add(referral[done], decided[done], nations[done], authority[done], statuses[done])
    _reconsider(
        rng, log, queue, references, outcome, referral, decided, nations, authority, statuses, end
    )


def _reconsider(
    rng: np.random.Generator,
    log: DecisionLog,
    queue: ConclusiveGroundsQueue,
    references: list[str],
    outcome: IntArray,
    referral: IntArray,
    decided: IntArray,
    nations: IntArray,
    authority: IntArray,
    statuses: IntArray,
    end: int,
) -> None:
    """Some negative RGs are reconsidered on request within the window (DOMAIN.md NRM 6)."""
    n = referral.size
    window = RECONSIDERATION_WINDOW_DAYS.default
    asked = (outcome == NEGATIVE) & (rng.random(n) < cal.RG_RECONSIDERATION_SHARE.value)
    started = decided + rng.integers(1, window + 1, n)
    asked &= started <= end
    rows = np.nonzero(asked)[0]
    if rows.size == 0:
        return
    took = np.rint(40 * np.exp(0.6 * rng.standard_normal(rows.size))).astype(np.int64)
    done_on = started[rows] + np.maximum(took, 1)
    overturned = rng.random(rows.size) < cal.RG_RECONSIDERATION_OVERTURNED.value
    result = np.where(overturned, POSITIVE, NEGATIVE)
    result = np.where(done_on > end, PENDING, result)
    log.add(
        referral=referral[rows],
        stage=RG_RECONSIDERATION,
        outcome=result,
        unit=deciding_unit(authority[rows], np.minimum(done_on, end)),
        started=started[rows],
        deadline=None,
        decided=done_on,
        reconsideration_of=[references[row] for row in rows.tolist()],
    )
    positive = result == POSITIVE
    queue.add(
        referral[rows][positive],
        done_on[positive],
        nations[rows][positive],
        authority[rows][positive],
        statuses[rows][positive],
    )
