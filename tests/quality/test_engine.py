"""The six dimensions over small Arrow tables (no database)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from msht.quality.engine import dimensions as d


def _records(**columns: list[str | None]) -> pa.Table:
    size = len(next(iter(columns.values())))
    base: dict[str, list[str | None]] = {
        "record_key": [f"k{i}" for i in range(size)],
        "content_hash": [f"h{i}" for i in range(size)],
    }
    return pa.table({**base, **columns}, schema=None)


def test_completeness_counts_values_per_field() -> None:
    records = _records(gender=["male", None, "female", None], family_name=["A", "B", "C", "D"])
    measures = {m.field: m for m in d.completeness(records, ["gender", "family_name", "absent"])}
    assert (measures["gender"].numerator, measures["gender"].denominator) == (2, 4)
    assert measures["gender"].value == pytest.approx(0.5)
    assert measures["family_name"].value == pytest.approx(1.0)
    assert "absent" not in measures


def test_uniqueness_by_content_and_by_identity() -> None:
    records = pa.table(
        {
            "record_key": ["a", "b", "c"],
            "content_hash": ["x", "x", "y"],
            "given_names": ["Ana", "Ana", "Bo"],
            "family_name": ["Pop", "Pop", "Li"],
            "birth_date": ["1990-01-01", "1990-01-01", None],
        }
    )
    measures = {m.field: m for m in d.uniqueness(records)}
    assert measures["(whole row)"].numerator == 2
    assert measures["(name and date of birth)"].value == pytest.approx(2 / 3)


def test_consistency_checks_only_the_rows_a_rule_applies_to() -> None:
    records = _records(
        age_group=["child", "adult", "child", None],
        age_group_reported=["child", "child", None, "adult"],
        birth_date=["2010-05-01", "1990-01-01", "1980-01-01", None],
        exploitation_started_on=["2020-01-01", "2019-01-01", "2020-01-01", None],
        recorded_on=["2021-01-01", "2018-01-01", "2021-01-01", None],
    )
    rules = {m.field: m for m in d.consistency(records)}
    agree = rules["age group agrees with the age the source reports"]
    assert (agree.numerator, agree.denominator) == (1, 2)
    by_birth = rules["age group agrees with the date of birth"]
    assert (by_birth.numerator, by_birth.denominator) == (2, 3)
    order = rules["exploitation began on or before it was recorded"]
    assert (order.numerator, order.denominator) == (2, 3)


def test_timeliness_is_the_median_delay_in_days() -> None:
    records = _records(
        exploitation_started_on=["2024-01-01", "2024-01-01", "2024-01-01", None],
        recorded_on=["2024-01-11", "2024-01-21", "2024-03-01", "2024-01-01"],
    )
    [measure] = d.timeliness(records)
    assert measure.value == pytest.approx(20.0)
    assert measure.denominator == 3


def test_timeliness_says_when_it_cannot_be_measured() -> None:
    [measure] = d.timeliness(_records(recorded_on=["2024-01-01"]))
    assert measure.value is None
    assert measure.note


def test_validity_overall_and_per_field() -> None:
    measures = d.validity(10, 2, {"DOB": 2})
    assert measures[0].value == pytest.approx(0.8)
    assert (measures[1].field, measures[1].numerator) == ("DOB", 8)


def test_accuracy_against_a_reference_joined_on_the_key() -> None:
    records = _records(gender=["male", "female", None])
    reference = pa.table({"record_key": ["k0", "k1", "k2"], "gender": ["male", "male", "male"]})
    [measure] = d.accuracy(records, reference, ["gender"])
    assert (measure.numerator, measure.denominator) == (1, 2)


def test_national_fields_name_the_source_with_most_missing_values() -> None:
    by_source = {
        "a": [d.Measure(d.COMPLETENESS, 0.9, 90, 100, field="gender")],
        "b": [d.Measure(d.COMPLETENESS, 0.5, 500, 1000, field="gender")],
    }
    [picture] = d.national_fields(by_source)
    assert picture.completeness == pytest.approx(590 / 1100)
    assert picture.worst_source == "b"
    assert picture.worst_share_of_missing == pytest.approx(500 / 510)


def test_profile_completeness_per_column_and_group() -> None:
    profile = {
        "rows": 4,
        "filled": {"gender": 3},
        "groups": {"Hotline": {"rows": 1, "filled": {"gender": 0}}},
    }
    measures = d.profile_completeness(profile)
    assert measures[0].value == pytest.approx(0.75)
    assert (measures[1].group, measures[1].value) == ("Hotline", 0.0)


def test_profile_timeliness_is_the_median_of_the_delay_counts() -> None:
    [measure] = d.profile_timeliness({"delay_days": {"10": 2, "30": 1, "400": 2}})
    assert measure.value == pytest.approx(30.0)
    assert measure.denominator == 5
    [none] = d.profile_timeliness({"delay_days": {}})
    assert none.value is None


def _people(
    rows: list[tuple[str, str, int | None, int | None, int | None, str, list[str]]],
) -> pa.Table:
    names = ("entity_id", "source", "birth_year", "birth_month", "birth_day", "gender")
    columns: dict[str, list[object]] = {
        name: [row[i] for row in rows] for i, name in enumerate(names)
    }
    columns["nationalities"] = [row[6] for row in rows]
    return pa.table(columns)


def test_agreement_across_sources_counts_pairs_of_one_persons_records() -> None:
    people = _people(
        [
            ("e1", "police", 1990, 3, 14, "female", ["GBR"]),
            ("e1", "ngo", 1990, 3, 14, "female", ["GBR"]),
            ("e1", "referral", 1990, None, None, "female", ["ALB", "GBR"]),
            # Date of birth and nationality disagree.
            ("e2", "police", 1985, 1, 2, "male", ["ALB"]),
            ("e2", "ngo", 1985, 2, 1, "male", ["VNM"]),
            # The date disagrees; sex and nationality cannot be compared.
            ("e3", "police", 1970, None, None, "not_known", []),
            ("e3", "ngo", 1971, 5, 5, "female", ["ROU"]),
            # One source twice: nothing to compare with another source.
            ("e4", "police", 1999, 1, 1, "male", ["GBR"]),
            ("e4", "police", 1998, 1, 1, "female", ["ALB"]),
            # Sex disagrees; the date cannot be compared.
            ("e5", "police", 2000, 6, 1, "male", ["GBR"]),
            ("e5", "ngo", None, None, None, "female", ["GBR"]),
        ]
    )
    by_source = d.agreement_across_sources(people)

    police = {(m.field.split(" agrees")[0], m.group): m for m in by_source["police"]}
    figures = {key: (m.numerator, m.denominator) for key, m in police.items()}
    assert figures[("date of birth", "")] == (2, 4)
    assert figures[("sex", "")] == (3, 4)
    assert figures[("nationality", "")] == (3, 4)
    assert figures[("date of birth", "ngo")] == (1, 3)
    assert figures[("date of birth", "referral")] == (1, 1)
    assert police[("sex", "")].value == pytest.approx(0.75)
    assert all(m.dimension == d.CONSISTENCY for m in by_source["police"])
    ngo = {(m.field.split(" agrees")[0], m.group): m for m in by_source["ngo"]}
    assert (ngo[("date of birth", "")].numerator, ngo[("date of birth", "")].denominator) == (2, 4)
    referral = {(m.field.split(" agrees")[0], m.group): m for m in by_source["referral"]}
    assert referral[("date of birth", "")].value == 1.0
    assert referral[("nationality", "police")].value == 1.0


def test_agreement_across_sources_is_empty_without_shared_people() -> None:
    people = _people([("e1", "police", 1990, 1, 1, "male", ["GBR"])])
    assert d.agreement_across_sources(people) == {}
