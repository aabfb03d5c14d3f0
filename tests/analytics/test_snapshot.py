"""The analytics store: pseudonymised, complete, stable keys, atomic, audited."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from msht.analytics.engine.snapshot import SNAPSHOT_TABLES
from msht.analytics.services import analytics_refresh
from msht.audit.models import AuditEvent, AuditEventType
from tests.analytics.conftest import AnalyticsWorld, read_csv
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

# Columns of referrals.csv that identify or describe a person and must never reach the store.
IDENTIFYING = (
    "reference",
    "given_names",
    "family_name",
    "home_office_reference",
    "pnc_id",
    "passport_number",
    "phone_numbers",
    "address_lines",
    "address_postcode",
    "narrative",
    "police_crime_reference",
)


def _all_text(store: Path) -> set[str]:
    values: set[str] = set()
    with duckdb.connect(str(store), read_only=True) as connection:
        # labels holds only the reference lists (country names such as Jordan are not names).
        for table in (name for name in SNAPSHOT_TABLES if name != "labels"):
            columns = connection.execute(f"DESCRIBE {table}").fetchall()
            for name, column_type, *_ in columns:
                if column_type == "VARCHAR":
                    query = f'SELECT DISTINCT "{name}" FROM {table}'  # noqa: S608 - names from DESCRIBE
                    rows = connection.execute(query).fetchall()
                    values.update(str(row[0]) for row in rows if row[0] is not None)
    return values


def test_store_holds_no_name_identifier_phone_address_or_narrative(
    analytics_world: AnalyticsWorld,
) -> None:
    text = _all_text(analytics_world.store)
    rows = read_csv(analytics_world.world, "referrals.csv")
    leaked = {
        (column, row[column])
        for row in rows
        for column in IDENTIFYING
        if len(row[column]) > 3 and row[column] in text
    }
    assert leaked == set()


def test_store_has_every_referral_report_and_decision_of_the_world(
    analytics_world: AnalyticsWorld,
) -> None:
    expected = {
        "referrals": len(read_csv(analytics_world.world, "referrals.csv")),
        "duty_to_notify": len(read_csv(analytics_world.world, "duty_to_notify.csv")),
        "decisions": len(read_csv(analytics_world.world, "decisions.csv")),
    }
    with duckdb.connect(str(analytics_world.store), read_only=True) as connection:
        found = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
            for table in expected
        }
    assert found == expected


def test_pseudonymous_keys_are_stable_across_refreshes(analytics_world: AnalyticsWorld) -> None:
    query = "SELECT referral_key, record_key FROM referrals ORDER BY referral_key"
    with duckdb.connect(str(analytics_world.store), read_only=True) as first:
        before = first.execute(query).fetchall()
    with duckdb.connect(str(analytics_world.truth_linked_store), read_only=True) as second:
        after = second.execute(query).fetchall()
    assert before == after
    assert len({key for key, _ in before}) == len(before)


def test_person_key_is_the_linked_entity_once_linkage_has_run(
    analytics_world: AnalyticsWorld,
) -> None:
    truth = read_csv(analytics_world.world, "truth_referrals.csv")
    true_people = len({row["person_id"] for row in truth})
    query = "SELECT count(DISTINCT person_key), avg(CAST(person_linked AS DOUBLE)) FROM referrals"
    with duckdb.connect(str(analytics_world.store), read_only=True) as connection:
        unlinked_people, unlinked_share = connection.execute(query).fetchall()[0]
    with duckdb.connect(str(analytics_world.truth_linked_store), read_only=True) as connection:
        linked_people, linked_share = connection.execute(query).fetchall()[0]
    assert (unlinked_people, unlinked_share) == (len(truth), 0.0)
    assert (linked_people, linked_share) == (true_people, 1.0)


def test_exploitation_type_is_single_type_or_multiple_as_in_the_files(
    analytics_world: AnalyticsWorld,
) -> None:
    expected: Counter[str] = Counter()
    for row in read_csv(analytics_world.world, "referrals.csv"):
        types = {code for code in row["exploitation_types"].split(";") if code}
        types.discard("not_specified")
        expected[
            types.pop() if len(types) == 1 else ("multiple" if types else "not_specified")
        ] += 1
    with duckdb.connect(str(analytics_world.store), read_only=True) as connection:
        found = dict(
            connection.execute(
                "SELECT exploitation_type, count(*) FROM referrals GROUP BY 1"
            ).fetchall()
        )
    assert found == dict(expected)


@pytest.mark.django_db(transaction=True)
def test_refresh_replaces_the_file_atomically_and_is_audited(tmp_path: Path) -> None:
    ReferralFactory.create_batch(3)
    (tmp_path / "store").mkdir()
    store = tmp_path / "store" / "store.duckdb"
    store.write_text("an older snapshot")

    summary = analytics_refresh(None, out=store)

    assert summary.rows["referrals"] == 3
    assert sorted(path.name for path in store.parent.iterdir()) == ["store.duckdb"]
    with duckdb.connect(str(store), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM referrals").fetchall() == [(3,)]
    event = AuditEvent.objects.get(event_type=AuditEventType.ANALYTICS_REFRESHED)
    assert event.details["rows"]["referrals"] == 3
