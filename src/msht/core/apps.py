from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "msht.core"
    label = "core"
    verbose_name = "Reference data"
