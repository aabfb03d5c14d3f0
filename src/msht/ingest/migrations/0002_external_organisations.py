"""Organisations for the outside sources (CTDC, HTCDS) whose rows become person records."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from msht.core.migration_utils import load_yaml_beside


def load(apps: Any, schema_editor: Any) -> None:
    organisation = apps.get_model("accounts", "Organisation")
    for entry in load_yaml_beside(__file__, "external_organisations.yaml")["organisations"]:
        organisation.objects.update_or_create(code=entry["code"], defaults=entry)


class Migration(migrations.Migration):
    dependencies = [("ingest", "0001_initial"), ("accounts", "0002_organisations")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
