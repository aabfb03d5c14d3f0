"""Data quality pages by role, and their figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import Role
from msht.ingest.services import batch_ingest
from msht.quality.services import quality_measure
from tests.accounts.factories import UserFactory, sign_in_verified
from tests.ingest.exports import police_row, write_police
from tests.quality.people import link_people

pytestmark = pytest.mark.django_db


def _client(role: Role) -> Client:
    client = Client()
    sign_in_verified(client, UserFactory.create(role=role))
    return client


@pytest.fixture
def measured(tmp_path: Path) -> None:
    rows = [police_row(1, PHONE=""), police_row(2), police_row(3, SEX="Q")]
    batch_ingest(None, source_code="police", path=write_police(tmp_path / "p.csv", rows))
    quality_measure(None)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ANALYST, 200),
        (Role.GOVERNANCE, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.FIRST_RESPONDER, 403),
        (Role.DECISION_MAKER, 403),
        (Role.INVESTIGATOR, 403),
    ],
)
def test_quality_pages_by_role(measured: None, role: Role, status: int) -> None:
    client = _client(role)
    assert client.get(reverse("quality:national")).status_code == status
    assert client.get(reverse("quality:source", args=["police"])).status_code == status


def test_the_national_page_shows_sources_and_the_field_that_drags(measured: None) -> None:
    page = _client(Role.ANALYST).get(reverse("quality:national")).content.decode()
    assert "Police force export" in page
    assert "phone_numbers" in page
    assert "50.0%" in page  # one of the two loaded police records has a phone


def test_a_source_page_shows_history_and_batches(measured: None) -> None:
    page = _client(Role.ANALYST).get(reverse("quality:source", args=["police"])).content.decode()
    assert "Over time" in page
    assert "Batch " in page
    assert "66.7%" in page  # validity: two of the three rows met every rule


def test_an_unknown_source_is_not_found(measured: None) -> None:
    assert _client(Role.ANALYST).get(reverse("quality:source", args=["nope"])).status_code == 404


def test_before_any_measurement_the_page_says_what_to_run() -> None:
    page = _client(Role.ANALYST).get(reverse("quality:national")).content.decode()
    assert "msht quality" in page


def test_the_home_page_links_analysts_to_data_quality() -> None:
    page = _client(Role.ANALYST).get(reverse("accounts:home")).content.decode()
    assert reverse("quality:national") in page


def test_the_pages_show_where_linked_records_of_one_person_disagree(tmp_path: Path) -> None:
    link_people(tmp_path)
    quality_measure(None)
    client = _client(Role.ANALYST)
    national = client.get(reverse("quality:national")).content.decode()
    assert "Consistency against other sources" in national
    assert "date of birth agrees with other sources" in national
    assert "66.7%" in national  # police: two of three dates of birth agree
    source = client.get(reverse("quality:source", args=["police"])).content.decode()
    assert "date of birth agrees with other sources (against ngo)" in source


def test_before_linkage_the_national_page_says_nothing_is_compared(measured: None) -> None:
    page = _client(Role.ANALYST).get(reverse("quality:national")).content.decode()
    assert "No source shares a linked person with another yet" in page
