from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "msht.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
