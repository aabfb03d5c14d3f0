"""Person records and entities, referrals and Duty to Notify reports (DOMAIN.md)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from msht.accounts.models import Organisation
from msht.core.models import (
    ExploitationType,
    IloIndicator,
    Nationality,
    PoliceForceArea,
)
from msht.core.records import DescribedPerson
from msht.core.reference import (
    AgeGroup,
    ExploitationLocation,
    Gender,
    ImmigrationStatus,
    UkNation,
)


class PersonEntity(models.Model):
    """One real person as record linkage sees them; the id is stable across linkage runs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "person entities"

    def __str__(self) -> str:
        return f"person {self.id}"


class PersonRecordSource(models.TextChoices):
    REFERRAL = "referral", "Subject of a referral"
    AGENCY_EXPORT = "agency_export", "Row of an agency export"
    INTELLIGENCE = "intelligence", "Person named in intelligence"


class PersonRecord(DescribedPerson):
    """One source's description of a potential victim, never overwritten by linkage."""

    source = models.CharField(max_length=20, choices=PersonRecordSource.choices)
    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="person_records"
    )
    nationalities = models.ManyToManyField(Nationality, blank=True, related_name="+")
    entity = models.ForeignKey(
        PersonEntity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
        help_text="Set by record linkage; empty until a linkage run has placed the record.",
    )

    class Meta:
        indexes = [models.Index(fields=("source_organisation", "source_reference"))]


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting Reasonable Grounds decision"
    RG_POSITIVE = "rg_positive", "Positive Reasonable Grounds; awaiting Conclusive Grounds"
    RG_NEGATIVE = "rg_negative", "Negative Reasonable Grounds"
    CG_POSITIVE = "cg_positive", "Positive Conclusive Grounds"
    CG_NEGATIVE = "cg_negative", "Negative Conclusive Grounds"
    WITHDRAWN = "withdrawn", "Withdrawn or closed without decision"


class Referral(models.Model):
    """An NRM referral of a potential victim by a first responder organisation."""

    reference = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    person_record = models.OneToOneField(
        PersonRecord, on_delete=models.PROTECT, related_name="referral"
    )
    first_responder_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals"
    )
    referring_officer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referring_officer_name = models.CharField(max_length=200, blank=True)
    referring_officer_email = models.EmailField(blank=True)
    referring_officer_phone = models.CharField(max_length=40, blank=True)
    competent_authority = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_to_decide",
    )
    referred_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    consent_given = models.BooleanField(
        null=True, help_text="Adults must consent; children need no consent."
    )
    age_group_at_exploitation = models.CharField(max_length=16, choices=AgeGroup.choices)
    exploitation_types = models.ManyToManyField(ExploitationType, related_name="referrals")
    county_lines = models.BooleanField(default=False)
    exploitation_location = models.CharField(
        max_length=20, choices=ExploitationLocation.choices, default=ExploitationLocation.NOT_KNOWN
    )
    exploitation_started_on = models.DateField(null=True, blank=True)
    exploitation_ended_on = models.DateField(null=True, blank=True)
    exploitation_is_ongoing = models.BooleanField(default=False)
    immigration_status = models.CharField(
        max_length=24, choices=ImmigrationStatus.choices, default=ImmigrationStatus.NOT_KNOWN
    )
    ilo_indicators = models.ManyToManyField(IloIndicator, blank=True, related_name="referrals")
    narrative = models.TextField(blank=True)
    police_crime_reference = models.CharField(max_length=64, blank=True)
    nation = models.CharField(
        max_length=20,
        choices=UkNation.choices,
        default=UkNation.ENGLAND,
        help_text="The UK nation whose working days and support rules apply.",
    )
    possible_duplicate_count = models.PositiveIntegerField(
        default=0,
        help_text="Existing person records that may describe the same person, found on submission.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-referred_on", "reference")
        indexes = [
            models.Index(fields=("first_responder_organisation", "referred_on")),
            models.Index(fields=("status", "referred_on")),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.age_group_at_exploitation == AgeGroup.ADULT and self.consent_given is False:
            errors["consent_given"] = (
                "An adult who does not consent is reported under Duty to Notify, not referred."
            )
        if (
            self.exploitation_started_on
            and self.exploitation_ended_on
            and self.exploitation_ended_on < self.exploitation_started_on
        ):
            errors["exploitation_ended_on"] = "Exploitation cannot end before it started."
        if errors:
            raise ValidationError(errors)

    @property
    def has_decision(self) -> bool:
        return self.status not in {ReferralStatus.DRAFT, ReferralStatus.SUBMITTED}


class ExploitationPlace(models.Model):
    """Where exploitation took place: a police force area in the UK or a country overseas."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="exploitation_places"
    )
    police_force_area = models.ForeignKey(
        PoliceForceArea, null=True, blank=True, on_delete=models.PROTECT
    )
    country = models.ForeignKey(
        Nationality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    town_or_city = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(police_force_area__isnull=False)
                | models.Q(country__isnull=False),
                name="exploitation_place_is_uk_area_or_country",
            )
        ]

    def __str__(self) -> str:
        return str(self.police_force_area or self.country)


class DutyToNotifyReport(models.Model):
    """A notification of a non-consenting adult: anonymous, with no identifying field at all."""

    reference = models.CharField(max_length=32, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="duty_to_notify_reports"
    )
    reported_on = models.DateField()
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    nationality = models.ForeignKey(
        Nationality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exploitation_types = models.ManyToManyField(ExploitationType, related_name="+")
    exploitation_location = models.CharField(
        max_length=20, choices=ExploitationLocation.choices, default=ExploitationLocation.NOT_KNOWN
    )
    police_force_area = models.ForeignKey(
        PoliceForceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country_of_exploitation = models.ForeignKey(
        Nationality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ilo_indicators = models.ManyToManyField(IloIndicator, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-reported_on", "reference")

    def __str__(self) -> str:
        return self.reference


class ReferralAmendment(models.Model):
    """One amendment of a submitted referral: which fields changed, from what, to what, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="amendments")
    amended_at = models.DateTimeField()
    amended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(
        default=dict,
        help_text="Each changed field with its old and new value: {field: [old, new]}.",
    )
    reason = models.TextField()

    class Meta:
        ordering = ("referral", "amended_at", "pk")

    def __str__(self) -> str:
        return f"{self.referral} amended {self.amended_at:%Y-%m-%d}"


class ReferenceSequence(models.Model):
    """The last number handed out per reference prefix (``NRM-2025``): row-locked when used."""

    prefix = models.CharField(max_length=16, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix} at {self.last_number}"


class ReferralIdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` on ``POST /api/referrals/``: the request's digest and the
    answer it got, stored in the transaction that stored the referral (docs/reliability.md)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the request body as canonical JSON."
    )
    # The stored answer copies the referral's answers, so it goes when the referral does;
    # deleting a key never touches the referral.
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The answer's JSON, as sent.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            # The database, not a lookup, stops two requests with one key from both storing.
            models.UniqueConstraint(fields=("user", "key"), name="referral_idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"idempotency key of user {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
