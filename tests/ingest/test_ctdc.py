"""The whole CTDC k-anonymised file: every row loaded or quarantined, idempotent, and its
completeness per field and per Datasource equal to the published profile beside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db.models import Count

from msht.ingest.models import IngestedRecord, QuarantinedRow
from msht.ingest.services import batch_ingest
from msht.referrals.models import PersonRecord
from tests.ingest.shared_data import shared_file

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def parse_profile(path: Path) -> dict[str, object]:
    """The figures of profile_kanon_2021_raw.txt that completeness must reproduce."""
    text = path.read_text()
    rows, columns = map(int, re.search(r"shape \((\d+), (\d+)\)", text).groups())  # type: ignore[union-attr]
    duplicates = re.search(r"exact duplicate rows: (\d+) distinct rows: (\d+)", text)
    assert duplicates is not None
    section = text.split("== missing rate per column (%)\n", 1)[1].split("\n\n", 1)[0]
    missing = {name: float(rate) for name, rate in (line.split() for line in section.splitlines())}
    datasource = text.split("== Datasource nunique", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    sizes = {line.rsplit(None, 1)[0].strip(): int(line.rsplit(None, 1)[1]) for line in datasource}
    by_source = {
        column: ast.literal_eval(found)
        for column, found in re.findall(r"(\w+) missing by Datasource: (\{.*\})", text)
    }
    table = re.search(
        r"CountryOfExploitation\s+<NA>\s+US\s+other\nDatasource\s*\n((?:.+\n){2})", text
    )
    assert table is not None
    country_missing = {
        " ".join(line.split()[:-3]): int(line.split()[-3]) for line in table.group(1).splitlines()
    }
    return {
        "rows": rows,
        "columns": columns,
        "distinct": int(duplicates.group(2)),
        "missing": missing,
        "datasource_rows": sizes,
        "missing_by_datasource": {
            "yearOfRegistration": by_source["year"],
            "gender": by_source["gender"],
            "CountryOfExploitation": country_missing,
        },
    }


def test_the_whole_ctdc_file_loads_once_with_the_profiles_completeness() -> None:
    data = shared_file("ctdc/ctdc_global_kanon_2021-07-15.csv")
    expected = parse_profile(shared_file("ctdc/profile_kanon_2021_raw.txt"))

    first = batch_ingest(None, source_code="ctdc", path=data)
    counts = first.counts
    assert counts.rows == expected["rows"]
    assert counts.loaded + counts.quarantined == counts.rows
    assert all(QuarantinedRow.objects.filter(batch=first.batch).values_list("reason", flat=True))
    # Identical rows are different people: one record each, and a person record each.
    assert IngestedRecord.objects.count() == counts.loaded
    assert (
        PersonRecord.objects.filter(ingested_record__source__code="ctdc").count() == counts.loaded
    )
    distinct = IngestedRecord.objects.aggregate(n=Count("content_hash", distinct=True))["n"]
    assert distinct == expected["distinct"] or counts.quarantined

    profile = first.batch.profile
    assert len(profile["columns"]) == expected["columns"]
    for column, rate in expected["missing"].items():  # type: ignore[attr-defined]
        measured = 100 * (1 - profile["filled"][column] / profile["rows"])
        assert round(measured, 1) == rate, column
    groups = profile["groups"]
    assert {name: group["rows"] for name, group in groups.items()} == expected["datasource_rows"]
    for column, missing in expected["missing_by_datasource"].items():  # type: ignore[attr-defined]
        for name, group in groups.items():
            assert group["rows"] - group["filled"][column] == missing.get(name, 0), (column, name)

    second = batch_ingest(None, source_code="ctdc", path=data)
    assert second.counts.loaded == 0
    assert second.counts.unchanged == counts.loaded
    assert IngestedRecord.objects.count() == counts.loaded
