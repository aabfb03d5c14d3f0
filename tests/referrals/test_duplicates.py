"""Possible duplicate warning on submission, and who may see the candidates."""

from __future__ import annotations

import time
from typing import Any

import duckdb
import pytest
from django.utils import timezone

from msht.audit.models import AuditEvent, AuditEventType
from msht.linkage.engine import (
    DuckDBBackend,
    Thresholds,
    TrainingPlan,
    link,
    prepare_records,
    worldfiles,
)
from msht.linkage.models import LinkageKind, LinkageRun
from msht.referrals.duplicates import (
    dates_of_birth_compatible,
    duplicate_candidates_for,
    edit_distance,
    names_match,
    normalise_name,
)
from msht.referrals.models import PersonRecord
from msht.referrals.services import referral_submit
from msht.synth.engine import generate_world
from tests.accounts.factories import DecisionMakerFactory, UserFactory
from tests.referrals.factories import PersonRecordFactory, complete_answers


def _record(**fields: object) -> PersonRecord:
    return PersonRecord(**fields)


def test_names_are_normalised_for_case_accents_and_punctuation() -> None:
    assert normalise_name("  ÁNA-María  O'Brien ") == "ana maria o brien"


def test_edit_distance() -> None:
    assert edit_distance("popescu", "popescu") == 0
    assert edit_distance("popescu", "popesku") == 1
    assert edit_distance("nguyen", "ngyuen") == 2
    assert edit_distance("", "abc") == 3


@pytest.mark.parametrize(
    ("other_given", "other_family", "expected"),
    [
        ("Ana", "Popescu", True),
        ("ANA", "POPESCU", True),
        ("Ána", "Pópescu", True),
        ("Popescu", "Ana", True),
        ("Ana", "Popesku", True),
        ("Ana Maria", "Popescu", True),
        ("Elena", "Popescu", False),
        ("Ana", "Ionescu", False),
    ],
)
def test_similar_names_match(other_given: str, other_family: str, expected: bool) -> None:
    first = _record(given_names="Ana", family_name="Popescu")
    second = _record(given_names=other_given, family_name=other_family)
    assert names_match(first, second) is expected


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ({"birth_year": 1994, "birth_month": 3, "birth_day": 14}, True),
        ({"birth_year": 1994, "birth_month": 3, "birth_day": 15}, False),
        ({"birth_year": 1995}, True),
        ({"birth_year": 1996}, False),
        (
            {
                "birth_year": 1993,
                "birth_month": 3,
                "birth_day": 14,
                "birth_date_is_estimated": True,
            },
            True,
        ),
        ({}, False),
    ],
)
def test_dates_of_birth_compatible(other: dict[str, object], expected: bool) -> None:
    first = _record(birth_year=1994, birth_month=3, birth_day=14)
    assert dates_of_birth_compatible(first, _record(**other)) is expected


@pytest.mark.django_db
def test_submission_counts_possible_duplicates_from_any_organisation() -> None:
    PersonRecordFactory.create(given_names="Popescu", family_name="Ana", birth_year=1995)
    PersonRecordFactory.create(given_names="Zed", family_name="Other", passport_number="P123")
    PersonRecordFactory.create(given_names="Ana", family_name="Popescu", birth_year=1980)
    referral = referral_submit(
        UserFactory.create(),
        answers=complete_answers(given_names="Ana", passport_number="p123"),
    )
    assert referral.possible_duplicate_count == 2
    event = AuditEvent.objects.get(
        event_type=AuditEventType.RECORD_CREATED,
        object_type="referrals.referral",
        object_id=str(referral.pk),
    )
    assert event.details["possible_duplicates"] == 2


@pytest.mark.django_db
def test_decision_makers_see_the_candidates_and_each_read_is_audited() -> None:
    other = PersonRecordFactory.create(given_names="Ana", family_name="Popescu", birth_year=1994)
    referral = referral_submit(UserFactory.create(), answers=complete_answers(given_names="Ana"))
    decision_maker = DecisionMakerFactory.create()
    assert duplicate_candidates_for(decision_maker, referral) == [other]
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_VIEWED,
        actor_id=decision_maker.pk,
        object_id=str(other.pk),
    ).exists()


