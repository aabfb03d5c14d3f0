"""Retention: records past their period are anonymised or deleted, once, with an audit trail.

Two people are seeded in July 2024: Alphaperson's cases ended negatively, Betaperson's
with a positive Conclusive Grounds decision. The clock is then moved with time-machine
to either side of each retention period (core.policy retention_* rules).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from msht.audit.models import AuditEvent, AuditEventType
from msht.audit.services import audit_verify
from msht.core import policy
from msht.core.errors import ValidationError
from msht.decisions.models import Decision
from msht.ingest.models import IngestedRecord, IngestedRecordVersion, QuarantinedRow
from msht.intelligence.models import IntelligenceReport, PursueOutcomeType, SuspectRecord
from msht.privacy.models import Erasure, ErasureAction
from msht.privacy.retention import RetentionGroup, retention_plan, years_after
from msht.privacy.services import UNKNOWN_GROUP, retention_erase
from msht.referrals.models import (
    ExploitationPlace,
    PersonRecord,
    PersonRecordSource,
    Referral,
    ReferralAmendment,
    ReferralIdempotencyKey,
    ReferralStatus,
)
from tests.accounts.factories import UserFactory
from tests.intelligence.factories import (
    IntelligenceReportFactory,
    PursueOutcomeFactory,
    SuspectRecordFactory,
)
from tests.privacy.seed import Seeded, seed_person
from tests.referrals.factories import PersonRecordFactory, ReferralFactory

pytestmark = pytest.mark.django_db

SEEDED_AT = dt.datetime(2024, 7, 15, 9, tzinfo=dt.UTC)
CLOSED_ON = dt.date(2024, 7, 10)
# Every app the retention rules touch, and privacy's own bookkeeping.
CHECKED_APPS = ("referrals", "decisions", "ingest", "intelligence", "linkage", "privacy", "audit")


def _at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def people() -> tuple[Seeded, Seeded]:
    with _at(SEEDED_AT.date()):
        alpha = seed_person("Alphaperson", closed_on=CLOSED_ON, positive=False)
        beta = seed_person("Betaperson", closed_on=CLOSED_ON, positive=True)
        assert alpha.report is not None
        named = PersonRecordFactory.create(
            source=PersonRecordSource.INTELLIGENCE, given_names="Alphaperson Named"
        )
        alpha.report.persons.add(named)
    return alpha, beta


def table_checksums() -> dict[str, str]:
    """A SHA-256 of every row of every table of the checked apps, table by table."""
    sums = {}
    for label in CHECKED_APPS:
        for model in apps.get_app_config(label).get_models():
            rows = sorted(
                json.dumps(row, sort_keys=True, default=str)
                for row in model._default_manager.values()
            )
            sums[model._meta.label_lower] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return sums


def _dump_without_audit() -> str:
    """Every row of every checked table but the audit trail, as text."""
    texts: list[str] = []
    for label in CHECKED_APPS:
        if label == "audit":
            continue
        for model in apps.get_app_config(label).get_models():
            texts.extend(json.dumps(row, default=str) for row in model._default_manager.values())
    return "\n".join(texts)


def _run(*arguments: str) -> dict[str, Any]:
    out = StringIO()
    call_command("retention", *arguments, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_nothing_is_erased_before_any_period_ends(people: tuple[Seeded, Seeded]) -> None:
    before = table_checksums()

    with _at(dt.date(2030, 6, 30)):
        result = _run()

    assert result["groups"] == {}
    assert table_checksums() == before


def test_a_dry_run_lists_what_is_due_per_app_and_changes_nothing(
    people: tuple[Seeded, Seeded],
) -> None:
    before = table_checksums()

    with _at(dt.date(2030, 7, 16)):
        result = _run("--dry-run")

    assert result["dry_run"] is True
    assert result["groups"] == {
        "referrals": {"anonymised": 2},  # Alphaperson's two negative cases
        "ingest": {"anonymised": 2},  # both people's agency rows
        "intelligence": {"deleted": 5},  # two reports, two suspects, one person named
    }
    assert result["rows"] == {}
    assert table_checksums() == before


def test_after_the_period_a_negative_case_is_anonymised_and_intelligence_deleted(
    people: tuple[Seeded, Seeded],
) -> None:
    alpha, _ = people

    with _at(dt.date(2030, 7, 16)):
        result = _run()

    assert result["groups"]["referrals"] == {"anonymised": 2}
    dump = _dump_without_audit()
    assert "Alphaperson" not in dump  # names, narrative, reasons, raw rows: all gone
    assert "Betaperson Given" in dump  # a positive CG is kept for 25 years
    referral = Referral.objects.get(pk=alpha.referrals[0].pk)
    assert referral.status == ReferralStatus.RG_NEGATIVE  # the statistics still count it
    assert referral.age_group_at_exploitation == alpha.referrals[0].age_group_at_exploitation
    record = PersonRecord.objects.get(pk=alpha.records[0].pk)
    assert (record.given_names, record.family_name, record.phone_numbers) == ("", "", [])
    assert record.gender == alpha.records[0].gender
    assert record.entity_id == alpha.entity.pk
    assert ExploitationPlace.objects.get(referral=referral).police_force_area is not None
    amendment = ReferralAmendment.objects.get(referral=referral)
    assert amendment.changes == {"narrative": None}
    assert all(d.outcome for d in Decision.objects.filter(referral__in=alpha.referrals))
    assert alpha.ingested is not None
    assert alpha.quarantined is not None
    ingested = IngestedRecord.objects.get(pk=alpha.ingested.pk)
    assert ingested.raw == {}
    assert ingested.fields == {"gender": "female", "age_group": "adult"}
    assert not IngestedRecordVersion.objects.filter(record=ingested).exists()
    assert QuarantinedRow.objects.get(pk=alpha.quarantined.pk).value == ""
    assert not IntelligenceReport.objects.exists()
    assert not SuspectRecord.objects.exists()
    assert not PersonRecord.objects.filter(source=PersonRecordSource.INTELLIGENCE).exists()


def test_a_positive_conclusive_grounds_case_is_kept_25_years(
    people: tuple[Seeded, Seeded],
) -> None:
    _, beta = people
    due = years_after(CLOSED_ON, policy.RETENTION_YEARS_POSITIVE_CG.default)

    with _at(due - dt.timedelta(days=1)):
        _run()
    kept = Referral.objects.get(pk=beta.referrals[0].pk).narrative
    with _at(due):
        result = _run()

    assert kept == "Betaperson narrative"
    assert result["groups"] == {"referrals": {"anonymised": 2}}
    assert Referral.objects.get(pk=beta.referrals[0].pk).narrative == ""


def test_a_second_run_changes_nothing(people: tuple[Seeded, Seeded]) -> None:
    with _at(dt.date(2030, 7, 16)):
        first = _run()
        after_first = table_checksums()
        second = _run()

    assert first["groups"] != {}
    assert second["groups"] == {}
    assert second["rows"] == {}
    assert table_checksums() == after_first


def test_each_group_is_one_erasure_event_and_the_audit_chain_still_verifies(
    people: tuple[Seeded, Seeded],
) -> None:
    events_before = AuditEvent.objects.count()

    with _at(dt.date(2030, 7, 16)):
        _run()

    erased = AuditEvent.objects.filter(event_type=AuditEventType.RECORD_ERASED)
    assert erased.count() == Erasure.objects.count() == 9
    assert AuditEvent.objects.count() == events_before + 9  # none deleted
    event = erased.get(object_type="referrals.referral", object_id=str(people[0].referrals[0].pk))
    assert event.details["rule"] == "retention_years_negative"
    assert event.details["action"] == "anonymised"
    assert event.details["rows"]["referrals.personrecord"] == 1
    verification = audit_verify()
    assert verification.ok, verification.problems


def test_an_open_case_is_never_erased() -> None:
    with _at(SEEDED_AT.date()):
        ReferralFactory.create(status=ReferralStatus.SUBMITTED, narrative="Still open")

    with _at(dt.date(2060, 1, 1)):
        plan = retention_plan(today=dt.date(2060, 1, 1))

    assert [group for group in plan if group.app == "referrals"] == []


def test_a_suspect_an_outcome_counts_is_anonymised_not_deleted() -> None:
    with _at(SEEDED_AT.date()):
        outcome = PursueOutcomeFactory.create(
            occurred_on=dt.date(2024, 8, 1),
            suspect_record=SuspectRecordFactory.create(passport_number="X123"),
        )

    with _at(dt.date(2030, 8, 2)):
        _run()

    assert outcome.suspect_record_id is not None
    suspect = SuspectRecord.objects.get(pk=outcome.suspect_record_id)
    assert (suspect.family_name, suspect.passport_number) == ("", "")


def test_a_convicted_suspect_is_kept_until_the_age_of_100() -> None:
    with _at(SEEDED_AT.date()):
        convicted = PursueOutcomeFactory.create(
            outcome_type=PursueOutcomeType.CONVICTION,
            suspect_record=SuspectRecordFactory.create(birth_year=1980),
        ).suspect_record
        unknown_age = PursueOutcomeFactory.create(
            outcome_type=PursueOutcomeType.CONVICTION,
            suspect_record=SuspectRecordFactory.create(birth_year=None),
        ).suspect_record
    assert convicted is not None
    assert unknown_age is not None

    plan_2079 = retention_plan(today=dt.date(2079, 12, 31))
    plan_2080 = retention_plan(today=dt.date(2080, 1, 1))

    assert [g.object_id for g in plan_2079 if g.object_type.endswith("suspectrecord")] == []
    assert [g.object_id for g in plan_2080 if g.object_type.endswith("suspectrecord")] == [
        convicted.pk
    ]


def test_an_unknown_group_is_refused() -> None:
    group = RetentionGroup(
        "x", "x.unknown", 1, ErasureAction.DELETED, policy.RETENTION_YEARS_NEGATIVE, CLOSED_ON
    )

    with pytest.raises(ValidationError, match=UNKNOWN_GROUP.format(object_type="x.unknown")):
        retention_erase(None, group=group)

    assert not Erasure.objects.exists()


def test_the_command_names_an_unknown_user() -> None:
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("retention", "--username", "nobody")


def test_the_command_prints_a_table(people: tuple[Seeded, Seeded]) -> None:
    out = StringIO()

    with _at(dt.date(2030, 7, 16)):
        call_command("retention", "--dry-run", stdout=out)

    assert "Would be erased (dry run)" in out.getvalue()
    assert "referrals" in out.getvalue()


def test_a_row_a_later_export_refilled_is_erased_again_when_its_new_period_ends(
    people: tuple[Seeded, Seeded],
) -> None:
    alpha, _ = people
    assert alpha.ingested is not None
    with _at(dt.date(2030, 7, 16)):
        _run()
    refilled_at = dt.datetime(2031, 1, 5, 9, tzinfo=dt.UTC)
    IngestedRecord.objects.filter(pk=alpha.ingested.pk).update(
        version=3, raw={"Forename": "Alphaperson Again"}, updated_at=refilled_at
    )

    with _at(dt.date(2037, 1, 4)):
        early = _run()
    with _at(dt.date(2037, 1, 5)):
        due = _run()

    assert early["groups"] == {}
    assert due["groups"] == {"ingest": {"anonymised": 1}}
    assert IngestedRecord.objects.get(pk=alpha.ingested.pk).raw == {}


def _protected_suspect_group() -> tuple[RetentionGroup, int]:
    """A suspect a Pursue outcome still refers to, wrongly planned for deletion."""
    outcome = PursueOutcomeFactory.create()
    assert outcome.suspect_record_id is not None
    group = RetentionGroup(
        "intelligence",
        "intelligence.suspectrecord",
        outcome.suspect_record_id,
        ErasureAction.DELETED,
        policy.RETENTION_YEARS_INTELLIGENCE,
        CLOSED_ON,
    )
    return group, outcome.suspect_record_id


def test_a_group_other_rows_still_refer_to_is_left_whole_with_a_clear_error() -> None:
    group, suspect_id = _protected_suspect_group()
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match=r"still refer to it \(intelligence\.pursueoutcome\)"):
        retention_erase(None, group=group)

    assert SuspectRecord.objects.filter(pk=suspect_id).exists()
    assert not Erasure.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_command_erases_the_other_groups_and_names_the_one_it_could_not(
    monkeypatch: pytest.MonkeyPatch, people: tuple[Seeded, Seeded]
) -> None:
    from msht.privacy.management.commands import retention as command

    protected, _ = _protected_suspect_group()
    with _at(dt.date(2030, 7, 16)):
        due = retention_plan(today=dt.date(2030, 7, 16))
        monkeypatch.setattr(command, "retention_plan", lambda today: [protected, *due])

        with pytest.raises(CommandError, match="was not erased"):
            call_command("retention", stdout=StringIO())

    assert Erasure.objects.count() == len(due)


def test_a_suspects_clock_runs_from_the_last_report_not_from_when_the_record_arrived() -> None:
    with _at(dt.date(2029, 1, 1)):  # old intelligence loaded late
        suspect = SuspectRecordFactory.create()
        report = IntelligenceReportFactory.create(received_on=dt.date(2023, 1, 1))
        report.suspects.add(suspect)

    plan = retention_plan(today=dt.date(2029, 1, 2))

    assert (suspect.pk, dt.date(2029, 1, 1)) in {
        (group.object_id, group.due_on)
        for group in plan
        if group.object_type == "intelligence.suspectrecord"
    }


def _idempotency_keys() -> tuple[ReferralIdempotencyKey, ReferralIdempotencyKey]:
    """One key past its 24 hours and one still within them, on 16 July 2030 at 9am."""
    user = UserFactory.create()
    old = ReferralIdempotencyKey.objects.create(
        user=user,
        key="old",
        request_sha256="0" * 64,
        created_at=dt.datetime(2030, 7, 15, 8, tzinfo=dt.UTC),
    )
    fresh = ReferralIdempotencyKey.objects.create(
        user=user,
        key="fresh",
        request_sha256="1" * 64,
        created_at=dt.datetime(2030, 7, 15, 10, tzinfo=dt.UTC),
    )
    return old, fresh


def test_a_run_deletes_the_api_idempotency_keys_past_their_lifetime_and_says_how_many() -> None:
    _, fresh = _idempotency_keys()
    operator = UserFactory.create()

    with _at(dt.date(2030, 7, 16)):
        result = _run("--username", operator.username)

    assert result["idempotency_keys"] == 1
    assert list(ReferralIdempotencyKey.objects.values_list("key", flat=True)) == [fresh.key]
    event = AuditEvent.objects.get(
        event_type=AuditEventType.RECORD_ERASED, object_type="referrals.referralidempotencykey"
    )
    assert (event.actor_id, event.details["deleted"]) == (operator.pk, 1)


def test_a_dry_run_counts_the_expired_idempotency_keys_and_deletes_none() -> None:
    _idempotency_keys()
    out = StringIO()

    with _at(dt.date(2030, 7, 16)):
        result = _run("--dry-run")
        call_command("retention", "--dry-run", stdout=out)

    assert result["idempotency_keys"] == 1
    assert "API idempotency keys older than 24 hours would be deleted: 1" in out.getvalue()
    assert ReferralIdempotencyKey.objects.count() == 2


def test_the_command_prints_how_many_idempotency_keys_it_deleted() -> None:
    _idempotency_keys()
    out = StringIO()

    with _at(dt.date(2030, 7, 16)):
        call_command("retention", stdout=out)

    assert "API idempotency keys older than 24 hours deleted: 1" in out.getvalue()
    assert ReferralIdempotencyKey.objects.count() == 1
