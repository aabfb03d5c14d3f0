"""Decision monitoring: do outcomes or delays differ by who the person is or who decided,
when other factors are equal (issue 8; DOMAIN.md, 'Who decides').

One table of decisions goes in (``DECISION_COLUMNS``), one ``Report`` comes out: the raw
positive rates with Wilson intervals and decision times behind every comparison, each
comparison adjusted for the control factors, Benjamini-Hochberg across all of them, and
findings written as sentences. Groups with fewer decisions than the setting are reported
as too small, never as findings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from msht.fairness.engine import statistics as st

DECISION_COLUMNS = (
    "stage",
    "outcome",
    "started_on",
    "decided_on",
    "unit",
    "nationality",
    "immigration_status",
    "referring_organisation_type",
    "exploitation_type",
    "age_group",
    "gender",
    "nation",
)
STAGES = {"rg": "Reasonable Grounds", "cg": "Conclusive Grounds"}
# The factors compared, each with how a sentence names a group and everyone else.
FACTORS: dict[str, tuple[str, str, str]] = {
    "unit": ("decision-making unit", "by {level}", "by other units"),
    "nationality": ("nationality", "for people of {level} nationality", "for other nationalities"),
    "immigration_status": (
        "immigration status at referral",
        "for people whose immigration status was '{level}'",
        "for everyone else",
    ),
    "referring_organisation_type": (
        "referring organisation type",
        "on referrals from a {level}",
        "on other referrals",
    ),
    "exploitation_type": (
        "exploitation type",
        "on referrals for {level} exploitation",
        "on other referrals",
    ),
    "age_group": ("age group", "for people in age group '{level}'", "for other age groups"),
    "gender": ("gender", "for people recorded as {level}", "for everyone else"),
}
# Controlled for in every adjusted comparison (issue 8), except the factor compared itself;
# and the quarter (decided, or started for times), because the rules changed over time
# (the RG test of January 2023) while the mix of units and people changed too.
CONTROLS = ("exploitation_type", "age_group", "gender", "nation", "quarter")
POSITIVE, NEGATIVE = "positive", "negative"


@dataclass(frozen=True)
class MonitoringSettings:
    """The settings a run was made under; stored with it so runs can be compared.

    Attributes:
        minimum_decisions: a group, or everyone it is compared with, with fewer decisions
            than this is reported as too small, not tested.
        false_discovery_rate: the Benjamini-Hochberg rate across all comparisons. With
            no difference anywhere, this is about the chance that a run raises any
            finding at all; 0.01 keeps false alarms to about one period in a hundred,
            while a planted odds ratio of 0.5 over 2,000 decisions is still found with
            p-values far below it.
        material_ratio: an adjusted odds or hazard ratio must be beyond this (or below its
            inverse) to be a finding: with tens of thousands of decisions a trivial
            difference is significant, and monitoring asks about differences that matter.
    """

    minimum_decisions: int = 30
    false_discovery_rate: float = 0.01
    material_ratio: float = 1.25

    def as_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values."""
        return asdict(self)


@dataclass(frozen=True)
class GroupRow:
    """One row of a table behind a comparison: a group's decisions, rate and times."""

    level: str
    decisions: int
    positive: int
    rate: float | None
    lower: float | None
    upper: float | None
    started: int
    pending: int
    median_working_days: float | None


@dataclass(frozen=True)
class GroupTable:
    """The raw figures for every group of one factor at one stage (within a subset)."""

    key: str
    stage: str
    factor: str
    title: str
    rows: list[GroupRow]


@dataclass
class Comparison:
    """One group against everyone else it is compared with, on one measure."""

    stage: str
    measure: str  # "positive rate" or "time to decision"
    factor: str
    level: str
    within: str
    table: str
    group_count: int
    rest_count: int
    group_value: float | None
    rest_value: float | None
    ratio: float | None = None
    lower: float | None = None
    upper: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    status: str = "not tested"  # finding, no finding, too small, not estimable
    sentence: str = ""


