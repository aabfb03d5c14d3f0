"""Sign-in, the second factor (setting up an app, moving to a new one) and its recovery codes,
sign-out, each role's home page and the administrators' list of users."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
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
    looks_like_recovery_code,
    qr_code_svg,
    recovery_codes_left,
    second_factor_enforced,
    second_factor_enrolment_confirm,
    second_factor_enrolment_start,
    second_factor_recovery_codes_regenerate,
    second_factor_replace,
    second_factor_replacement_start,
    second_factor_reset,
    second_factor_verify,
    secret_for_display,
    session_verified,
    session_verified_with_recovery_code,
    user_for_second_factor_reset,
)
from msht.accounts.selectors import (
    UserFilters,
    home_tasks_for,
    user_list_for_administration,
    user_list_organisations,
    user_list_read,
)
from msht.accounts.sessions import SIGNED_OUT_REASON, signed_out_message
from msht.core.pagination import paginated

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
RECOVERY_CODE_EXAMPLE = "abcd-efgh-jkmn-pqrs-tvwx-yz12"
CODE_OR_RECOVERY_CODE_FORMAT = (
    f"{CODE_FORMAT}, or a recovery code as 24 letters and numbers, like {RECOVERY_CODE_EXAMPLE}"
)
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
        missing = confirmed_device(self.request.user) is None
        context["second_factor_missing"] = missing
        # Anyone with an app sees how many recovery codes they have left, and where to renew.
        context["recovery_codes_left"] = (
            None if missing else recovery_codes_left(_signed_in_user(self.request))
        )
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


class CodeOrRecoveryCodeForm(CodeForm):
    """At sign-in: a code from the app, or one of the user's recovery codes."""

    code = forms.CharField(
        label="Code", max_length=40, strip=True, error_messages={"required": CODE_MISSING}
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if looks_like_recovery_code(code):
            return code
        digits = "".join(code.split())
        if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
            raise ValidationError(CODE_OR_RECOVERY_CODE_FORMAT)
        return digits


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
                # Shown in this answer only: the codes are stored hashed, never in the session.
                return _recovery_codes_page(request, result.recovery_codes, first_set=True)
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
        return self._elsewhere(request) or self._render(request, CodeOrRecoveryCodeForm())

    def post(self, request: HttpRequest) -> HttpResponseBase:
        elsewhere = self._elsewhere(request)
        if elsewhere is not None:
            return elsewhere
        form = CodeOrRecoveryCodeForm(request.POST)
        if form.is_valid():
            user = _signed_in_user(request)
            result = second_factor_verify(request, user, code=form.cleaned_data["code"])
            if result.check is CodeCheck.ACCEPTED:
                if session_verified_with_recovery_code(request):
                    # Say how many codes are left and offer a new app before going on.
                    return _redirect_with_next(request, "accounts:recovery-code-used")
                return redirect(_next_url(request))
            form.add_result_error(result)
        return self._render(request, form)


def _redirect_with_next(request: HttpRequest, url_name: str) -> HttpResponseBase:
    return redirect(f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}")


class RecoveryCodeUsedView(View):
    """After a recovery code: how many are left, and "Set up a new authenticator app".

    Behind the second factor; any other session goes straight on to ``next``.
    """

    template_name = "accounts/recovery_code_used.html"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not session_verified_with_recovery_code(request):
            return redirect(_next_url(request))
        context = {
            "codes_left": recovery_codes_left(_signed_in_user(request)),
            "next": _next_url(request),
        }
        return render(request, self.template_name, context)


class SecondFactorReplaceView(View):
    """Set up a new authenticator app in place of the one the user has (or lost).

    Behind the second factor: only a session verified in this sign-in, with a code from the
    old app or a recovery code, reaches it (and the service checks again).
    """

    template_name = "accounts/second_factor_replace.html"

    def _render(self, request: HttpRequest, form: CodeForm) -> HttpResponse:
        device = second_factor_replacement_start(_signed_in_user(request))
        context = {
            "form": form,
            "qr_code": qr_code_svg(device),
            "secret": secret_for_display(device),
            "next": _next_url(request),
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if confirmed_device(request.user) is None:
            return redirect("accounts:second-factor-enrol")
        return self._render(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponseBase:
        if confirmed_device(request.user) is None:
            return redirect("accounts:second-factor-enrol")
        form = CodeForm(request.POST)
        if form.is_valid():
            user = _signed_in_user(request)
            # A code sent without the page ever shown is checked against a new key (so fails).
            second_factor_replacement_start(user)
            result = second_factor_replace(request, user, code=form.cleaned_data["code"])
            if result.check is CodeCheck.ACCEPTED:
                return _recovery_codes_page(request, result.recovery_codes, replaced=True)
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


def _recovery_codes_page(
    request: HttpRequest,
    codes: tuple[str, ...],
    *,
    first_set: bool = False,
    replaced: bool = False,
) -> HttpResponse:
    """The recovery codes, shown once: this answer is the only place they appear."""
    context = {
        "codes": codes,
        "first_set": first_set,
        "replaced": replaced,
        "next": _next_url(request),
    }
    return render(request, "accounts/recovery_codes_issued.html", context)


class RecoveryCodesView(View):
    """A user's recovery codes: how many are left, and a new set (the old ones stop working).

    Behind the second factor: only a session that entered a code reaches it.
    """

    template_name = "accounts/recovery_codes.html"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        user = _signed_in_user(request)
        if confirmed_device(user) is None:
            return redirect("accounts:second-factor-enrol")
        context = {"codes_left": recovery_codes_left(user)}
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponseBase:
        user = _signed_in_user(request)
        if confirmed_device(user) is None:
            return redirect("accounts:second-factor-enrol")
        codes = second_factor_recovery_codes_regenerate(user)
        return _recovery_codes_page(request, codes)


USERS_PAGE_SIZE = 50


class UserFilterForm(forms.Form):
    """The users list's filters, as a GET form (works without JavaScript)."""

    organisation = forms.ChoiceField(required=False)
    search = forms.CharField(required=False, max_length=200, strip=True)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "All organisations"), *organisations]

    def filters(self) -> UserFilters:
        if not self.is_valid():
            return UserFilters(search=str(self.data.get("search", ""))[:200].strip())
        return UserFilters(
            organisation=self.cleaned_data["organisation"], search=self.cleaned_data["search"]
        )


class UserListView(View):
    """Administrators' list of users, each linked to the reset of their second factor."""

    template_name = "accounts/users.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        organisations = user_list_organisations(request.user)
        form = UserFilterForm(
            request.GET, organisations=[(org.code, org.name) for org in organisations]
        )
        filters = form.filters()
        users = user_list_for_administration(request.user, filters=filters)
        paging = paginated(request, users, USERS_PAGE_SIZE)
        shown = list(paging["page"].object_list)
        user_list_read(request.user, shown, filters=filters)
        context = {"filter_form": form, "filters": filters, "users": shown, **paging}
        return render(request, self.template_name, context)
