"""Load exploitation types, ILO indicators, strands, police force areas and nationalities."""

from __future__ import annotations

from typing import Any

import pycountry
from django.db import migrations

from msht.core.migration_utils import load_yaml_beside

# Kosovo has no ISO 3166-1 entry; XKX is the code the UK and the EU use for it.
EXTRA_NATIONALITIES = [{"code": "XKX", "alpha_2": "XK", "name": "Kosovo"}]


def load(apps: Any, schema_editor: Any) -> None:
    data = load_yaml_beside(__file__, "reference_data.yaml")
    for model_name, key in (
        ("ExploitationType", "exploitation_types"),
        ("IloIndicator", "ilo_indicators"),
        ("Strand", "strands"),
    ):
        model = apps.get_model("core", model_name)
        for order, entry in enumerate(data[key], start=1):
            model.objects.update_or_create(
                code=entry["code"], defaults={**entry, "display_order": order}
            )
    area_model = apps.get_model("core", "PoliceForceArea")
    for entry in data["police_force_areas"]:
        area_model.objects.update_or_create(code=entry["code"], defaults=entry)
    nationality_model = apps.get_model("core", "Nationality")
    countries = [
        {"code": c.alpha_3, "alpha_2": c.alpha_2, "name": getattr(c, "common_name", c.name)}
        for c in pycountry.countries
    ]
    for entry in countries + EXTRA_NATIONALITIES:
        nationality_model.objects.update_or_create(code=entry["code"], defaults=entry)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
