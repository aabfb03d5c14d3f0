"""Sign-in, sign-out, each role's home page, the error pages and the headers on every page."""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from django.utils.html import escape

from msht.accounts.models import Role, User
from msht.accounts.rules import PERMISSION_DENIED
from msht.accounts.selectors import home_tasks_for
from msht.accounts.views import PASSWORD_MISSING, SIGN_IN_FAILED, USERNAME_MISSING
from msht.core.errors import PermissionDeniedError
from tests.accounts.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db

PASSWORD = "a long demo passphrase"  # the factories' password
HOME = "/"
SIGN_IN = "/sign-in/"
SIGN_OUT = "/sign-out/"
REFUSING = "/test-refusing/"


def _refusing_view(request: HttpRequest) -> HttpResponse:
    raise PermissionDeniedError(PERMISSION_DENIED)


# Used by the tests marked `urls(__name__)`: the real pages plus one view that is refused.
urlpatterns = [
    path(REFUSING.strip("/") + "/", _refusing_view),
    path("", include("msht.accounts.urls")),
]


def _signed_in(role: Role = Role.FIRST_RESPONDER) -> tuple[Client, User]:
    user = UserFactory.create(role=role)
    client = sign_in_verified(Client(), user)
    return client, user


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert match is not None
    return " ".join(match.group(1).split())


def test_urls_are_the_ones_these_tests_request() -> None:
    assert (reverse("accounts:home"), reverse("accounts:sign-in")) == (HOME, SIGN_IN)
    assert reverse("accounts:sign-out") == SIGN_OUT


def test_anonymous_visitor_to_home_is_sent_to_sign_in() -> None:
    response = Client().get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={HOME}"


def test_sign_in_page_has_labelled_govuk_fields() -> None:
    response = Client().get(SIGN_IN)
    html = response.content.decode()
    assert response.status_code == 200
    assert _title(html).startswith("Sign in - ")
    assert '<label class="govuk-label" for="id_username">' in html
    assert '<label class="govuk-label" for="id_password">' in html
    assert 'autocomplete="current-password"' in html
    assert "govuk-error-summary" not in html


def test_sign_in_with_the_right_password_goes_to_home() -> None:
    user = UserFactory.create(role=Role.ANALYST)
    client = Client()
    response = client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_sign_in_returns_to_the_page_first_asked_for() -> None:
    user = UserFactory.create()
    response = Client().post(
        f"{SIGN_IN}?next={HOME}", {"username": user.username, "password": PASSWORD, "next": HOME}
    )
    assert response["Location"] == HOME


def test_wrong_password_shows_a_govuk_error_summary_and_an_inline_error() -> None:
    user = UserFactory.create()
    client = Client()
    response = client.post(SIGN_IN, {"username": user.username, "password": "not the password"})
    html = response.content.decode()
    assert response.status_code == 200
    assert _title(html).startswith("Error: Sign in")
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#id_username">{SIGN_IN_FAILED}</a>' in html
    assert 'id="id_username-error" class="govuk-error-message"' in html
    assert 'aria-describedby="id_username-error"' in html
    assert "govuk-input--error" in html
    # Still signed out, and the password is not echoed back.
    assert "not the password" not in html
    assert client.get(HOME).status_code == 302


def test_unknown_username_gets_the_same_message_as_a_wrong_password() -> None:
    response = Client().post(SIGN_IN, {"username": "nobody", "password": "whatever it is"})
    assert SIGN_IN_FAILED in response.content.decode()


def test_empty_sign_in_names_each_missing_field() -> None:
    response = Client().post(SIGN_IN, {"username": "", "password": ""})
    html = response.content.decode()
    assert f'<a href="#id_username">{USERNAME_MISSING}</a>' in html
    assert f'<a href="#id_password">{PASSWORD_MISSING}</a>' in html
    assert 'id="id_password-error" class="govuk-error-message"' in html


def test_inactive_user_cannot_sign_in() -> None:
    user = UserFactory.create(is_active=False)
    response = Client().post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert SIGN_IN_FAILED in response.content.decode()


def test_signed_in_user_visiting_sign_in_goes_home() -> None:
    client, _ = _signed_in()
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == HOME


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_home_tasks(role: Role) -> None:
    client, user = _signed_in(role)
    response = client.get(HOME)
    html = response.content.decode()
    own_tasks = home_tasks_for(user)
    assert response.status_code == 200
    assert own_tasks, f"{role} has no tasks"
    assert _title(html).startswith(f"{role.label} - ")
    assert f'<h1 class="govuk-heading-l">{role.label}</h1>' in html
    for task in own_tasks:
        assert escape(task.title) in html
        assert escape(task.description) in html
    own_titles = {task.title for task in own_tasks}
    for other in Role:
        for task in home_tasks_for(User(role=other, is_active=True)):
            if task.title not in own_titles:
                assert escape(task.title) not in html, f"{role} sees {other}'s task {task.title!r}"


def test_header_names_the_signed_in_user_and_organisation() -> None:
    client, user = _signed_in()
    html = client.get(HOME).content.decode()
    assert user.organisation is not None
    assert f"{user.get_full_name()}, {user.organisation.name}" in html
    assert "Modern slavery and human trafficking" in html
    assert 'class="govuk-skip-link"' in html
    assert 'class="govuk-phase-banner govuk-width-container"' in html


def test_sign_out_is_a_post_form_with_a_csrf_token() -> None:
    client, _ = _signed_in()
    html = client.get(HOME).content.decode()
    form = re.search(r'<form method="post" action="/sign-out/".*?</form>', html, re.DOTALL)
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(0)


def test_sign_out_refuses_get() -> None:
    client, _ = _signed_in()
    assert client.get(SIGN_OUT).status_code == 405
    assert client.get(HOME).status_code == 200


def test_sign_out_by_post_ends_the_session() -> None:
    client, _ = _signed_in()
    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert client.get(HOME).status_code == 302


def test_sign_out_needs_the_csrf_token() -> None:
    user = UserFactory.create()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(SIGN_OUT).status_code == 403
    assert client.get(HOME).status_code == 200


@pytest.mark.urls(__name__)
def test_permission_denied_error_answers_the_403_page() -> None:
    client, _ = _signed_in()
    response = client.get(REFUSING)
    html = response.content.decode()
    assert response.status_code == 403
    assert _title(html).startswith("You cannot do this - ")
    assert "ask your administrator" in html


def test_unknown_page_answers_the_404_page() -> None:
    client, _ = _signed_in()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert _title(response.content.decode()).startswith("Page not found - ")


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("url", [HOME, SIGN_IN, "/no-such-page/"])
def test_pages_are_never_stored_by_browsers_or_proxies(url: str, signed_in: bool) -> None:
    client = _signed_in()[0] if signed_in else Client()
    response = client.get(url)
    assert "no-store" in response["Cache-Control"]


def test_failed_sign_in_page_is_not_stored() -> None:
    response = Client().post(SIGN_IN, {"username": "someone", "password": "wrong password"})
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", [HOME, SIGN_IN])
def test_pages_have_a_strict_content_security_policy_and_no_inline_script(url: str) -> None:
    client, _ = _signed_in()
    response = client.get(url, follow=True)
    policy = response["Content-Security-Policy"]
    html = response.content.decode()
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html
    assert "<style" not in html
