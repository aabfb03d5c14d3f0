"""Load first responder organisations, competent authorities and Home Office units."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from msht.core.migration_utils import load_yaml_beside


def load(apps: Any, schema_editor: Any) -> None:
    data = load_yaml_beside(__file__, "organisations.yaml")
    organisation = apps.get_model("accounts", "Organisation")
    area_model = apps.get_model("core", "PoliceForceArea")
    areas = {area.code: area for area in area_model.objects.all()}
    for area in areas.values():
        # "Metropolitan Police", "Police Scotland" and PSNI already say they are police.
        name = area.name if "Police" in area.name else f"{area.name} Police"
        organisation.objects.update_or_create(
            code=f"police-{area.code}",
            defaults={
                "name": name,
                "organisation_type": "police_force",
                "police_force_area": area,
                "nation": area.nation,
            },
        )
    for entry in data["national"]:
        organisation.objects.update_or_create(code=entry["code"], defaults=entry)
    for entry in data["ngos"]:
        defaults = {**entry, "organisation_type": "ngo", "is_specified_first_responder": True}
        organisation.objects.update_or_create(code=entry["code"], defaults=defaults)
    for entry in data["health_and_social_care_trusts"]:
        defaults = {**entry, "organisation_type": "hsc_trust", "nation": "northern_ireland"}
        organisation.objects.update_or_create(code=entry["code"], defaults=defaults)
    for entry in data["local_authorities"]:
        defaults = {
            **entry,
            "organisation_type": "local_authority",
            "police_force_area": areas[entry["police_force_area"]],
        }
        organisation.objects.update_or_create(code=entry["code"], defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("core", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
