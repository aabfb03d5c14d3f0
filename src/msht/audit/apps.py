from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "msht.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from msht.audit.checks import audit_key_configured
        from msht.audit.services import audit_chain_seal_after_migrate, audit_checkpoints_restart
        from msht.core.ops.backup import store_restored

        checks.register(audit_key_configured, checks.Tags.security, deploy=True)
        store_restored.connect(audit_checkpoints_restart, dispatch_uid="msht-audit-restored")
        post_migrate.connect(
            audit_chain_seal_after_migrate, sender=self, dispatch_uid="msht-audit-keyed"
        )
