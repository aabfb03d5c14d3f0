"""Data quality measurements per source and per ingest batch, kept so they can be followed
over time (Government Data Quality Framework, six dimensions)."""

from __future__ import annotations

from django.db import models


class Dimension(models.TextChoices):
    COMPLETENESS = "completeness", "Completeness"
    UNIQUENESS = "uniqueness", "Uniqueness"
    CONSISTENCY = "consistency", "Consistency"
    TIMELINESS = "timeliness", "Timeliness"
    VALIDITY = "validity", "Validity"
    ACCURACY = "accuracy", "Accuracy"


class QualityRun(models.Model):
    """One measurement of every source's records at a moment."""

    measured_at = models.DateTimeField()
    measured_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-measured_at", "-pk")

    def __str__(self) -> str:
        return f"quality run {self.pk} at {self.measured_at:%Y-%m-%d %H:%M}"


class Measurement(models.Model):
    """One figure: a dimension of a source's data (or of one batch), on a field and group.

    ``value`` is a share from 0 to 1, except timeliness, which is a number of days.
    """

    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="measurements")
    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(
        "ingest.Batch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty for a figure over every record the source has.",
    )
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    field = models.CharField(max_length=200, blank=True)
    group = models.CharField(max_length=200, blank=True)
    value = models.FloatField(null=True, blank=True)
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("run", "source", "dimension", "field", "group")
        indexes = [models.Index(fields=("source", "dimension", "field"))]

    def __str__(self) -> str:
        return f"{self.dimension} {self.field or 'all'} = {self.value}"
