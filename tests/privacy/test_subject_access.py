"""Subject access: everything held about one person, from every app, and nobody else's."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from msht.accounts.models import Role, User
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.privacy.selectors import NO_SUCH_PERSON, subject_access_collect
from msht.privacy.services import (
    JUSTIFICATION_REQUIRED,
    RECIPIENT_REQUIRED,
    subject_access_export,
)
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.privacy.seed import Seeded, seed_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    return UserFactory.create(role=Role.ADMINISTRATOR, username="dpo-admin")


@pytest.fixture
def alpha() -> Seeded:
    return seed_person("Alphaperson")


@pytest.fixture
def beta() -> Seeded:
    return seed_person("Betaperson")


def _ids(rows: list[dict[str, Any]], key: str = "id") -> set[Any]:
    return {row[key] for row in rows}


def _export(actor: User, seeded: Seeded) -> dict[str, Any]:
    export = subject_access_export(
        actor,
        person_id=seeded.entity.pk,
        justification="SAR-2025-014 received 3 March 2025",
        recipient="The data subject, by recorded post",
    )
    document: dict[str, Any] = json.loads(export.json)
    return document


def test_the_export_holds_every_apps_rows_about_the_person(
    administrator: User, alpha: Seeded, beta: Seeded
) -> None:
    sections = _export(administrator, alpha)["sections"]

    assert alpha.reconsideration is not None
    assert alpha.ingested is not None
    assert alpha.quarantined is not None
    assert alpha.clerical_pair is not None
    assert alpha.entity_change is not None
    assert alpha.report is not None
    assert alpha.network is not None
    assert _ids(sections["person_records"]) == {record.pk for record in alpha.records}
    assert _ids(sections["referrals"]) == {referral.pk for referral in alpha.referrals}
    first = next(row for row in sections["referrals"] if row["id"] == alpha.referrals[0].pk)
    assert [place["town_or_city"] for place in first["exploitation_places"]] == ["Alphapersonton"]
    assert [a["reason"] for a in first["amendments"]] == ["Alphaperson amendment reason"]
    assert _ids(sections["decisions"]) == {decision.pk for decision in alpha.decisions}
    assert _ids(sections["reconsiderations"]) == {alpha.reconsideration.pk}
    assert _ids(sections["ingest_records"]) == {alpha.ingested.pk}
    assert [v["version"] for v in sections["ingest_records"][0]["versions"]] == [1]
    assert _ids(sections["quarantined_rows"]) == {alpha.quarantined.pk}
    assert _ids(sections["linkage_clerical_pairs"]) == {alpha.clerical_pair.pk}
    assert _ids(sections["linkage_entity_changes"]) == {alpha.entity_change.pk}
    assert _ids(sections["intelligence_mentions"]) == {alpha.report.pk}
    assert _ids(sections["suspects_linked"]) == {alpha.suspect_id}
    assert [row["run_id"] for row in sections["networks"]] == [alpha.network.run_id]
    assert {row["details"].get("marker") for row in sections["audit_events"]} == {"Alphaperson"}
    assert len(sections["audit_events"]) == 2


def test_the_export_holds_nothing_about_another_person(
    administrator: User, alpha: Seeded, beta: Seeded
) -> None:
    export = subject_access_export(
        administrator, person_id=alpha.entity.pk, justification="SAR", recipient="The subject"
    )

    for text in (export.json, export.html):
        assert "Alphaperson" in text
        assert "Betaperson" not in text
        assert str(beta.entity.pk) not in text
    sections = json.loads(export.json)["sections"]
    beta_records = {record.pk for record in beta.records}
    assert _ids(sections["person_records"]).isdisjoint(beta_records)
    assert _ids(sections["referrals"]).isdisjoint({r.pk for r in beta.referrals})
    assert _ids(sections["suspects_linked"]).isdisjoint({beta.suspect_id})


def test_third_parties_are_left_to_the_reviewer_not_copied(
    administrator: User, alpha: Seeded
) -> None:
    document = _export(administrator, alpha)

    assert "Alphaperson Suspect" not in json.dumps(document)
    assert set(document["review_before_release"]) == {
        "intelligence_mentions",
        "suspects_linked",
        "networks",
    }


def test_every_export_is_a_disclosure_event_with_justification_and_recipient(
    administrator: User, alpha: Seeded
) -> None:
    export = subject_access_export(
        administrator,
        person_id=alpha.entity.pk,
        justification="SAR-2025-014",
        recipient="Solicitor for the subject",
    )

    event = AuditEvent.objects.get(sequence=export.audit_sequence)
    assert event.event_type == AuditEventType.RECORD_DISCLOSED
    assert (event.object_type, event.object_id) == ("referrals.personentity", str(alpha.entity.pk))
    assert event.actor_username == "dpo-admin"
    assert event.details["justification"] == "SAR-2025-014"
    assert event.details["recipient"] == "Solicitor for the subject"
    assert event.details["counts"]["referrals"] == 2


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMINISTRATOR])
def test_only_administrators_may_export(role: Role, alpha: Seeded) -> None:
    actor = UserFactory.create(role=role)

    with pytest.raises(PermissionDeniedError):
        subject_access_collect(actor, person_id=alpha.entity.pk)
    with pytest.raises(PermissionDeniedError):
        subject_access_export(actor, person_id=alpha.entity.pk, justification="x", recipient="y")
    assert not AuditEvent.objects.filter(event_type=AuditEventType.RECORD_DISCLOSED).exists()


def test_an_export_needs_a_justification_and_a_recipient(
    administrator: User, alpha: Seeded
) -> None:
    with pytest.raises(ValidationError) as raised:
        subject_access_export(
            administrator, person_id=alpha.entity.pk, justification=" ", recipient=""
        )

    assert raised.value.problems == [JUSTIFICATION_REQUIRED, RECIPIENT_REQUIRED]
    assert not AuditEvent.objects.filter(event_type=AuditEventType.RECORD_DISCLOSED).exists()


def test_an_unknown_person_is_a_clear_error(administrator: User) -> None:
    unknown = uuid.uuid4()

    with pytest.raises(ValidationError, match=NO_SUCH_PERSON.format(person_id=unknown)):
        subject_access_export(administrator, person_id=unknown, justification="x", recipient="y")


def test_the_command_writes_json_and_html(
    administrator: User, alpha: Seeded, tmp_path: Path
) -> None:
    call_command(
        "subject-access",
        str(alpha.entity.pk),
        "--out",
        str(tmp_path),
        "--username",
        "dpo-admin",
        "--justification",
        "SAR-2025-014",
        "--recipient",
        "The subject",
    )

    stem = tmp_path / f"subject-access-{alpha.entity.pk}"
    document = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert document["person_id"] == str(alpha.entity.pk)
    assert document["disclosure"]["recipient"] == "The subject"
    html = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert "Alphaperson Given" in html
    assert "Review before release" in html


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["not-a-uuid", "--username", "dpo-admin"], "is not a person id"),
        ([str(uuid.uuid4()), "--username", "dpo-admin"], "No person entity"),
        ([str(uuid.uuid4()), "--username", "nobody"], "no user 'nobody'"),
    ],
)
def test_the_command_refuses_bad_input_clearly(
    administrator: User, tmp_path: Path, arguments: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "subject-access",
            *arguments,
            "--out",
            str(tmp_path),
            "--justification",
            "x",
            "--recipient",
            "y",
        )


def test_the_page_downloads_the_export(administrator: User, alpha: Seeded) -> None:
    client = sign_in_verified(Client(), administrator)

    page = client.get("/privacy/subject-access/")
    response = client.post(
        "/privacy/subject-access/",
        {
            "person_id": str(alpha.entity.pk),
            "justification": "SAR-2025-014",
            "recipient": "The subject",
            "export_format": "json",
        },
    )

    assert page.status_code == 200
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["person_id"] == str(alpha.entity.pk)
    assert "no-store" in response["Cache-Control"]


def test_the_page_downloads_html_too(administrator: User, alpha: Seeded) -> None:
    client = sign_in_verified(Client(), administrator)

    response = client.post(
        "/privacy/subject-access/",
        {
            "person_id": str(alpha.entity.pk),
            "justification": "SAR",
            "recipient": "The subject",
            "export_format": "html",
        },
    )

    assert response.status_code == 200
    assert b"Alphaperson Family" in response.content


@pytest.mark.parametrize(
    ("person_id", "error"),
    [("", "Enter the person id"), ("nonsense", "Enter the person id as"), (None, "No person")],
)
def test_the_page_explains_what_to_correct(
    administrator: User, person_id: str | None, error: str
) -> None:
    client = sign_in_verified(Client(), administrator)

    response = client.post(
        "/privacy/subject-access/",
        {
            "person_id": str(uuid.uuid4()) if person_id is None else person_id,
            "justification": "SAR",
            "recipient": "The subject",
            "export_format": "json",
        },
    )

    assert response.status_code == 400
    assert error in response.content.decode()


def test_a_network_with_a_longer_key_of_the_same_digits_is_not_the_persons(
    administrator: User, alpha: Seeded
) -> None:
    from msht.intelligence.models import CandidateNetwork, NetworkRun

    record_id = alpha.records[0].pk
    other_run = NetworkRun.objects.create(counts={})
    CandidateNetwork.objects.create(
        run=other_run, number=1, victims=[f"victim:record-{record_id}0"], suspects=[]
    )
    mine = CandidateNetwork.objects.create(
        run=other_run, number=2, victims=[f"victim:record-{record_id}"], suspects=[]
    )

    networks = _export(administrator, alpha)["sections"]["networks"]

    assert alpha.network is not None
    assert {(row["run_id"], row["number"]) for row in networks} == {
        (alpha.network.run_id, alpha.network.number),
        (mine.run_id, mine.number),
    }


def test_the_answers_kept_for_retried_api_submissions_are_in_the_export(
    administrator: User, alpha: Seeded, beta: Seeded
) -> None:
    from msht.referrals.models import ReferralIdempotencyKey

    kept = {
        seeded.referrals[0].pk: ReferralIdempotencyKey.objects.create(
            user=administrator,
            key=f"key-{seeded.referrals[0].pk}",
            request_sha256="0" * 64,
            referral=seeded.referrals[0],
            response_status=201,
            response_body='{"reference": "x"}',
        )
        for seeded in (alpha, beta)
    }
    sections = _export(administrator, alpha)["sections"]
    assert _ids(sections["api_submission_answers"]) == {kept[alpha.referrals[0].pk].pk}
