"""What the retention rules have already anonymised, so that a second run does nothing."""

from __future__ import annotations

from django.db import models


class ErasureAction(models.TextChoices):
    ANONYMISED = "anonymised", "Anonymised: identifying fields cleared, the row kept"
    DELETED = "deleted", "Deleted"


class Erasure(models.Model):
    """One record group the retention rules anonymised (or deleted), by its root row.

    Deleted rows are gone and cannot be found again; anonymised rows stay, and this row is
    how ``msht retention`` knows not to anonymise them twice. The audit trail holds the
    same fact as a ``record.erased`` event.
    """

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=12, choices=ErasureAction.choices)
    rule = models.CharField(max_length=64, help_text="The policy rule that made it due.")
    rule_version = models.CharField(max_length=32)
    due_on = models.DateField()
    erased_at = models.DateTimeField()
    rows = models.JSONField(default=dict, help_text="Rows changed per table.")

    class Meta:
        ordering = ("erased_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=("object_type", "object_id"), name="erasure_once")
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.action}"
