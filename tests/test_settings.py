"""Settings come from the environment with safe defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _settings_in_subprocess(
    env: dict[str, str], expression: str
) -> subprocess.CompletedProcess[str]:
    """Import the settings afresh, as a new process would, and print one expression."""
    code = f"import msht.settings as s; print({expression})"
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("MSHT_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_unless_set(tmp_path: Path) -> None:
    off = _settings_in_subprocess({"MSHT_VAR_DIR": str(tmp_path)}, "s.DEBUG")
    on = _settings_in_subprocess({"MSHT_VAR_DIR": str(tmp_path), "MSHT_DEBUG": "1"}, "s.DEBUG")
    assert off.stdout.strip() == "False"
    assert on.stdout.strip() == "True"


def test_development_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = _settings_in_subprocess({"MSHT_VAR_DIR": str(tmp_path)}, "s.SECRET_KEY")
    second = _settings_in_subprocess({"MSHT_VAR_DIR": str(tmp_path)}, "s.SECRET_KEY")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _settings_in_subprocess(
        {"MSHT_VAR_DIR": str(tmp_path), "MSHT_ENVIRONMENT": "production"}, "s.SECRET_KEY"
    )
    assert result.returncode != 0
    assert "MSHT_SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_database_defaults_to_sqlite_under_var_and_follows_database_url(tmp_path: Path) -> None:
    default = _settings_in_subprocess(
        {"MSHT_VAR_DIR": str(tmp_path)}, "s.DATABASES['default']['NAME']"
    )
    assert default.stdout.strip() == str(tmp_path / "msht.sqlite3")
    postgres = _settings_in_subprocess(
        {"MSHT_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@db.example:5432/msht"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
    )
    assert postgres.stdout.strip() == "django.db.backends.postgresql msht"


def test_audit_checkpoint_file_defaults_under_var_and_follows_its_variable(tmp_path: Path) -> None:
    default = _settings_in_subprocess({"MSHT_VAR_DIR": str(tmp_path)}, "s.AUDIT_CHECKPOINT_FILE")
    path = Path(default.stdout.strip())
    assert path.parent == tmp_path / "audit"
    assert path.name.startswith("msht-")
    assert path.suffix == ".checkpoints"
    chosen = tmp_path / "elsewhere" / "audit.log"
    moved = _settings_in_subprocess(
        {"MSHT_VAR_DIR": str(tmp_path), "MSHT_AUDIT_CHECKPOINT_FILE": str(chosen)},
        "s.AUDIT_CHECKPOINT_FILE",
    )
    assert moved.stdout.strip() == str(chosen)


def test_each_database_gets_its_own_audit_checkpoint_file(tmp_path: Path) -> None:
    """A scratch benchmark database must not write into the real store's checkpoints."""

    def checkpoint_file(database_url: str) -> str:
        env = {"MSHT_VAR_DIR": str(tmp_path), "DATABASE_URL": database_url}
        return _settings_in_subprocess(env, "s.AUDIT_CHECKPOINT_FILE").stdout.strip()

    files = {
        checkpoint_file("postgres://u@db.example:5432/msht"),
        checkpoint_file("postgres://u@db.example:5432/msht_api_bench"),
        checkpoint_file("postgres://u@other.example:5432/msht"),
        checkpoint_file(f"sqlite:///{tmp_path / 'msht.sqlite3'}"),
    }
    assert len(files) == 4
    assert all(name.endswith(".checkpoints") for name in files)


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A deployment's environment: none of ours, and none of Django's test-time switches (the
    # browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process, which check --deploy
    # rightly refuses).
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MSHT_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "msht.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _production(tmp_path: Path) -> dict[str, str]:
    return {
        "MSHT_VAR_DIR": str(tmp_path),
        "MSHT_ENVIRONMENT": "production",
        "MSHT_SECRET_KEY": "k" * 20 + "-a-production-secret-key-of-some-length-" + "q" * 20,
        "MSHT_ALLOWED_HOSTS": "msht.example.gov.uk",
        # The audit chain's key (check audit.E001): given by the deployment, never generated.
        "MSHT_AUDIT_KEY": "an-audit-key-held-outside-the-database-" + "x7Q2" * 4,
    }


def test_deploy_checks_are_clean_in_production(tmp_path: Path) -> None:
    breached = tmp_path / "pwned-passwords-sha1.txt"
    breached.write_text("")

    result = _deploy_check({**_production(tmp_path), "MSHT_BREACHED_PASSWORDS_FILE": str(breached)})

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_checks_warn_when_the_breached_password_list_is_missing(tmp_path: Path) -> None:
    result = _deploy_check(_production(tmp_path))

    assert result.returncode != 0
    assert "msht.W001" in result.stderr
    assert "System check identified 1 issue" in result.stderr  # Django's own are satisfied


def test_development_settings_would_fail_the_deploy_checks(tmp_path: Path) -> None:
    """The check has teeth: the development settings (no HTTPS) do not pass it."""
    result = _deploy_check({"MSHT_VAR_DIR": str(tmp_path)})

    assert result.returncode != 0
    assert "security.W008" in result.stderr
