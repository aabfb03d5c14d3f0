"""Loading checked rows in chunks: new records, updated records with history, quarantine.

Runs inside the batch's one transaction (services.batch_ingest). Each chunk looks up the
keys it holds, then writes new rows with COPY or executemany, so memory stays flat
whatever the file's length (only the counts of repeated rows grow, for sources whose
records have no id).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils import timezone
from django.utils.module_loading import import_string

from msht.accounts.models import Organisation
from msht.core.models import Nationality
from msht.ingest import bulk
from msht.ingest.engine.mapping import SourceMapping
from msht.ingest.engine.validate import CheckedRow, Problem, record_key
from msht.ingest.models import (
    Batch,
    IngestedRecord,
    IngestedRecordVersion,
    QuarantinedRow,
    Source,
)
from msht.referrals.models import PersonRecord, PersonRecordSource

PersonThrough = PersonRecord.nationalities.through
UNKNOWN_ORGANISATION = "names no organisation MSHT knows (looked for '{code}')"

# Mappings whose rows are not person records name a target; the app that owns the target
# checks its rows against the store and writes its records, while ingest keeps the batch,
# the record history, idempotence and quarantine as for any source.
TARGET_WRITERS = {"intelligence": "msht.intelligence.ingest.IntelligenceLogWriter"}


@dataclass(frozen=True)
class TargetRow:
    """A checked row for a target writer: its record key and the organisation it is from."""

    row: CheckedRow
    key: str
    organisation_id: int


class TargetWriter(Protocol):
    """Writes one target's records inside the batch's transaction."""

    def check(self, row: CheckedRow, organisation_id: int) -> None:
        """Add a Problem for anything the store contradicts (unknown references...)."""

    def insert(self, rows: list[TargetRow]) -> None:
        """Write the records of rows seen for the first time."""

    def update(self, rows: list[TargetRow]) -> None:
        """Rewrite the records of rows whose content changed since the last batch."""


def target_writer(mapping: SourceMapping, *, source: Source, batch: Batch) -> TargetWriter | None:
    """The writer of the mapping's target, or None for person records (written here)."""
    if mapping.target == "person":
        return None
    writer: type[Any] = import_string(TARGET_WRITERS[mapping.target])
    return writer(mapping=mapping, source=source, batch=batch)  # type: ignore[no-any-return]


@dataclass
class LoadCounts:
    """What happened to the rows of a batch (rows = loaded + updated + unchanged + quarantined)."""

    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0

    @property
    def rows(self) -> int:
        """Every row read."""
        return self.loaded + self.updated + self.unchanged + self.quarantined


@dataclass
class Profile:
    """Counts taken while reading, for data quality: filled cells by column and group."""

    group_column: str
    rows: int = 0
    filled: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    groups: dict[str, Counter[str]] = field(default_factory=dict)
    group_rows: Counter[str] = field(default_factory=Counter)
    delay_days: Counter[int] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)

    def add(self, row: CheckedRow) -> None:
        """Count one row's filled cells, canonical fields and problems."""
        self.rows += 1
        present = row.present or frozenset(name for name, value in row.raw.items() if value.strip())
        self.filled.update(present)
        self.fields.update(row.fields.keys())
        self.invalid.update({problem.column for problem in row.problems})
        self.unmapped.update(f"{note['field']}={note['value']}" for note in row.unmapped)
        if self.group_column:
            group = row.raw.get(self.group_column, "").strip() or "(blank)"
            self.group_rows[group] += 1
            self.groups.setdefault(group, Counter()).update(present)
        started = row.fields.get("exploitation_started_on")
        recorded = row.fields.get("recorded_on")
        if isinstance(started, str) and isinstance(recorded, str) and len(started) == 10:
            delay = (dt.date.fromisoformat(recorded) - dt.date.fromisoformat(started)).days
            self.delay_days[delay] += 1

    def as_dict(self, columns: Iterable[str]) -> dict[str, Any]:
        """Plain form for the batch's JSON column."""
        names = list(columns)
        return {
            "rows": self.rows,
            "columns": names,
            "filled": {name: self.filled.get(name, 0) for name in names},
            "fields": dict(self.fields),
            "invalid": dict(self.invalid),
            "group_column": self.group_column,
            "groups": {
                group: {
                    "rows": self.group_rows[group],
                    "filled": {name: counts.get(name, 0) for name in names},
                }
                for group, counts in sorted(self.groups.items())
            },
            "delay_days": {str(days): count for days, count in sorted(self.delay_days.items())},
            "unmapped": dict(self.unmapped.most_common(50)),
        }


