"""Each table of the release against an independent plain-Python count over the world's CSVs."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from msht.analytics.engine.dimensions import DIMENSIONS, NOT_RECORDED, OVERSEAS_ONLY
from msht.analytics.engine.disclosure import ALL, Quantity
from msht.analytics.engine.periods import Quarter, publication_periods
from msht.analytics.engine.tables import PEOPLE, Release, compute_release
from msht.core.calendar import working_days_between
from msht.core.reference import UkNation
from tests.analytics.conftest import AnalyticsWorld, read_csv

SOURCE = Path(__file__).resolve().parents[3] / "src" / "msht"
# The world is loaded into the test database (then flushed): see conftest.analytics_world.
pytestmark = pytest.mark.django_db

QUARTER = Quarter.parse("2024Q3")

Row = dict[str, str]


def _yaml(path: Path) -> dict[str, list[dict[str, str]]]:
    loaded: dict[str, list[dict[str, str]]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _area_nations() -> dict[str, str]:
    data = _yaml(SOURCE / "core" / "migrations" / "reference_data.yaml")
    return {area["code"]: area["nation"] for area in data["police_force_areas"]}


def _organisation_types() -> dict[str, str]:
    data = _yaml(SOURCE / "accounts" / "migrations" / "organisations.yaml")
    types = {f"police-{code}": "police_force" for code in _area_nations()}
    types.update({entry["code"]: entry["organisation_type"] for entry in data["national"]})
    types.update({entry["code"]: "ngo" for entry in data["ngos"]})
    types.update({entry["code"]: "hsc_trust" for entry in data["health_and_social_care_trusts"]})
    types.update({entry["code"]: "local_authority" for entry in data["local_authorities"]})
    return types


def quarter_of(day: str) -> str:
    year, month, _day = day.split("-")
    return f"{year}Q{(int(month) - 1) // 3 + 1}"


def _exploitation_type(codes: str) -> str:
    types = {code for code in codes.split(";") if code and code != "not_specified"}
    if len(types) == 1:
        return types.pop()
    return "multiple" if types else "not_specified"


def _first_area(row: Row) -> str | None:
    for place in row["exploitation_places"].split(";"):
        kind, _, rest = place.partition(":")
        if kind == "pfa":
            return rest.partition(":")[0]
    return None


def _outside(row: Row) -> str:
    return OVERSEAS_ONLY if row["exploitation_location"] == "overseas_only" else NOT_RECORDED


def _referral_rows() -> dict[str, Callable[[Row], str]]:
    """How a person reading the CSVs would put a referral in each table's rows."""
    nations = _area_nations()
    types = _organisation_types()

    def nation(row: Row) -> str:
        area = _first_area(row)
        return nations[area] if area else _outside(row)

    return {
        "nationality": lambda row: row["nationalities"].split(";")[0] or NOT_RECORDED,
        "gender": lambda row: row["gender"],
        "exploitation_type": lambda row: _exploitation_type(row["exploitation_types"]),
        "county_lines": lambda row: "flagged" if row["county_lines"] == "true" else "not_flagged",
        "first_responder_type": lambda row: types[row["first_responder_organisation"]],
        "nation": nation,
        "police_force_area": lambda row: _first_area(row) or _outside(row),
        "competent_authority": lambda row: row["competent_authority"] or NOT_RECORDED,
    }


@pytest.fixture(scope="module")
def release(analytics_world: AnalyticsWorld) -> Iterator[Release]:
    with duckdb.connect(str(analytics_world.truth_linked_store), read_only=True) as connection:
        yield compute_release(connection, QUARTER)


def _spans() -> list[tuple[str, ...]]:
    return [tuple(str(q) for q in period.quarters) for period in publication_periods(QUARTER)]


def _assert_table(
    release: Release,
    population: str,
    family: str,
    expected: Counter[tuple[str, str, tuple[str, ...]]],
    columns: tuple[str, ...],
) -> None:
    system = release.systems[population]
    categories = release.categories[family]
    for span in _spans():
        found = {
            (category, column): system.value(system.quantity(family, category, column, span))
            for category in categories
            for column in columns
        }
        wanted = {
            (category, column): expected[(category, column, span)]
            for category in categories
            for column in columns
        }
        assert found == wanted, (family, span)
        assert {category for (category, _c, s) in expected if s == span} <= set(categories)


@pytest.mark.parametrize("family", [d.key for d in DIMENSIONS if d.population.key == "referrals"])
def test_each_referral_table_matches_a_plain_count_of_the_csv(
    analytics_world: AnalyticsWorld, release: Release, family: str
) -> None:
    row_of = _referral_rows()[family]
    expected: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for row in read_csv(analytics_world.world, "referrals.csv"):
        for span in _spans():
            if quarter_of(row["referred_on"]) in span:
                expected[(row_of(row), row["age_group_at_exploitation"], span)] += 1
    _assert_table(release, "referrals", family, expected, ("adult", "child", "not_known"))


