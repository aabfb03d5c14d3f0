from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "msht.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence and Pursue"
