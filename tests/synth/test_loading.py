"""Reading a world back: the manifest, row parsing, and the status decisions imply."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from msht.core.errors import SynthError
from msht.synth.engine import schema
from msht.synth.loading import DecisionTrail, Fields, Problem, WorldFileError, read_manifest


def _copy(world: Path, tmp_path: Path) -> Path:
    target = tmp_path / "world"
    shutil.copytree(world, target)
    return target


def _edit_manifest(directory: Path, change: dict[str, object]) -> None:
    path = directory / schema.MANIFEST
    data = json.loads(path.read_text())
    data.update(change)
    path.write_text(json.dumps(data))


def test_the_manifest_names_the_world_and_its_store_files(small_world: Path) -> None:
    manifest = read_manifest(small_world)
    assert set(manifest.files) == {spec.name for spec in schema.STORE_FILES}
    assert len(manifest.checksum) == 64


def test_a_manifest_listing_a_truth_file_is_refused(small_world: Path, tmp_path: Path) -> None:
    directory = _copy(small_world, tmp_path)
    data = json.loads((directory / schema.MANIFEST).read_text())
    files = {**data["files"], "truth_people.csv": data["truth_files"]["truth_people.csv"]}
    _edit_manifest(directory, {"files": files})
    with pytest.raises(SynthError, match="truth files are never loaded"):
        read_manifest(directory)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something-else"}, "cannot be read"),
        ({"files": {"people.csv": {"rows": 1, "sha256": "0"}}}, "not a store file"),
        ({"files": {"referrals.csv": {"rows": 1, "sha256": "0"}}}, "missing"),
        ({"world_id": None, "seed": "x"}, "cannot be read"),
    ],
)
def test_a_broken_manifest_is_refused(
    small_world: Path, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    directory = _copy(small_world, tmp_path)
    _edit_manifest(directory, change)
    with pytest.raises(SynthError, match=message):
        read_manifest(directory)


def test_a_folder_without_a_manifest_is_not_a_world(tmp_path: Path) -> None:
    with pytest.raises(SynthError, match=r"no world\.json"):
        read_manifest(tmp_path)


def test_fields_collect_every_problem_of_a_row() -> None:
    problems: list[Problem] = []
    fields = Fields(
        "referrals.csv",
        7,
        {"day": "2023-02-30", "flag": "yes", "year": "1850", "code": "xx", "name": "a" * 300},
        problems,
    )
    assert fields.date("day") is None
    assert fields.boolean("flag") is None
    assert fields.integer("year", 1900, 2030) is None
    assert fields.code("code", {"kent": 1}) is None
    fields.text("name", max_length=200)
    assert not fields.ok
    assert [p.field for p in problems] == ["day", "flag", "year", "code", "name"]
    assert str(problems[0]).startswith("referrals.csv row 7, field day: not a date")


def test_a_world_file_error_lists_its_problems() -> None:
    problems = [Problem("decisions.csv", row, "stage", "bad") for row in range(1, 80)]
    error = WorldFileError("w", problems)
    assert error.problems == problems
    assert "79 problem(s)" in str(error)
    assert "and 29 more" in str(error)
    assert str(Problem("referrals.csv", 0, "", "changed")) == "referrals.csv: changed"


@pytest.mark.parametrize(
    ("stages", "status"),
    [
        ({}, "submitted"),
        ({"rg": ""}, "submitted"),
        ({"rg": "positive"}, "rg_positive"),
        ({"rg": "negative"}, "rg_negative"),
        ({"rg": "withdrawn"}, "withdrawn"),
        ({"rg": "negative", "rg_reconsideration": "positive"}, "rg_positive"),
        ({"rg": "negative", "rg_reconsideration": ""}, "rg_negative"),
        ({"rg": "positive", "cg": ""}, "rg_positive"),
        ({"rg": "positive", "cg": "positive"}, "cg_positive"),
        ({"rg": "positive", "cg": "negative"}, "cg_negative"),
        ({"rg": "positive", "cg": "withdrawn"}, "withdrawn"),
    ],
)
def test_the_latest_decision_sets_the_referral_status(stages: dict[str, str], status: str) -> None:
    trail = DecisionTrail()
    for stage, outcome in stages.items():
        trail.note(stage, outcome)
    assert trail.status() == status
