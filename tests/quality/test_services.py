"""Measuring and reading data quality against the store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from msht.accounts.models import Role
from msht.core.errors import PermissionDeniedError
from msht.ingest.services import batch_ingest
from msht.quality.models import Dimension, Measurement, QualityRun
from msht.quality.selectors import quality_national, quality_source
from msht.quality.services import quality_measure
from msht.referrals.models import PersonRecord
from tests.accounts.factories import UserFactory
from tests.ingest.exports import police_row, write_police
from tests.quality.people import link_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_batch(tmp_path: Path) -> None:
    rows = [
        police_row(1, PHONE=""),
        police_row(2, PHONE=""),
        police_row(3),
        police_row(4, DOB="99/99/1990"),
    ]
    batch_ingest(None, source_code="police", path=write_police(tmp_path / "p.csv", rows))


def test_a_run_measures_the_source_and_its_new_batches_once(police_batch: None) -> None:
    first = quality_measure(None)
    source_level = Measurement.objects.filter(run=first, batch=None)
    phone = source_level.get(dimension=Dimension.COMPLETENESS, field="phone_numbers")
    assert (phone.numerator, phone.denominator) == (1, 3)
    validity = source_level.get(dimension=Dimension.VALIDITY, field="")
    assert (validity.numerator, validity.denominator) == (3, 4)
    batch_level = Measurement.objects.filter(run=first).exclude(batch=None)
    phone_cells = batch_level.get(dimension=Dimension.COMPLETENESS, field="PHONE", group="")
    assert phone_cells.numerator == 2
    second = quality_measure(None)
    assert not Measurement.objects.filter(run=second).exclude(batch=None).exists()
    assert Measurement.objects.filter(run=second, batch=None).count() == source_level.count()


def test_the_national_picture_names_sources_and_fields(police_batch: None) -> None:
    quality_measure(None)
    analyst = UserFactory.create(role=Role.ANALYST)
    picture = quality_national(analyst)
    assert [summary.source.code for summary in picture.sources] == ["police"]
    phone = next(row for row in picture.fields if row.field == "phone_numbers")
    assert phone.worst_source == "police"
    assert picture.sources[0].scores[Dimension.VALIDITY] == pytest.approx(0.75)


def test_a_source_page_keeps_the_history_of_runs(police_batch: None) -> None:
    quality_measure(None)
    quality_measure(None)
    picture = quality_source(None, code="police")
    assert len(picture.history) == QualityRun.objects.count() == 2
    assert picture.batches[0].validity == pytest.approx(0.75)
    assert {m.field for m in picture.batches[0].columns} >= {"PHONE", "DOB"}


@pytest.mark.parametrize("role", [Role.FIRST_RESPONDER, Role.DECISION_MAKER, Role.INVESTIGATOR])
def test_only_analysts_governance_and_administrators_read_quality(role: Role) -> None:
    with pytest.raises(PermissionDeniedError):
        quality_national(UserFactory.create(role=role))


def test_msht_quality_prints_the_same_table(police_batch: None) -> None:
    out = io.StringIO()
    call_command("quality", stdout=out)
    text = out.getvalue()
    assert "police" in text
    assert "Completeness" in text
    assert "phone_numbers" in text


@pytest.fixture
def linked_people(tmp_path: Path) -> dict[str, PersonRecord]:
    """Two people's police, NGO and referral records, linked by hand (tests.quality.people)."""
    return link_people(tmp_path)


def test_consistency_against_other_sources_counts_disagreements_of_linked_records(
    linked_people: dict[str, PersonRecord],
) -> None:
    run = quality_measure(None)

    figures = {
        (m.field.split(" agrees")[0], m.group): (m.numerator, m.denominator)
        for m in Measurement.objects.filter(
            run=run, source__code="police", batch=None, dimension=Dimension.CONSISTENCY
        )
        if "other sources" in m.field
    }
    assert figures[("date of birth", "")] == (2, 3)
    assert figures[("sex", "")] == (2, 3)
    assert figures[("nationality", "")] == (3, 3)
    assert figures[("date of birth", "ngo")] == (1, 2)
    assert figures[("date of birth", "referral")] == (1, 1)

    picture = quality_national(UserFactory.create(role=Role.ANALYST))
    police_dates = next(
        row
        for row in picture.agreement
        if row.source.code == "police" and row.field.startswith("date of birth")
    )
    assert police_dates.value == pytest.approx(2 / 3)
    assert (police_dates.least_with, police_dates.least_value) == ("ngo", 0.5)
    values = [row.value for row in picture.agreement if row.value is not None]
    assert values == sorted(values)  # least agreement first

    out = io.StringIO()
    call_command("quality", stdout=out)
    text = out.getvalue()
    assert "Consistency against other sources" in text
    assert "sex agrees with other sources" in text


def test_without_linked_records_nothing_is_compared(police_batch: None) -> None:
    run = quality_measure(None)
    assert not Measurement.objects.filter(run=run, field__contains="other sources").exists()
    assert quality_national(None).agreement == []