def _birth(value: Any) -> tuple[int | None, int | None, int | None]:
    if not isinstance(value, str):
        return None, None, None
    parts = [int(part) for part in value.split("-")]
    parts += [None] * (3 - len(parts))  # type: ignore[list-item]
    return parts[0], parts[1], parts[2]


@dataclass
class _Pending:
    row: CheckedRow
    key: str


class BatchLoader:
    """Classifies and writes the checked rows of one batch, a chunk at a time."""

    def __init__(self, *, source: Source, batch: Batch, mapping: SourceMapping) -> None:
        self.source = source
        self.batch = batch
        self.mapping = mapping
        self.counts = LoadCounts()
        self.profile = Profile(group_column=mapping.quality_group)
        self.now = timezone.now()
        self.record_ids = bulk.IdAllocator(IngestedRecord)
        self.person_ids = bulk.IdAllocator(PersonRecord)
        self.valid_copies: Counter[str] = Counter()
        self.bad_copies: Counter[str] = Counter()
        self.written_person_ids: list[int] = []
        self.nationality_ids = dict(Nationality.objects.values_list("code", "id"))
        self.organisation_ids: dict[str, int] = {}
        if mapping.organisation.column:
            self.organisation_ids = dict(Organisation.objects.values_list("code", "id"))
        self.target = target_writer(mapping, source=source, batch=batch)

    def check_organisation(self, row: CheckedRow) -> None:
        """A row that names its organisation must name one MSHT knows; a row of another
        target must then pass that target's checks against the store."""
        spec = self.mapping.organisation
        if spec.column:
            value = row.raw.get(spec.column, "").strip()
            if f"{spec.prefix}{value}" not in self.organisation_ids:
                reason = UNKNOWN_ORGANISATION.format(code=f"{spec.prefix}{value}")
                row.problems.append(Problem(spec.column, value, reason))
        if self.target is not None and row.is_valid:
            self.target.check(row, self._organisation_id(row))

    def _organisation_id(self, row: CheckedRow) -> int:
        spec = self.mapping.organisation
        if not spec.column:
            return int(self.source.organisation_id)
        return self.organisation_ids[f"{spec.prefix}{row.raw[spec.column].strip()}"]

    def process(self, rows: list[CheckedRow]) -> None:
        """Profile, classify and write one chunk of rows."""
        pending: list[_Pending] = []
        keys: set[str] = set()
        bad: list[CheckedRow] = []
        for row in rows:
            if row.is_valid and (self.mapping.organisation.column or self.target is not None):
                self.check_organisation(row)
            self.profile.add(row)
            if not row.is_valid:
                bad.append(row)
                continue
            occurrence = 0
            if not self.mapping.record_key:
                self.valid_copies[row.content_hash] += 1
                occurrence = self.valid_copies[row.content_hash]
            key = record_key(row, self.mapping, occurrence)
            if key in keys:
                # The same record twice in one chunk: write what came before, then look again.
                self._write(pending)
                pending, keys = [], set()
            pending.append(_Pending(row, key))
            keys.add(key)
        self._write(pending)
        self._quarantine(bad)

    def _write(self, pending: list[_Pending]) -> None:
        if not pending:
            return
        existing = {
            key: (pk, content, version, person_id)
            for key, pk, content, version, person_id in IngestedRecord.objects.filter(
                source=self.source, record_key__in=[item.key for item in pending]
            ).values_list("record_key", "id", "content_hash", "version", "person_record_id")
        }
        new: list[_Pending] = []
        changed: list[tuple[_Pending, int, int, int | None]] = []
        for item in pending:
            found = existing.get(item.key)
            if found is None:
                new.append(item)
            elif found[1] == item.row.content_hash:
                self.counts.unchanged += 1
            else:
                changed.append((item, found[0], found[2], found[3]))
        self._insert(new)
        self._update(changed)

    def _person_row(self, row: CheckedRow, key: str) -> dict[str, Any]:
        fields = row.fields
        year, month, day = _birth(fields.get("birth_date"))
        postcode = fields.get("postcode")
        return {
            "source_reference": str(fields.get("source_reference") or key)[:100],
            "given_names": fields.get("given_names", ""),
            "family_name": fields.get("family_name", ""),
            "aliases": fields.get("aliases", []),
            "birth_year": year,
            "birth_month": month,
            "birth_day": day,
            "gender": fields.get("gender", "not_known"),
            "home_office_reference": fields.get("home_office_reference", ""),
            "pnc_id": fields.get("pnc_id", ""),
            "passport_number": fields.get("passport_number", ""),
            "phone_numbers": fields.get("phone_numbers", []),
            "addresses": [{"postcode": postcode}] if postcode else [],
            "created_at": self.now,
            "source": PersonRecordSource.AGENCY_EXPORT,
            "source_organisation_id": self._organisation_id(row),
        }

    def _nationality_rows(self, person_id: int, fields: dict[str, Any]) -> list[dict[str, Any]]:
        codes = fields.get("nationalities") or []
        return [
            {"personrecord_id": person_id, "nationality_id": self.nationality_ids[code]}
            for code in codes
            if code in self.nationality_ids
        ]

    def _record_fields(self, row: CheckedRow) -> dict[str, Any]:
        if row.unmapped:
            return {**row.fields, "_unmapped": row.unmapped}
        return row.fields

    def _insert(self, new: list[_Pending]) -> None:
        if not new:
            return
        record_ids = self.record_ids.take(len(new))
        person_ids: list[int | None] = [None] * len(new)
        if self.mapping.describes_person:
            person_ids = list(self.person_ids.take(len(new)))
            people = []
            nationalities = []
            for item, person_id in zip(new, person_ids, strict=True):
                assert person_id is not None  # noqa: S101 - just allocated
                people.append({"id": person_id, **self._person_row(item.row, item.key)})
                nationalities.extend(self._nationality_rows(person_id, item.row.fields))
            bulk.insert_rows(PersonRecord, people)
            self._insert_nationalities(nationalities)
            self.written_person_ids.extend(pid for pid in person_ids if pid is not None)
        records = [
            {
                "id": record_id,
                "source_id": self.source.pk,
                "record_key": item.key,
                "content_hash": item.row.content_hash,
                "version": 1,
                "first_batch_id": self.batch.pk,
                "last_batch_id": self.batch.pk,
                "row_number": item.row.number,
                "fields": self._record_fields(item.row),
                "raw": item.row.raw,
                "recorded_on": _date_or_none(item.row.fields.get("recorded_on")),
                "person_record_id": person_id,
                "created_at": self.now,
                "updated_at": self.now,
            }
            for item, record_id, person_id in zip(new, record_ids, person_ids, strict=True)
        ]
        bulk.insert_rows(IngestedRecord, records)
        if self.target is not None:
            self.target.insert([self._target_row(item) for item in new])
        self.counts.loaded += len(new)

    def _target_row(self, item: _Pending) -> TargetRow:
        return TargetRow(item.row, item.key, self._organisation_id(item.row))

    def _insert_nationalities(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            ids = bulk.IdAllocator(PersonThrough).take(len(rows))
            bulk.insert_rows(
                PersonThrough, [{"id": pk, **row} for pk, row in zip(ids, rows, strict=True)]
            )

    def _update(self, changed: list[tuple[_Pending, int, int, int | None]]) -> None:
        if not changed:
            return
        old = {
            pk: (content, fields, raw, batch_id)
            for pk, content, fields, raw, batch_id in IngestedRecord.objects.filter(
                pk__in=[record_id for _, record_id, _, _ in changed]
            ).values_list("id", "content_hash", "fields", "raw", "last_batch_id")
        }
        versions = []
        records = []
        people = []
        for item, record_id, version, person_id in changed:
            content, fields, raw, written_by = old[record_id]
            versions.append(
                {
                    "record_id": record_id,
                    "version": version,
                    "batch_id": written_by,
                    "content_hash": content,
                    "fields": fields,
                    "raw": raw,
                    "superseded_by_id": self.batch.pk,
                }
            )
            records.append(
                {
                    "id": record_id,
                    "content_hash": item.row.content_hash,
                    "version": version + 1,
                    "last_batch_id": self.batch.pk,
                    "row_number": item.row.number,
                    "fields": self._record_fields(item.row),
                    "raw": item.row.raw,
                    "recorded_on": _date_or_none(item.row.fields.get("recorded_on")),
                    "updated_at": self.now,
                }
            )
            if person_id is not None:
                person = self._person_row(item.row, item.key)
                person.pop("created_at")
                people.append({"id": person_id, **person})
        ids = bulk.IdAllocator(IngestedRecordVersion).take(len(versions))
        bulk.insert_rows(
            IngestedRecordVersion,
            [{"id": pk, **entry} for pk, entry in zip(ids, versions, strict=True)],
        )
        bulk.update_rows(IngestedRecord, [name for name in records[0] if name != "id"], records)
        if self.target is not None:
            self.target.update([self._target_row(item) for item, _, _, _ in changed])
        if people:
            bulk.update_rows(PersonRecord, [name for name in people[0] if name != "id"], people)
            PersonThrough.objects.filter(personrecord_id__in=[p["id"] for p in people]).delete()
            nationalities = []
            for item, _record_id, _version, person_id in changed:
                if person_id is not None:
                    nationalities.extend(self._nationality_rows(person_id, item.row.fields))
            self._insert_nationalities(nationalities)
            self.written_person_ids.extend(person["id"] for person in people)
        self.counts.updated += len(changed)

    def _quarantine(self, bad: list[CheckedRow]) -> None:
        if not bad:
            return
        rows = []
        for row in bad:
            self.bad_copies[row.content_hash] += 1
            first = row.problems[0]
            rows.append(
                {
                    "source_id": self.source.pk,
                    "batch_id": self.batch.pk,
                    "row_key": f"{row.content_hash[:40]}#{self.bad_copies[row.content_hash]}",
                    "file_name": self.batch.file_name,
                    "row_number": row.number,
                    "field": _storable(first.column)[:200],
                    "value": _storable(first.value),
                    "reason": first.reason,
                    "problems": [
                        {key: _storable(text) for key, text in problem.as_dict().items()}
                        for problem in row.problems
                    ],
                    "raw": {_storable(key): _storable(value) for key, value in row.raw.items()},
                    "status": "open",
                    "created_at": self.now,
                }
            )
        bulk.insert_ignoring_conflicts(QuarantinedRow, rows)
        self.counts.quarantined += len(bad)


def _storable(value: str) -> str:
    """Text a database can hold: undecodable bytes and NULs shown, not stored raw."""
    if "\x00" in value or any("\udc80" <= char <= "\udcff" for char in value):
        cleaned = value.replace("\x00", "\\x00")
        return cleaned.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return value


def _date_or_none(value: Any) -> dt.date | None:
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    return None
