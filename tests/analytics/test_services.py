"""msht publish's service: the same protected tables in ODS, CSV and HTML; nothing small
published; nothing suppressed recoverable, even against an earlier publication; audited."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from msht.analytics.engine.disclosure import Quantity, recovered_figures
from msht.analytics.engine.layout import table_from_json
from msht.analytics.engine.periods import Quarter
from msht.analytics.engine.tables import compute_release
from msht.analytics.models import Publication
from msht.analytics.services import statistics_publish
from msht.audit.models import AuditEvent, AuditEventType
from msht.core import policy
from msht.core.errors import PermissionDeniedError
from tests.accounts.factories import UserFactory
from tests.analytics.conftest import AnalyticsWorld, LinkedAnalyticsWorld, read_csv
from tests.analytics.engine.test_tables import quarter_of

pytestmark = pytest.mark.django_db

SYMBOLS = {"[c]", "[x]", "[z]"}


def _csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _ods_sheets(path: Path) -> dict[str, list[list[str]]]:
    document = load(str(path))
    sheets = {}
    for sheet in document.spreadsheet.getElementsByType(Table):
        rows = [
            [teletype.extractText(cell) for cell in row.getElementsByType(TableCell)]
            for row in sheet.getElementsByType(TableRow)
        ]
        sheets[sheet.getAttribute("name")] = rows
    return sheets


def _numbers(rows: list[list[str]]) -> list[float]:
    values = []
    for row in rows[1:]:
        for cell in row[1:]:
            if cell not in SYMBOLS:
                values.append(float(cell))
    return values


def test_publish_writes_the_same_tables_to_ods_csv_and_html(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    result = statistics_publish(None, period="2024Q3", out=tmp_path, store=analytics_world.store)

    publication = result.publication
    tables = [table_from_json(data) for data in publication.tables]
    sheets = _ods_sheets(tmp_path / "nrm-statistics-2024Q3.ods")
    assert list(sheets)[:3] == ["Cover", "Contents", "Notes"]
    assert [name for name in sheets if name not in {"Cover", "Contents", "Notes"}] == [
        table.key for table in tables
    ]
    threshold = int(policy.DISCLOSURE_MINIMUM_COUNT.default)
    for table in tables:
        expected = [list(table.header)] + [
            [label, *(str(value) for value in values)] for label, values in table.rows
        ]
        assert _csv(tmp_path / f"{table.key}.csv") == expected
        sheet = sheets[table.key]
        assert sheet[0] == [table.title]  # the title alone in A1
        assert [cell for cell in sheet[2] if cell] == list(table.header)
        assert [[cell for cell in row if cell] for row in sheet[3:]] == [
            [cell for cell in row if cell] for row in expected[1:]
        ]
        if table.dimension != "time_taken":
            assert all(value == 0 or value >= threshold for value in _numbers(expected))
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="statistics-chart"') >= 10
    assert "<script" not in html
    assert "style=" not in html
    assert publication.rules_version == policy.rules_version_on(Quarter.parse("2024Q3").last_day)
    assert publication.threshold == threshold
    event = AuditEvent.objects.get(event_type=AuditEventType.STATISTICS_PUBLISHED)
    assert event.details["suppressed"] == result.suppressed > 0


def test_published_counts_are_the_store_counts_or_suppressed(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    result = statistics_publish(None, period="2024Q3", out=tmp_path, store=analytics_world.store)
    counted: defaultdict[str, int] = defaultdict(int)
    for row in read_csv(analytics_world.world, "referrals.csv"):
        counted[quarter_of(row["referred_on"])] += 1
    series = next(
        table_from_json(data)
        for data in result.publication.tables
        if data["key"] == "referrals_by_quarter"
    )
    totals = series.column("Referrals: Total")
    for (quarter, _values), published in zip(series.rows, totals, strict=True):
        assert published in ("[c]", counted[quarter])


@pytest.mark.slow
def test_a_later_release_cannot_be_differenced_against_an_earlier_one(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    first = statistics_publish(
        None, period="2024Q2", out=tmp_path / "q2", store=analytics_world.store
    )
    second = statistics_publish(
        None, period="2024Q3", out=tmp_path / "q3", store=analytics_world.store
    )

    shown: dict[Quantity, bool] = {}
    first_shown: set[Quantity] = set()
    for publication in (first.publication, second.publication):
        for system, family, category, column, span, hidden in publication.suppression_pattern:
            quantity = Quantity(system, family, category, column, tuple(span))
            shown[quantity] = shown.get(quantity, True) and hidden
            if publication == first.publication and not hidden:
                first_shown.add(quantity)
    with duckdb.connect(str(analytics_world.store), read_only=True) as connection:
        release = compute_release(
            connection, Quarter.parse("2024Q3"), also_quarters={"2022Q2", "2023Q2", "2024Q2"}
        )
    for name, system in release.systems.items():
        mine = {q: hidden for q, hidden in shown.items() if q.system == name}
        published = {q: system.value(q) for q, hidden in mine.items() if not hidden}
        suppressed = [q for q, hidden in mine.items() if hidden]
        assert suppressed
        recovered = recovered_figures(system, published, suppressed)
        # Only figures the first release alone already implied (zeros under a published
        # zero) may be pinned; the second release adds nothing an attacker can use.
        first_alone = {q: system.value(q) for q in first_shown if q.system == name}
        implied = set(recovered_figures(system, first_alone, recovered))
        assert set(recovered) == implied, name
        assert all(system.value(q) == 0 for q in recovered), name


def test_people_are_within_two_percent_of_the_truth_when_linked_and_referrals_overstate_them(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    result = statistics_publish(
        None, period="2024Q4", out=tmp_path, store=analytics_world.truth_linked_store
    )
    year = next(
        table_from_json(data) for data in result.publication.tables if data["key"] == "gender_ye"
    )
    referrals = year.column("Referrals: Total")[-1]
    people = year.column("People: Total")[-1]
    person_of = {
        row["referral_reference"]: row["person_id"]
        for row in read_csv(analytics_world.world, "truth_referrals.csv")
    }
    in_2024 = [
        row["reference"]
        for row in read_csv(analytics_world.world, "referrals.csv")
        if row["referred_on"].startswith("2024-")
    ]
    true_people = len({person_of[reference] for reference in in_2024})
    print(
        f"2024: published referrals {referrals}, published people {people}, "
        f"true people {true_people}"
    )
    assert isinstance(people, int)
    assert isinstance(referrals, int)
    assert abs(people - true_people) <= 0.02 * true_people
    assert referrals == len(in_2024)
    assert referrals - people == len(in_2024) - true_people  # the repeat referrals


def test_rounding_to_five_publishes_multiples_of_five(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    result = statistics_publish(
        None, period="2024Q3", out=tmp_path, store=analytics_world.store, round_to=5
    )
    for data in result.publication.tables:
        table = table_from_json(data)
        if table.dimension == "time_taken":
            continue
        for _label, values in table.rows:
            assert all(value in SYMBOLS or int(value) % 5 == 0 for value in values)


def test_only_analysts_may_publish(analytics_world: AnalyticsWorld, tmp_path: Path) -> None:
    governance = UserFactory.create(role="governance")
    with pytest.raises(PermissionDeniedError):
        statistics_publish(governance, period="2024Q3", out=tmp_path, store=analytics_world.store)
    assert not Publication.objects.exists()


@pytest.mark.slow
def test_people_counted_after_real_linkage_are_within_two_percent_of_the_truth(
    linked_analytics_world: LinkedAnalyticsWorld, tmp_path: Path
) -> None:
    result = statistics_publish(
        None, period="2024Q4", out=tmp_path, store=linked_analytics_world.store
    )
    year = next(
        table_from_json(data) for data in result.publication.tables if data["key"] == "gender_ye"
    )
    referrals = year.column("Referrals: Total")[-1]
    people = year.column("People: Total")[-1]
    world = linked_analytics_world.world
    person_of = {
        row["referral_reference"]: row["person_id"]
        for row in read_csv(world, "truth_referrals.csv")
    }
    in_2024 = [
        row["reference"]
        for row in read_csv(world, "referrals.csv")
        if row["referred_on"].startswith("2024-")
    ]
    true_people = len({person_of[reference] for reference in in_2024})
    print(
        f"2024 after linkage: published referrals {referrals}, published people {people}, "
        f"true people {true_people}, repeat referrals {len(in_2024) - true_people}"
    )
    assert isinstance(people, int)
    assert isinstance(referrals, int)
    assert referrals == len(in_2024)
    assert abs(people - true_people) <= 0.02 * true_people
    assert referrals > people


def test_no_people_figure_stands_beside_a_suppressed_referral_count(
    analytics_world: AnalyticsWorld, tmp_path: Path
) -> None:
    # People are never more than referrals and are 0 exactly when referrals are: a people
    # figure shown beside a suppressed referral count bounds it, and a 0 gives it away.
    result = statistics_publish(None, period="2024Q3", out=tmp_path, store=analytics_world.store)
    checked = 0
    given_away = []
    for data in result.publication.tables:
        table = table_from_json(data)
        for heading in table.columns:
            if not heading.startswith("Referrals: "):
                continue
            people_heading = "People: " + heading.removeprefix("Referrals: ")
            if people_heading not in table.columns:
                continue
            pairs = zip(table.column(heading), table.column(people_heading), strict=True)
            for row, (referrals, people) in enumerate(pairs):
                if referrals == "[c]":
                    checked += 1
                    if people != "[c]":
                        given_away.append((table.key, table.rows[row][0], heading, people))

    assert checked > 0
    assert given_away == []
