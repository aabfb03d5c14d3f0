"""The administrators' users list: who may open it, what it shows, its filters without
JavaScript, its pages, and the audit of every user shown."""

from __future__ import annotations

import pytest
from django.test import Client

from msht.accounts.models import Role, User
from msht.accounts.selectors import UserFilters, user_list_for_administration
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError
from tests.accounts.factories import (
    AdministratorFactory,
    ConfirmedTotpDeviceFactory,
    DecisionMakerFactory,
    OrganisationFactory,
    UserFactory,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db

USERS = "/users/"


def _listed_reads(actor: User) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type=AuditEventType.RECORD_VIEWED, actor_id=actor.pk, object_type="accounts.user"
        ).order_by("sequence")
    )


def test_the_list_shows_each_users_organisation_role_second_factor_and_last_sign_in() -> None:
    administrator = AdministratorFactory.create(first_name="Fiona", last_name="Campbell")
    organisation = OrganisationFactory.create(name="Kent Police")
    maker = DecisionMakerFactory.create(first_name="Tom", last_name="Reid")
    ConfirmedTotpDeviceFactory.create(user=maker)
    responder = UserFactory.create(first_name="Priya", last_name="Shah", organisation=organisation)
    client = sign_in_verified(Client(), administrator)

    response = client.get(USERS)

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 users" in html
    assert f'href="/users/{maker.username}/second-factor/reset/"' in html
    assert f'href="/users/{responder.username}/second-factor/reset/"' in html
    # No link to reset their own: the rule forbids it.
    assert f'href="/users/{administrator.username}/second-factor/reset/"' not in html
    assert "Fiona Campbell (you)" in html
    assert "Kent Police" in html
    assert Role.DECISION_MAKER.label in html
    assert html.count("Not set up") == 1  # Priya Shah; the administrator signed in with one
    assert "Never" in html  # Priya Shah has not signed in
    assert html.index("Fiona Campbell") < html.index("Tom Reid") < html.index("Priya Shah")


def test_every_user_shown_is_an_audited_read_with_the_filters() -> None:
    administrator = AdministratorFactory.create()
    organisation = OrganisationFactory.create()
    shown = UserFactory.create(organisation=organisation)
    UserFactory.create()
    client = sign_in_verified(Client(), administrator)

    client.get(USERS, {"organisation": organisation.code, "search": ""})

    [event] = _listed_reads(administrator)
    assert event.object_id == str(shown.pk)
    assert event.details == {
        "page": "users list",
        "organisation": organisation.code,
        "search": "",
    }


def test_filter_by_organisation_and_search_by_name_or_email_without_javascript() -> None:
    administrator = AdministratorFactory.create()
    kent, essex = OrganisationFactory.create(), OrganisationFactory.create()
    ana = UserFactory.create(first_name="Ana", last_name="Popescu", organisation=kent)
    UserFactory.create(first_name="Ana", last_name="Jones", organisation=essex)
    bob = UserFactory.create(first_name="Bob", last_name="Smith", organisation=kent)
    bob.email = "robert.smith@police.example.gov.uk"
    bob.save()
    client = sign_in_verified(Client(), administrator)

    by_both = client.get(USERS, {"organisation": kent.code, "search": "ana"}).content.decode()
    assert "1 user<" in by_both
    assert ana.username in by_both
    by_email = client.get(USERS, {"search": "robert.smith"}).content.decode()
    assert "1 user<" in by_email
    assert bob.username in by_email
    by_two_words = client.get(USERS, {"search": "ana jones"}).content.decode()
    assert "1 user<" in by_two_words
    assert "Jones" in by_two_words
    # The organisation filter offers the organisations of listed users, the chosen one kept.
    assert f'<option value="{kent.code}" selected>' in by_both
    # An organisation that is not offered is ignored rather than an error.
    unknown = client.get(USERS, {"organisation": "no-such-organisation", "search": "smith"})
    assert unknown.status_code == 200
    assert "1 user<" in unknown.content.decode()


def test_the_list_comes_in_pages_of_fifty_with_moj_pagination() -> None:
    administrator = AdministratorFactory.create(last_name="Aaronson")
    organisation = OrganisationFactory.create()
    UserFactory.create_batch(55, organisation=organisation)
    client = sign_in_verified(Client(), administrator)

    first = client.get(USERS, {"organisation": organisation.code}).content.decode()
    second = client.get(USERS, {"organisation": organisation.code, "page": "2"}).content.decode()

    assert "moj-pagination" in first
    assert "Showing 1 to 50 of 55 total results" in first
    assert f'href="?organisation={organisation.code}&amp;page=2" rel="next"' in first
    assert "Showing 51 to 55 of 55 total results" in second
    assert 'aria-current="page">2<' in second
    assert len(_listed_reads(administrator)) == 55  # 50, then 5: only those shown


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ADMINISTRATOR}))
def test_no_other_role_opens_the_list(role: Role) -> None:
    user = UserFactory.create(role=role)
    client = sign_in_verified(Client(), user)

    assert client.get(USERS).status_code == 403
    assert _listed_reads(user) == []
    with pytest.raises(PermissionDeniedError):
        user_list_for_administration(user, filters=UserFilters())


def test_the_administrators_home_page_links_to_the_list() -> None:
    client = sign_in_verified(Client(), AdministratorFactory.create())

    assert f'href="{USERS}"' in client.get("/").content.decode()
