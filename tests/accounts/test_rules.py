"""The permission rules: deny by default, and object-level rules by organisation and role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from msht.accounts.models import OrganisationType, Role
from msht.accounts.rules import (
    PERMISSION_DENIED,
    Action,
    can,
    intelligence_visible_to,
    person_records_visible_to,
    referrals_visible_to,
    require,
)
from msht.core.errors import PermissionDeniedError
from msht.intelligence.models import HandlingCode, IntelligenceReport
from msht.referrals.models import PersonRecord, Referral
from tests.accounts.factories import (
    CompetentAuthorityFactory,
    DecisionMakerFactory,
    OrganisationFactory,
    QualityAssurerFactory,
    UserFactory,
)
from tests.referrals.factories import PositiveRgReferralFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_every_action_has_a_rule() -> None:
    """An action without a rule would be denied silently; every declared action has one."""
    from msht.accounts.rules import _RULES

    assert set(_RULES) == set(Action)


@pytest.mark.parametrize("action", list(Action))
def test_anonymous_users_may_do_nothing(action: Action) -> None:
    assert not can(AnonymousUser(), action)


@pytest.mark.parametrize("action", list(Action))
def test_inactive_users_may_do_nothing(action: Action) -> None:
    for role in Role:
        user = UserFactory.create(role=role, is_active=False)
        assert not can(user, action), (role, action)


def test_unknown_action_is_denied() -> None:
    user = UserFactory.create(role=Role.ADMINISTRATOR)
    assert not can(user, "referral.delete_everything")  # type: ignore[arg-type]


def test_require_raises_with_the_standard_message() -> None:
    with pytest.raises(PermissionDeniedError, match=PERMISSION_DENIED):
        require(UserFactory.create(role=Role.ANALYST), Action.REFERRAL_CREATE)


def test_first_responder_sees_only_own_organisations_referrals() -> None:
    user = UserFactory.create(role=Role.FIRST_RESPONDER)
    own = ReferralFactory.create(first_responder_organisation=user.organisation)
    other = ReferralFactory.create()

    assert can(user, Action.REFERRAL_VIEW, own)
    assert not can(user, Action.REFERRAL_VIEW, other)
    assert list(referrals_visible_to(user, Referral.objects.all())) == [own]
    assert list(person_records_visible_to(user, PersonRecord.objects.all())) == [own.person_record]
    assert can(user, Action.PERSON_RECORD_VIEW, own.person_record)
    assert not can(user, Action.PERSON_RECORD_VIEW, other.person_record)


def test_first_responder_amends_only_undecided_own_referrals() -> None:
    user = UserFactory.create(role=Role.FIRST_RESPONDER)
    undecided = ReferralFactory.create(first_responder_organisation=user.organisation)
    decided = PositiveRgReferralFactory.create(first_responder_organisation=user.organisation)

    assert can(user, Action.REFERRAL_AMEND, undecided)
    assert not can(user, Action.REFERRAL_AMEND, decided)
    assert not can(user, Action.REFERRAL_AMEND, ReferralFactory.create())


def test_only_first_responder_organisations_may_refer() -> None:
    ngo_specified = OrganisationFactory.create(
        organisation_type=OrganisationType.NGO, is_specified_first_responder=True
    )
    ngo_not_specified = OrganisationFactory.create(organisation_type=OrganisationType.NGO)
    competent_authority = CompetentAuthorityFactory.create()

    assert can(UserFactory.create(organisation=ngo_specified), Action.REFERRAL_CREATE)
    assert not can(UserFactory.create(organisation=ngo_not_specified), Action.REFERRAL_CREATE)
    assert not can(UserFactory.create(organisation=competent_authority), Action.REFERRAL_CREATE)


@pytest.mark.parametrize(
    ("organisation_type", "may_notify"),
    [
        (OrganisationType.POLICE_FORCE, True),
        (OrganisationType.LOCAL_AUTHORITY, True),
        (OrganisationType.BORDER_FORCE, True),
        (OrganisationType.NGO, False),
        (OrganisationType.HEALTH_AND_SOCIAL_CARE_TRUST, False),
    ],
)
def test_duty_to_notify_follows_section_52(
    organisation_type: OrganisationType, may_notify: bool
) -> None:
    organisation = OrganisationFactory.create(
        organisation_type=organisation_type, is_specified_first_responder=True
    )
    user = UserFactory.create(role=Role.FIRST_RESPONDER, organisation=organisation)
    assert can(user, Action.DUTY_TO_NOTIFY_CREATE) is may_notify


def test_decision_maker_cannot_decide_own_organisations_referral() -> None:
    decision_maker = DecisionMakerFactory.create()
    own = ReferralFactory.create(first_responder_organisation=decision_maker.organisation)
    other = ReferralFactory.create()

    assert not can(decision_maker, Action.DECISION_MAKE, own)
    assert can(decision_maker, Action.DECISION_MAKE, other)


def test_no_one_in_an_immigration_enforcement_function_may_decide() -> None:
    enforcement_authority = CompetentAuthorityFactory.create(performs_immigration_enforcement=True)
    decision_maker = DecisionMakerFactory.create(organisation=enforcement_authority)

    assert not can(decision_maker, Action.DECISION_MAKE, ReferralFactory.create())


def test_decision_maker_outside_a_competent_authority_may_not_decide() -> None:
    misplaced = UserFactory.create(role=Role.DECISION_MAKER)
    assert not can(misplaced, Action.DECISION_MAKE, ReferralFactory.create())
    assert not can(misplaced, Action.REFERRAL_VIEW, ReferralFactory.create())


def test_quality_assurer_is_a_second_person() -> None:
    assurer = QualityAssurerFactory.create()

    class _Decision:
        decision_maker_id: Any

    own = _Decision()
    own.decision_maker_id = assurer.pk
    someone_elses = _Decision()
    someone_elses.decision_maker_id = assurer.pk + 1

    assert not can(assurer, Action.DECISION_ASSURE, own)
    assert can(assurer, Action.DECISION_ASSURE, someone_elses)


@pytest.mark.parametrize(
    "role", [Role.ANALYST, Role.INVESTIGATOR, Role.GOVERNANCE, Role.ADMINISTRATOR]
)
def test_roles_outside_casework_never_see_person_records(role: Role) -> None:
    user = UserFactory.create(role=role)
    referral = ReferralFactory.create(first_responder_organisation=user.organisation)

    assert not can(user, Action.PERSON_RECORD_VIEW, referral.person_record)
    assert not person_records_visible_to(user, PersonRecord.objects.all()).exists()
    assert not referrals_visible_to(user, Referral.objects.all()).exists()


def test_handling_code_c_restricts_intelligence_to_named_organisations() -> None:
    originator = OrganisationFactory.create()
    permitted = OrganisationFactory.create()
    outsider = OrganisationFactory.create()
    restricted = IntelligenceReport.objects.create(
        reference="INT-1",
        originating_organisation=originator,
        received_on="2024-07-01",
        source_evaluation="1",
        intelligence_assessment="B",
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="Not to be shared outside the named forces.",
        summary="Controller moves workers between car washes.",
    )
    restricted.permitted_organisations.add(permitted)
    open_report = IntelligenceReport.objects.create(
        reference="INT-2",
        originating_organisation=originator,
        received_on="2024-07-01",
        source_evaluation="2",
        intelligence_assessment="C",
        handling_code=HandlingCode.PERMITTED,
        summary="Vehicle seen at an address of interest.",
    )

    def investigator(organisation: Any) -> Any:
        return UserFactory.create(role=Role.INVESTIGATOR, organisation=organisation)

    for organisation, expected in ((originator, True), (permitted, True), (outsider, False)):
        user = investigator(organisation)
        assert can(user, Action.INTELLIGENCE_VIEW, restricted) is expected
        visible = set(intelligence_visible_to(user, IntelligenceReport.objects.all()))
        assert (restricted in visible) is expected
        assert open_report in visible
    analyst = UserFactory.create(role=Role.ANALYST)
    assert not intelligence_visible_to(analyst, IntelligenceReport.objects.all()).exists()


def test_only_an_administrator_resets_a_second_factor_and_never_their_own() -> None:
    administrator = UserFactory.create(role=Role.ADMINISTRATOR)
    colleague = UserFactory.create(role=Role.ADMINISTRATOR)
    decision_maker = DecisionMakerFactory.create()

    assert can(administrator, Action.SECOND_FACTOR_RESET)
    assert can(administrator, Action.SECOND_FACTOR_RESET, decision_maker)
    assert can(administrator, Action.SECOND_FACTOR_RESET, colleague)
    assert not can(administrator, Action.SECOND_FACTOR_RESET, administrator)
    assert not can(decision_maker, Action.SECOND_FACTOR_RESET)
    assert not can(decision_maker, Action.SECOND_FACTOR_RESET, colleague)
