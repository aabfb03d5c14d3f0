"""Batches: loading, idempotence, updates with history, quarantine and its correction."""

from __future__ import annotations

from pathlib import Path

import pytest

from msht.accounts.models import Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.ingest.models import (
    BatchState,
    IngestedRecord,
    IngestedRecordVersion,
    QuarantinedRow,
    QuarantineStatus,
)
from msht.ingest.services import batch_ingest, quarantine_resubmit
from msht.referrals.models import PersonRecord, PersonRecordSource
from tests.accounts.factories import UserFactory
from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.django_db


def test_a_police_export_loads_records_and_person_records(tmp_path: Path) -> None:
    path = write_police(tmp_path / "police.csv", [police_row(n) for n in range(5)])
    result = batch_ingest(None, source_code="police", path=path)
    assert result.as_dict() | {"batch": 0} == {
        "batch": 0,
        "source": "police",
        "state": "complete",
        "rows": 5,
        "loaded": 5,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
    }
    people = PersonRecord.objects.filter(source=PersonRecordSource.AGENCY_EXPORT)
    assert people.count() == 5
    person = people.get(source_reference="URN000002")
    assert person.source_organisation.code == "police-metropolitan"
    assert sorted(person.nationalities.values_list("code", flat=True)) == ["ROU", "VNM"]
    assert (person.birth_year, person.birth_month, person.birth_day) == (1972, 3, 3)
    record = IngestedRecord.objects.get(person_record=person)
    assert record.raw["PERSON_URN"] == "URN000002"
    assert record.fields["exploitation_types"] == ["criminal"]


def test_the_same_file_twice_adds_nothing(tmp_path: Path) -> None:
    path = write_police(tmp_path / "police.csv", [police_row(n) for n in range(4)])
    batch_ingest(None, source_code="police", path=path)
    again = batch_ingest(None, source_code="police", path=path)
    assert (again.counts.loaded, again.counts.unchanged) == (0, 4)
    assert IngestedRecord.objects.count() == 4
    assert PersonRecord.objects.count() == 4


def test_a_later_export_updates_the_record_and_keeps_the_history(tmp_path: Path) -> None:
    first = write_police(tmp_path / "a.csv", [police_row(1), police_row(2)])
    batch_ingest(None, source_code="police", path=first)
    second = write_police(tmp_path / "b.csv", [police_row(1, SURNAME="Newname"), police_row(2)])
    result = batch_ingest(None, source_code="police", path=second)
    assert (result.counts.updated, result.counts.unchanged) == (1, 1)
    record = IngestedRecord.objects.get(record_key="URN000001")
    assert record.version == 2
    assert record.raw["SURNAME"] == "Newname"
    [old] = IngestedRecordVersion.objects.filter(record=record)
    assert old.raw["SURNAME"] == "Family1"
    assert old.superseded_by == result.batch
    assert record.person_record is not None
    assert record.person_record.family_name == "Newname"


def test_bad_rows_are_quarantined_with_file_row_field_value_and_reason(tmp_path: Path) -> None:
    rows = [police_row(1), police_row(2, DOB="30/02/1990"), police_row(3)]
    path = write_police(tmp_path / "police.csv", rows)
    result = batch_ingest(None, source_code="police", path=path)
    assert (result.counts.loaded, result.counts.quarantined) == (2, 1)
    bad = QuarantinedRow.objects.get()
    assert (bad.file_name, bad.row_number, bad.field, bad.value) == (
        "police.csv",
        3,
        "DOB",
        "30/02/1990",
    )
    assert "not a date" in bad.reason
    # The same file again quarantines nothing new.
    batch_ingest(None, source_code="police", path=path)
    assert QuarantinedRow.objects.count() == 1


def test_a_corrected_row_loads_and_is_audited(tmp_path: Path) -> None:
    path = write_police(tmp_path / "police.csv", [police_row(2, DOB="30/02/1990")])
    batch_ingest(None, source_code="police", path=path)
    bad = QuarantinedRow.objects.get()
    administrator = UserFactory.create(role=Role.ADMINISTRATOR)
    with pytest.raises(ValidationError, match="still has problems"):
        quarantine_resubmit(administrator, quarantined_id=bad.pk, corrections={"DOB": "31/02/90"})
    row = quarantine_resubmit(
        administrator, quarantined_id=bad.pk, corrections={"DOB": "28/02/1990"}
    )
    assert row.status == QuarantineStatus.RESUBMITTED
    assert row.record is not None
    assert row.record.fields["birth_date"] == "1990-02-28"
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.QUARANTINE_RESUBMITTED, object_id=str(row.pk)
    ).exists()


