"""The police, Border Force and NGO exports of a world, and the truth file behind them."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from msht.core.errors import SynthError
from msht.ingest.models import IngestedRecord
from msht.ingest.services import batch_ingest
from msht.synth.engine.exports import (
    BORDER_FORCE_EXPORT,
    NGO_EXPORT,
    POLICE_EXPORT,
    TRUTH_EXPORTS,
    write_agency_exports,
)
from tests.synth.conftest import read_csv

SOURCES = {POLICE_EXPORT: "police", BORDER_FORCE_EXPORT: "border_force", NGO_EXPORT: "ngo"}


@pytest.fixture(scope="module")
def exported(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small world with its agency exports written."""
    directory = tmp_path_factory.mktemp("exports") / "world"
    shutil.copytree(small_world, directory)
    write_agency_exports(directory)
    return directory


def _export_rows(directory: Path, name: str) -> list[dict[str, str]]:
    path = directory / name
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle, delimiter=";" if name == NGO_EXPORT else ","))


def test_each_agency_referral_is_in_its_agency_export_once(exported: Path) -> None:
    referrals = read_csv(exported, "referrals.csv")
    truth = read_csv(exported, TRUTH_EXPORTS)
    by_reference = {row["referral_reference"]: row for row in truth}
    assert len(by_reference) == len(truth)
    for referral in referrals:
        organisation = referral["first_responder_organisation"]
        found = by_reference.get(referral["reference"])
        if organisation.startswith("police-"):
            assert found is not None
            assert found["export"] == POLICE_EXPORT
        elif organisation == "border-force":
            assert found is not None
            assert found["export"] == BORDER_FORCE_EXPORT
        elif organisation in {"immigration-enforcement", "ukvi", "nca"}:
            assert found is None
    counts = {name: sum(row["export"] == name for row in truth) for name in SOURCES}
    assert all(counts.values()), counts
    for name, count in counts.items():
        assert len(_export_rows(exported, name)) == count


def test_the_truth_file_gives_each_export_row_its_person(exported: Path) -> None:
    people = {
        row["referral_reference"]: row["person_id"]
        for row in read_csv(exported, "truth_referrals.csv")
    }
    truth = read_csv(exported, TRUTH_EXPORTS)
    keys = {name: {_key(row, name) for row in _export_rows(exported, name)} for name in SOURCES}
    for row in truth:
        assert row["person_id"] == people[row["referral_reference"]]
        assert row["row_key"] in keys[row["export"]]


KEY_COLUMNS = {POLICE_EXPORT: "PERSON_URN", BORDER_FORCE_EXPORT: "case_id", NGO_EXPORT: "Client ID"}


def _key(row: dict[str, str], name: str) -> str:
    return row[KEY_COLUMNS[name]]


def test_the_three_layouts_write_dates_in_their_own_forms(exported: Path) -> None:
    police = _export_rows(exported, POLICE_EXPORT)
    border = _export_rows(exported, BORDER_FORCE_EXPORT)
    ngo = _export_rows(exported, NGO_EXPORT)
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row["DATE_RECORDED"]) for row in police)
    assert all(re.fullmatch(r"\d{8}", row["encounter_date"]) for row in border)
    assert all(
        re.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4}", row["Date of first contact"]) for row in ngo
    )


def test_the_same_world_gives_the_same_export_bytes(exported: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(exported, again)
    write_agency_exports(again)
    for name in (*SOURCES, TRUTH_EXPORTS):
        assert (again / name).read_bytes() == (exported / name).read_bytes()


def test_a_folder_without_a_world_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SynthError, match=r"no referrals\.csv"):
        write_agency_exports(tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SOURCES))
def test_each_export_ingests_through_its_mapping_without_quarantine(
    exported: Path, name: str
) -> None:
    result = batch_ingest(None, source_code=SOURCES[name], path=exported / name)
    truth = [row for row in read_csv(exported, TRUTH_EXPORTS) if row["export"] == name]
    assert result.counts.quarantined == 0
    assert result.counts.loaded == len(truth)
    keys = set(IngestedRecord.objects.values_list("record_key", flat=True))
    assert keys == {row["row_key"] for row in truth}
