"""Load the example inspection report with its three recommendations, and the competencies
required per role, from governance_example.yaml beside this migration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

from msht.core import policy
from msht.core.migration_utils import load_yaml_beside


def load(apps: Any, schema_editor: Any) -> None:
    data = load_yaml_beside(__file__, "governance_example.yaml")
    report_model = apps.get_model("governance", "InspectionReport")
    recommendation_model = apps.get_model("governance", "Recommendation")
    competency_model = apps.get_model("governance", "Competency")
    organisation_model = apps.get_model("accounts", "Organisation")
    strand_model = apps.get_model("core", "Strand")
    weeks = policy.INSPECTION_RESPONSE_WEEKS.default
    for entry in data["inspection_reports"]:
        received_on: dt.date = entry["received_on"]
        report, _ = report_model.objects.update_or_create(
            title=entry["title"],
            defaults={
                "inspectorate": entry["inspectorate"],
                "received_on": received_on,
                "response_due_on": received_on + dt.timedelta(weeks=weeks),
                "published_on": entry.get("published_on"),
                "rules_version": f"{policy.INSPECTION_RESPONSE_WEEKS.name}="
                f"{policy.INSPECTION_RESPONSE_WEEKS.version}",
            },
        )
        for item in entry["recommendations"]:
            recommendation, _ = recommendation_model.objects.update_or_create(
                report=report, number=item["number"], defaults={"text": item["text"]}
            )
            recommendation.addressed_to.set(
                organisation_model.objects.filter(code__in=item["addressed_to"])
            )
    strands = {strand.code: strand for strand in strand_model.objects.all()}
    for entry in data["competencies"]:
        competency_model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "required_for_roles": entry["required_for_roles"],
                "strand": strands.get(entry["strand"]),
                "renew_after_months": entry["renew_after_months"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_indicator_values_raci_action_status"),
        ("accounts", "0002_organisations"),
        ("core", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
