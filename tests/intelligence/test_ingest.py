"""Bulk ingest of intelligence logs: `msht ingest intelligence_log FILE` grades, checks,
quarantines, loads idempotently and audits, like the agency exports' mappings."""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from msht.accounts.models import Organisation, OrganisationType, Role
from msht.accounts.rules import Action, can
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import ValidationError
from msht.ingest.engine import mapping as engine_mapping
from msht.ingest.engine.mapping import mapping_for, mapping_from_dict
from msht.ingest.models import IngestedRecordVersion, QuarantinedRow, QuarantineStatus
from msht.ingest.services import batch_ingest, quarantine_resubmit
from msht.intelligence.models import (
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceReport,
    PursueOutcomeType,
    SourceEvaluation,
)
from msht.quality.models import Measurement
from msht.quality.services import quality_measure
from msht.referrals.models import PersonRecord
from msht.synth.engine import generate_world
from msht.synth.engine.exports import (
    INTELLIGENCE_LOG,
    INTELLIGENCE_LOG_COLUMNS,
    write_intelligence_log,
)
from msht.synth.services import world_load
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.intelligence.factories import PursueOutcomeFactory, SuspectRecordFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

HEADER = list(INTELLIGENCE_LOG_COLUMNS)


@pytest.fixture
def agencies() -> dict[str, Organisation]:
    return {
        code: OrganisationFactory.create(code=code, organisation_type=kind)
        for code, kind in (
            ("nca", OrganisationType.NCA),
            ("border-force", OrganisationType.BORDER_FORCE),
            ("police-kent", OrganisationType.POLICE_FORCE),
            ("police-essex", OrganisationType.POLICE_FORCE),
        )
    }


def log_row(number: int, **changes: str) -> dict[str, str]:
    """A valid log row; ``changes`` overrides cells."""
    row = {
        "LOG_NO": f"IL/{number:05d}",
        "ORIG_AGENCY": "border-force",
        "DATE_RECD": "03/07/2024",
        "SRC_EVAL": "2",
        "INT_ASSESS": "B",
        "HANDLING": "P",
        "HANDLING_CONDS": "",
        "SHARE_WITH": "",
        "INTEL_TEXT": f"Workers collected from the hostel at 5am ({number}).",
        "NOMINAL_REFS": "",
        "VICTIM_REFS": "",
        "PHONES": "07700 900123;07700 900124",
        "ADDRESSES": "3 Mill Street, Dover CT16 1AA|Unit 4, Dock Road, Dover",
        "VRMS": "AB12 CDE",
        "BUSINESSES": "Star Wash",
    }
    row.update(changes)
    return row


def write_log(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_log_becomes_graded_reports_naming_what_each_row_names(
    tmp_path: Path, agencies: dict[str, Organisation]
) -> None:
    suspect = SuspectRecordFactory.create(source_reference="NCA-SUS-1")
    referral = ReferralFactory.create()
    rows = [
        log_row(1, NOMINAL_REFS="NCA-SUS-1", VICTIM_REFS=referral.reference),
        log_row(
            2,
            ORIG_AGENCY="police-kent",
            SRC_EVAL="1",
            INT_ASSESS="A",
            HANDLING="C",
            HANDLING_CONDS="Not for use in evidence; NCA only.",
            SHARE_WITH="nca",
        ),
    ]
    result = batch_ingest(
        None, source_code="intelligence_log", path=write_log(tmp_path / "l.csv", rows)
    )

    assert (result.counts.loaded, result.counts.quarantined) == (2, 0)
    assert not PersonRecord.objects.exclude(pk=referral.person_record_id).exists()
    first = IntelligenceReport.objects.get(ingest_key="intelligence_log:border-force|IL/00001")
    assert first.originating_organisation == agencies["border-force"]
    assert first.grading == "2BP"
    assert first.received_on == dt.date(2024, 7, 3)
    assert first.reference.startswith("INT-2024-")
    assert list(first.suspects.all()) == [suspect]
    assert list(first.persons.all()) == [referral.person_record]
    assert first.phone_numbers == ["07700 900123", "07700 900124"]
    assert first.addresses == ["3 Mill Street, Dover CT16 1AA", "Unit 4, Dock Road, Dover"]
    assert (first.vehicles, first.organisations_named) == (["AB12 CDE"], ["Star Wash"])
    second = IntelligenceReport.objects.get(ingest_key="intelligence_log:police-kent|IL/00002")
    assert second.grading == "1AC"
    assert second.handling_conditions == "Not for use in evidence; NCA only."
    assert list(second.permitted_organisations.all()) == [agencies["nca"]]
    created = AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_CREATED, object_type="intelligence.intelligencereport"
    )
    assert set(created.values_list("object_id", flat=True)) == {str(first.pk), str(second.pk)}
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.INGEST_BATCH, object_id=str(result.batch.pk)
    ).exists()


