from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "msht.decisions"
    label = "decisions"
    verbose_name = "Decisions"
