"""The keyed chain: every new event is an HMAC under a key held outside the database; the
events written before keying keep their plain hashes and still verify, sealed by a keyed
event that `msht migrate` appends; the key comes from the environment or a file, and
`check --deploy` fails without a real one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from msht.audit.chain import KEYED, MISSING_AUDIT_KEY, audit_key
from msht.audit.checks import AUDIT_KEY_ID, AUDIT_KEY_MIN_LENGTH, audit_key_configured
from msht.audit.models import AuditChainHead, AuditEvent, AuditEventType
from msht.audit.services import (
    GENESIS_HASH,
    NOTHING_KEYED,
    PLAIN_AFTER_KEYED,
    WRONG_HASH,
    audit_chain_seal,
    audit_chain_seal_after_migrate,
    audit_record,
    audit_record_many,
    audit_verify,
    event_hash,
)
from msht.core.errors import ConfigurationError
from tests.audit.tampering import WRONG_KEY, drop_append_only_triggers, forged_hash

TABLE = AuditEvent._meta.db_table
GOOD_KEY = "an-audit-key-held-outside-the-database-" + "x7Q2" * 4


def _plain_events(count: int) -> list[AuditEvent]:
    """Events as the code before keying wrote them: plain SHA-256, no hash version."""
    head, _ = AuditChainHead.objects.get_or_create(
        pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
    )
    previous_hash = head.last_hash
    events = []
    for sequence in range(head.last_sequence + 1, head.last_sequence + count + 1):
        fields: dict[str, Any] = {
            "sequence": sequence,
            "occurred_at": timezone.now(),
            "actor_id": None,
            "actor_username": "",
            "event_type": AuditEventType.RECORD_VIEWED.value,
            "object_type": "referrals.referral",
            "object_id": str(sequence),
            "details": {"page": "referral detail"},
        }
        digest = forged_hash(fields, previous_hash, key=None)
        events.append(
            AuditEvent.objects.create(
                **fields, previous_hash=previous_hash, event_hash=digest, hash_version=None
            )
        )
        previous_hash = digest
    AuditChainHead.objects.filter(pk=1).update(
        last_sequence=events[-1].sequence, last_hash=previous_hash
    )
    return events


def _keyed_event() -> AuditEvent:
    with transaction.atomic():
        return audit_record(None, event_type=AuditEventType.DATA_LOADED)


@pytest.mark.django_db
def test_new_events_carry_an_hmac_under_the_audit_key_not_a_plain_hash() -> None:
    event = _keyed_event()
    fields: dict[str, Any] = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": None,
        "actor_username": "",
        "event_type": event.event_type,
        "object_type": "",
        "object_id": "",
        "details": {},
        "previous_hash": GENESIS_HASH,
    }

    assert event.hash_version == KEYED
    assert event.event_hash == event_hash(**fields, key=audit_key())
    assert event.event_hash != event_hash(**fields, key=None)
    assert event.event_hash != event_hash(**fields, key=WRONG_KEY)


@pytest.mark.django_db
def test_events_from_before_keying_still_verify_once_sealed_by_a_keyed_event() -> None:
    plain = _plain_events(3)
    assert audit_verify().problems == (NOTHING_KEYED.format(last=3),)

    seal = audit_chain_seal()

    assert seal is not None
    assert (seal.sequence, seal.hash_version) == (4, KEYED)
    assert seal.event_type == AuditEventType.CHAIN_KEYED
    assert seal.previous_hash == plain[-1].event_hash
    assert seal.details == {"plain_events": 3}
    _keyed_event()
    result = audit_verify()
    assert result.ok, result.problems
    assert result.events_checked == 5


@pytest.mark.django_db
def test_sealing_does_nothing_to_an_empty_or_already_keyed_trail() -> None:
    assert audit_chain_seal() is None
    _keyed_event()

    assert audit_chain_seal() is None
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_an_old_event_rewritten_with_a_fresh_plain_hash_breaks_the_keyed_seal() -> None:
    """The seal's HMAC covers the last plain hash: the key vouches for the events before it."""
    _plain_events(3)
    audit_chain_seal()
    drop_append_only_triggers()
    previous_hash = GENESIS_HASH
    for values in AuditEvent.objects.filter(hash_version=None).order_by("sequence").values():
        row: dict[str, Any] = dict(values)
        row["object_id"] = "rewritten"
        forged = forged_hash(row, previous_hash, key=None)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET object_id = %s, previous_hash = %s, event_hash = %s "  # noqa: S608
                "WHERE id = %s",
                [row["object_id"], previous_hash, forged, row["id"]],
            )
        previous_hash = forged

    problems = audit_verify().problems

    assert any("event 4 does not follow" in problem for problem in problems), problems


