"""Password rules (OWASP ASVS 5.0 V6.2): 8 characters at least with 15 advised, 64 and more
accepted, common passwords and breached passwords (a local Pwned Passwords list) refused."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from msht.accounts.passwords import BREACHED, TOO_SHORT, sha1_in_sorted_file

BREACHED_PASSWORD = "correct horse battery staple"  # a famous passphrase: in the breached list


def _sha1(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


def _messages(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.fixture
def breached_list(settings: Any, tmp_path: Path) -> Path:
    """A small file in Pwned Passwords' own format: sorted upper-case SHA-1, then a count."""
    hashes = sorted({_sha1(BREACHED_PASSWORD), *(_sha1(f"leaked {n}") for n in range(200))})
    path = tmp_path / "pwned-passwords-sha1.txt"
    path.write_text("".join(f"{digest}:{n + 1}\r\n" for n, digest in enumerate(hashes)))
    settings.BREACHED_PASSWORDS_FILE = path
    return path


@pytest.mark.usefixtures("breached_list")
@pytest.mark.parametrize("password", ["Tq7!vX2#", "pale orbit lantern quietly", "w" * 63 + "9"])
def test_passwords_of_8_to_64_characters_that_are_not_known_are_accepted(password: str) -> None:
    assert _messages(password) == []


@pytest.mark.usefixtures("breached_list")
def test_passwords_longer_than_64_characters_are_accepted_too() -> None:
    assert _messages("a long sentence about nothing in particular " * 4) == []


@pytest.mark.usefixtures("breached_list")
def test_a_short_password_is_refused_with_advice_to_use_15() -> None:
    messages = _messages("Tq7!vX2")

    assert messages == [TOO_SHORT]
    assert "at least 8 characters" in TOO_SHORT
    assert "15 or more" in TOO_SHORT


@pytest.mark.usefixtures("breached_list")
@pytest.mark.parametrize("password", ["password123", "iloveyou1", "qwertyuiop"])
def test_common_passwords_are_refused(password: str) -> None:
    assert "This password is too common." in _messages(password)


@pytest.mark.usefixtures("breached_list")
def test_a_breached_password_is_refused() -> None:
    assert _messages(BREACHED_PASSWORD) == [BREACHED]
    assert _messages("leaked 150") == [BREACHED]


def test_without_the_list_the_breach_check_is_skipped(settings: Any, tmp_path: Path) -> None:
    settings.BREACHED_PASSWORDS_FILE = tmp_path / "not-installed.txt"
    assert _messages(BREACHED_PASSWORD) == []


def test_bisection_finds_exactly_the_hashes_in_the_file(tmp_path: Path) -> None:
    """Every hash in a sorted file of uneven lines is found, and no other one is."""
    rng = random.Random(10)
    present = sorted({f"{rng.getrandbits(160):040X}" for _ in range(500)})
    path = tmp_path / "list.txt"
    path.write_text("".join(f"{digest}:{rng.randint(1, 10**6)}\n" for digest in present))
    absent = [f"{rng.getrandbits(160):040X}" for _ in range(500)]
    edges = ["0" * 40, "F" * 40]

    assert all(sha1_in_sorted_file(path, digest.lower()) for digest in present)
    assert not any(sha1_in_sorted_file(path, digest) for digest in absent + edges)


def test_bisection_handles_an_empty_and_a_one_line_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    single = tmp_path / "one.txt"
    single.write_text(f"{'A' * 40}:3\n")

    assert not sha1_in_sorted_file(empty, "A" * 40)
    assert sha1_in_sorted_file(single, "a" * 40)
    assert not sha1_in_sorted_file(single, "B" * 40)


def test_the_rules_are_explained_before_anyone_types() -> None:
    from django.contrib.auth.password_validation import password_validators_help_texts

    help_texts = password_validators_help_texts()

    assert TOO_SHORT + "." in help_texts
    assert "Your password must not be one that has appeared in a data breach." in help_texts


def test_deploy_check_warns_only_while_the_breached_list_is_missing(
    settings: Any, tmp_path: Path
) -> None:
    from msht.accounts.checks import BREACHED_LIST_MISSING_ID, breached_password_list_installed

    settings.BREACHED_PASSWORDS_FILE = tmp_path / "missing.txt"
    warnings = breached_password_list_installed(None)
    (tmp_path / "missing.txt").write_text("")

    assert [warning.id for warning in warnings] == [BREACHED_LIST_MISSING_ID]
    assert breached_password_list_installed(None) == []
