from django.apps import AppConfig


class EstimationConfig(AppConfig):
    name = "msht.estimation"
    label = "estimation"
    verbose_name = "Hidden figure estimation"