@pytest.mark.django_db
def test_a_plain_event_after_keyed_ones_is_reported_even_with_a_correct_plain_hash() -> None:
    """Plain hashes belong only to the events written before keying."""
    first = _keyed_event()
    forged = AuditEvent.objects.create(
        sequence=2,
        occurred_at=first.occurred_at,
        actor_id=None,
        actor_username="",
        event_type=AuditEventType.RECORD_VIEWED,
        object_type="",
        object_id="forged",
        details={},
        previous_hash=first.event_hash,
        hash_version=None,
        event_hash=forged_hash(
            {
                "sequence": 2,
                "occurred_at": first.occurred_at,
                "actor_id": None,
                "actor_username": "",
                "event_type": AuditEventType.RECORD_VIEWED.value,
                "object_type": "",
                "object_id": "forged",
                "details": {},
            },
            first.event_hash,
            key=None,
        ),
    )
    AuditChainHead.objects.filter(pk=1).update(last_sequence=2, last_hash=forged.event_hash)

    assert audit_verify().problems == (PLAIN_AFTER_KEYED.format(sequence=2),)


@pytest.mark.django_db
def test_an_event_claiming_an_unknown_hash_version_never_verifies() -> None:
    _keyed_event()
    drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET hash_version = 7")  # noqa: S608

    assert audit_verify().problems == (WRONG_HASH.format(sequence=1),)


@pytest.mark.django_db
def test_without_a_key_nothing_is_written_or_verified(settings: Any) -> None:
    settings.AUDIT_KEY = ""

    with pytest.raises(ConfigurationError, match="MSHT_AUDIT_KEY"), transaction.atomic():
        audit_record(None, event_type=AuditEventType.DATA_LOADED)
    with pytest.raises(ConfigurationError, match="MSHT_AUDIT_KEY"), transaction.atomic():
        audit_record_many(
            None, event_type=AuditEventType.DATA_LOADED, object_type="x", object_ids=["1"]
        )
    with pytest.raises(ConfigurationError, match="MSHT_AUDIT_KEY"):
        audit_verify()
    assert AuditEvent.objects.count() == 0
    assert MISSING_AUDIT_KEY.startswith("The audit trail needs its key")


@pytest.mark.django_db
def test_another_key_makes_every_keyed_event_fail(settings: Any) -> None:
    """What an operator sees after losing or changing the key: nothing verifies."""
    _keyed_event()
    _keyed_event()
    settings.AUDIT_KEY = WRONG_KEY.decode()

    assert audit_verify().problems == (
        WRONG_HASH.format(sequence=1),
        WRONG_HASH.format(sequence=2),
    )


@pytest.mark.django_db
def test_migrate_seals_a_trail_written_before_keying() -> None:
    _plain_events(2)

    call_command("migrate", verbosity=0)

    newest = AuditEvent.objects.order_by("-sequence").first()
    assert newest is not None
    assert (newest.sequence, newest.event_type, newest.hash_version) == (
        3,
        AuditEventType.CHAIN_KEYED,
        KEYED,
    )
    assert audit_verify().ok


class _StateWithoutTheVersion:
    """Migration state apps where the audit table is not yet at this code's shape."""

    def get_model(self, app_label: str, model_name: str) -> Any:
        model = global_apps.get_model(app_label, model_name)

        class Meta:
            fields = [field for field in model._meta.fields if field.name != "hash_version"]

        return type("StateModel", (), {"_meta": Meta})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("using", "state"),
    [("other", global_apps), ("default", _StateWithoutTheVersion())],
    ids=["another-database", "audit-tables-not-migrated-yet"],
)
def test_the_seal_waits_for_the_audit_tables_to_be_migrated(using: str, state: Any) -> None:
    _plain_events(1)

    audit_chain_seal_after_migrate(None, apps=state, using=using)

    assert AuditEvent.objects.count() == 1


