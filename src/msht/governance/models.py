"""Governance: indicators, delivery plan, inspections, recommendations, actions, skills."""

from __future__ import annotations

import datetime as dt

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
    amber_margin = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="How far on the wrong side of the target a value is amber rather than red.",
    )

    class Meta:
        ordering = ("strand", "code")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """An indicator's value for one quarter, nationally or for one breakdown (a directorate
    or a data source), stored when computed so that the trend is of real past values."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(max_length=6, help_text="A quarter, such as 2024Q3.")
    breakdown = models.CharField(
        max_length=80, blank=True, help_text="Empty for the national value; else what it is of."
    )
    breakdown_label = models.CharField(max_length=200, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(
        max_length=300, blank=True, help_text="Why there is no value, or what it rests on."
    )
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ("indicator", "breakdown", "period")
        constraints = [
            models.UniqueConstraint(
                fields=("indicator", "period", "breakdown"), name="one_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.breakdown or 'national'}"


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

    class Meta:
        ordering = ("strand", "due_on", "pk")

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

    class Meta:
        ordering = ("-received_on", "pk")

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
    addressed_to = models.ManyToManyField(Organisation, blank=True, related_name="+")

    class Meta:
        ordering = ("report", "number")
        constraints = [
            models.UniqueConstraint(fields=("report", "number"), name="one_number_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.report} recommendation {self.number}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Action(models.Model):
    """An action that delivers an accepted recommendation, with an owner and a deadline."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    evidence = models.TextField(blank=True, help_text="What shows the action is done.")
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("due_on", "pk")

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue_on(self, day: dt.date) -> bool:
        """Past its deadline on ``day`` and not completed by then."""
        done = self.completed_on is not None and self.completed_on <= day
        return self.due_on < day and not done


class RaciRole(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class RaciAssignment(models.Model):
    """What an organisation or directorate is for one strand: responsible, accountable,
    consulted or informed (the roles and responsibilities matrix)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=1, choices=RaciRole.choices)

    class Meta:
        ordering = ("strand", "organisation")
        constraints = [
            models.UniqueConstraint(fields=("organisation", "strand"), name="one_raci_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.strand}: {self.role}"


class RaciChange(models.Model):
    """One change to a cell of the matrix: who changed what, from what, when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="+")
    previous_role = models.CharField(max_length=1, choices=RaciRole.choices, blank=True)
    new_role = models.CharField(max_length=1, choices=RaciRole.choices, blank=True)
    changed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ("-changed_at", "-pk")

    def __str__(self) -> str:
        return f"{self.organisation} {self.strand}: {self.previous_role} -> {self.new_role}"


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

    class Meta:
        ordering = ("user", "competency", "-completed_on")

    def __str__(self) -> str:
        return f"{self.user} {self.competency} {self.completed_on}"
