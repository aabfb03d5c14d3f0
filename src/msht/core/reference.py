"""Fixed vocabularies of DOMAIN.md as choices; tables of reference data live in core.models."""

from __future__ import annotations

from django.db import models


class UkNation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class AgeGroup(models.TextChoices):
    """Age group at the time of exploitation (DOMAIN.md, 'What is recorded')."""

    ADULT = "adult", "Adult (18 or over)"
    CHILD = "child", "Child (under 18)"
    NOT_KNOWN = "not_known", "Not known"


class ExploitationLocation(models.TextChoices):
    UK_ONLY = "uk_only", "UK only"
    OVERSEAS_ONLY = "overseas_only", "Overseas only"
    UK_AND_OVERSEAS = "uk_and_overseas", "UK and overseas"
    NOT_KNOWN = "not_known", "Not known"


class ImmigrationStatus(models.TextChoices):
    """Immigration status at referral (DOMAIN.md)."""

    UK_NATIONAL = "uk_national", "UK national"
    SETTLED = "settled", "Settled"
    VISA_HOLDER = "visa_holder", "Visa holder"
    ASYLUM_SEEKER = "asylum_seeker", "Asylum seeker"
    IMMIGRATION_DETENTION = "immigration_detention", "In immigration detention"
    IRREGULAR = "irregular", "Irregular"
    NOT_KNOWN = "not_known", "Not known"
