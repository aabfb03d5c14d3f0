"""msht training_load: good rows load; bad rows are each named by row, field and reason,
and nothing loads."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from msht.accounts.models import Role
from msht.governance.models import IndicatorValue, TrainingRecord
from tests.accounts.factories import UserFactory
from tests.governance.factories import CompetencyFactory

pytestmark = pytest.mark.django_db


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "training.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_training_records_load_and_lapse_after_the_renewal_period(tmp_path: Path) -> None:
    UserFactory.create(username="asha", role=Role.INVESTIGATOR)
    CompetencyFactory.create(code="pursuit", renew_after_months=12)
    path = _csv(
        tmp_path,
        "username,competency,completed_on,expires_on\n"
        "asha,pursuit,2024-01-15,\n"
        "asha,pursuit,2023-01-15,2023-06-30\n",
    )
    out = io.StringIO()

    call_command("training_load", str(path), stdout=out)

    expiries = list(
        TrainingRecord.objects.order_by("expires_on").values_list("expires_on", flat=True)
    )
    assert expiries == [dt.date(2023, 6, 30), dt.date(2025, 1, 15)]
    assert "Loaded 2 training record(s)" in out.getvalue()


def test_every_bad_row_is_named_and_nothing_loads(tmp_path: Path) -> None:
    UserFactory.create(username="asha", role=Role.INVESTIGATOR)
    CompetencyFactory.create(code="pursuit")
    path = _csv(
        tmp_path,
        "username,competency,completed_on,expires_on\n"
        "asha,pursuit,2024-01-15,\n"
        "nobody,pursuit,2024-01-15,\n"
        "asha,unknown,15/01/2024,\n",
    )

    with pytest.raises(CommandError) as refused:
        call_command("training_load", str(path), stdout=io.StringIO())

    message = str(refused.value)
    assert "row 3, field username: no such active user" in message
    assert "row 4, field competency: no such competency" in message
    assert "row 4, field completed_on: '15/01/2024' is not a date like 2024-03-31" in message
    assert not TrainingRecord.objects.exists()


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, "user,course\nasha,pursuit\n")

    with pytest.raises(CommandError, match="missing column"):
        call_command("training_load", str(path), stdout=io.StringIO())


def test_indicators_are_computed_stored_and_printed_with_earlier_quarters_filled() -> None:
    out = io.StringIO()

    call_command("indicators", "--period", "2024Q3", "--backfill", "2", stdout=out)

    periods = set(IndicatorValue.objects.values_list("period", flat=True))
    assert periods == {"2024Q1", "2024Q2", "2024Q3"}
    assert "Overdue inspection actions" in out.getvalue()
    assert "Indicators, July to September 2024" in out.getvalue()
