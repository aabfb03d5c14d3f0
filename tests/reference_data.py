"""Putting the migrations' reference data back after a test that flushed the database."""

from __future__ import annotations

import importlib

# The data migrations that load reference data; their loaders are idempotent.
REFERENCE_DATA_MIGRATIONS = (
    "msht.core.migrations.0002_reference_data",
    "msht.accounts.migrations.0002_organisations",
)


def load_reference_data() -> None:
    """Run the reference-data loaders of the migrations again (they update or create)."""
    from django.apps import apps as django_apps

    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).load(django_apps, None)
