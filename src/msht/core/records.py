"""Fields every description of a person shares: a person record and a suspect record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from msht.core.reference import Gender


class DescribedPerson(models.Model):
    """A source's description of a person, kept exactly as the source gave it.

    Dates of birth are often partial or estimated, so year, month and day are
    separate and each may be missing. Aliases, phones and addresses are lists
    as recorded; linkage normalises them, the record never changes.
    """

    source_reference = models.CharField(
        max_length=100, blank=True, help_text="The source system's own id for this record."
    )
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_date_is_estimated = models.BooleanField(default=False)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    home_office_reference = models.CharField(max_length=40, blank=True)
    pnc_id = models.CharField("Police National Computer id", max_length=40, blank=True)
    passport_number = models.CharField(max_length=40, blank=True)
    phone_numbers = models.JSONField(default=list, blank=True)
    addresses = models.JSONField(
        default=list, blank=True, help_text="Each address as recorded: lines, town, postcode."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        name = " ".join(part for part in (self.given_names, self.family_name) if part)
        return name or f"unnamed record {self.pk}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.birth_month is not None and not 1 <= self.birth_month <= 12:
            errors["birth_month"] = "Month of birth must be between 1 and 12."
        if self.birth_day is not None and not 1 <= self.birth_day <= 31:
            errors["birth_day"] = "Day of birth must be between 1 and 31."
        if self.birth_day is not None and self.birth_month is None:
            errors["birth_day"] = "A day of birth needs a month of birth."
        if errors:
            raise ValidationError(errors)
