from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "msht.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
