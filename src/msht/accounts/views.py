"""Sign-in, sign-out and each role's home page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from msht.accounts.rules import Action, require
from msht.accounts.selectors import home_tasks_for
from msht.accounts.sessions import SIGNED_OUT_REASON, signed_out_message

# GOV.UK error messages: say what to do (design-system.service.gov.uk, 'Error message').
USERNAME_MISSING = "Enter your username"
PASSWORD_MISSING = "Enter your password"  # noqa: S105 - a message, not a password
SIGN_IN_FAILED = "Enter a correct username and password (both are case-sensitive)"
# django-axes answers 429 Too Many Requests while a username is locked out.
LOCKED_OUT_STATUS = 429


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK error messages, each attached to a field.

    A failed sign-in is reported on the username field without saying which of the two was
    wrong, so the page does not tell anyone which usernames exist.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = USERNAME_MISSING
        self.fields["password"].error_messages["required"] = PASSWORD_MISSING

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as error:
            self.add_error("username", error)
            return self.cleaned_data


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Said once: the reason a timeout signed this browser out (accounts.middleware).
        context["signed_out_message"] = signed_out_message(
            self.request.session.pop(SIGNED_OUT_REASON, "")
        )
        return context


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer after too many failed sign-ins (settings.AXES_LOCKOUT_CALLABLE)."""
    context = {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/locked_out.html", context, status=LOCKED_OUT_STATUS)


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView), so that a link or image cannot sign anyone out."""


class HomeView(TemplateView):
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        require(self.request.user, Action.HOME_VIEW)
        context = super().get_context_data(**kwargs)
        context["tasks"] = home_tasks_for(self.request.user)
        return context
