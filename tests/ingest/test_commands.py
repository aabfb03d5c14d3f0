"""msht ingest: one JSON object at the end with --json, a table without, clear refusals."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.ingest.exports import police_row, write_police

pytestmark = pytest.mark.django_db


def test_json_output_is_one_object_whose_rows_are_the_sum_of_the_rest(tmp_path: Path) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(1), police_row(2, SEX="?")])
    out = StringIO()
    call_command("ingest", "police", str(path), json=True, stdout=out)
    summary = json.loads(out.getvalue())
    parts = ("loaded", "updated", "unchanged", "quarantined")
    assert summary["rows"] == sum(summary[name] for name in parts) == 2
    assert (summary["loaded"], summary["quarantined"]) == (1, 1)
    assert isinstance(summary["batch"], int)
    again = StringIO()
    call_command("ingest", "police", str(path), json=True, stdout=again)
    assert json.loads(again.getvalue())["unchanged"] == 1


def test_without_json_a_table_of_the_counts_is_printed(tmp_path: Path) -> None:
    path = write_police(tmp_path / "p.csv", [police_row(1)])
    out = StringIO()
    call_command("ingest", "police", str(path), stdout=out)
    assert "loaded" in out.getvalue()
    assert "complete" in out.getvalue()


def test_a_missing_file_and_an_unknown_source_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest", "police", str(tmp_path / "absent.csv"), stdout=StringIO())
    path = write_police(tmp_path / "p.csv", [police_row(1)])
    with pytest.raises(CommandError, match="no mapping for source 'prisons'"):
        call_command("ingest", "prisons", str(path), stdout=StringIO())
