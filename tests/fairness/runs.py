"""A stored monitoring run over a simulated table with a planted bias: pages render it."""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from msht.core.policy import RULES_VERSION
from msht.fairness.engine.monitoring import MonitoringSettings, monitor
from msht.fairness.models import MonitoringRun
from tests.fairness.simulate import END, START, STATUSES, UNITS, decision_table


def stored_biased_run(decisions: int = 12_000, seed: int = 31) -> MonitoringRun:
    """A run whose report holds the planted finding (one unit, detained people, OR 0.5)."""
    frame = decision_table(
        np.random.default_rng(seed),
        decisions,
        bias_unit=UNITS[1],
        bias_status=STATUSES[2],
        odds_ratio=0.5,
    )
    settings = MonitoringSettings()
    report = monitor(frame, period_start=START, period_end=END, settings=settings)
    return MonitoringRun.objects.create(
        period="2024",
        period_start=START,
        period_end=END,
        run_at=timezone.now(),
        rules_version=f"{RULES_VERSION};monitoring=test",
        settings=settings.as_dict(),
        decisions=report.decisions,
        findings_count=len(report.findings),
        report=report.as_dict(),
    )
