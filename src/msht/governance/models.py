"""Governance: indicators, delivery plan, inspections, recommendations, actions, skills."""

from __future__ import annotations

from django.db import models

from msht.accounts.models import Organisation, Role
from msht.core.models import Strand


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class Indicator(models.Model):
    """A performance indicator whose value is computed from the data by ``definition``."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="What is counted, and from which records.")
    unit = models.CharField(max_length=40)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="indicators")
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


class DeliveryPlanItem(models.Model):
    """An objective or milestone of the delivery plan, with an owner, per strand."""

    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="plan_items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_STARTED
    )

    def __str__(self) -> str:
        return self.title


class InspectionReport(models.Model):
    """An inspection report and the dates by which its response was due and was published."""

    title = models.CharField(max_length=300)
    inspectorate = models.CharField(max_length=200)
    received_on = models.DateField(help_text="When the department received the report.")
    response_due_on = models.DateField()
    published_on = models.DateField(null=True, blank=True)
    rules_version = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title


class ResponseKind(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTIALLY_ACCEPTED = "partially_accepted", "Partially accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class Recommendation(models.Model):
    """A recommendation of an inspection report and the department's response to it."""

    report = models.ForeignKey(
        InspectionReport, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    response = models.CharField(max_length=24, choices=ResponseKind.choices, blank=True)
    response_text = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("report", "number")
        constraints = [
            models.UniqueConstraint(fields=("report", "number"), name="one_number_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.report} recommendation {self.number}"


class Action(models.Model):
    """An action that delivers an accepted recommendation, with an owner and a deadline."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.description[:80]


class Competency(models.Model):
    """A competency required of a role (skills-gap analysis)."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    required_for_roles = models.JSONField(
        default=list, help_text=f"Role codes, from {', '.join(Role.values)}."
    )
    strand = models.ForeignKey(
        Strand, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    renew_after_months = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    """A member of staff's completed training in a competency."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="training_records"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="training_records"
    )
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} {self.competency} {self.completed_on}"
