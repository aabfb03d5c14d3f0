"""NRM decisions: stage, outcome, who decided and assured, dates, deadline, rule version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from msht.accounts.models import Organisation
from msht.referrals.models import Referral


class DecisionStage(models.TextChoices):
    REASONABLE_GROUNDS = "rg", "Reasonable Grounds"
    CONCLUSIVE_GROUNDS = "cg", "Conclusive Grounds"
    RG_RECONSIDERATION = "rg_reconsideration", "Reconsideration of Reasonable Grounds"
    CG_RECONSIDERATION = "cg_reconsideration", "Reconsideration of Conclusive Grounds"


class DecisionOutcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    WITHDRAWN = "withdrawn", "Withdrawn or closed without decision"


class AssuranceStatus(models.TextChoices):
    """Second-person quality assurance of a negative decision (DOMAIN.md, NRM 6)."""

    NOT_REQUIRED = "not_required", "Not required"
    AWAITING = "awaiting", "Awaiting quality assurance"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Sent back by quality assurance"


class Decision(models.Model):
    """One decision on one referral; pending until ``outcome`` and ``decided_on`` are set."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    stage = models.CharField(max_length=24, choices=DecisionStage.choices)
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices, blank=True)
    decision_making_unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="decisions_made"
    )
    decision_maker = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quality_assurer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reconsideration_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reconsiderations"
    )
    started_on = models.DateField(help_text="When the decision became due to be made.")
    deadline = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    assured_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    multi_agency_panel_reviewed = models.BooleanField(
        default=False, help_text="Negative CG decisions go to a Multi-Agency Assurance Panel."
    )
    recovery_period_ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="A positive RG starts the recovery period; CG is not decided before this day.",
    )
    assurance_status = models.CharField(
        max_length=16, choices=AssuranceStatus.choices, default=AssuranceStatus.NOT_REQUIRED
    )
    assurance_notes = models.TextField(blank=True)
    request_reasons = models.TextField(
        blank=True, help_text="For a reconsideration: why it was requested."
    )
    exceptional_circumstances = models.TextField(
        blank=True,
        help_text="A reconsideration requested after the window needs exceptional circumstances.",
    )
    rules_version = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("referral", "started_on", "pk")
        indexes = [
            models.Index(fields=("stage", "decided_on")),
            # The work queue: pending decisions by deadline, by stage, or by when they fell
            # due; the primary key last so that the page's whole ORDER BY is presorted.
            models.Index(fields=("outcome", "deadline", "id"), name="decision_queue_idx"),
            models.Index(
                fields=("stage", "outcome", "deadline", "id"), name="decision_stage_queue_idx"
            ),
            models.Index(fields=("outcome", "started_on", "id"), name="decision_queue_due_idx"),
            models.Index(fields=("assurance_status", "decided_on"), name="decision_assurance_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} on {self.referral}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if bool(self.outcome) != bool(self.decided_on):
            errors["decided_on"] = "A decision has an outcome and a decision date, or neither."
        if self.decided_on and self.decided_on < self.started_on:
            errors["decided_on"] = "A decision cannot be made before it was due."
        reconsideration = self.stage in {
            DecisionStage.RG_RECONSIDERATION,
            DecisionStage.CG_RECONSIDERATION,
        }
        if reconsideration and self.reconsideration_of_id is None:
            errors["reconsideration_of"] = "A reconsideration names the decision it reconsiders."
        if (
            self.quality_assurer_id is not None
            and self.quality_assurer_id == self.decision_maker_id
        ):
            errors["quality_assurer"] = "Quality assurance needs a second person."
        if errors:
            raise ValidationError(errors)

    @property
    def is_pending(self) -> bool:
        return not self.outcome

    @property
    def is_issued(self) -> bool:
        """Decided and, for a negative decision, approved by quality assurance."""
        return bool(self.outcome) and self.assurance_status in {
            AssuranceStatus.NOT_REQUIRED,
            AssuranceStatus.APPROVED,
        }