def test_the_check_accepts_a_long_key_from_the_deployment(settings: Any) -> None:
    settings.AUDIT_KEY, settings.AUDIT_KEY_SOURCE = GOOD_KEY, "environment"

    assert audit_key_configured(None) == []


@pytest.mark.parametrize(
    ("key", "source", "problem"),
    [
        (GOOD_KEY, "development", "the development key generated under var/"),
        ("", "missing", "the audit trail has no key"),
        ("short", "file", f"shorter than {AUDIT_KEY_MIN_LENGTH} characters"),
    ],
)
def test_the_check_fails_without_a_real_key(
    settings: Any, key: str, source: str, problem: str
) -> None:
    settings.AUDIT_KEY, settings.AUDIT_KEY_SOURCE = key, source

    (message,) = audit_key_configured(None)

    assert message.id == AUDIT_KEY_ID
    assert message.is_serious()
    assert problem in message.msg


def _in_subprocess(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MSHT_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "msht.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _key_and_source(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _in_subprocess(
        env, "-c", "import msht.settings as s; print(s.AUDIT_KEY); print(s.AUDIT_KEY_SOURCE)"
    )


def test_the_key_comes_from_the_environment_then_a_file_then_var_in_development(
    tmp_path: Path,
) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text("from-the-file\n")
    base = {"MSHT_VAR_DIR": str(tmp_path / "var")}

    environment = _key_and_source({**base, "MSHT_AUDIT_KEY": "from-the-environment"})
    from_file = _key_and_source({**base, "MSHT_AUDIT_KEY_FILE": str(key_file)})
    generated = _key_and_source(base)
    again = _key_and_source(base)

    assert environment.stdout.split() == ["from-the-environment", "environment"]
    assert from_file.stdout.split() == ["from-the-file", "file"]
    generated_key, source = generated.stdout.split()
    assert source == "development"
    assert len(generated_key) >= AUDIT_KEY_MIN_LENGTH
    assert again.stdout == generated.stdout  # kept under var/, not made anew
    assert (tmp_path / "var" / "audit_key").stat().st_mode & 0o077 == 0
    assert [path.name for path in (tmp_path / "var").glob("audit_key*")] == ["audit_key"]


def test_production_has_no_development_key_and_an_unreadable_key_file_stops_the_start(
    tmp_path: Path,
) -> None:
    production = {
        "MSHT_VAR_DIR": str(tmp_path),
        "MSHT_ENVIRONMENT": "production",
        "MSHT_SECRET_KEY": "a-production-secret-key-of-some-length-" + "k9Z" * 8,
    }

    missing = _key_and_source(production)
    unreadable = _key_and_source({**production, "MSHT_AUDIT_KEY_FILE": str(tmp_path / "none")})

    assert missing.stdout.split() == ["missing"]
    assert not (tmp_path / "audit_key").exists()
    assert unreadable.returncode != 0
    assert f"MSHT_AUDIT_KEY_FILE names {tmp_path / 'none'}, which cannot be read" in (
        unreadable.stderr
    )


def test_deploy_check_fails_in_production_without_an_audit_key(tmp_path: Path) -> None:
    breached = tmp_path / "pwned-passwords-sha1.txt"
    breached.write_text("")
    production = {
        "MSHT_VAR_DIR": str(tmp_path),
        "MSHT_ENVIRONMENT": "production",
        "MSHT_SECRET_KEY": "a-production-secret-key-of-some-length-" + "k9Z" * 8,
        "MSHT_ALLOWED_HOSTS": "msht.example.gov.uk",
        "MSHT_BREACHED_PASSWORDS_FILE": str(breached),
    }
    check = ("-m", "django", "check", "--deploy", "--fail-level", "WARNING")

    without = _in_subprocess(production, *check)
    with_key = _in_subprocess({**production, "MSHT_AUDIT_KEY": GOOD_KEY}, *check)

    assert without.returncode != 0
    assert AUDIT_KEY_ID in without.stderr
    assert "the audit trail has no key" in without.stderr
    assert with_key.returncode == 0, with_key.stderr
