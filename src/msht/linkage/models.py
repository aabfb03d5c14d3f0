"""Linkage runs, the entity changes they made, and the pairs reviewers decide (DOMAIN.md)."""

from __future__ import annotations

from django.db import models


class LinkageKind(models.TextChoices):
    PERSONS = "persons", "Person records (potential victims)"
    SUSPECTS = "suspects", "Suspect records"


class LinkageEngine(models.TextChoices):
    DUCKDB = "duckdb", "DuckDB (one machine)"
    SPARK = "spark", "Apache Spark"


class LinkageRunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class LinkageRun(models.Model):
    """One run of record linkage over every record of a kind, with its trained model.

    A run started from the command line is stored when it has finished; one started from
    the runs page is stored at once (queued), and the ``msht link`` process started for it
    moves it to running, then finished or failed."""

    kind = models.CharField(max_length=16, choices=LinkageKind.choices)
    engine = models.CharField(max_length=16, choices=LinkageEngine.choices)
    status = models.CharField(
        max_length=16, choices=LinkageRunStatus.choices, default=LinkageRunStatus.FINISHED
    )
    error = models.TextField(blank=True, help_text="Why a failed run failed.")
    process_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The operating system's id of the run's process."
    )
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    upper_threshold = models.FloatField(help_text="Pairs at or above this probability link.")
    lower_threshold = models.FloatField(
        help_text="Pairs from this probability up to the upper threshold go to review."
    )
    model = models.JSONField(default=dict, help_text="The trained Splink model (its JSON).")
    counts = models.JSONField(
        default=dict, help_text="Records, pairs scored, linked and for review, clusters."
    )
    timings = models.JSONField(default=dict, help_text="Seconds per step.")
    metrics = models.JSONField(
        default=dict, help_text="Precision from reviewers' decisions; entities before and after."
    )
    entities_created = models.PositiveIntegerField(default=0)
    merges = models.PositiveIntegerField(default=0)
    splits = models.PositiveIntegerField(default=0)
    records_changed = models.PositiveIntegerField(
        default=0, help_text="Records whose entity is new or different after this run."
    )

    class Meta:
        ordering = ("-started_at", "-pk")
        indexes = [models.Index(fields=("kind", "-started_at"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} linkage {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status == LinkageRunStatus.FINISHED


class EntityChangeKind(models.TextChoices):
    MERGED = "merged", "Entities merged"
    SPLIT = "split", "Entity split"


class EntityChange(models.Model):
    """A merge or split of entities made by a run (the log behind stable ids)."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="changes")
    change = models.CharField(max_length=8, choices=EntityChangeKind.choices)
    entity_id = models.UUIDField(
        help_text="Merged: the entity that remains. Split: the entity that was split."
    )
    other_entity_ids = models.JSONField(
        default=list,
        help_text="Merged: the entities absorbed. Split: every entity its records now belong to.",
    )
    records = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("run", "pk")

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.entity_id}"


class ClericalDecision(models.TextChoices):
    UNDECIDED = "", "Not decided"
    MATCH = "match", "The same person"
    NOT_MATCH = "not_match", "Not the same person"


class ClericalPair(models.Model):
    """Two records the model was unsure about, and a reviewer's decision on them.

    Record ids point at referrals.PersonRecord (kind persons) or
    intelligence.SuspectRecord (kind suspects), the smaller id first. A decision is kept
    for good and outranks the model in every later run.
    """

    kind = models.CharField(max_length=16, choices=LinkageKind.choices)
    record_l_id = models.PositiveBigIntegerField()
    record_r_id = models.PositiveBigIntegerField()
    run = models.ForeignKey(
        LinkageRun, null=True, on_delete=models.SET_NULL, related_name="clerical_pairs"
    )
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(
        default=list, help_text="Per comparison: its name, the level found and its weight."
    )
    decision = models.CharField(
        max_length=16, choices=ClericalDecision.choices, default="", blank=True
    )
    reviewer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("kind", "-match_probability", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("kind", "record_l_id", "record_r_id"), name="clerical_pair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(record_l_id__lt=models.F("record_r_id")),
                name="clerical_pair_smaller_id_first",
            ),
        ]
        indexes = [models.Index(fields=("kind", "decision", "-match_probability"))]

    def __str__(self) -> str:
        return f"{self.kind} pair {self.record_l_id}-{self.record_r_id}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)
