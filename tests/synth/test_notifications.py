"""Duty to Notify reports are anonymous and about adults in England and Wales."""

from __future__ import annotations

from pathlib import Path

from msht.synth.engine import schema
from msht.synth.engine.reference import reference_codes
from tests.synth.conftest import read_csv

IDENTIFYING = {
    "given_names",
    "family_name",
    "aliases",
    "birth_year",
    "birth_month",
    "birth_day",
    "home_office_reference",
    "pnc_id",
    "passport_number",
    "phone_numbers",
    "address_lines",
    "address_postcode",
}


def test_duty_to_notify_rows_hold_no_identifying_field(small_world: Path) -> None:
    assert not IDENTIFYING & set(schema.DUTY_TO_NOTIFY.columns)
    rows = read_csv(small_world, "duty_to_notify.csv")
    assert rows
    assert set(rows[0]) == set(schema.DUTY_TO_NOTIFY.columns)


def test_no_true_name_phone_or_identifier_appears_in_a_report(small_world: Path) -> None:
    truth = {
        row["dtn_reference"]: row["person_id"]
        for row in read_csv(small_world, "truth_duty_to_notify.csv")
    }
    people = {row["person_id"]: row for row in read_csv(small_world, "truth_people.csv")}
    for report in read_csv(small_world, "duty_to_notify.csv"):
        person = people[truth[report["reference"]]]
        assert person["status"] == "notified"
        assert person["age_group"] == "adult"
        text = ",".join(report.values())
        for field in ("family_name", "phone", "home_office_reference", "passport_number"):
            if person[field]:
                assert person[field] not in text


def test_reports_come_from_duty_holders_in_england_and_wales(small_world: Path) -> None:
    nations = reference_codes().police_force_area_nations
    for report in read_csv(small_world, "duty_to_notify.csv"):
        assert not report["organisation"].startswith(("police-police-scotland", "police-psni"))
        assert not report["organisation"].endswith("hsct")
        if report["police_force_area"]:
            assert nations[report["police_force_area"]] in {"england", "wales"}
