"""Reads of monitoring runs and of second-review agreement (Action.FAIRNESS_VIEW)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from msht.accounts.rules import Action, Actor, require
from msht.analytics.engine.charts import bar_chart
from msht.fairness.engine.charts import RateBar, rate_chart
from msht.fairness.engine.monitoring import FACTORS
from msht.fairness.engine.statistics import cohens_kappa
from msht.fairness.models import MonitoringRun, SecondReview


@dataclass(frozen=True)
class Agreement:
    """How often second reviewers agreed with the first decision, and Cohen's kappa."""

    drawn: int
    recorded: int
    agreed: int
    kappa: float | None


def monitoring_run_list(actor: Actor) -> QuerySet[MonitoringRun]:
    """Every stored run, newest first, so findings can be followed over time."""
    require(actor, Action.FAIRNESS_VIEW)
    return MonitoringRun.objects.select_related("run_by").defer("report")


def monitoring_run_get(actor: Actor, *, run_id: int) -> MonitoringRun:
    """One run with its report (MonitoringRun.DoesNotExist when there is none)."""
    require(actor, Action.FAIRNESS_VIEW)
    return MonitoringRun.objects.select_related("run_by").get(pk=run_id)


def monitoring_run_latest(actor: Actor) -> MonitoringRun | None:
    """The newest run of any period, or None before the first."""
    require(actor, Action.FAIRNESS_VIEW)
    return MonitoringRun.objects.select_related("run_by").first()


def second_review_agreement(actor: Actor) -> Agreement:
    """Agreement between first and second decision makers over every recorded review."""
    require(actor, Action.FAIRNESS_VIEW)
    reviews = SecondReview.objects.all()
    pairs = list(reviews.exclude(second_outcome="").values_list("first_outcome", "second_outcome"))
    kappa = cohens_kappa([a for a, _ in pairs], [b for _, b in pairs]) if pairs else math.nan
    return Agreement(
        drawn=reviews.count(),
        recorded=len(pairs),
        agreed=sum(1 for a, b in pairs if a == b),
        kappa=None if math.isnan(kappa) else kappa,
    )


@dataclass(frozen=True)
class TableRow:
    """One group of the table behind a finding, formatted for the page."""

    level: str
    decisions: int
    positive: int
    rate: str
    interval: str
    started: int
    pending: int
    median_working_days: str
    is_subject: bool


@dataclass(frozen=True)
class FindingView:
    """A finding with the table and the chart behind it."""

    number: int
    sentence: str
    measure: str
    q_value: str
    title: str
    rows: list[TableRow]
    chart: str


@dataclass(frozen=True)
class MonitoringPage:
    """The page of one run: findings, groups too small, earlier runs, agreement."""

    run: MonitoringRun | None
    findings: list[FindingView]
    too_small: list[str]
    tested: int
    history: list[MonitoringRun]
    agreement: Agreement


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _finding_view(number: int, finding: dict[str, Any], table: dict[str, Any]) -> FindingView:
    rows = [
        TableRow(
            level=row["level"],
            decisions=row["decisions"],
            positive=row["positive"],
            rate=_percent(row["rate"]),
            interval=f"{_percent(row['lower'])} to {_percent(row['upper'])}"
            if row["decisions"]
            else "-",
            started=row["started"],
            pending=row["pending"],
            median_working_days="-"
            if row["median_working_days"] is None
            else f"{row['median_working_days']:.0f}",
            is_subject=row["level"] == finding["level"],
        )
        for row in table["rows"]
    ]
    if finding["measure"] == "time to decision":
        chart = bar_chart(
            f"finding-{number}",
            f"Median working days to decision: {table['title']}",
            [row["level"] for row in table["rows"]],
            [row["median_working_days"] for row in table["rows"]],
            missing="no decided cases",
        )
    else:
        bars = [
            RateBar(row["level"], row["rate"], row["lower"], row["upper"]) for row in table["rows"]
        ]
        chart = rate_chart(
            f"finding-{number}", f"Positive rates: {table['title']}", bars, finding["level"]
        )
    return FindingView(
        number=number,
        sentence=finding["sentence"],
        measure=finding["measure"],
        q_value="below 0.0001" if finding["q_value"] < 0.0001 else f"{finding['q_value']:.4f}",
        title=table["title"],
        rows=rows,
        chart=chart,
    )


def _too_small(run: MonitoringRun) -> list[str]:
    groups = {
        (c["stage"].upper(), FACTORS[c["factor"]][0], c["level"], c["within"])
        for c in run.report.get("comparisons", [])
        if c["status"] == "too small"
    }
    return [
        f"{stage} {factor}: {level}" + (f" ({within})" if within else "")
        for stage, factor, level, within in sorted(groups)
    ]


def monitoring_page(actor: Actor, *, run_id: int | None = None) -> MonitoringPage:
    """A run (the newest unless named) as the page shows it (issue 8)."""
    require(actor, Action.FAIRNESS_VIEW)
    history = list(monitoring_run_list(actor)[:20])
    run = (
        monitoring_run_get(actor, run_id=run_id)
        if run_id is not None
        else monitoring_run_latest(actor)
    )
    findings: list[FindingView] = []
    if run is not None:
        tables = {table["key"]: table for table in run.report.get("tables", [])}
        findings = [
            _finding_view(number, finding, tables[finding["table"]])
            for number, finding in enumerate(run.findings, start=1)
        ]
    tested = (
        sum(
            1 for c in run.report.get("comparisons", []) if c["status"] in {"finding", "no finding"}
        )
        if run is not None
        else 0
    )
    return MonitoringPage(
        run=run,
        findings=findings,
        too_small=_too_small(run) if run is not None else [],
        tested=tested,
        history=history,
        agreement=second_review_agreement(actor),
    )
