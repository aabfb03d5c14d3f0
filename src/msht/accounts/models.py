"""Organisations and users, each user with one role and one organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from msht.core.models import PoliceForceArea
from msht.core.reference import UkNation


class OrganisationType(models.TextChoices):
    POLICE_FORCE = "police_force", "Police force"
    NCA = "nca", "National Crime Agency"
    BORDER_FORCE = "border_force", "Border Force"
    IMMIGRATION_ENFORCEMENT = "immigration_enforcement", "Immigration Enforcement"
    UK_VISAS_AND_IMMIGRATION = "ukvi", "UK Visas and Immigration"
    COMPETENT_AUTHORITY = "competent_authority", "Competent authority"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    GLAA = "glaa", "Gangmasters and Labour Abuse Authority"
    HEALTH_AND_SOCIAL_CARE_TRUST = "hsc_trust", "Health and social care trust"
    NGO = "ngo", "NGO"
    HOME_OFFICE_OTHER = "home_office", "Home Office (other)"


class Directorate(models.TextChoices):
    """The border, immigration and citizenship system directorates of the Home Office."""

    BORDER_FORCE = "border_force", "Border Force"
    IMMIGRATION_ENFORCEMENT = "immigration_enforcement", "Immigration Enforcement"
    UK_VISAS_AND_IMMIGRATION = "ukvi", "UK Visas and Immigration"


# Organisation types that may refer to the NRM (DOMAIN.md, NRM step 1); NGOs only when specified.
FIRST_RESPONDER_TYPES = frozenset(
    {
        OrganisationType.POLICE_FORCE,
        OrganisationType.NCA,
        OrganisationType.BORDER_FORCE,
        OrganisationType.IMMIGRATION_ENFORCEMENT,
        OrganisationType.UK_VISAS_AND_IMMIGRATION,
        OrganisationType.LOCAL_AUTHORITY,
        OrganisationType.GLAA,
        OrganisationType.HEALTH_AND_SOCIAL_CARE_TRUST,
        OrganisationType.NGO,
    }
)

# Organisations under the Modern Slavery Act 2015 s.52 duty (and, by policy, the BICS directorates).
DUTY_TO_NOTIFY_TYPES = frozenset(
    {
        OrganisationType.POLICE_FORCE,
        OrganisationType.NCA,
        OrganisationType.LOCAL_AUTHORITY,
        OrganisationType.GLAA,
        OrganisationType.BORDER_FORCE,
        OrganisationType.IMMIGRATION_ENFORCEMENT,
        OrganisationType.UK_VISAS_AND_IMMIGRATION,
    }
)


class Organisation(models.Model):
    """A first responder, competent authority, law enforcement or Home Office unit."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=32, choices=OrganisationType.choices)
    directorate = models.CharField(
        max_length=32,
        choices=Directorate.choices,
        blank=True,
        help_text="The BICS directorate, for Home Office units.",
    )
    is_specified_first_responder = models.BooleanField(
        default=False, help_text="For NGOs: specified as a first responder organisation."
    )
    performs_immigration_enforcement = models.BooleanField(
        default=False,
        help_text="Works in an immigration enforcement function (independence rule).",
    )
    police_force_area = models.ForeignKey(
        PoliceForceArea, null=True, blank=True, on_delete=models.PROTECT
    )
    nation = models.CharField(max_length=20, choices=UkNation.choices, default=UkNation.ENGLAND)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        home_office_types = {
            OrganisationType.BORDER_FORCE,
            OrganisationType.IMMIGRATION_ENFORCEMENT,
            OrganisationType.UK_VISAS_AND_IMMIGRATION,
        }
        if self.organisation_type in home_office_types and not self.directorate:
            raise ValidationError({"directorate": "A BICS unit must name its directorate."})

    @property
    def is_first_responder(self) -> bool:
        if self.organisation_type == OrganisationType.NGO:
            return self.is_specified_first_responder
        return self.organisation_type in FIRST_RESPONDER_TYPES

    @property
    def has_duty_to_notify(self) -> bool:
        return self.organisation_type in DUTY_TO_NOTIFY_TYPES


class Role(models.TextChoices):
    FIRST_RESPONDER = "first_responder", "First responder"
    DECISION_MAKER = "decision_maker", "Decision maker"
    QUALITY_ASSURER = "quality_assurer", "Quality assurer"
    INVESTIGATOR = "investigator", "Investigator or intelligence officer"
    ANALYST = "analyst", "Statistician or analyst"
    GOVERNANCE = "governance", "Governance board member or manager"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person who signs in: one role, one organisation."""

    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    def clean(self) -> None:
        super().clean()
        if self.role and self.organisation is None and not self.is_superuser:
            raise ValidationError({"organisation": "Every user with a role has an organisation."})


class RecoveryCode(models.Model):
    """One single-use recovery code for the second factor (accounts.second_factor).

    Only the SHA-256 of the code is stored: a code is 120 random bits, so a plain hash is
    enough (ASVS 5.0 V6.5.2); the code itself is shown once, when it is issued.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=("user", "code_hash"), name="recovery_code_lookup"),)

    def __str__(self) -> str:
        return f"Recovery code {self.pk} of user {self.user_id}"
