from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "msht.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from msht.audit.services import audit_checkpoints_restart
        from msht.core.ops.backup import store_restored

        store_restored.connect(audit_checkpoints_restart, dispatch_uid="msht-audit-restored")
