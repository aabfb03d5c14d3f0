from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "msht.quality"
    label = "quality"
    verbose_name = "Data quality"
