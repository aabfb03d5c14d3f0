from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "msht.analytics"
    label = "analytics"
    verbose_name = "Analytics and national statistics"
