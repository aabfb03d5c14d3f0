"""Estimation runs: each estimate of the hidden figure, kept so it can be followed over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ListGrouping(models.TextChoices):
    """How referrals are grouped into the lists of the overlap table."""

    SECTOR = "sector", "First responder sector (police, local authority, government, NGO)"
    ORGANISATION_TYPE = "organisation_type", "First responder organisation type"


class EstimationRun(models.Model):
    """One estimate: the overlap table's lists, the selected model, every candidate, caveats."""

    period = models.CharField(
        max_length=16, help_text="A year (2024), years (2017-2024) or a quarter (2024Q3)."
    )
    grouping = models.CharField(max_length=32, choices=ListGrouping.choices)
    selection = models.CharField(max_length=16)
    referral_count = models.PositiveIntegerField()
    people_seen = models.PositiveIntegerField()
    linked_share = models.FloatField(help_text="Share of the referrals' person records linked.")
    point = models.PositiveIntegerField(null=True, blank=True)
    lower = models.PositiveIntegerField(null=True, blank=True)
    upper = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(help_text="Lists, overlaps, the selected model and every candidate.")
    caveats = models.JSONField(default=list)
    rules_version = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("period", "-created_at"))]

    def __str__(self) -> str:
        return f"estimate for {self.period} ({self.grouping})"
