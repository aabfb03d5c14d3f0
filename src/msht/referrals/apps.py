from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "msht.referrals"
    label = "referrals"
    verbose_name = "Referrals"
