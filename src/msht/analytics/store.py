"""Where the analytics store lives and how to open it read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.conf import settings

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
