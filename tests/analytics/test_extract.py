"""The Arrow extract reads committed rows of the operational store through ADBC."""

from __future__ import annotations

import pytest

from msht.accounts.models import Organisation
from msht.analytics.extract import arrow_from_query, batches_from_query, database_vendor


@pytest.mark.django_db(transaction=True)
def test_arrow_from_query_reads_committed_rows() -> None:
    expected = Organisation.objects.count()
    assert expected > 0

    table = arrow_from_query("SELECT code, name FROM accounts_organisation ORDER BY code")

    assert table.num_rows == expected
    assert table.column_names == ["code", "name"]
    first = Organisation.objects.order_by("code").first()
    assert first is not None
    assert table.column("code")[0].as_py() == first.code


@pytest.mark.django_db(transaction=True)
def test_batches_from_query_streams_every_row() -> None:
    rows = sum(
        batch.num_rows for batch in batches_from_query("SELECT id FROM accounts_organisation")
    )

    assert rows == Organisation.objects.count()


def test_database_vendor_names_the_dialect() -> None:
    assert database_vendor() in {"sqlite", "postgresql"}
