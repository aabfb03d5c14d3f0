"""Referral services: drafts, submission, amendment, Duty to Notify (DOMAIN.md, NRM 1-2)."""

from __future__ import annotations

import re

import pytest

from msht.accounts.models import Organisation, OrganisationType, Role
from msht.audit.models import AuditEvent, AuditEventType
from msht.core.errors import PermissionDeniedError, ValidationError
from msht.core.reference import AgeGroup, ExploitationLocation, ImmigrationStatus, UkNation
from msht.referrals import services
from msht.referrals.answers import IDENTIFYING_FIELDS
from msht.referrals.models import (
    DutyToNotifyReport,
    PersonRecord,
    Referral,
    ReferralAmendment,
    ReferralStatus,
)
from msht.referrals.services import (
    ReferralProblemsError,
    duty_to_notify_submit,
    referral_amend,
    referral_draft_save,
    referral_submit,
)
from tests.accounts.factories import DecisionMakerFactory, OrganisationFactory, UserFactory
from tests.referrals.factories import (
    ReferralFactory,
    complete_answers,
)

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^NRM-\d{4}-\d{6}$")


def _events(obj: object, event_type: AuditEventType) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type=event_type,
            object_type=obj._meta.label_lower,  # type: ignore[attr-defined]
            object_id=str(obj.pk),  # type: ignore[attr-defined]
        )
    )


def test_draft_may_be_saved_with_almost_nothing_and_changed_later() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(user, answers={"family_name": "Popescu"})
    assert draft.status == ReferralStatus.DRAFT
    assert draft.first_responder_organisation == user.organisation
    draft = referral_draft_save(user, reference=draft.reference, answers={"given_names": "Ana"})
    assert (draft.person_record.given_names, draft.person_record.family_name) == (
        "Ana",
        "Popescu",
    )
    assert len(_events(draft, AuditEventType.RECORD_CHANGED)) == 2


def test_draft_with_an_unknown_code_is_refused_naming_the_field() -> None:
    user = UserFactory.create()
    with pytest.raises(ReferralProblemsError) as caught:
        referral_draft_save(user, answers={"nationalities": ["ZZZ"], "gender": "robot"})
    assert set(caught.value.by_field()) == {"nationalities", "gender"}
    assert not Referral.objects.exists()


def test_only_first_responders_save_drafts() -> None:
    with pytest.raises(PermissionDeniedError):
        referral_draft_save(DecisionMakerFactory.create(), answers={})


def test_another_organisations_draft_cannot_be_changed() -> None:
    draft = referral_draft_save(UserFactory.create(), answers={"family_name": "Popescu"})
    with pytest.raises(Referral.DoesNotExist):
        referral_draft_save(UserFactory.create(), reference=draft.reference, answers={})


def test_submit_assigns_reference_status_authority_and_nation() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    assert REFERENCE.match(referral.reference)
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submitted_at is not None
    assert referral.competent_authority is not None
    assert referral.competent_authority.code == services.SINGLE_COMPETENT_AUTHORITY
    assert referral.nation == UkNation.ENGLAND
    assert referral.person_record.source_reference == referral.reference
    [created] = _events(referral, AuditEventType.RECORD_CREATED)
    assert created.details["possible_duplicates"] == 0


def test_submitted_referral_enters_the_decision_queue_with_its_rg_deadline() -> None:
    from msht.accounts.models import Organisation
    from msht.core.calendar import add_working_days
    from msht.decisions.models import Decision, DecisionStage
    from msht.decisions.selectors import QueueFilters, decision_list_queue
    from tests.accounts.factories import DecisionMakerFactory as QueueReaderFactory

    referral = referral_submit(UserFactory.create(), answers=complete_answers())

    [pending] = Decision.objects.filter(referral=referral)
    assert pending.stage == DecisionStage.REASONABLE_GROUNDS
    assert pending.is_pending
    assert pending.deadline == add_working_days(referral.referred_on, 5, UkNation.ENGLAND)
    sca = Organisation.objects.get(code=services.SINGLE_COMPETENT_AUTHORITY)
    queue = decision_list_queue(QueueReaderFactory.create(organisation=sca), filters=QueueFilters())
    assert referral.reference in [decision.referral.reference for decision in queue]


def test_submit_of_a_saved_draft_by_reference() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(user, answers=complete_answers())
    referral = referral_submit(user, reference=draft.reference)
    assert referral.pk == draft.pk
    assert REFERENCE.match(referral.reference)


