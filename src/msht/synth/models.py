"""Synthetic worlds loaded into the store: one row per world, so a load is never repeated."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LoadedWorld(models.Model):
    """A synthetic world put into the store by ``msht load``, identified by its manifest."""

    world_id = models.CharField(max_length=64, unique=True)
    checksum = models.CharField(
        max_length=64, help_text="SHA-256 over the store files' own SHA-256 sums, in name order."
    )
    seed = models.BigIntegerField()
    referrals = models.PositiveIntegerField()
    generator_version = models.CharField(max_length=20)
    parameters = models.JSONField(default=dict)
    counts = models.JSONField(default=dict, help_text="Rows created per model.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-loaded_at",)

    def __str__(self) -> str:
        return f"world {self.world_id} ({self.referrals} referrals)"
