"""Where the analytics store lives, how to open it read-only, and how a refresh stages a new
store beside it before putting it in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
from django.conf import settings

from msht.core import policy
from msht.core.errors import ConfigurationError

STORE_FILE_NAME = "analytics.duckdb"
NO_STORE = "There is no analytics store yet: run 'msht analytics refresh' first."


def default_store_path() -> Path:
    """``VAR_DIR/analytics.duckdb`` unless settings name another (ANALYTICS_STORE)."""
    configured = getattr(settings, "ANALYTICS_STORE", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / STORE_FILE_NAME


def open_store(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the analytics store; ConfigurationError when it is missing."""
    store = path or default_store_path()
    if not store.is_file():
        raise ConfigurationError(NO_STORE)
    return duckdb.connect(str(store), read_only=True)


def dashboard_threshold() -> int:
    """The dashboards' threshold of primary suppression (policy disclosure_minimum_count)."""
    return int(policy.DISCLOSURE_MINIMUM_COUNT.default)


def staging_path(destination: Path) -> Path:
    """A free name beside ``destination`` for the store being built (no file there yet)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".staging", dir=destination.parent
    )
    os.close(handle)
    staging = Path(name)
    staging.unlink()  # DuckDB creates the file itself
    return staging


def put_in_place(staging: Path, destination: Path) -> None:
    """Rename the staged store over ``destination``: readers see the old store or the new
    one, with its dashboards, never a store without them."""
    os.replace(staging, destination)


def remove_staging(staging: Path) -> None:
    """Remove what a failed refresh left of its staged store."""
    for leftover in (staging, Path(f"{staging}.wal")):
        leftover.unlink(missing_ok=True)