def test_submit_collects_every_problem_at_once() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(
        user,
        answers={
            "referring_officer_name": "",
            "referring_officer_email": "",
            "age_group_at_exploitation": AgeGroup.ADULT,
            "county_lines": True,
            "exploitation_location": ExploitationLocation.OVERSEAS_ONLY,
            "places": [{"police_force_area": "kent"}],
            "birth_day": 3,
        },
    )
    with pytest.raises(ReferralProblemsError) as caught:
        referral_submit(user, reference=draft.reference)
    assert caught.value.field_problems == [
        ("referring_officer_name", services.OFFICER_NAME_MISSING),
        ("referring_officer_email", services.OFFICER_EMAIL_MISSING),
        ("consent_given", services.CONSENT_MISSING),
        ("given_names", services.NAME_MISSING),
        ("birth_day", services.BIRTH_DAY_WITHOUT_MONTH),
        ("exploitation_types", services.EXPLOITATION_TYPE_MISSING),
        ("county_lines", services.COUNTY_LINES_NOT_CRIMINAL),
        ("places", services.UK_PLACE_NOT_ALLOWED),
        ("places", services.OVERSEAS_PLACE_MISSING),
        ("narrative", services.NARRATIVE_MISSING),
    ]
    assert isinstance(caught.value, ValidationError)
    assert len(caught.value.problems) == 10
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT


def test_an_adult_who_does_not_consent_cannot_be_referred() -> None:
    with pytest.raises(ReferralProblemsError) as caught:
        referral_submit(UserFactory.create(), answers=complete_answers(consent_given=False))
    assert caught.value.field_problems == [("consent_given", services.CONSENT_REFUSED)]


def test_a_child_needs_no_consent() -> None:
    referral = referral_submit(
        UserFactory.create(),
        answers=complete_answers(age_group_at_exploitation=AgeGroup.CHILD, consent_given=None),
    )
    assert referral.status == ReferralStatus.SUBMITTED


def test_no_more_than_ten_places() -> None:
    places = [{"country": "ALB"}] * 11
    with pytest.raises(ReferralProblemsError) as caught:
        referral_draft_save(UserFactory.create(), answers={"places": places})  # type: ignore[typeddict-item]
    assert ("places", services.PLACES_TOO_MANY) in caught.value.field_problems


def test_ten_places_in_the_uk_and_overseas_are_kept() -> None:
    places = [{"police_force_area": "kent"}] * 5 + [{"country": "ALB"}] * 5
    referral = referral_submit(
        UserFactory.create(),
        answers=complete_answers(
            places=places, exploitation_location=ExploitationLocation.UK_AND_OVERSEAS
        ),
    )
    assert referral.exploitation_places.count() == 10


def test_foreign_national_who_may_face_removal_goes_to_the_ieca() -> None:
    referral = referral_submit(
        UserFactory.create(),
        answers=complete_answers(immigration_status=ImmigrationStatus.IRREGULAR),
    )
    assert referral.competent_authority is not None
    assert referral.competent_authority.code == services.IMMIGRATION_ENFORCEMENT_COMPETENT_AUTHORITY


def test_uk_national_goes_to_the_sca_whatever_the_status() -> None:
    referral = referral_submit(
        UserFactory.create(),
        answers=complete_answers(
            nationalities=["GBR"], immigration_status=ImmigrationStatus.IMMIGRATION_DETENTION
        ),
    )
    assert referral.competent_authority is not None
    assert referral.competent_authority.code == services.SINGLE_COMPETENT_AUTHORITY


def test_nation_comes_from_the_place_of_exploitation_then_the_organisation() -> None:
    scottish = referral_submit(
        UserFactory.create(),
        answers=complete_answers(places=[{"police_force_area": "police-scotland"}]),
    )
    assert scottish.nation == UkNation.SCOTLAND
    welsh_user = UserFactory.create(
        organisation=OrganisationFactory.create(code="test-welsh-ngo", nation=UkNation.WALES)
    )
    overseas = referral_submit(
        welsh_user,
        answers=complete_answers(
            exploitation_location=ExploitationLocation.OVERSEAS_ONLY, places=[{"country": "ALB"}]
        ),
    )
    assert overseas.nation == UkNation.WALES


