"""Demo users: one per role, created once, audited, with passwords stored only as hashes.

The ``msht demo`` and ``msht serve`` commands, thin front doors over these services, are
tested at the end.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from msht.accounts.management.commands import serve
from msht.accounts.models import Organisation, Role, User
from msht.accounts.services import (
    DEMO_USERS,
    ORGANISATION_MISSING,
    demo_users_ensure,
)
from msht.audit.models import AuditEvent, AuditEventType
from msht.audit.services import audit_verify
from msht.core.errors import ConfigurationError


def _sign_in_request() -> HttpRequest:
    """django-axes checks lock-outs per request: authenticate as the sign-in page does."""
    return RequestFactory().post("/sign-in/")


pytestmark = pytest.mark.django_db


def test_one_demo_user_is_created_for_each_role() -> None:
    users = demo_users_ensure()
    assert sorted(user.role for user in users) == sorted(Role)
    assert all(user.created for user in users)
    assert User.objects.filter(username__startswith="demo-").count() == len(Role)


@pytest.mark.parametrize(
    ("role", "organisation_code"),
    [
        (Role.FIRST_RESPONDER, "police-metropolitan"),
        (Role.DECISION_MAKER, "single-competent-authority"),
        (Role.QUALITY_ASSURER, "single-competent-authority"),
        (Role.INVESTIGATOR, "nca"),
        (Role.ANALYST, "home-office-modern-slavery-unit"),
        (Role.GOVERNANCE, "home-office-modern-slavery-unit"),
        (Role.ADMINISTRATOR, "home-office-modern-slavery-unit"),
    ],
)
def test_each_demo_user_works_in_an_organisation_where_the_role_is_done(
    role: Role, organisation_code: str
) -> None:
    demo_users_ensure()
    user = User.objects.select_related("organisation").get(role=role)
    assert user.organisation is not None
    assert user.organisation.code == organisation_code
    user.full_clean()


def test_demo_first_responder_may_refer_and_demo_decision_maker_may_decide() -> None:
    from msht.accounts.rules import Action, can

    demo_users_ensure()
    assert can(User.objects.get(role=Role.FIRST_RESPONDER), Action.REFERRAL_CREATE)
    assert can(User.objects.get(role=Role.DECISION_MAKER), Action.DECISION_MAKE)
    assert can(User.objects.get(role=Role.QUALITY_ASSURER), Action.DECISION_ASSURE)


def test_demo_users_ensure_is_idempotent() -> None:
    first = demo_users_ensure()
    events = AuditEvent.objects.count()
    second = demo_users_ensure()
    assert [user.username for user in second] == [user.username for user in first]
    assert not any(user.created for user in second)
    assert all(user.password is None for user in second)
    assert User.objects.count() == len(Role)
    assert AuditEvent.objects.count() == events


def test_existing_demo_users_keep_their_passwords() -> None:
    first = {user.username: user.password for user in demo_users_ensure()}
    demo_users_ensure()
    for username, password in first.items():
        assert authenticate(_sign_in_request(), username=username, password=password) is not None


def test_only_missing_demo_users_are_created() -> None:
    demo_users_ensure()
    User.objects.filter(username="demo-analyst").delete()
    users = demo_users_ensure()
    assert [user.username for user in users if user.created] == ["demo-analyst"]


def test_each_new_demo_user_is_audited_once() -> None:
    demo_users_ensure()
    demo_users_ensure()
    events = AuditEvent.objects.filter(event_type=AuditEventType.USER_CREATED)
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in User.objects.values_list("pk", flat=True)
    )
    event = events.get(object_id=str(User.objects.get(username="demo-investigator").pk))
    assert event.object_type == "accounts.user"
    assert event.details == {"role": "investigator", "organisation": "nca", "demo": True}
    assert audit_verify().ok


def test_a_given_password_is_used_for_every_new_user() -> None:
    users = demo_users_ensure(password="the demo passphrase")
    assert {user.password for user in users} == {"the demo passphrase"}
    for spec in DEMO_USERS:
        assert (
            authenticate(_sign_in_request(), username=spec.username, password="the demo passphrase")
            is not None
        )


def test_generated_passwords_are_different_and_stored_only_as_hashes() -> None:
    users = demo_users_ensure()
    passwords = [user.password for user in users]
    assert all(password is not None and len(password) >= 20 for password in passwords)
    assert len(set(passwords)) == len(passwords)
    for user in users:
        assert user.password is not None
        stored = User.objects.get(username=user.username).password
        assert user.password not in stored
        assert (
            authenticate(_sign_in_request(), username=user.username, password=user.password)
            is not None
        )


def test_missing_organisation_is_reported_and_nothing_is_created() -> None:
    Organisation.objects.filter(code="nca").delete()
    with pytest.raises(ConfigurationError, match=ORGANISATION_MISSING.format(code="nca")):
        demo_users_ensure()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


# The commands: `msht demo` and `msht serve` only parse, call and print.


def test_demo_command_prints_each_user_with_their_password() -> None:
    out = StringIO()
    call_command("demo", "--no-synthetic-data", "--password", "the demo passphrase", stdout=out)
    printed = out.getvalue()
    for spec in DEMO_USERS:
        assert spec.username in printed
    assert "the demo passphrase" in printed
    assert "Metropolitan" in printed


def test_demo_command_runs_synth_and_load_only_when_they_exist(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
) -> None:
    from msht.accounts.management.commands import demo

    settings.VAR_DIR = tmp_path
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(demo, "call_command", lambda name, *a, **kw: calls.append((name, a, kw)))

    monkeypatch.setattr(demo, "get_commands", lambda: {"demo": "msht.accounts"})
    out = StringIO()
    call_command("demo", stdout=out)
    assert calls == []
    assert "Synthetic data set skipped" in out.getvalue()

    monkeypatch.setattr(demo, "get_commands", lambda: {"synth": "msht.synth", "load": "msht.synth"})
    call_command("demo", "--referrals", "50", "--seed", "7", stdout=StringIO())
    world = tmp_path / "demo-world"
    pipelines = demo.pipeline_steps(world, tmp_path / "publications" / demo.DEMO_QUARTER)
    assert [(name, args) for name, args, _ in calls] == [
        ("synth", ()),
        ("load", (str(world),)),
        *((command, tuple(arguments)) for _, command, arguments in pipelines),
    ]
    assert calls[0][2] == {"referrals": 50, "seed": 7, "out": str(world)}


def test_serve_command_collects_static_files_then_serves(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    # `make test-fast` runs without the npm assets; what matters here is the order of work.
    monkeypatch.setattr("django.contrib.staticfiles.finders.find", lambda path: f"found {path}")
    served: dict[str, Any] = {}
    monkeypatch.setattr(serve, "waitress_serve", lambda app, **kw: served.update(kw))
    out = StringIO()
    call_command("serve", "--port", "8123", stdout=out)
    assert served["host"] == "127.0.0.1"
    assert served["port"] == 8123
    assert (tmp_path / "static" / "msht" / "js-enabled.js").is_file()
    assert "http://127.0.0.1:8123/" in out.getvalue()


def test_serve_command_refuses_to_start_without_the_govuk_assets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("django.contrib.staticfiles.finders.find", lambda path: None)
    monkeypatch.setattr(serve, "waitress_serve", lambda app, **kw: pytest.fail("served"))
    with pytest.raises(CommandError, match=re.escape(serve.ASSETS_MISSING)):
        call_command("serve", stdout=StringIO())


def test_reset_passwords_gives_existing_demo_users_a_new_audited_password() -> None:
    demo_users_ensure(password="the first passphrase")
    again = demo_users_ensure(reset_passwords=True)

    assert all(user.password is not None and not user.created for user in again)
    for user in again:
        assert user.password is not None
        assert (
            authenticate(_sign_in_request(), username=user.username, password=user.password)
            is not None
        )
        assert (
            authenticate(
                _sign_in_request(), username=user.username, password="the first passphrase"
            )
            is None
        )
    resets = AuditEvent.objects.filter(event_type=AuditEventType.RECORD_CHANGED)
    assert resets.count() == len(again)
