"""Suspect records and entities, intelligence graded 3x5x2, and Pursue outcomes (DOMAIN.md)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from msht.accounts.models import Organisation
from msht.core.models import Nationality
from msht.core.records import DescribedPerson
from msht.referrals.models import PersonRecord, Referral


class SuspectEntity(models.Model):
    """One real suspect as record linkage sees them; the id is stable across runs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "suspect entities"

    def __str__(self) -> str:
        return f"suspect {self.id}"


class SuspectRole(models.TextChoices):
    RECRUITER = "recruiter", "Recruiter"
    TRANSPORTER = "transporter", "Transporter"
    CONTROLLER = "controller", "Controller"
    EXPLOITER = "exploiter", "Exploiter"
    FACILITATOR = "facilitator", "Facilitator"
    NOT_KNOWN = "not_known", "Not known"


class SuspectRecord(DescribedPerson):
    """One agency's description of a suspect, kept as recorded."""

    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="suspect_records"
    )
    nationality = models.ForeignKey(
        Nationality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vehicles = models.JSONField(default=list, blank=True, help_text="Registration marks.")
    role = models.CharField(
        max_length=16, choices=SuspectRole.choices, default=SuspectRole.NOT_KNOWN
    )
    linked_referrals = models.ManyToManyField(Referral, blank=True, related_name="suspect_records")
    entity = models.ForeignKey(
        SuspectEntity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )

    class Meta:
        indexes = [models.Index(fields=("source_organisation", "source_reference"))]


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested source"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A: known directly to the source"
    KNOWN_INDIRECTLY_CORROBORATED = "B", "B: known indirectly, corroborated"
    KNOWN_INDIRECTLY = "C", "C: known indirectly"
    NOT_KNOWN = "D", "D: not known"
    SUSPECTED_FALSE = "E", "E: suspected to be false"


class HandlingCode(models.TextChoices):
    PERMITTED = "P", "P: lawful sharing permitted"
    CONDITIONS = "C", "C: lawful sharing permitted subject to conditions"


class IntelligenceReport(models.Model):
    """An intelligence report graded on the UK 3x5x2 model."""

    reference = models.CharField(max_length=32, unique=True)
    originating_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="intelligence_reports"
    )
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField()
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True)
    permitted_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        help_text="Under handling code C, the only other organisations that may see it.",
    )
    summary = models.TextField()
    suspects = models.ManyToManyField(SuspectRecord, blank=True, related_name="intelligence")
    persons = models.ManyToManyField(PersonRecord, blank=True, related_name="intelligence")
    phone_numbers = models.JSONField(default=list, blank=True)
    addresses = models.JSONField(default=list, blank=True)
    vehicles = models.JSONField(default=list, blank=True)
    organisations_named = models.JSONField(
        default=list, blank=True, help_text="Businesses and groups the report names."
    )
    ingest_key = models.CharField(
        max_length=240,
        null=True,
        blank=True,
        unique=True,
        help_text="For a report from a bulk intelligence log: the source and the log's own key.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_on", "reference")

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        if self.handling_code == HandlingCode.CONDITIONS and not self.handling_conditions.strip():
            raise ValidationError(
                {"handling_conditions": "Handling code C must state its conditions."}
            )

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"


class PursueOutcomeType(models.TextChoices):
    INVESTIGATION_OPENED = "investigation_opened", "Investigation opened"
    DISRUPTION = "disruption", "Disruption"
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    PROSECUTION = "prosecution", "Prosecution"
    CONVICTION = "conviction", "Conviction"
    PREVENTION_ORDER = "prevention_order", "Slavery and Trafficking Prevention Order"
    RISK_ORDER = "risk_order", "Slavery and Trafficking Risk Order"
    CONFISCATION = "confiscation", "Confiscation"


class Offence(models.TextChoices):
    MSA_SECTION_1 = "msa_s1", "Modern Slavery Act 2015 s.1 (slavery, servitude, forced labour)"
    MSA_SECTION_2 = "msa_s2", "Modern Slavery Act 2015 s.2 (human trafficking)"
    LINKED = "linked", "Linked offence"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class PursueOutcome(models.Model):
    """An outcome of the Pursue strand against a suspect or a network, by an agency."""

    outcome_type = models.CharField(max_length=24, choices=PursueOutcomeType.choices)
    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pursue_outcomes"
    )
    suspect_record = models.ForeignKey(
        SuspectRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    network_reference = models.CharField(max_length=64, blank=True)
    occurred_on = models.DateField()
    offence = models.CharField(
        max_length=16, choices=Offence.choices, default=Offence.NOT_APPLICABLE
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-occurred_on",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suspect_record__isnull=False) | ~models.Q(network_reference=""),
                name="pursue_outcome_names_suspect_or_network",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_type_display()} ({self.occurred_on})"


class NetworkRun(models.Model):
    """One build of the perpetrator network graph (``msht networks``), kept for the pages."""

    created_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict, help_text="Nodes, edges, networks, suspects ranked.")

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"network run {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class CandidateNetwork(models.Model):
    """A connected component of the graph that holds a suspect: a candidate network.

    Members are node keys (``suspect:entity-...``, ``victim:record-...``, ``phone:...``),
    pseudonymous by construction; pages resolve suspects the reader may see.
    """

    run = models.ForeignKey(NetworkRun, on_delete=models.CASCADE, related_name="networks")
    number = models.PositiveIntegerField(help_text="1 is the largest network of the run.")
    suspects = models.JSONField(default=list)
    victims = models.JSONField(default=list)
    others = models.JSONField(default=list, help_text="Phones, addresses, vehicles, organisations.")
    communities = models.JSONField(default=list)
    edges = models.JSONField(default=list, help_text="Pairs of node keys, for the graph page.")
    referral_count = models.PositiveIntegerField(default=0)
    has_pursue_activity = models.BooleanField(default=False)
    organisations_met = models.JSONField(
        default=list,
        help_text="Codes of the organisations that referred its victims or recorded its suspects.",
    )

    class Meta:
        ordering = ("run", "number")
        constraints = [
            models.UniqueConstraint(fields=("run", "number"), name="one_number_per_network_run")
        ]

    def __str__(self) -> str:
        return f"network {self.number} of run {self.run_id}"


class SuspectRanking(models.Model):
    """A suspect's place in the run's ranking: victims reached, then centrality."""

    network = models.ForeignKey(CandidateNetwork, on_delete=models.CASCADE, related_name="rankings")
    position = models.PositiveIntegerField()
    suspect = models.CharField(max_length=80, help_text="The suspect's node key.")
    entity = models.ForeignKey(
        SuspectEntity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.ForeignKey(
        SuspectRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when linkage has not placed the suspect: the one record it is.",
    )
    centrality = models.FloatField()
    degree = models.PositiveIntegerField()
    victims_connected = models.PositiveIntegerField()

    class Meta:
        ordering = ("position",)
        indexes = [models.Index(fields=("suspect",))]

    def __str__(self) -> str:
        return f"{self.position}. {self.suspect}"