def test_references_are_unique_and_consecutive() -> None:
    user = UserFactory.create()
    references = [referral_submit(user, answers=complete_answers()).reference for _ in range(3)]
    numbers = [int(reference.rsplit("-", 1)[1]) for reference in references]
    assert len(set(references)) == 3
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_submitted_referral_is_no_longer_a_draft() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    with pytest.raises(ValidationError, match=services.NOT_A_DRAFT):
        referral_draft_save(user, reference=referral.reference, answers={})


def test_amend_keeps_the_history_and_audits_field_names_only() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    amendment = referral_amend(
        user,
        reference=referral.reference,
        answers={"family_name": "Popescu-Ionescu", "police_crime_reference": "KNT-2"},
        reason="Second name found on her documents",
    )
    assert amendment.changes == {
        "family_name": ["Popescu", "Popescu-Ionescu"],
        "police_crime_reference": ["KNT-2024-0001", "KNT-2"],
    }
    assert ReferralAmendment.objects.filter(referral=referral).count() == 1
    [changed] = _events(referral, AuditEventType.RECORD_CHANGED)[-1:]
    assert changed.details["fields"] == ["family_name", "police_crime_reference"]
    assert "Popescu-Ionescu" not in str(changed.details)


def test_amend_needs_a_reason_and_a_change() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    with pytest.raises(ReferralProblemsError) as caught:
        referral_amend(user, reference=referral.reference, answers={}, reason=" ")
    assert caught.value.by_field() == {
        "reason": [services.REASON_MISSING],
        "answers": [services.NOTHING_CHANGED],
    }


def test_amend_must_still_pass_submission_checks() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    with pytest.raises(ReferralProblemsError) as caught:
        referral_amend(user, reference=referral.reference, answers={"narrative": ""}, reason="x")
    assert caught.value.by_field() == {"narrative": [services.NARRATIVE_MISSING]}
    referral.refresh_from_db()
    assert referral.narrative


def test_amend_only_before_a_decision() -> None:
    user = UserFactory.create()
    referral = ReferralFactory.create(
        first_responder_organisation=user.organisation, status=ReferralStatus.RG_POSITIVE
    )
    with pytest.raises(PermissionDeniedError):
        referral_amend(user, reference=referral.reference, answers={"narrative": "x"}, reason="y")


def test_amend_only_by_the_referring_organisation() -> None:
    referral = referral_submit(UserFactory.create(), answers=complete_answers())
    with pytest.raises(Referral.DoesNotExist):
        referral_amend(UserFactory.create(), reference=referral.reference, answers={}, reason="y")
    with pytest.raises(PermissionDeniedError):
        referral_amend(
            DecisionMakerFactory.create(), reference=referral.reference, answers={}, reason="y"
        )


def test_non_consenting_adult_draft_becomes_an_anonymous_duty_to_notify_report() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(
        user,
        answers=complete_answers(
            consent_given=False, home_office_reference="HO123", phone_numbers=["07700900123"]
        ),
    )
    record_pk = draft.person_record.pk
    report = duty_to_notify_submit(user, reference=draft.reference)
    assert report.reference.startswith("DTN-")
    assert report.police_force_area is not None
    assert report.police_force_area.code == "kent"
    assert report.nationality is not None
    assert report.nationality.code == "ROU"
    assert set(report.exploitation_types.values_list("code", flat=True)) == {"labour"}
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert not PersonRecord.objects.filter(pk=record_pk).exists()
    # The report's model has no field that could hold an identifying answer.
    report_fields = {field.name for field in DutyToNotifyReport._meta.get_fields()}
    assert not report_fields & set(IDENTIFYING_FIELDS)
    stored = str(list(DutyToNotifyReport.objects.values()))
    for value in ("Popescu", "Ana", "HO123", "07700900123", "farm"):
        assert value not in stored
    [created] = _events(report, AuditEventType.RECORD_CREATED)
    assert created.details["draft_deleted"] is True
    assert created.details["converted_from_draft"] == draft.reference
    assert "given_names" in created.details["identifying_data_discarded"]
    assert "Popescu" not in str(created.details)


def test_a_consenting_adult_or_a_child_is_not_reported_under_duty_to_notify() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(
        user, answers=complete_answers(age_group_at_exploitation=AgeGroup.CHILD)
    )
    with pytest.raises(ValidationError, match=services.NOT_DUTY_TO_NOTIFY):
        duty_to_notify_submit(user, reference=draft.reference)
    assert Referral.objects.filter(pk=draft.pk).exists()