def test_only_administrators_ingest_and_correct(tmp_path: Path) -> None:
    path = write_police(tmp_path / "police.csv", [police_row(1)])
    analyst = UserFactory.create(role=Role.ANALYST)
    with pytest.raises(PermissionDeniedError):
        batch_ingest(analyst, source_code="police", path=path)
    with pytest.raises(PermissionDeniedError):
        quarantine_resubmit(analyst, quarantined_id=1, corrections={})


def test_a_file_with_duplicate_headers_is_a_rejected_batch_with_the_reason(
    tmp_path: Path,
) -> None:
    path = tmp_path / "police.csv"
    path.write_text("PERSON_URN,FORENAME,SURNAME,DOB,SEX,SEX\n")
    result = batch_ingest(None, source_code="police", path=path)
    assert result.batch.state == BatchState.REJECTED
    assert "column 'SEX' appears more than once" in result.batch.problems[0]
    assert result.counts.rows == 0


def test_each_batch_and_each_person_record_written_is_audited(tmp_path: Path) -> None:
    path = write_police(tmp_path / "police.csv", [police_row(n) for n in range(3)])
    result = batch_ingest(None, source_code="police", path=path)
    events = AuditEvent.objects.filter(event_type=AuditEventType.INGEST_BATCH)
    assert events.filter(object_type="ingest.batch", object_id=str(result.batch.pk)).count() == 1
    person_ids = {str(pk) for pk in PersonRecord.objects.values_list("pk", flat=True)}
    audited = set(
        events.filter(object_type="referrals.personrecord").values_list("object_id", flat=True)
    )
    assert audited == person_ids


def test_a_batch_profile_counts_filled_cells_per_column_and_group(tmp_path: Path) -> None:
    rows = [police_row(1, PHONE=""), police_row(2), police_row(3, FORCE="kent")]
    path = write_police(tmp_path / "police.csv", rows)
    profile = batch_ingest(None, source_code="police", path=path).batch.profile
    assert profile["rows"] == 3
    assert profile["filled"]["PHONE"] == 2
    assert profile["groups"]["kent"]["rows"] == 1
    assert profile["groups"]["metropolitan"]["filled"]["PHONE"] == 1


def test_each_police_row_is_credited_to_its_force_and_an_unknown_force_quarantined(
    tmp_path: Path,
) -> None:
    rows = [police_row(1, FORCE="kent"), police_row(2, FORCE="atlantis")]
    result = batch_ingest(None, source_code="police", path=write_police(tmp_path / "p.csv", rows))
    assert (result.counts.loaded, result.counts.quarantined) == (1, 1)
    person = PersonRecord.objects.get()
    assert person.source_organisation.code == "police-kent"
    bad = QuarantinedRow.objects.get()
    assert (bad.field, bad.value) == ("FORCE", "atlantis")
    assert "police-atlantis" in bad.reason


def test_msht_quarantine_lists_and_resubmits_a_corrected_row(tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = write_police(tmp_path / "police.csv", [police_row(5, SEX="Q")])
    batch_ingest(None, source_code="police", path=path)
    row = QuarantinedRow.objects.get()
    listing = StringIO()
    call_command("quarantine", stdout=listing)
    assert "SEX" in listing.getvalue()
    with pytest.raises(CommandError, match="not one of the values"):
        call_command("quarantine", resubmit=row.pk, set=["SEX=W"], stdout=StringIO())
    done = StringIO()
    call_command("quarantine", resubmit=row.pk, set=["SEX=F"], stdout=done)
    assert "loaded as record" in done.getvalue()
    assert IngestedRecord.objects.get().fields["gender"] == "female"


def test_a_correction_naming_an_unknown_force_stays_in_quarantine(tmp_path: Path) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(1, FORCE="atlantis")])
    batch_ingest(None, source_code="police", path=path)
    bad = QuarantinedRow.objects.get()
    with pytest.raises(ValidationError, match="still has problems"):
        quarantine_resubmit(None, quarantined_id=bad.pk, corrections={"FORCE": "lyonesse"})
    bad.refresh_from_db()
    assert bad.status == QuarantineStatus.OPEN
    assert "police-lyonesse" in bad.reason
    quarantine_resubmit(None, quarantined_id=bad.pk, corrections={"FORCE": "kent"})
    assert PersonRecord.objects.get().source_organisation.code == "police-kent"