@dataclass
class Report:
    """Everything one monitoring run found, ready to store as JSON."""

    period_start: str
    period_end: str
    settings: dict[str, Any]
    decisions: int
    tables: list[GroupTable] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def findings(self) -> list[Comparison]:
        """The comparisons that are findings, strongest evidence first."""
        found = [c for c in self.comparisons if c.status == "finding"]
        return sorted(found, key=lambda c: (c.q_value or 0.0, c.p_value or 0.0))

    @property
    def too_small(self) -> list[Comparison]:
        """Comparisons not made because a group was too small."""
        return [c for c in self.comparisons if c.status == "too small"]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return {
            "period_start": self.period_start,
            "period_end": self.period_end,
            "settings": self.settings,
            "decisions": self.decisions,
            "tables": [asdict(table) for table in self.tables],
            "comparisons": [asdict(comparison) for comparison in self.comparisons],
        }


@dataclass(frozen=True)
class _StageData:
    """One stage's decisions made in the period, and its cases started in the period."""

    stage: str
    rates: pd.DataFrame
    positive: np.ndarray[Any, np.dtype[np.float64]]
    rate_controls: dict[str, np.ndarray[Any, np.dtype[np.float64]]]
    times: pd.DataFrame
    duration: np.ndarray[Any, np.dtype[np.float64]]
    decided: np.ndarray[Any, np.dtype[np.float64]]
    time_controls: dict[str, np.ndarray[Any, np.dtype[np.float64]]]


