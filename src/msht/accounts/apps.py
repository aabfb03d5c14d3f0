from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "msht.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from django.contrib.auth import signals
        from django.core import checks

        from msht.accounts import session_audit
        from msht.accounts.checks import breached_password_list_installed

        checks.register(breached_password_list_installed, checks.Tags.security, deploy=True)

        signals.user_logged_in.connect(session_audit.audit_signed_in, dispatch_uid="msht-in")
        signals.user_logged_out.connect(session_audit.audit_signed_out, dispatch_uid="msht-out")
        signals.user_login_failed.connect(
            session_audit.audit_sign_in_failed, dispatch_uid="msht-failed"
        )