def test_duty_to_notify_direct_report_needs_an_exploitation_type() -> None:
    user = UserFactory.create()
    with pytest.raises(ReferralProblemsError) as caught:
        duty_to_notify_submit(user, answers={"nationality": "ZZZ"})
    assert set(caught.value.by_field()) == {"nationality", "exploitation_types"}
    report = duty_to_notify_submit(user, answers={"exploitation_types": ["sexual"]})
    assert report.organisation == user.organisation


def test_duty_to_notify_only_for_organisations_under_the_duty() -> None:
    ngo = Organisation.objects.get(code="salvation-army")
    user = UserFactory.create(organisation=ngo, role=Role.FIRST_RESPONDER)
    assert ngo.organisation_type == OrganisationType.NGO
    with pytest.raises(PermissionDeniedError):
        duty_to_notify_submit(user, answers={"exploitation_types": ["sexual"]})


@pytest.mark.parametrize(
    ("year", "month", "day", "month_name", "days"),
    [
        (None, 2, 30, "February", 29),
        (None, 4, 31, "April", 30),
        (2023, 2, 29, "February", 28),
        (1990, 11, 31, "November", 30),
    ],
)
def test_a_birth_day_not_in_its_month_is_refused_even_without_a_year(
    year: int | None, month: int, day: int, month_name: str, days: int
) -> None:
    answers = complete_answers(birth_year=year, birth_month=month, birth_day=day)
    with pytest.raises(ReferralProblemsError) as caught:
        referral_submit(UserFactory.create(), answers=answers)
    message = services.BIRTH_DAY_NOT_IN_MONTH.format(month=month_name, days=days)
    assert caught.value.field_problems == [("birth_day", message)]
    assert f"{month_name} has {days} days" in message


@pytest.mark.parametrize(("year", "month", "day"), [(None, 2, 29), (2024, 2, 29), (None, 3, None)])
def test_a_partial_or_leap_birth_date_that_can_be_true_is_accepted(
    year: int | None, month: int, day: int | None
) -> None:
    answers = complete_answers(birth_year=year, birth_month=month, birth_day=day)
    referral = referral_submit(UserFactory.create(), answers=answers)
    assert referral.status == ReferralStatus.SUBMITTED


def test_an_end_date_is_refused_while_the_exploitation_is_ongoing() -> None:
    ended = complete_answers()["exploitation_started_on"]
    answers = complete_answers(exploitation_ended_on=ended, exploitation_is_ongoing=True)
    with pytest.raises(ReferralProblemsError) as caught:
        referral_submit(UserFactory.create(), answers=answers)
    assert caught.value.field_problems == [("exploitation_ended_on", services.ENDED_WHILE_ONGOING)]
    ongoing = referral_submit(
        UserFactory.create(), answers=complete_answers(exploitation_is_ongoing=True)
    )
    assert ongoing.status == ReferralStatus.SUBMITTED


@pytest.mark.parametrize(
    ("location", "places"),
    [
        (ExploitationLocation.OVERSEAS_ONLY, [{"country": "GBR"}]),
        (ExploitationLocation.OVERSEAS_ONLY, [{"country": "ROU"}, {"country": "GBR"}]),
        (ExploitationLocation.UK_AND_OVERSEAS, [{"police_force_area": "kent"}, {"country": "GBR"}]),
    ],
)
def test_the_united_kingdom_is_not_a_place_overseas(
    location: ExploitationLocation, places: list[dict[str, str]]
) -> None:
    answers = complete_answers(exploitation_location=location, places=places)
    with pytest.raises(ReferralProblemsError) as caught:
        referral_submit(UserFactory.create(), answers=answers)
    assert caught.value.field_problems == [("places", services.UK_IS_NOT_OVERSEAS)]


def test_amendment_cannot_bring_back_an_impossible_answer() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    with pytest.raises(ReferralProblemsError) as caught:
        referral_amend(
            user,
            reference=referral.reference,
            answers={
                "exploitation_location": ExploitationLocation.OVERSEAS_ONLY,
                "places": [{"country": "GBR"}],
            },
            reason="Correcting the place.",
        )
    assert ("places", services.UK_IS_NOT_OVERSEAS) in caught.value.field_problems
