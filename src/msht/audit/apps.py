from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "msht.audit"
    label = "audit"
    verbose_name = "Audit trail"
