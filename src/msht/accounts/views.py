"""Sign-in, the second factor, sign-out and each role's home page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from msht.accounts.middleware import second_factor_not_required
from msht.accounts.models import User
from msht.accounts.rules import Action, require
from msht.accounts.second_factor import (
    CodeCheck,
    CodeResult,
    confirmed_device,
    qr_code_svg,
    second_factor_enforced,
    second_factor_enrolment_confirm,
    second_factor_enrolment_start,
    second_factor_reset,
    second_factor_verify,
    secret_for_display,
    session_verified,
    user_for_second_factor_reset,
)
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


CODE_MISSING = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "Enter the code as 6 digits, like 123456"
CODE_WRONG = "The code is not correct or has been used: enter the code your app shows now"
CODE_THROTTLED = (
    "You entered a wrong code {failures} times in a row. Wait {seconds} seconds, then enter "
    "the code your app shows"
)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(second_factor_not_required, name="dispatch")
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


@method_decorator(second_factor_not_required, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView), so that a link or image cannot sign anyone out."""


class HomeView(TemplateView):
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        require(self.request.user, Action.HOME_VIEW)
        context = super().get_context_data(**kwargs)
        context["tasks"] = home_tasks_for(self.request.user)
        context["second_factor_missing"] = confirmed_device(self.request.user) is None
        return context


class CodeForm(forms.Form):
    """One 6-digit code from an authenticator app (spaces allowed, as some apps show them)."""

    code = forms.CharField(
        label="Code", max_length=20, strip=True, error_messages={"required": CODE_MISSING}
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError(CODE_FORMAT)
        return code

    def add_result_error(self, result: CodeResult) -> None:
        """Say why a code was refused, on the code field."""
        if result.check is CodeCheck.THROTTLED:
            message = CODE_THROTTLED.format(failures=result.failures, seconds=result.wait_seconds)
        else:
            message = CODE_WRONG
        self.add_error("code", message)


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is accepted: ``next`` when it is one of our pages."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # LoginRequiredMiddleware lets only signed-in users here
        raise Http404
    return user


@method_decorator(second_factor_not_required, name="dispatch")
class SecondFactorEnrolView(View):
    """Set up an authenticator app: the secret as a QR code and as text, then a code from it."""

    template_name = "accounts/second_factor_enrol.html"

    def _render(self, request: HttpRequest, form: CodeForm) -> HttpResponse:
        user = _signed_in_user(request)
        device = second_factor_enrolment_start(user)
        context = {
            "form": form,
            "qr_code": qr_code_svg(device),
            "secret": secret_for_display(device),
            "enforced": second_factor_enforced(user),
            "next": _next_url(request),
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if confirmed_device(request.user) is not None:
            return redirect(_next_url(request))
        return self._render(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponseBase:
        if confirmed_device(request.user) is not None:
            return redirect(_next_url(request))
        form = CodeForm(request.POST)
        if form.is_valid():
            user = _signed_in_user(request)
            # A code sent without the page ever shown is checked against a new key (so fails).
            second_factor_enrolment_start(user)
            result = second_factor_enrolment_confirm(request, user, code=form.cleaned_data["code"])
            if result.check is CodeCheck.ACCEPTED:
                return redirect(_next_url(request))
            form.add_result_error(result)
        return self._render(request, form)


@method_decorator(second_factor_not_required, name="dispatch")
class SecondFactorVerifyView(View):
    """After the password: "Enter the 6-digit code from your authenticator app"."""

    template_name = "accounts/second_factor_verify.html"

    def _render(self, request: HttpRequest, form: CodeForm) -> HttpResponse:
        context = {"form": form, "next": _next_url(request)}
        return render(request, self.template_name, context)

    def _elsewhere(self, request: HttpRequest) -> HttpResponseBase | None:
        """Nothing to verify: no app set up yet, or this session already entered a code."""
        if confirmed_device(request.user) is None:
            if second_factor_enforced(request.user):
                return redirect("accounts:second-factor-enrol")
            return redirect(_next_url(request))
        if session_verified(request):
            return redirect(_next_url(request))
        return None

    def get(self, request: HttpRequest) -> HttpResponseBase:
        return self._elsewhere(request) or self._render(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponseBase:
        elsewhere = self._elsewhere(request)
        if elsewhere is not None:
            return elsewhere
        form = CodeForm(request.POST)
        if form.is_valid():
            user = _signed_in_user(request)
            result = second_factor_verify(request, user, code=form.cleaned_data["code"])
            if result.check is CodeCheck.ACCEPTED:
                return redirect(_next_url(request))
            form.add_result_error(result)
        return self._render(request, form)


class SecondFactorResetView(View):
    """An administrator resets another user's second factor (``second_factor.reset``)."""

    template_name = "accounts/second_factor_reset.html"

    def _subject(self, request: HttpRequest, username: str) -> User:
        subject = user_for_second_factor_reset(request.user, username=username)
        if subject is None:
            raise Http404
        require(request.user, Action.SECOND_FACTOR_RESET, subject)
        return subject

    def get(self, request: HttpRequest, username: str) -> HttpResponse:
        subject = self._subject(request, username)
        context = {"subject": subject, "has_device": confirmed_device(subject) is not None}
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, username: str) -> HttpResponse:
        subject = self._subject(request, username)
        removed = second_factor_reset(request.user, user=subject)
        context = {"subject": subject, "removed": removed, "done": True}
        return render(request, self.template_name, context)
