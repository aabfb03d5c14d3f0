from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "msht.ingest"
    label = "ingest"
    verbose_name = "Ingest"
