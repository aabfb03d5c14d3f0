"""The MOJ filter include (templates/includes/moj_filter.html): the one copy of the MOJ
filter markup, a plain GET form that works without JavaScript, used by every list page
with filters; each page keeps its own fields, action and "Clear filters" link."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Engine, Template
from django.template.loader import render_to_string
from django.test import Client
from django.test.html import Element, parse_html
from django.urls import reverse
from pytest_django.asserts import assertInHTML, assertTemplateUsed

from tests.accounts.factories import (
    AdministratorFactory,
    DecisionMakerFactory,
    OrganisationFactory,
    UserFactory,
    sign_in_verified,
)

INCLUDE = "includes/moj_filter.html"
# The page's own fields stand in for any page's: the include must place them, not know them.
PROBE_FIELDS = Template(
    '<input class="govuk-input" id="id_probe" name="probe" value="{{ probe }}">'
)


def _render(**context: object) -> str:
    return render_to_string(INCLUDE, {"options_template": PROBE_FIELDS, **context})


def test_the_include_puts_the_pages_fields_between_apply_and_clear_in_a_get_form() -> None:
    html = _render(action="/users/", clear_href="/users/?page=1", probe="kent")

    assertInHTML(
        """
        <div class="moj-filter-layout__filter">
          <div class="moj-filter">
            <div class="moj-filter__header">
              <div class="moj-filter__header-title"><h2 class="govuk-heading-m">Filter</h2></div>
            </div>
            <div class="moj-filter__content">
              <form method="get" action="/users/" novalidate>
                <div class="moj-filter__options">
                  <button type="submit" class="govuk-button" data-module="govuk-button">
                    Apply filters
                  </button>
                  <input class="govuk-input" id="id_probe" name="probe" value="kent">
                  <p class="govuk-body">
                    <a class="govuk-link govuk-link--no-visited-state" href="/users/?page=1">
                      Clear filters
                    </a>
                  </p>
                </div>
              </form>
            </div>
          </div>
        </div>
        """,
        html,
        count=1,
    )


def test_an_empty_action_submits_the_filters_to_the_page_itself() -> None:
    html = _render(action="", clear_href="/cases/")

    assert 'action=""' in html


def test_the_action_and_clear_link_are_escaped() -> None:
    html = _render(action='/x/?a=1&b="2"', clear_href="/x/?c=<3>")

    assert 'action="/x/?a=1&amp;b=&quot;2&quot;"' in html
    assert 'href="/x/?c=&lt;3&gt;"' in html


def test_no_template_but_the_include_carries_the_moj_filter_markup() -> None:
    # A copy of the filter markup in a page is what the include replaced; it must not return.
    include = Path(Engine.get_default().get_template(INCLUDE).origin.name)
    templates = include.parent.parent
    copies = sorted(
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if path != include and "moj-filter__header" in path.read_text()
    )

    assert copies == []


def _filter_form(html: str) -> Element:
    """The <form> inside the page's MOJ filter (there must be exactly one filter)."""
    filters = [element for element in _walk(parse_html(html)) if _has_class(element, "moj-filter")]
    assert len(filters) == 1
    forms = [element for element in _walk(filters[0]) if element.name == "form"]
    assert len(forms) == 1
    return forms[0]


def _walk(element: Element) -> list[Element]:
    found = [element]
    for child in element.children:
        if isinstance(child, Element):
            found.extend(_walk(child))
    return found


def _has_class(element: Element, name: str) -> bool:
    return name in (dict(element.attributes).get("class") or "").split()


def _fields(form: Element) -> dict[str, str]:
    """What the form submits: each named input's value (checked boxes only), each select's
    selected option."""
    submitted: dict[str, str] = {}
    for element in _walk(form):
        attributes = dict(element.attributes)
        if element.name == "input" and (
            attributes.get("type") != "checkbox" or "checked" in attributes
        ):
            submitted[attributes["name"] or ""] = attributes.get("value") or ""
        if element.name == "select":
            options = [option for option in _walk(element) if option.name == "option"]
            chosen = [
                dict(option.attributes)
                for option in options
                if "selected" in dict(option.attributes)
            ]
            submitted[attributes["name"] or ""] = (chosen[0]["value"] or "") if chosen else ""
    return submitted


def _clear_href(form: Element) -> str:
    links = [element for element in _walk(form) if element.name == "a"]
    assert [str(link.children[0]) for link in links] == ["Clear filters"]
    return dict(links[0].attributes)["href"] or ""


@pytest.mark.django_db
def test_the_users_list_filters_through_the_include_with_its_own_fields() -> None:
    kent = OrganisationFactory.create(name="Kent Police")
    UserFactory.create(first_name="Priya", last_name="Shah", organisation=kent)
    client = sign_in_verified(Client(), AdministratorFactory.create())
    users = reverse("accounts:users")

    response = client.get(users, {"search": "shah", "organisation": kent.code})

    assertTemplateUsed(response, INCLUDE)
    assertTemplateUsed(response, "accounts/_users_filter_options.html")
    form = _filter_form(response.content.decode())
    assert dict(form.attributes)["action"] == users
    assert dict(form.attributes)["method"] == "get"
    assert _fields(form) == {"search": "shah", "organisation": kent.code}
    assert _clear_href(form) == users


@pytest.mark.django_db
def test_the_work_queue_filters_through_the_include_with_its_own_fields_and_sort() -> None:
    client = sign_in_verified(Client(), DecisionMakerFactory.create())
    queue = reverse("decisions:queue")

    response = client.get(
        queue,
        {"stage": "rg", "nation": "wales", "overdue": "on", "sort": "deadline", "order": "desc"},
    )

    assertTemplateUsed(response, INCLUDE)
    assertTemplateUsed(response, "decisions/_queue_filter_options.html")
    form = _filter_form(response.content.decode())
    assert dict(form.attributes)["action"] == ""
    assert dict(form.attributes)["method"] == "get"
    assert _fields(form) == {
        "stage": "rg",
        "competent_authority": "",
        "nation": "wales",
        "first_responder_type": "",
        "overdue": "on",
        "sort": "deadline",
        "order": "desc",
    }
    assert _clear_href(form) == queue