def test_the_same_log_twice_adds_nothing_and_a_changed_row_updates_its_report(
    tmp_path: Path, agencies: dict[str, Organisation]
) -> None:
    path = write_log(tmp_path / "a.csv", [log_row(1), log_row(2)])
    batch_ingest(None, source_code="intelligence_log", path=path)
    reference = IntelligenceReport.objects.get(ingest_key__endswith="IL/00001").reference

    again = batch_ingest(None, source_code="intelligence_log", path=path)
    assert (again.counts.loaded, again.counts.unchanged) == (0, 2)
    assert IntelligenceReport.objects.count() == 2

    changed = write_log(
        tmp_path / "b.csv",
        [
            log_row(
                1,
                INT_ASSESS="A",
                HANDLING="C",
                HANDLING_CONDS="Kent only.",
                SHARE_WITH="police-kent",
            ),
            log_row(2),
        ],
    )
    later = batch_ingest(None, source_code="intelligence_log", path=changed)

    assert (later.counts.updated, later.counts.unchanged) == (1, 1)
    assert IntelligenceReport.objects.count() == 2
    report = IntelligenceReport.objects.get(ingest_key__endswith="IL/00001")
    assert report.reference == reference  # the same report, rewritten
    assert report.grading == "2AC"
    assert list(report.permitted_organisations.all()) == [agencies["police-kent"]]
    [old] = IngestedRecordVersion.objects.all()
    assert old.raw["INT_ASSESS"] == "B"
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_CHANGED, object_id=str(report.pk)
    ).exists()


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"SRC_EVAL": "4"}, "SRC_EVAL", "is not one of the values this source uses: 1, 2, 3"),
        ({"INT_ASSESS": "F"}, "INT_ASSESS", "is not one of the values"),
        ({"HANDLING": "H3"}, "HANDLING", "is not one of the values this source uses: c, p"),
        ({"HANDLING": "C"}, "HANDLING_CONDS", "handling code C must state its conditions"),
        (
            {"HANDLING": "C", "HANDLING_CONDS": "x", "SHARE_WITH": "police-nowhere"},
            "SHARE_WITH",
            "names no organisation MSHT knows ('police-nowhere')",
        ),
        ({"SHARE_WITH": "nca"}, "SHARE_WITH", "only handling code C restricts"),
        ({"ORIG_AGENCY": "martians"}, "ORIG_AGENCY", "names no organisation MSHT knows"),
        ({"NOMINAL_REFS": "SUS-NONE"}, "NOMINAL_REFS", "names no suspect record MSHT knows"),
        ({"VICTIM_REFS": "NRM-NONE"}, "VICTIM_REFS", "names no referral MSHT knows"),
        ({"DATE_RECD": "31/02/2024"}, "DATE_RECD", "is not a date"),
        ({"DATE_RECD": "01/01/2099"}, "DATE_RECD", "is in the future"),
        ({"INTEL_TEXT": ""}, "INTEL_TEXT", "is empty"),
        ({"INTEL_TEXT": "=HYPERLINK(1)"}, "INTEL_TEXT", "formula"),
    ],
)
def test_bad_rows_are_quarantined_with_the_column_value_and_reason(
    tmp_path: Path,
    agencies: dict[str, Organisation],
    changes: dict[str, str],
    column: str,
    reason: str,
) -> None:
    path = write_log(tmp_path / "log.csv", [log_row(1), log_row(2, **changes)])

    result = batch_ingest(None, source_code="intelligence_log", path=path)

    assert (result.counts.loaded, result.counts.quarantined) == (1, 1)
    bad = QuarantinedRow.objects.get()
    assert (bad.file_name, bad.row_number, bad.field) == ("log.csv", 3, column)
    assert reason in bad.reason
    assert IntelligenceReport.objects.count() == 1


def test_a_corrected_quarantined_row_loads_its_report(
    tmp_path: Path, agencies: dict[str, Organisation]
) -> None:
    path = write_log(tmp_path / "log.csv", [log_row(1, HANDLING="C")])
    batch_ingest(None, source_code="intelligence_log", path=path)
    bad = QuarantinedRow.objects.get()
    administrator = UserFactory.create(role=Role.ADMINISTRATOR)

    quarantine_resubmit(
        administrator, quarantined_id=bad.pk, corrections={"HANDLING_CONDS": "Originator only."}
    )

    bad.refresh_from_db()
    assert bad.status == QuarantineStatus.RESUBMITTED
    report = IntelligenceReport.objects.get()
    assert (report.handling_code, report.handling_conditions) == ("C", "Originator only.")


