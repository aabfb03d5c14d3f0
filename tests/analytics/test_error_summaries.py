"""The statistics forms show the shared GOV.UK error summary: one link per problem, each to
the field it is about, and the same problem beside the field."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from msht.accounts.models import Organisation, Role
from msht.analytics.models import Publication
from tests.accounts.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.DOTALL)
LINK = re.compile(r'<a href="#([^"]+)">([^<]+)</a>')


def _analyst() -> Client:
    user = UserFactory.create(
        role=Role.ANALYST, organisation=Organisation.objects.get(code="leicester")
    )
    client = Client()
    sign_in_verified(client, user)
    return client


def _summary_links(page: str) -> list[tuple[str, str]]:
    """The summary's links as (target id, text); each target must be an element of the page."""
    summaries = SUMMARY.findall(page)
    assert len(summaries) == 1, "one error summary"
    assert "There is a problem" in summaries[0]
    assert 'role="alert"' in summaries[0]
    links = LINK.findall(summaries[0])
    for target, _ in links:
        assert f'id="{target}"' in page, target
    return links


def test_a_badly_written_period_links_the_summary_to_the_period_field() -> None:
    response = _analyst().post("/statistics/publications/", {"period": "Q3 2024"})
    page = response.content.decode()

    assert response.status_code == 400
    assert _summary_links(page) == [("id_period", "Enter the quarter like 2024Q3")]
    assert 'id="id_period-error"' in page


def test_the_publications_page_has_no_summary_without_errors() -> None:
    page = _analyst().get("/statistics/publications/").content.decode()

    assert "govuk-error-summary" not in page


def test_a_download_form_with_problems_links_each_to_its_field() -> None:
    publication = Publication.objects.create(
        period="2024Q3",
        published_at=timezone.now(),
        rules_version="2026.2",
        threshold=10,
        tables=[],
        caveats=[],
    )
    url = f"/statistics/publications/{publication.pk}/download/"
    client = _analyst()

    response = client.post(url, {"recipient": "", "justification": ""})
    page = response.content.decode()

    assert response.status_code == 400
    assert _summary_links(page) == [
        ("id_file_format", "Choose what to download"),
        ("id_recipient", "Enter who the statistics are for"),
        ("id_justification", "Enter why the statistics are being released"),
    ]
    for field in ("file_format", "recipient", "justification"):
        assert f'id="id_{field}-error"' in page
    assert "govuk-error-summary" not in client.get(url).content.decode()
