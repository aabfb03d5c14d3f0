from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "msht.synth"
    label = "synth"
    verbose_name = "Synthetic data"
