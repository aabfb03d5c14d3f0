"""Measuring data quality: every source's records and every new batch, stored as a run."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from msht.accounts.rules import Action, Actor, require
from msht.ingest.engine.mapping import mapping_for
from msht.ingest.models import Batch, BatchState, IngestedRecord, Source
from msht.quality.engine import dimensions
from msht.quality.models import Measurement, QualityRun
from msht.referrals.models import PersonRecord

CHUNK = 20_000
# The synthetic exports and the truth file that says who each row really is (synth).
TRUTH_EXPORT_FILES = {
    "police": "police_export.csv",
    "border_force": "border_force_export.jsonl",
    "ngo": "ngo_export.csv",
}
ACCURACY_FIELDS = ("gender", "birth_date", "nationalities")


def _text(value: Any) -> str | None:
    if value is None or value == []:
        return None
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def records_table(source: Source, fields: list[str]) -> pa.Table:
    """The source's records as Arrow: key, content hash, record date and canonical fields."""
    names = ["record_key", "content_hash", *fields]
    if "recorded_on" not in names:
        names.append("recorded_on")
    schema = pa.schema([(name, pa.string()) for name in names])
    batches = []
    for chunk in _chunks(source):
        columns: dict[str, list[str | None]] = {name: [] for name in names}
        for key, content, values in chunk:
            columns["record_key"].append(key)
            columns["content_hash"].append(content)
            for name in names[2:]:
                columns[name].append(_text(values.get(name)))
        batches.append(pa.record_batch([columns[name] for name in names], schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def _chunks(source: Source) -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    rows = (
        IngestedRecord.objects.filter(source=source)
        .order_by("pk")
        .values_list("record_key", "content_hash", "fields")
        .iterator(chunk_size=CHUNK)
    )
    chunk: list[tuple[str, str, dict[str, Any]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def truth_reference(directory: Path, source_code: str) -> pa.Table | None:
    """What the synthetic truth says each export row's person is, keyed like the records."""
    export = TRUTH_EXPORT_FILES.get(source_code)
    truth_exports = directory / "truth_exports.csv"
    if export is None or not truth_exports.is_file():
        return None
    with (directory / "truth_people.csv").open(newline="", encoding="utf-8") as handle:
        people = {row["person_id"]: row for row in csv.DictReader(handle)}
    keys: list[str] = []
    columns: dict[str, list[str | None]] = {name: [] for name in ACCURACY_FIELDS}
    with truth_exports.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["export"] != export:
                continue
            person = people[row["person_id"]]
            keys.append(row["row_key"])
            columns["gender"].append(person["gender"] or None)
            columns["birth_date"].append(person["birth_date"] or None)
            columns["nationalities"].append(person["nationality"] or None)
    return pa.table({"record_key": keys, **columns})


def people_table() -> pa.Table:
    """Every person record in an entity with more than one record, named by its source.

    A record from an ingested export is named by its ingest source (``police``,
    ``ngo`` ...); any other by what it is (``referral``, ``intelligence``). Linkage puts
    the records in entities; before it has run there is nothing to compare.
    """
    linked = PersonRecord.objects.filter(entity__isnull=False)
    shared = (
        linked.values("entity_id").annotate(records=Count("id")).filter(records__gt=1)
    ).values("entity_id")
    nationalities: dict[int, list[str]] = {}
    through = PersonRecord.nationalities.through.objects.filter(
        personrecord__entity_id__in=shared
    ).values_list("personrecord_id", "nationality__code")
    for record_id, code in through.iterator(chunk_size=CHUNK):
        nationalities.setdefault(record_id, []).append(code)
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "entity_id",
            "source",
            "birth_year",
            "birth_month",
            "birth_day",
            "gender",
            "nationalities",
        )
    }
    records = linked.filter(entity_id__in=shared).values_list(
        "id",
        "entity_id",
        "source",
        "ingested_record__source__code",
        "birth_year",
        "birth_month",
        "birth_day",
        "gender",
    )
    for pk, entity, kind, ingest_source, year, month, day, gender in records.iterator(
        chunk_size=CHUNK
    ):
        columns["entity_id"].append(str(entity))
        columns["source"].append(ingest_source or kind)
        columns["birth_year"].append(year)
        columns["birth_month"].append(month)
        columns["birth_day"].append(day)
        columns["gender"].append(gender)
        columns["nationalities"].append(sorted(nationalities.get(pk, [])))
    schema = pa.schema(
        [
            ("entity_id", pa.string()),
            ("source", pa.string()),
            ("birth_year", pa.int32()),
            ("birth_month", pa.int32()),
            ("birth_day", pa.int32()),
            ("gender", pa.string()),
            ("nationalities", pa.list_(pa.string())),
        ]
    )
    return pa.table(columns, schema=schema)


def _measures(
    source: Source,
    truth_directory: Path | None,
    agreement: dict[str, list[dimensions.Measure]],
) -> list[dimensions.Measure]:
    mapping = mapping_for(source.code)
    fields = sorted(mapping.fields)
    records = records_table(source, fields)
    measures = [
        *dimensions.completeness(records, fields),
        *dimensions.uniqueness(records),
        *dimensions.consistency(records),
        *agreement.get(source.code, []),
        *dimensions.timeliness(records),
    ]
    latest = Batch.objects.filter(source=source, state=BatchState.COMPLETE).first()
    if latest is not None:
        measures.extend(
            dimensions.validity(latest.rows, latest.quarantined, latest.profile.get("invalid", {}))
        )
    reference = truth_reference(truth_directory, source.code) if truth_directory else None
    if reference is not None:
        measures.extend(dimensions.accuracy(records, reference, ACCURACY_FIELDS))
    return measures


def _batch_measures(batch: Batch) -> list[dimensions.Measure]:
    return [
        *dimensions.profile_completeness(batch.profile),
        *dimensions.profile_timeliness(batch.profile),
        *dimensions.validity(batch.rows, batch.quarantined, batch.profile.get("invalid", {})),
    ]


def _rows(
    run: QualityRun, source: Source, batch: Batch | None, measures: list[dimensions.Measure]
) -> list[Measurement]:
    return [
        Measurement(
            run=run,
            source=source,
            batch=batch,
            dimension=measure.dimension,
            field=measure.field[:200],
            group=measure.group[:200],
            value=measure.value,
            numerator=measure.numerator,
            denominator=measure.denominator,
            note=measure.note[:200],
        )
        for measure in measures
    ]


def quality_measure(actor: Actor | None, *, truth_directory: Path | None = None) -> QualityRun:
    """Measure every source's records, and every batch not yet measured, as one run.

    Args:
        actor: who asks (None for the operator at the command line); analysts and
            administrators may (the rule of ANALYTICS_REFRESH).
        truth_directory: a synthetic world whose truth files give accuracy for its exports.

    Returns:
        The stored run with its measurements.
    """
    if actor is not None:
        require(actor, Action.ANALYTICS_REFRESH)
    measured: list[tuple[Source, Batch | None, list[dimensions.Measure]]] = []
    already = set(
        Measurement.objects.exclude(batch=None).values_list("batch_id", flat=True).distinct()
    )
    agreement = dimensions.agreement_across_sources(people_table())
    for source in Source.objects.all():
        measured.append((source, None, _measures(source, truth_directory, agreement)))
        for batch in Batch.objects.filter(source=source, state=BatchState.COMPLETE):
            if batch.pk not in already:
                measured.append((source, batch, _batch_measures(batch)))
    with transaction.atomic():
        run = QualityRun.objects.create(
            measured_at=timezone.now(),
            measured_by=actor if actor is not None and actor.is_authenticated else None,
        )
        rows = [
            row
            for source, batch, measures in measured
            for row in _rows(run, source, batch, measures)
        ]
        Measurement.objects.bulk_create(rows, batch_size=2000)
    return run
