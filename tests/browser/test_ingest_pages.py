"""An administrator ingests an export and corrects a quarantined row; an analyst reads the
data quality pages. axe finds nothing serious on any of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from msht.accounts.models import Role
from msht.core import detached
from msht.ingest import queued
from msht.ingest.models import IngestedRecord, QuarantinedRow, QuarantineStatus
from msht.quality.services import quality_measure
from tests.accounts.factories import UserFactory
from tests.browser.journeys import assert_accessible
from tests.ingest.exports import police_row, write_police

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_ingests_and_corrects_and_an_analyst_reads_quality(
    open_as: Callable[..., Page], live_server: object, tmp_path: Path
) -> None:
    administrator = UserFactory.create(role=Role.ADMINISTRATOR)
    analyst = UserFactory.create(role=Role.ANALYST)
    export = write_police(
        tmp_path / "force.csv", [police_row(1), police_row(2, DOB="31/02/1990"), police_row(3)]
    )

    page = open_as(administrator.username)
    page.get_by_role("link", name="Ingest an agency export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingest an agency export")
    assert_accessible(page)
    page.get_by_label("Which source is the export from?").select_option("police")
    page.get_by_label("Upload the export").set_input_files(str(export))
    page.get_by_role("button", name="Ingest the export").click()
    expect(page.get_by_test_id("batch-loaded")).to_have_text("2")
    expect(page.get_by_test_id("batch-quarantined")).to_have_text("1")
    assert_accessible(page)

    page.get_by_role("link", name="Correct row 3 of force.csv").click()
    expect(page.get_by_test_id("quarantine-problems")).to_contain_text("not a date")
    assert_accessible(page)
    page.get_by_label("DOB").fill("28/02/1990")
    page.get_by_role("button", name="Re-submit the row").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 3 of force.csv was loaded")
    assert_accessible(page)
    assert QuarantinedRow.objects.get().status == QuarantineStatus.RESUBMITTED
    assert IngestedRecord.objects.count() == 3

    quality_measure(None)
    reader = open_as(analyst.username)
    reader.get_by_role("link", name="Data quality").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Data quality")
    expect(reader.get_by_test_id("fields-table")).to_contain_text("phone_numbers")
    assert_accessible(reader)
    reader.get_by_role("link", name="Police force export").click()
    expect(reader.get_by_test_id("history")).to_be_visible()
    assert_accessible(reader)


def test_a_queued_batch_says_it_is_being_ingested_in_the_background(
    open_as: Callable[..., Page],
    live_server: object,
    tmp_path: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(detached, "start_detached", lambda command, *, log: 1)
    administrator = UserFactory.create(role=Role.ADMINISTRATOR)
    export = write_police(tmp_path / "force.csv", [police_row(1)])
    batch = queued.batch_queue(
        administrator, source_code="police", path=export, file_name="force.csv"
    )

    page = open_as(administrator.username)
    page.goto(f"{live_server}/ingest/batches/{batch.pk}/")
    expect(page.get_by_test_id("batch-state")).to_have_text(
        "Queued: to be ingested in the background"
    )
    expect(page.get_by_test_id("batch-in-progress")).to_contain_text("Refresh this page")
    assert_accessible(page)
