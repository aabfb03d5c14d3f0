"""The keyed chain: a nullable ``hash_version`` column, added without touching a row.

Both vendors add a nullable column without a default by changing the table's definition
only (SQLite ``ALTER TABLE ... ADD COLUMN``, no rebuild, so the append-only triggers stay;
PostgreSQL stores no value per row), so no UPDATE reaches the trail: existing events keep
their plain hashes and an empty version. The first migrate after this one appends a keyed
event chained to them (``msht.audit.services.audit_chain_seal``, on post_migrate).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_disclosure_and_erasure_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="event_type",
            field=models.CharField(
                choices=[
                    ("record.viewed", "A person's record was read"),
                    ("record.created", "A record was created"),
                    ("record.changed", "A record was changed"),
                    ("record.exported", "Records were exported"),
                    (
                        "record.disclosed",
                        "A person's records were disclosed (subject access), with justification and recipient",
                    ),
                    (
                        "record.erased",
                        "A record was deleted or anonymised under the retention rules",
                    ),
                    ("session.signed_in", "A user signed in"),
                    ("session.signed_out", "A user signed out"),
                    ("session.sign_in_failed", "A sign-in failed"),
                    ("permission.refused", "An action was refused"),
                    ("user.created", "A user was created"),
                    ("data.loaded", "A data set was loaded"),
                    ("ingest.batch", "An agency export was ingested"),
                    ("ingest.quarantine_resubmitted", "A quarantined row was corrected"),
                    ("linkage.run", "Records were combined by a linkage run"),
                    ("linkage.entity_merged", "Two entities were merged by linkage"),
                    ("linkage.entity_split", "An entity was split by linkage"),
                    ("linkage.clerical_decision", "A reviewer decided a record pair"),
                    ("analytics.refreshed", "The pseudonymised analytics store was refreshed"),
                    ("statistics.published", "Statistics were published"),
                    ("audit.chain_keyed", "The audit trail's hashes were keyed from this event on"),
                ],
                max_length=64,
            ),
        ),
    ]
