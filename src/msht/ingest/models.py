"""Sources, ingest batches, ingested records with their history, and quarantined rows."""

from __future__ import annotations

from django.db import models

from msht.accounts.models import Organisation


class Source(models.Model):
    """A source of exports, described by its mapping file (ingest/mappings/<code>.yaml)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    mapping_version = models.CharField(
        max_length=16, help_text="SHA-256 prefix of the mapping file last used."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class BatchState(models.TextChoices):
    QUEUED = "queued", "Queued: to be ingested in the background"
    RUNNING = "running", "Running (or stopped before it finished)"
    COMPLETE = "complete", "Complete"
    REJECTED = "rejected", "Rejected: the file could not be read"


class Batch(models.Model):
    """One ingest of one file: all of its rows commit together, or none of them do."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField(default=0)
    file_format = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=16, blank=True)
    mapping_version = models.CharField(max_length=16)
    state = models.CharField(max_length=10, choices=BatchState.choices, default=BatchState.RUNNING)
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    loaded = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text="Why the file was rejected, and warnings."
    )
    profile = models.JSONField(
        default=dict,
        blank=True,
        help_text="Counts taken while reading: filled cells per column and quality group.",
    )

    class Meta:
        ordering = ("-started_at", "-pk")
        verbose_name_plural = "batches"
        indexes = [models.Index(fields=("source", "file_sha256", "state"))]

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.source_id}: {self.file_name}"


class IngestedRecord(models.Model):
    """One record of a source as its latest export gives it; earlier versions are kept."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="records")
    record_key = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    first_batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+")
    last_batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField(help_text="Row in the file of the last batch.")
    fields = models.JSONField(default=dict, help_text="Canonical fields after mapping.")
    raw = models.JSONField(default=dict, help_text="The row exactly as the export gave it.")
    recorded_on = models.DateField(null=True, blank=True)
    person_record = models.OneToOneField(
        "referrals.PersonRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ingested_record",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("source", "pk")
        constraints = [
            models.UniqueConstraint(fields=("source", "record_key"), name="ingest_record_key")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.record_key}"


class IngestedRecordVersion(models.Model):
    """A record as it was before a later export changed it."""

    record = models.ForeignKey(IngestedRecord, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    fields = models.JSONField(default=dict)
    raw = models.JSONField(default=dict)
    superseded_by = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("record", "version")
        constraints = [
            models.UniqueConstraint(fields=("record", "version"), name="ingest_record_version")
        ]

    def __str__(self) -> str:
        return f"{self.record} v{self.version}"


class QuarantineStatus(models.TextChoices):
    OPEN = "open", "Waiting for correction"
    RESUBMITTED = "resubmitted", "Corrected and loaded"


class QuarantinedRow(models.Model):
    """A row that could not load, with the file, row number, field, value and reason."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="quarantine")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="quarantined_rows")
    row_key = models.CharField(
        max_length=64, help_text="Content hash and occurrence: the same bad row is kept once."
    )
    file_name = models.CharField(max_length=255)
    row_number = models.PositiveIntegerField()
    field = models.CharField(max_length=200, help_text="The first field with a problem.")
    value = models.TextField(blank=True)
    reason = models.TextField()
    problems = models.JSONField(default=list, help_text="Every problem: field, value, reason.")
    raw = models.JSONField(default=dict)
    status = models.CharField(
        max_length=12, choices=QuarantineStatus.choices, default=QuarantineStatus.OPEN
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.ForeignKey(
        IngestedRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("source", "batch", "row_number")
        constraints = [
            models.UniqueConstraint(fields=("source", "row_key"), name="ingest_quarantine_key")
        ]
        indexes = [models.Index(fields=("status", "source"))]

    def __str__(self) -> str:
        return f"{self.file_name} row {self.row_number}: {self.reason}"


class IngestLock(models.Model):
    """On SQLite, the process that holds a source's ingest lock (msht.ingest.locks).

    PostgreSQL uses an advisory lock instead and leaves this table empty. A row whose
    process has died (same machine, no such process) is taken over by the next ingest.
    """

    source_code = models.SlugField(max_length=40, unique=True)
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=255)
    process_started = models.CharField(
        max_length=32, blank=True, help_text="When the process started, to tell a reused id."
    )
    acquired_at = models.DateTimeField()

    class Meta:
        ordering = ("source_code",)

    def __str__(self) -> str:
        return f"{self.source_code} held by process {self.pid} on {self.host}"
