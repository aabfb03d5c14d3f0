"""Documentation is tested: every policy, command, audit event type and action is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from msht.accounts.rules import Action
from msht.audit.models import AuditEventType
from msht.core.policy import RULES
from msht.reference_docs import msht_commands

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_policy_rule_is_documented(rule: object) -> None:
    assert f"`{rule.name}`" in _doc("policy.md")  # type: ignore[attr-defined]


@pytest.mark.parametrize("event_type", list(AuditEventType))
def test_every_audit_event_type_is_documented(event_type: AuditEventType) -> None:
    assert f"`{event_type.value}`" in _doc("audit.md")


@pytest.mark.parametrize("action", list(Action))
def test_every_permission_action_is_documented(action: Action) -> None:
    assert f"`{action.value}`" in _doc("permissions.md")


def test_every_msht_command_is_documented() -> None:
    reference = _doc("cli.md")
    missing = [name for name in msht_commands() if f"## `msht {name}`" not in reference]
    assert missing == []
