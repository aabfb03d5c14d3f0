from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "msht.governance"
    label = "governance"
    verbose_name = "Governance"
