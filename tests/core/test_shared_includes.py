"""The shared includes under templates/includes/ (and intelligence/_handling_warning.html):
each is the one copy of its markup; the page passes what varies with ``with``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.core.paginator import Paginator
from django.core.validators import MinLengthValidator, RegexValidator
from django.template import Engine
from django.template.loader import render_to_string
from django.test import Client
from django.test.html import Element, parse_html
from django.urls import reverse
from pytest_django.asserts import assertInHTML, assertTemplateUsed

from tests.accounts.factories import DecisionMakerFactory, QualityAssurerFactory, sign_in_verified
from tests.decisions.factories import AwaitingAssuranceRgDecisionFactory, PendingRgDecisionFactory

# Each shared piece of markup, the strings that only its one copy may carry together, and the
# templates that may carry them.
ONE_COPY = [
    ("includes/select.html", ("<select", "field.field.choices"), []),
    ("includes/error_summary.html", ("govuk-error-summary", "field.errors"), []),
    # A date's three inputs share one message, made from the errors of its parts.
    (
        "includes/field_error.html",
        ("govuk-error-message", "Error:</span> {{"),
        ["referrals/includes/date_input.html"],
    ),
    ("includes/pagination.html", ("govuk-pagination",), []),
    ("includes/success_messages.html", ("govuk-notification-banner--success",), []),
    ("intelligence/_handling_warning.html", ("Handling conditions:",), []),
]


@pytest.mark.parametrize(("include", "markers", "others"), ONE_COPY)
def test_no_template_but_the_include_carries_its_markup(
    include: str, markers: tuple[str, ...], others: list[str]
) -> None:
    path = Path(Engine.get_default().get_template(include).origin.name)
    templates = path.parents[1]
    carriers = sorted(
        str(template.relative_to(templates))
        for template in templates.rglob("*.html")
        if all(marker in template.read_text() for marker in markers)
    )

    assert carriers == sorted([include, *others])


class _ColourForm(forms.Form):
    name = forms.CharField(label="Name")
    colour = forms.ChoiceField(
        label="Colour", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect
    )


def test_the_error_summary_links_a_radio_groups_error_to_its_first_radio() -> None:
    # A radio group has no label of its own (its id_for_label is empty); its first radio
    # carries the field's id, as decisions/_radios.html and referrals/includes/field.html do.
    form = _ColourForm(data={})

    html = render_to_string("includes/error_summary.html", {"form": form})

    assertInHTML('<a href="#id_colour">This field is required.</a>', html, count=1)
    assertInHTML('<a href="#id_name">This field is required.</a>', html, count=1)
    assert 'href="#"' not in html


def test_the_error_summary_is_empty_for_a_form_without_errors() -> None:
    html = render_to_string("includes/error_summary.html", {"form": _ColourForm()})

    assert html.strip() == ""


class _TwoRulesForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        validators=[
            RegexValidator(r"^NRM-", "Start the reference with NRM-"),
            MinLengthValidator(8, "Enter at least 8 characters"),
        ],
    )


def test_a_fields_errors_share_one_message_with_one_id() -> None:
    form = _TwoRulesForm(data={"reference": "X"})
    form.is_valid()

    html = render_to_string("includes/field_error.html", {"field": form["reference"]})

    messages = _find(parse_html(html), "p")
    assert len(messages) == 1
    assert dict(messages[0].attributes)["id"] == "id_reference-error"
    assert "Start the reference with NRM-. Enter at least 8 characters" in html


class _NationForm(forms.Form):
    nation = forms.ChoiceField(
        label="Nation", choices=[("", "Any"), ("wales", "Wales"), ("scotland", "Scotland")]
    )


def test_the_select_carries_the_pages_group_class_and_marks_the_chosen_value() -> None:
    form = _NationForm(data={"nation": "wales"})
    form.is_valid()

    html = render_to_string(
        "includes/select.html",
        {"field": form["nation"], "label": "UK nation", "group_class": "statistics-filter"},
    )

    assertInHTML(
        """
        <div class="govuk-form-group statistics-filter">
          <label class="govuk-label govuk-label--s" for="id_nation">UK nation</label>
          <select class="govuk-select" id="id_nation" name="nation">
            <option value="">Any</option>
            <option value="wales" selected>Wales</option>
            <option value="scotland">Scotland</option>
          </select>
        </div>
        """,
        html,
        count=1,
    )


def test_the_select_shows_its_fields_error_beside_it() -> None:
    form = _NationForm(data={"nation": "mars"})
    form.is_valid()

    html = render_to_string("includes/select.html", {"field": form["nation"], "label": "Nation"})

    root = parse_html(html)
    select = _find(root, "select")[0]
    assert dict(select.attributes)["aria-describedby"] == "id_nation-error"
    assert "govuk-select--error" in (dict(select.attributes)["class"] or "")
    errors = [p for p in _find(root, "p") if dict(p.attributes).get("id") == "id_nation-error"]
    assert len(errors) == 1
    assert "Select a valid choice" in str(errors[0])


def _find(element: Element, name: str) -> list[Element]:
    found = [element] if element.name == name else []
    for child in element.children:
        if isinstance(child, Element):
            found.extend(_find(child, name))
    return found


def _pagination(page_number: int, *, query: str = "", **context: object) -> str:
    page = Paginator(list(range(500)), 20).get_page(page_number)
    numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return render_to_string(
        "includes/pagination.html",
        {"page": page, "page_numbers": numbers, "page_query": query, **context},
    )


def _page_links(html: str) -> list[tuple[str, str]]:
    """Each numbered item of the list: its text and its link (empty for the ellipsis)."""
    items = [
        item
        for item in _find(parse_html(html), "li")
        if "govuk-pagination__item" in (dict(item.attributes).get("class") or "")
    ]
    found = []
    for item in items:
        links = _find(item, "a")
        if links:
            found.append((str(links[0].children[0]), dict(links[0].attributes)["href"] or ""))
        else:
            found.append((str(item.children[0]), ""))
    return found


def test_pagination_numbers_the_near_pages_and_elides_the_far_ones() -> None:
    html = _pagination(12, query="stage=rg")

    assert _page_links(html) == [
        ("1", "?stage=rg&page=1"),
        ("\u22ef", ""),
        ("10", "?stage=rg&page=10"),
        ("11", "?stage=rg&page=11"),
        ("12", "?stage=rg&page=12"),
        ("13", "?stage=rg&page=13"),
        ("14", "?stage=rg&page=14"),
        ("\u22ef", ""),
        ("25", "?stage=rg&page=25"),
    ]
    assertInHTML(
        '<a class="govuk-link govuk-pagination__link" href="?stage=rg&amp;page=12"'
        ' aria-label="Page 12" aria-current="page">12</a>',
        html,
        count=1,
    )
    assert "Showing 221 to 240 of 500 total results" in html


def test_pagination_names_its_landmark_after_the_list_when_told() -> None:
    default = parse_html(_pagination(1))
    named = parse_html(_pagination(1, pages_label="Pages of quarantined rows"))

    assert dict(_find(default, "nav")[0].attributes)["aria-label"] == "Pages of results"
    assert dict(_find(named, "nav")[0].attributes)["aria-label"] == "Pages of quarantined rows"


def test_one_page_of_results_shows_the_count_but_no_page_links() -> None:
    page = Paginator(list(range(3)), 50).get_page(1)

    html = render_to_string("includes/pagination.html", {"page": page, "page_numbers": [1]})

    assert "<nav" not in html
    assert "Showing 1 to 3 of 3 total results" in html


@pytest.mark.django_db
def test_the_work_queue_pages_through_the_shared_pagination_keeping_its_filters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("msht.decisions.views.PAGE_SIZE", 1)
    PendingRgDecisionFactory.create_batch(3)
    client = sign_in_verified(Client(), DecisionMakerFactory.create())

    response = client.get(reverse("decisions:queue"), {"stage": "rg", "page": "2"})

    assertTemplateUsed(response, "includes/pagination.html")
    html = response.content.decode()
    assert _page_links(html) == [
        ("1", "?stage=rg&page=1"),
        ("2", "?stage=rg&page=2"),
        ("3", "?stage=rg&page=3"),
    ]
    assert "Showing 2 to 2 of 3 total results" in html


@pytest.mark.django_db
def test_the_assurance_queue_pages_through_the_shared_pagination(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("msht.decisions.views.PAGE_SIZE", 1)
    AwaitingAssuranceRgDecisionFactory.create_batch(2)
    client = sign_in_verified(Client(), QualityAssurerFactory.create())

    response = client.get(reverse("decisions:assurance-queue"), {"page": "2"})

    assertTemplateUsed(response, "includes/pagination.html")
    assert _page_links(response.content.decode()) == [("1", "?page=1"), ("2", "?page=2")]