@pytest.mark.django_db
def test_first_responder_is_not_shown_another_organisations_record() -> None:
    PersonRecordFactory.create(given_names="Ana", family_name="Popescu", birth_year=1994)
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers(given_names="Ana"))
    assert referral.possible_duplicate_count == 1
    assert duplicate_candidates_for(user, referral) == []


@pytest.mark.django_db
def test_first_responder_sees_a_candidate_their_organisation_referred() -> None:
    user = UserFactory.create()
    first = referral_submit(user, answers=complete_answers(given_names="Ana"))
    second = referral_submit(user, answers=complete_answers(given_names="Anna"))
    assert second.possible_duplicate_count == 1
    assert duplicate_candidates_for(user, second) == [first.person_record]


@pytest.mark.django_db
def test_other_roles_see_no_candidates() -> None:
    PersonRecordFactory.create(given_names="Ana", family_name="Popescu", birth_year=1994)
    referral = referral_submit(UserFactory.create(), answers=complete_answers(given_names="Ana"))
    assert duplicate_candidates_for(UserFactory.create(role="analyst"), referral) == []
    assert duplicate_candidates_for(UserFactory.create(), referral) == []


# With a saved linkage model: candidates from SQL, scored with its Fellegi-Sunter weights.


@pytest.fixture(scope="module")
def person_model(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A person model trained by the linkage engine on a small synthetic world."""
    world = tmp_path_factory.mktemp("world")
    generate_world(world, referrals=1500, seed=3)
    connection = duckdb.connect()
    prepare_records(connection, worldfiles.referral_records(world))
    result = link(
        DuckDBBackend(connection),
        thresholds=Thresholds(),
        plan=TrainingPlan(max_pairs_for_u=1e6),
    )
    return result.model


def _save_run(model: dict[str, Any]) -> LinkageRun:
    now = timezone.now()
    return LinkageRun.objects.create(
        kind=LinkageKind.PERSONS,
        engine="duckdb",
        started_at=now,
        finished_at=now,
        upper_threshold=0.9,
        lower_threshold=0.5,
        model=model,
    )


@pytest.mark.django_db
def test_with_a_model_a_transliterated_name_with_a_slipped_date_is_a_duplicate(
    person_model: dict[str, Any],
) -> None:
    _save_run(person_model)
    existing = PersonRecordFactory.create(
        given_names="Mohammed",
        family_name="Haidari",
        birth_year=1990,
        birth_month=5,
        birth_day=12,
        phone_numbers=["07700 900123"],
        passport_number="",
    )
    # Born the same year with the same initial, but nothing else in common.
    PersonRecordFactory.create(given_names="Mariam", family_name="Hussein", birth_year=1990)
    started = time.perf_counter()
    referral = referral_submit(
        UserFactory.create(),
        answers=complete_answers(
            given_names="Muhammad",
            family_name="Haydari",
            birth_year=1990,
            birth_month=12,
            birth_day=5,
            phone_numbers=["+447700900123"],
        ),
    )
    print(f"\nsubmission with model scoring: {time.perf_counter() - started:.3f} s")
    assert referral.possible_duplicate_count == 1
    assert duplicate_candidates_for(DecisionMakerFactory.create(), referral) == [existing]


@pytest.mark.django_db
def test_with_a_model_the_same_common_name_born_decades_apart_is_not_a_duplicate(
    person_model: dict[str, Any],
) -> None:
    _save_run(person_model)
    PersonRecordFactory.create(
        given_names="Ana Maria", family_name="Popescu", birth_year=1961, birth_month=7, birth_day=2
    )
    referral = referral_submit(UserFactory.create(), answers=complete_answers())
    assert referral.possible_duplicate_count == 0


@pytest.mark.django_db
def test_with_a_model_a_shared_passport_makes_a_duplicate(person_model: dict[str, Any]) -> None:
    _save_run(person_model)
    PersonRecordFactory.create(
        given_names="Ana", family_name="Popescu", birth_year=1994, passport_number="RO1234567"
    )
    referral = referral_submit(
        UserFactory.create(), answers=complete_answers(passport_number="ro 1234567")
    )
    assert referral.possible_duplicate_count == 1
