"""Governance reads: skills gaps, lapsing training, the matrix's gaps and overlaps, the
scorecard's colours and trend from stored values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from msht.accounts.models import Organisation, Role, User
from msht.core.errors import PermissionDeniedError
from msht.core.models import Strand
from msht.core.periods import Quarter
from msht.governance.engine.rag import Rag, Trend
from msht.governance.models import Competency, RaciRole
from msht.governance.selectors import raci_matrix, scorecard, skills_gaps
from msht.governance.services import indicator_values_compute, raci_set
from tests.accounts.factories import UserFactory
from tests.governance.factories import CompetencyFactory, OpenActionFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 9, 30)


def _investigator(organisation: Organisation) -> User:
    return UserFactory.create(role=Role.INVESTIGATOR, organisation=organisation)


def test_a_lapsed_training_record_shows_as_a_gap() -> None:
    Competency.objects.all().delete()  # the migration's competencies: a world of our own
    border_force = Organisation.objects.get(code="border-force")
    pursuit = CompetencyFactory.create(code="pursuit", required_for_roles=["investigator"])
    lapsed, trained = _investigator(border_force), _investigator(border_force)
    TrainingRecordFactory.create(user=lapsed, competency=pursuit, expires_on=dt.date(2024, 6, 1))
    TrainingRecordFactory.create(user=trained, competency=pursuit, expires_on=dt.date(2025, 6, 1))

    picture = skills_gaps(None, today=TODAY)

    [row] = [row for row in picture.rows if row.organisation == border_force]
    [cell] = row.cells
    assert (row.role, cell.staff, cell.trained, cell.missing) == ("investigator", 2, 1, 1)


def test_staff_whose_training_lapses_within_ninety_days_are_listed() -> None:
    organisation = Organisation.objects.get(code="ukvi")
    competency = CompetencyFactory.create()
    soon, later = _investigator(organisation), _investigator(organisation)
    TrainingRecordFactory.create(
        user=soon, competency=competency, expires_on=TODAY + dt.timedelta(days=90)
    )
    TrainingRecordFactory.create(
        user=later, competency=competency, expires_on=TODAY + dt.timedelta(days=91)
    )

    picture = skills_gaps(None, today=TODAY)

    assert [(item.user, item.expires_on) for item in picture.lapsing] == [
        (soon, TODAY + dt.timedelta(days=90))
    ]


def test_a_competency_not_required_of_a_role_is_no_gap() -> None:
    organisation = Organisation.objects.get(code="ukvi")
    CompetencyFactory.create(code="for-first-responders", required_for_roles=["first_responder"])
    _investigator(organisation)

    picture = skills_gaps(None, today=TODAY)

    [row] = [row for row in picture.rows if row.organisation == organisation]
    assert all(cell.missing == 0 for cell in row.cells if not cell.required)


def test_the_matrix_flags_strands_nobody_is_responsible_for_and_several_accountable() -> None:
    pursue, prevent = Strand.objects.get(code="pursue"), Strand.objects.get(code="prevent")
    border_force = Organisation.objects.get(code="border-force")
    enforcement = Organisation.objects.get(code="immigration-enforcement")
    raci_set(None, organisation=border_force, strand=pursue, role=RaciRole.ACCOUNTABLE)
    raci_set(None, organisation=enforcement, strand=pursue, role=RaciRole.ACCOUNTABLE)
    raci_set(None, organisation=enforcement, strand=prevent, role=RaciRole.RESPONSIBLE)

    matrix = raci_matrix(None)

    assert {strand.code for strand in matrix.gaps} == {"pursue", "protect", "prepare"}
    assert [(strand.code, {o.code for o in orgs}) for strand, orgs in matrix.overlaps] == [
        ("pursue", {"border-force", "immigration-enforcement"})
    ]
    assert matrix.role_of(enforcement, prevent) == "R"
    assert len(matrix.history) == 3


def test_the_scorecard_colours_the_stored_value_and_reads_the_trend() -> None:
    ukvi = Organisation.objects.get(code="ukvi")
    q2, q3 = Quarter(2024, 2), Quarter(2024, 3)
    OpenActionFactory.create(owner=ukvi, due_on=dt.date(2024, 6, 1))
    indicator_values_compute(None, period=q2, as_of=TODAY)
    OpenActionFactory.create(owner=ukvi, due_on=dt.date(2024, 8, 1))
    OpenActionFactory.create(owner=ukvi, due_on=dt.date(2024, 8, 2))
    indicator_values_compute(None, period=q3, as_of=TODAY)

    rows = {row.definition.code: row for row in scorecard(None, period=q3)}
    overdue = rows["overdue-inspection-actions"]
    ukvi_rows = {row.definition.code: row for row in scorecard(None, period=q3, directorate="ukvi")}

    assert overdue.history == [None, None, Decimal(1), Decimal(3)]
    assert (overdue.rag, overdue.trend) == (Rag.RED, Trend.WORSENING)  # target 0, amber to 2
    assert ukvi_rows["overdue-inspection-actions"].value == Decimal(3)
    assert rows["data-quality-by-source"].rag == Rag.NO_DATA


def test_reading_governance_needs_the_governance_role() -> None:
    with pytest.raises(PermissionDeniedError):
        scorecard(UserFactory.create(role=Role.ANALYST), period=Quarter(2024, 3))
