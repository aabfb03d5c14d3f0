"""Reference data tables, loaded by migrations from YAML files beside them."""

from __future__ import annotations

from django.db import models

from msht.core.reference import UkNation


class ReferenceData(models.Model):
    """A coded entry of a reference list, shown in a fixed order."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    display_order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ("display_order", "name")

    def __str__(self) -> str:
        return self.name


class ExploitationType(ReferenceData):
    """Labour, sexual, criminal, domestic servitude, organ harvesting, not specified."""


class IloIndicator(ReferenceData):
    """The ILO indicators of forced labour."""


class Strand(ReferenceData):
    """A strand of the Modern Slavery Strategy: Pursue, Prevent, Protect, Prepare."""

    description = models.TextField(blank=True)


class Nationality(models.Model):
    """A country or territory of nationality, coded by ISO 3166-1 alpha-3 (from pycountry)."""

    code = models.CharField(max_length=3, unique=True)
    alpha_2 = models.CharField(max_length=2, blank=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "nationalities"

    def __str__(self) -> str:
        return self.name


class PoliceForceArea(models.Model):
    """A territorial police force area of the UK and the nation it lies in."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    nation = models.CharField(max_length=20, choices=UkNation.choices)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
