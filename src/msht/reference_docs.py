"""Markdown tables for the generated parts of docs/ (cog calls these; CI checks freshness)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

# The commands MSHT itself adds; Django's own (migrate, shell, ...) are documented by Django.
MSHT_APPS = ("msht.",)


def _setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msht.settings")
    django.setup()


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def policy_table() -> str:
    """Every policy rule: name, default, dated values, help, source and version."""
    from msht.core.policy import RULES

    rows = []
    for rule in RULES:
        dated = "; ".join(f"{d.value} from {d.starts_on}" for d in rule.history) or "-"
        rows.append(
            (f"`{rule.name}`", str(rule.default), dated, rule.help_text, rule.source, rule.version)
        )
    return _table(("rule", "default", "dated values", "meaning", "source", "version"), rows)


def audit_event_table() -> str:
    """Every audit event type with its meaning."""
    _setup_django()
    from msht.audit.models import AuditEventType

    return _table(
        ("event type", "meaning"),
        [(f"`{value}`", str(label)) for value, label in AuditEventType.choices],
    )


def permission_table() -> str:
    """Every action and the rule that decides it (the rule's first docstring line)."""
    _setup_django()
    from msht.accounts.rules import _RULES

    rows = []
    for action, rule in _RULES.items():
        summary = (rule.__doc__ or rule.__name__.lstrip("_").replace("_", " ")).splitlines()[0]
        rows.append((f"`{action.value}`", summary))
    return _table(("action", "who may"), rows)


def msht_commands() -> list[str]:
    """Names of the management commands MSHT's own apps provide, sorted."""
    from django.core.management import get_commands

    return sorted(name for name, app in get_commands().items() if app.startswith(MSHT_APPS))


def command_help(name: str) -> str:
    """The ``msht NAME --help`` text, at a fixed width so the docs do not depend on a terminal."""
    result = subprocess.run(  # noqa: S603 - runs this package's own entry point
        [sys.executable, "-m", "msht.cli", name, "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    return result.stdout.rstrip()


def cli_reference() -> str:
    """One section per MSHT command with its help text."""
    _setup_django()
    sections = []
    for name in msht_commands():
        sections.append(f"## `msht {name}`\n\n```text\n{command_help(name)}\n```")
    return "\n\n".join(sections)
