"""What the analytics app records: each publication of the national statistics."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Publication(models.Model):
    """One release of the quarterly statistics: its period, rules and what it showed.

    The suppression pattern is kept so that later releases are protected against
    differencing with this one (analytics.engine.disclosure), and the tables so that
    the publication page shows exactly what was released.
    """

    period = models.CharField(max_length=7, help_text="The quarter, written 2024Q3.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rules_version = models.CharField(
        max_length=200, help_text="core.policy rules version the publication was made under."
    )
    threshold = models.PositiveIntegerField()
    round_to = models.PositiveIntegerField(null=True, blank=True)
    store_refreshed_at = models.DateTimeField(null=True, blank=True)
    output_directory = models.CharField(max_length=500, blank=True)
    suppression_pattern = models.JSONField(
        default=list,
        help_text="Every figure shown: [system, family, category, column, span, suppressed].",
    )
    tables = models.JSONField(default=list)
    caveats = models.JSONField(default=list)

    class Meta:
        ordering = ("-published_at", "-pk")
        indexes = [models.Index(fields=("period", "published_at"))]

    def __str__(self) -> str:
        return f"statistics for {self.period} published {self.published_at:%Y-%m-%d}"