def _dummies(frame: pd.DataFrame, column: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Indicator columns for a factor, the most common level left out as the baseline."""
    values = frame[column].astype(str)
    levels = values.value_counts().index.tolist()[1:]
    if not levels:
        return np.empty((len(frame), 0))
    return np.column_stack([(values == level).to_numpy(np.float64) for level in levels])


def _controls(frame: pd.DataFrame) -> dict[str, np.ndarray[Any, np.dtype[np.float64]]]:
    return {column: _dummies(frame, column) for column in CONTROLS}


def _control_matrix(
    controls: dict[str, np.ndarray[Any, np.dtype[np.float64]]], rows: Any, leave_out: str
) -> np.ndarray[Any, np.dtype[np.float64]]:
    parts = [matrix[rows] for name, matrix in controls.items() if name != leave_out]
    count = int(np.asarray(rows).sum()) if np.asarray(rows).dtype == bool else len(rows)
    return np.column_stack(parts) if parts else np.empty((count, 0))


def _stage_data(frame: pd.DataFrame, stage: str, start: dt.date, end: dt.date) -> _StageData:
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    of_stage = frame[frame["stage"] == stage]
    made = of_stage["outcome"].isin([POSITIVE, NEGATIVE]) & of_stage["decided_on"].between(
        first, last
    )
    rates = of_stage[made].reset_index(drop=True)
    times = of_stage[of_stage["started_on"].between(first, last)].reset_index(drop=True)
    rates["quarter"] = rates["decided_on"].dt.to_period("Q").astype(str)
    times["quarter"] = times["started_on"].dt.to_period("Q").astype(str)
    # A case counts as decided when it was decided (any outcome) by the period's end;
    # otherwise it is censored at the period's end, still waiting.
    decided = times["decided_on"].notna() & (times["decided_on"] <= last)
    stop = times["decided_on"].where(decided, last + pd.Timedelta(days=1))
    duration = np.busday_count(
        times["started_on"].to_numpy("datetime64[D]"), stop.to_numpy("datetime64[D]")
    ).astype(np.float64)
    return _StageData(
        stage=stage,
        rates=rates,
        positive=(rates["outcome"] == POSITIVE).to_numpy(np.float64),
        rate_controls=_controls(rates),
        times=times,
        duration=np.maximum(duration, 0.0),
        decided=decided.to_numpy(np.float64),
        time_controls=_controls(times),
    )


def _median(values: np.ndarray[Any, np.dtype[np.float64]]) -> float | None:
    return float(np.median(values)) if values.size else None


def _group_row(data: _StageData, level: str, rate_rows: Any, time_rows: Any) -> GroupRow:
    decisions = int(rate_rows.sum())
    positive = int(data.positive[rate_rows].sum())
    lower, upper = st.wilson_interval(positive, decisions)
    done = time_rows & (data.decided == 1)
    return GroupRow(
        level=level,
        decisions=decisions,
        positive=positive,
        rate=positive / decisions if decisions else None,
        lower=None if decisions == 0 else float(lower),
        upper=None if decisions == 0 else float(upper),
        started=int(time_rows.sum()),
        pending=int((time_rows & (data.decided == 0)).sum()),
        median_working_days=_median(data.duration[done]),
    )


def _levels(data: _StageData, factor: str, rate_scope: Any, time_scope: Any) -> list[str]:
    values = pd.concat(
        [data.rates.loc[rate_scope, factor], data.times.loc[time_scope, factor]]
    ).astype(str)
    return sorted(values.unique().tolist())


def _compare(
    data: _StageData,
    factor: str,
    within: tuple[str, str] | None,
    settings: MonitoringSettings,
) -> Iterator[GroupTable | Comparison]:
    """The table of one factor's groups and each group against the rest (within a subset)."""
    rate_scope = np.ones(len(data.rates), dtype=bool)
    time_scope = np.ones(len(data.times), dtype=bool)
    within_text = ""
    if within is not None:
        column, value = within
        rate_scope = (data.rates[column].astype(str) == value).to_numpy()
        time_scope = (data.times[column].astype(str) == value).to_numpy()
        within_text = f"{FACTORS[column][0]}: {value}"
    key = f"{data.stage}|{factor}|{within_text}"
    title = f"{STAGES[data.stage]} decisions by {FACTORS[factor][0]}"
    if within_text:
        title += f" ({within_text})"
    rate_values = data.rates[factor].astype(str).to_numpy()
    time_values = data.times[factor].astype(str).to_numpy()
    rows: list[GroupRow] = []
    comparisons: list[Comparison] = []
    for level in _levels(data, factor, rate_scope, time_scope):
        in_rates = rate_scope & (rate_values == level)
        in_times = time_scope & (time_values == level)
        row = _group_row(data, level, in_rates, in_times)
        rest = _group_row(data, "rest", rate_scope & ~in_rates, time_scope & ~in_times)
        rows.append(row)
        cell = _Cell(data.stage, factor, level, within_text, key, settings.minimum_decisions)
        rate_estimate = partial(
            st.logistic_odds_ratio,
            data.positive[rate_scope],
            in_rates[rate_scope],
            _control_matrix(data.rate_controls, rate_scope, factor),
        )
        time_estimate = partial(
            st.cox_hazard_ratio,
            data.duration[time_scope],
            data.decided[time_scope],
            in_times[time_scope],
            _control_matrix(data.time_controls, time_scope, factor),
        )
        comparisons.append(
            cell.compare(
                "positive rate", row.decisions, rest.decisions, row.rate, rest.rate, rate_estimate
            )
        )
        comparisons.append(
            cell.compare(
                "time to decision",
                row.started,
                rest.started,
                row.median_working_days,
                rest.median_working_days,
                time_estimate,
            )
        )
    yield GroupTable(key=key, stage=data.stage, factor=factor, title=title, rows=rows)
    yield from comparisons


@dataclass(frozen=True)
class _Cell:
    """One group of one table: what each of its comparisons with the rest shares."""

    stage: str
    factor: str
    level: str
    within: str
    table: str
    minimum_decisions: int

    def compare(
        self,
        measure: str,
        group_count: int,
        rest_count: int,
        group_value: float | None,
        rest_value: float | None,
        estimate: Callable[[], st.Estimate | None],
    ) -> Comparison:
        """The group against the rest; too few cases on either side are not estimated."""
        comparison = Comparison(
            stage=self.stage,
            measure=measure,
            factor=self.factor,
            level=self.level,
            within=self.within,
            table=self.table,
            group_count=group_count,
            rest_count=rest_count,
            group_value=group_value,
            rest_value=rest_value,
        )
        if min(group_count, rest_count) < self.minimum_decisions:
            comparison.status = "too small"
            return comparison
        return _with_estimate(comparison, estimate())


def _with_estimate(comparison: Comparison, estimate: st.Estimate | None) -> Comparison:
    if estimate is None:
        comparison.status = "not estimable"
        return comparison
    comparison.ratio = estimate.ratio
    comparison.lower = estimate.lower
    comparison.upper = estimate.upper
    comparison.p_value = estimate.p_value
    return comparison


def _percent(value: float | None) -> str:
    return "no" if value is None else f"{100 * value:.0f}%"


def _days(value: float | None) -> str:
    return "no decided cases" if value is None else f"{value:.0f} working days"


def sentence(comparison: Comparison) -> str:
    """A finding as a sentence a person can read (issue 8)."""
    _, group_phrase, rest_phrase = FACTORS[comparison.factor]
    subject = group_phrase.format(level=comparison.level)
    if comparison.within:
        status = comparison.within.split(": ", 1)[1]
        subject += f" for people whose immigration status was '{status}'"
        rest_phrase += " for the same people"
    stage = STAGES[comparison.stage]
    interval = f"95% CI {comparison.lower:.2f}-{comparison.upper:.2f}"
    if comparison.measure == "positive rate":
        return (
            f"{stage} decisions {subject} were positive {_percent(comparison.group_value)} "
            f"of the time against {_percent(comparison.rest_value)} {rest_phrase} "
            f"(adjusted odds ratio {comparison.ratio:.2f}, {interval})."
        )
    speed = "slower" if (comparison.ratio or 1.0) < 1 else "faster"
    return (
        f"{stage} decisions {subject} took a median of {_days(comparison.group_value)} "
        f"against {_days(comparison.rest_value)} {rest_phrase}, {speed} when other factors "
        f"are equal (adjusted hazard ratio {comparison.ratio:.2f}, {interval}; cases still "
        f"pending count as waiting)."
    )


def _judge(comparisons: list[Comparison], settings: MonitoringSettings) -> None:
    """Benjamini-Hochberg across every comparison made; findings must also be material."""
    tested = [c for c in comparisons if c.p_value is not None]
    adjusted, discovered = st.benjamini_hochberg(
        [c.p_value or 0.0 for c in tested], settings.false_discovery_rate
    )
    for comparison, q_value, discovery in zip(
        tested, adjusted.tolist(), discovered.tolist(), strict=True
    ):
        comparison.q_value = q_value
        ratio = comparison.ratio or 1.0
        material = max(ratio, 1 / ratio) >= settings.material_ratio
        comparison.status = "finding" if discovery and material else "no finding"
        if comparison.status == "finding":
            comparison.sentence = sentence(comparison)


def monitor(
    frame: pd.DataFrame,
    *,
    period_start: dt.date,
    period_end: dt.date,
    settings: MonitoringSettings | None = None,
) -> Report:
    """Compare positive rates and decision times of every group with everyone else.

    Args:
        frame: one row per RG or CG decision with ``DECISION_COLUMNS``; dates as
            datetime64 (``decided_on`` empty while pending); group columns as labels.
        period_start: first day of the period monitored (decisions made in it are rated;
            cases started in it are timed).
        period_end: last day of the period.
        settings: thresholds (defaults: ``MonitoringSettings()``).

    Returns:
        The report: tables, comparisons and their status, findings as sentences.

    Examples:
        >>> report = monitor(frame, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
        >>> [finding.sentence for finding in report.findings]
    """
    settings = settings or MonitoringSettings()
    missing = [column for column in DECISION_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"decision table lacks columns: {', '.join(missing)}")
    frame = frame.copy()
    for column in ("started_on", "decided_on"):
        frame[column] = pd.to_datetime(frame[column])
    report = Report(
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        settings=settings.as_dict(),
        decisions=0,
    )
    for stage in STAGES:
        data = _stage_data(frame, stage, period_start, period_end)
        report.decisions += len(data.rates)
        parts: list[GroupTable | Comparison] = []
        for factor in FACTORS:
            parts.extend(_compare(data, factor, None, settings))
        # The APPG's concern: does a unit decide differently for people of one status?
        for status in sorted(data.rates["immigration_status"].astype(str).unique().tolist()):
            parts.extend(_compare(data, "unit", ("immigration_status", status), settings))
        for part in parts:
            if isinstance(part, GroupTable):
                report.tables.append(part)
            else:
                report.comparisons.append(part)
    _judge(report.comparisons, settings)
    return report


def is_number(value: float | None) -> bool:
    """True for a finite number (JSON may carry None or NaN for no value)."""
    return value is not None and not math.isnan(value)