def test_ingested_reports_are_shared_by_the_same_rule(
    tmp_path: Path, agencies: dict[str, Organisation]
) -> None:
    suspect = SuspectRecordFactory.create(
        source_reference="NCA-SUS-1", source_organisation=agencies["nca"]
    )
    PursueOutcomeFactory.create(
        agency=agencies["police-kent"],
        suspect_record=suspect,
        outcome_type=PursueOutcomeType.INVESTIGATION_OPENED,
    )
    rows = [
        log_row(1, NOMINAL_REFS="NCA-SUS-1"),
        log_row(
            2, NOMINAL_REFS="NCA-SUS-1", HANDLING="C", HANDLING_CONDS="NCA only.", SHARE_WITH="nca"
        ),
    ]
    batch_ingest(None, source_code="intelligence_log", path=write_log(tmp_path / "l.csv", rows))
    open_report = IntelligenceReport.objects.get(ingest_key__endswith="IL/00001")
    restricted = IntelligenceReport.objects.get(ingest_key__endswith="IL/00002")

    def sees(code: str, report: IntelligenceReport) -> bool:
        user = UserFactory.create(role=Role.INVESTIGATOR, organisation=agencies[code])
        return can(user, Action.INTELLIGENCE_VIEW, report)

    assert [sees(code, open_report) for code in ("police-kent", "police-essex", "nca")] == [
        True,
        False,
        True,
    ]
    assert [sees(code, restricted) for code in ("police-kent", "police-essex", "nca")] == [
        False,
        False,
        True,
    ]


def test_msht_ingest_takes_an_intelligence_log(
    tmp_path: Path, agencies: dict[str, Organisation]
) -> None:
    path = write_log(tmp_path / "log.csv", [log_row(1), log_row(2, SRC_EVAL="9")])
    out = StringIO()

    call_command("ingest", "intelligence_log", str(path), "--json", stdout=out, stderr=StringIO())

    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (summary["source"], summary["loaded"], summary["quarantined"]) == (
        "intelligence_log",
        1,
        1,
    )


def test_the_mapping_codes_are_the_models_codes() -> None:
    assert set(SourceEvaluation.values) == engine_mapping.SOURCE_EVALUATIONS
    assert set(IntelligenceAssessment.values) == engine_mapping.INTELLIGENCE_ASSESSMENTS
    assert set(HandlingCode.values) == engine_mapping.HANDLING_CODES
    log = mapping_for("intelligence_log")
    assert (log.target, log.describes_person) == ("intelligence", False)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"target": "vehicles"}, "target 'vehicles' is not one of"),
        ({"target": "intelligence", "describes_person": True}, "must say describes_person: false"),
        (
            {"target": "intelligence", "fields": {"gender": {"column": "G"}}},
            "'gender' is not a canonical field",
        ),
        (
            {"fields": {"handling_code": {"column": "H"}}},
            "'handling_code' is not a canonical field",
        ),
        (
            {
                "target": "intelligence",
                "fields": {"handling_code": {"column": "H", "values": {"X": "Q"}}},
            },
            "maps 'X' to 'Q'",
        ),
    ],
)
def test_a_mapping_of_the_wrong_target_or_fields_is_refused(
    raw: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        mapping_from_dict({"source": "x", "organisation": "nca", **raw})


def test_data_quality_measures_an_intelligence_log_like_any_source(
    tmp_path: Path, agencies: dict[str, Organisation]
) -> None:
    rows = [log_row(1), log_row(2, PHONES=""), log_row(3, SRC_EVAL="7")]
    batch_ingest(None, source_code="intelligence_log", path=write_log(tmp_path / "l.csv", rows))

    run = quality_measure(None)

    measured = Measurement.objects.filter(run=run, source__code="intelligence_log", batch=None)
    completeness = {
        m.field: (m.numerator, m.denominator) for m in measured.filter(dimension="completeness")
    }
    assert completeness["phone_numbers"] == (1, 2)
    assert completeness["summary"] == (2, 2)


@pytest.mark.slow
def test_a_synthetic_worlds_intelligence_log_ingests_whole_and_matches_its_reports(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "world"
    generate_world(directory, referrals=600, seed=7)
    world_load(None, directory=directory)
    rows = write_intelligence_log(directory)
    loaded = {report.reference: report for report in IntelligenceReport.objects.all()}
    assert rows == len(loaded) > 0

    result = batch_ingest(None, source_code="intelligence_log", path=directory / INTELLIGENCE_LOG)

    assert (result.counts.loaded, result.counts.quarantined) == (rows, 0)
    ingested = IntelligenceReport.objects.exclude(ingest_key=None).prefetch_related(
        "suspects", "persons", "permitted_organisations"
    )
    assert ingested.count() == rows
    for report in ingested:
        log_number = str(report.ingest_key).rsplit("|", 1)[1]
        original = loaded[log_number.replace("IL", "INT", 1)]
        for name in ("grading", "originating_organisation_id", "received_on", "summary"):
            assert getattr(report, name) == getattr(original, name), name
        for name in ("handling_conditions", "phone_numbers", "vehicles", "organisations_named"):
            assert getattr(report, name) == getattr(original, name), name
        for relation in ("suspects", "persons", "permitted_organisations"):
            assert set(getattr(report, relation).all()) == set(getattr(original, relation).all()), (
                relation
            )
    again = batch_ingest(None, source_code="intelligence_log", path=directory / INTELLIGENCE_LOG)
    assert (again.counts.loaded, again.counts.unchanged) == (0, rows)
