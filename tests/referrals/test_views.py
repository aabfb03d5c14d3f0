"""Referral pages: sign-in required, roles, other organisations 404, the whole form flow."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from msht.accounts.models import User
from msht.audit.models import AuditEvent, AuditEventType
from msht.referrals import services
from msht.referrals.models import DutyToNotifyReport, Referral, ReferralStatus
from msht.referrals.services import referral_draft_save, referral_submit
from tests.accounts.factories import DecisionMakerFactory, UserFactory, sign_in_verified
from tests.referrals.factories import complete_answers

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def _step(reference: str, slug: str) -> str:
    return reverse("referrals:step", args=[reference, slug])


PAGES_WITHOUT_REFERENCE = ["referrals:list", "referrals:start", "referrals:drafts"]


@pytest.mark.parametrize("name", [*PAGES_WITHOUT_REFERENCE, "referrals:duty-to-notify"])
def test_unauthenticated_visitors_are_sent_to_sign_in(name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


@pytest.mark.parametrize("name", PAGES_WITHOUT_REFERENCE)
def test_first_responder_sees_each_page(name: str) -> None:
    assert _client(UserFactory.create()).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", ["analyst", "investigator", "administrator", "governance"])
@pytest.mark.parametrize("name", PAGES_WITHOUT_REFERENCE)
def test_other_roles_are_refused(role: str, name: str) -> None:
    assert _client(UserFactory.create(role=role)).get(reverse(name)).status_code == 403


def test_decision_maker_may_read_a_referral_but_not_refer() -> None:
    referral = referral_submit(UserFactory.create(), answers=complete_answers())
    client = _client(DecisionMakerFactory.create())
    assert client.get(reverse("referrals:detail", args=[referral.reference])).status_code == 200
    assert client.get(reverse("referrals:start")).status_code == 403
    assert client.get(reverse("referrals:amend", args=[referral.reference])).status_code == 403


def test_another_organisations_referral_and_draft_answer_404() -> None:
    owner = UserFactory.create()
    referral = referral_submit(owner, answers=complete_answers())
    draft = referral_draft_save(owner, answers={"family_name": "Popescu"})
    client = _client(UserFactory.create())
    read_only = (
        reverse("referrals:detail", args=[referral.reference]),
        reverse("referrals:confirmation", args=[referral.reference]),
    )
    writable = (
        reverse("referrals:amend", args=[referral.reference]),
        reverse("referrals:check", args=[draft.reference]),
        _step(draft.reference, "person"),
    )
    for url in (*read_only, *writable):
        assert client.get(url).status_code == 404, url
    for url in writable:
        assert client.post(url, {}).status_code == 404, url


def test_organisation_list_shows_own_referrals_only() -> None:
    user = UserFactory.create()
    mine = referral_submit(user, answers=complete_answers())
    theirs = referral_submit(UserFactory.create(), answers=complete_answers())
    page = _client(user).get(reverse("referrals:list")).content.decode()
    assert mine.reference in page
    assert theirs.reference not in page


def test_whole_referral_flow_through_every_page() -> None:
    user = UserFactory.create()
    client = _client(user)
    response = client.post(
        reverse("referrals:start"),
        {"referring_officer_name": "Sam Officer", "referring_officer_email": "sam@example.gov.uk"},
    )
    assert response.status_code == 302
    draft = Referral.objects.get(status=ReferralStatus.DRAFT)
    reference = draft.reference
    assert response["Location"] == _step(reference, "age-group")
    answers_by_page: list[tuple[str, dict[str, object], str]] = [
        ("age-group", {"age_group_at_exploitation": "adult"}, "consent"),
        ("consent", {"consent_given": "yes"}, "person"),
        (
            "person",
            {"given_names": "Ana", "family_name": "Popescu", "aliases": "Anya"},
            "date-of-birth",
        ),
        (
            "date-of-birth",
            {"birth_month": "3", "birth_year": "1994", "birth_date_is_estimated": "on"},
            "gender-and-nationality",
        ),
        ("gender-and-nationality", {"gender": "female", "nationality": "ROU"}, "identifiers"),
        ("identifiers", {"passport_number": "P1234"}, "contact"),
        ("contact", {"phone_numbers": "07700900123"}, "exploitation-types"),
        (
            "exploitation-types",
            {"exploitation_types": ["labour", "criminal"], "county_lines": "on"},
            "where",
        ),
        ("where", {"exploitation_location": "uk_only"}, "places"),
        ("places", {"place_1": "uk:kent", "place_2": "uk:essex"}, "when"),
        (
            "when",
            {
                "started_day": "1",
                "started_month": "2",
                "started_year": "2024",
                "exploitation_is_ongoing": "on",
            },
            "immigration-status",
        ),
        ("immigration-status", {"immigration_status": "visa_holder"}, "indicators"),
        ("indicators", {"ilo_indicators": ["deception"]}, "narrative"),
        ("narrative", {"narrative": "Worked without pay."}, "police-reference"),
    ]
    for slug, data, next_slug in answers_by_page:
        assert client.get(_step(reference, slug)).status_code == 200, slug
        response = client.post(_step(reference, slug), {**data, "action": "continue"})
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
        assert response["Location"] == _step(reference, next_slug), slug
    response = client.post(
        _step(reference, "police-reference"), {"police_crime_reference": "KNT-1"}
    )
    assert response["Location"] == reverse("referrals:check", args=[reference])

    check = client.get(response["Location"]).content.decode()
    assert "Popescu" in check
    assert "Kent; " not in check or "Essex" in check
    assert f"{_step(reference, 'person')}?return=check" in check

    response = client.post(reverse("referrals:check", args=[reference]))
    assert response.status_code == 302
    referral = Referral.objects.get(pk=draft.pk)
    assert referral.status == ReferralStatus.SUBMITTED
    assert response["Location"] == reverse("referrals:confirmation", args=[referral.reference])
    confirmation = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in confirmation
    assert referral.reference in confirmation
    assert referral.exploitation_places.count() == 2
    assert referral.county_lines is True
    assert referral.person_record.birth_year == 1994
    assert referral.person_record.birth_date_is_estimated is True


def test_check_answers_lists_every_problem_linked_to_its_page() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(user, answers={"age_group_at_exploitation": "adult"})
    response = _client(user).post(reverse("referrals:check", args=[draft.reference]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert services.NARRATIVE_MISSING in page
    assert services.CONSENT_MISSING in page
    assert f"{_step(draft.reference, 'narrative')}?return=check#id_narrative" in page


def test_a_page_with_a_malformed_answer_shows_the_error_summary() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(user, answers={})
    response = _client(user).post(
        _step(draft.reference, "date-of-birth"), {"birth_day": "x", "birth_month": "13"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_birth_day"' in page
    assert "Day of birth must be a number" in page
    assert "Month of birth must be between 1 and 12" in page
    assert "<title>Error: " in page


def test_save_as_draft_and_return_later() -> None:
    user = UserFactory.create()
    client = _client(user)
    response = client.post(
        reverse("referrals:start"), {"referring_officer_name": "Sam", "action": "save"}
    )
    assert response["Location"] == reverse("referrals:drafts")
    draft = Referral.objects.get()
    page = client.get(reverse("referrals:drafts")).content.decode()
    assert reverse("referrals:check", args=[draft.reference]) in page
    other_user_page = _client(UserFactory.create(organisation=user.organisation)).get(
        reverse("referrals:drafts")
    )
    assert draft.reference not in other_user_page.content.decode()


def test_reading_a_draft_is_audited() -> None:
    user = UserFactory.create()
    draft = referral_draft_save(user, answers={"family_name": "Popescu"})
    _client(user).get(_step(draft.reference, "person"))
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_VIEWED, object_id=str(draft.person_record.pk)
    ).exists()


def test_non_consenting_adult_becomes_a_duty_to_notify_report() -> None:
    user = UserFactory.create()
    client = _client(user)
    response = client.post(reverse("referrals:duty-to-notify"))
    draft = Referral.objects.get()
    assert response["Location"] == _step(draft.reference, "exploitation-types")
    client.post(_step(draft.reference, "exploitation-types"), {"exploitation_types": ["sexual"]})
    check = client.get(reverse("referrals:check", args=[draft.reference])).content.decode()
    assert "Send Duty to Notify report" in check
    assert _step(draft.reference, "person") not in check
    response = client.post(reverse("referrals:check", args=[draft.reference]))
    assert response.status_code == 200
    report = DutyToNotifyReport.objects.get()
    assert report.reference in response.content.decode()
    assert not Referral.objects.exists()


def test_amend_before_decision_keeps_history() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    client = _client(user)
    url = reverse("referrals:amend", args=[referral.reference])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "given_names": "Ana",
            "family_name": "Popescu",
            "immigration_status": "visa_holder",
            "narrative": "A fuller account.",
            "police_crime_reference": "KNT-2024-0001",
            "reason": "",
        },
    )
    assert response.status_code == 400
    assert services.REASON_MISSING in response.content.decode()
    response = client.post(
        url,
        {
            "given_names": "Ana",
            "family_name": "Popescu",
            "immigration_status": "visa_holder",
            "narrative": "A fuller account.",
            "police_crime_reference": "KNT-2024-0001",
            "reason": "She told us more",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "She told us more" in detail
    assert "narrative changed" in detail


def test_amend_after_decision_is_refused() -> None:
    user = UserFactory.create()
    referral = referral_submit(user, answers=complete_answers())
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.RG_NEGATIVE)
    client = _client(user)
    assert client.get(reverse("referrals:amend", args=[referral.reference])).status_code == 403
    detail = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "Amend referral" not in detail


def test_first_responder_home_links_to_the_referral_pages() -> None:
    page = _client(UserFactory.create()).get(reverse("accounts:home")).content.decode()
    for name in ("referrals:start", "referrals:duty-to-notify", "referrals:list"):
        assert f'href="{reverse(name)}"' in page


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        (
            "date-of-birth",
            {"birth_day": "30", "birth_month": "2", "birth_year": ""},
            services.BIRTH_DAY_NOT_IN_MONTH.format(month="February", days=29),
        ),
        (
            "when",
            {
                "started_day": "10",
                "started_month": "1",
                "started_year": "2024",
                "ended_day": "1",
                "ended_month": "2",
                "ended_year": "2024",
                "exploitation_is_ongoing": "on",
            },
            services.ENDED_WHILE_ONGOING,
        ),
    ],
)
def test_check_answers_refuses_answers_that_cannot_be_true(
    slug: str, data: dict[str, str], message: str
) -> None:
    user = UserFactory.create()
    draft = referral_draft_save(user, answers=complete_answers())
    client = _client(user)
    response = client.post(_step(draft.reference, slug), {**data, "action": "continue"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("referrals:check", args=[draft.reference]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT


def test_the_places_step_does_not_offer_the_uk_as_a_country_overseas() -> None:
    # The UK is chosen by its police force areas (the check refuses GBR as a place too).
    user = UserFactory.create()
    draft = referral_draft_save(
        user, answers=complete_answers(exploitation_location="overseas_only", places=[])
    )
    client = _client(user)

    page = client.get(_step(draft.reference, "places")).content.decode()
    refused = client.post(
        _step(draft.reference, "places"), {"place_1": "overseas:GBR", "action": "continue"}
    )

    assert 'value="overseas:FRA"' in page
    assert 'value="overseas:GBR"' not in page
    assert refused.status_code == 400
