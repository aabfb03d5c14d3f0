from django.apps import AppConfig


class FairnessConfig(AppConfig):
    name = "msht.fairness"
    label = "fairness"
    verbose_name = "Decision monitoring"
