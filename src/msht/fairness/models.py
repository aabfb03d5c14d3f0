"""Monitoring runs kept so findings can be followed over time, and second reviews of a
sample of decisions (consistency: do two decision makers agree?)."""

from __future__ import annotations

from typing import Any

from django.db import models

from msht.decisions.models import Decision, DecisionOutcome


class MonitoringRun(models.Model):
    """One run of decision monitoring over a period: its settings, tables and findings."""

    period = models.CharField(max_length=20, help_text="As asked: 2024, 2024Q3 or 2017-2024.")
    period_start = models.DateField()
    period_end = models.DateField()
    run_at = models.DateTimeField()
    run_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rules_version = models.CharField(max_length=200)
    settings = models.JSONField(default=dict)
    decisions = models.PositiveIntegerField(default=0)
    findings_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, help_text="Aggregates only: the tables and every comparison made."
    )

    class Meta:
        ordering = ("-run_at", "-pk")
        indexes = [models.Index(fields=("period", "run_at"))]

    def __str__(self) -> str:
        return f"monitoring of {self.period} at {self.run_at:%Y-%m-%d %H:%M}"

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The comparisons that are findings, strongest evidence first."""
        found = [c for c in self.report.get("comparisons", []) if c["status"] == "finding"]
        return sorted(found, key=lambda c: (c["q_value"], c["p_value"]))


class SecondReview(models.Model):
    """A decision drawn at random within its stratum for a second decision maker's view."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(max_length=200)
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    second_outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices, blank=True)
    reviewer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ("drawn_at", "pk")

    def __str__(self) -> str:
        return f"second review of decision {self.decision_id}"

    @property
    def is_recorded(self) -> bool:
        return bool(self.second_outcome)