def test_the_quarterly_series_matches_a_plain_count_of_the_csv(
    analytics_world: AnalyticsWorld, release: Release
) -> None:
    counted = Counter(
        (quarter_of(row["referred_on"]), row["age_group_at_exploitation"])
        for row in read_csv(analytics_world.world, "referrals.csv")
    )
    system = release.systems["referrals"]
    for quarter in release.series:
        for column in ("adult", "child", "not_known"):
            quantity = system.quantity(ALL, ALL, column, (str(quarter),))
            assert system.value(quantity) == counted[(str(quarter), column)]


@pytest.mark.parametrize("family", ["dtn_exploitation_type", "dtn_nation"])
def test_duty_to_notify_tables_match_a_plain_count_of_the_csv(
    analytics_world: AnalyticsWorld, release: Release, family: str
) -> None:
    nations = _area_nations()
    expected: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for row in read_csv(analytics_world.world, "duty_to_notify.csv"):
        if family == "dtn_exploitation_type":
            category = _exploitation_type(row["exploitation_types"])
        elif row["police_force_area"]:
            category = nations[row["police_force_area"]]
        else:
            category = _outside(row)
        for span in _spans():
            if quarter_of(row["reported_on"]) in span:
                expected[(category, row["gender"], span)] += 1
    _assert_table(
        release, "duty_to_notify", family, expected, ("female", "male", "other", "not_known")
    )


def _rg_band(days: int) -> str:
    if days <= 5:
        return "wd_0_5"
    if days <= 20:
        return "wd_6_20"
    return "wd_21_60" if days <= 60 else "wd_61_plus"


def _cg_band(days: int) -> str:
    for limit, band in ((90, "d_0_89"), (180, "d_90_179"), (365, "d_180_364"), (730, "d_365_729")):
        if days < limit:
            return band
    return "d_730_plus"


@pytest.mark.parametrize("family", ["rg_outcome", "rg_time_taken", "cg_outcome", "cg_time_taken"])
def test_decision_tables_match_a_plain_count_of_the_csv(
    analytics_world: AnalyticsWorld, release: Release, family: str
) -> None:
    referrals = {row["reference"]: row for row in read_csv(analytics_world.world, "referrals.csv")}
    stage = family[:2]
    expected: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for row in read_csv(analytics_world.world, "decisions.csv"):
        if row["stage"] != stage or not row["outcome"]:
            continue
        referral = referrals[row["referral_reference"]]
        started = dt.date.fromisoformat(row["started_on"])
        decided = dt.date.fromisoformat(row["decided_on"])
        if family.endswith("outcome"):
            category = row["outcome"]
        elif stage == "rg":
            category = _rg_band(
                working_days_between(started, decided, UkNation(referral["nation"]))
            )
        else:
            category = _cg_band((decided - started).days)
        for span in _spans():
            if quarter_of(row["decided_on"]) in span:
                expected[(category, referral["age_group_at_exploitation"], span)] += 1
    _assert_table(release, f"{stage}_decisions", family, expected, ("adult", "child", "not_known"))


def test_distinct_people_are_the_true_people_when_entities_come_from_the_truth_file(
    analytics_world: AnalyticsWorld, release: Release
) -> None:
    person_of = {
        row["referral_reference"]: row["person_id"]
        for row in read_csv(analytics_world.world, "truth_referrals.csv")
    }
    people: defaultdict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    referrals: Counter[tuple[str, ...]] = Counter()
    for row in read_csv(analytics_world.world, "referrals.csv"):
        for span in _spans():
            if quarter_of(row["referred_on"]) in span:
                people[(row["gender"], span)].add(person_of[row["reference"]])
                people[(ALL, span)].add(person_of[row["reference"]])
                referrals[span] += 1
    for span in _spans():
        total = release.people[_people_total(span)]
        assert total == len(people[(ALL, span)]), span
        for gender in ("female", "male"):
            key = _people_key("gender", gender, span)
            assert release.people.get(key, 0) == len(people[(gender, span)])
        print(f"{span}: {referrals[span]} referrals, {total} distinct people")


def _people_total(span: tuple[str, ...]) -> Quantity:
    return Quantity(PEOPLE, ALL, ALL, ALL, span)


def _people_key(family: str, category: str, span: tuple[str, ...]) -> Quantity:
    return Quantity(PEOPLE, family, category, ALL, span)
