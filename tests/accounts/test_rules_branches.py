"""Every branch of the permission rules, one decision per assertion (issue 10: 100% branch
coverage of the modules that decide access). Users, organisations and casework objects are
built in memory with fixed keys: the rules read attributes, and no query is needed to ask them.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from msht.accounts.api_permissions import RulePermission, SignedIn
from msht.accounts.models import Organisation, OrganisationType, Role, User
from msht.accounts.rules import (
    Action,
    can,
    person_records_visible_to,
    referrals_visible_to,
    require,
    suspect_records_worked_by,
)
from msht.intelligence.models import IntelligenceReport, SuspectRecord
from msht.referrals.models import PersonRecord, Referral

POLICE, OTHER_POLICE, NGO, AUTHORITY, ENFORCING_AUTHORITY = 1, 2, 3, 4, 5


def _organisation(pk: int) -> Organisation:
    kinds: dict[int, dict[str, Any]] = {
        POLICE: {"organisation_type": OrganisationType.POLICE_FORCE},
        OTHER_POLICE: {"organisation_type": OrganisationType.POLICE_FORCE},
        NGO: {"organisation_type": OrganisationType.NGO, "is_specified_first_responder": True},
        AUTHORITY: {"organisation_type": OrganisationType.COMPETENT_AUTHORITY},
        ENFORCING_AUTHORITY: {
            "organisation_type": OrganisationType.COMPETENT_AUTHORITY,
            "performs_immigration_enforcement": True,
        },
    }
    return Organisation(pk=pk, code=f"organisation-{pk}", name=f"Organisation {pk}", **kinds[pk])


def _user(role: Role, organisation: int, pk: int = 100) -> User:
    return User(pk=pk, username=f"user{pk}", role=role, organisation=_organisation(organisation))


def _referral(organisation: int, *, decided: bool = False) -> Any:
    return SimpleNamespace(first_responder_organisation_id=organisation, has_decision=decided)


def _person_record(organisation: int) -> Any:
    return SimpleNamespace(referral=_referral(organisation))


def _decision(organisation: int, decision_maker: int = 999) -> Any:
    return SimpleNamespace(referral=_referral(organisation), decision_maker_id=decision_maker)


def _report(organisation: int) -> Any:
    return SimpleNamespace(organisation_id=organisation)


@pytest.mark.parametrize("role", [Role.DECISION_MAKER, Role.QUALITY_ASSURER])
def test_competent_authority_caseworkers_read_every_case(role: Role) -> None:
    caseworker = _user(role, AUTHORITY)

    for action, obj in [
        (Action.REFERRAL_VIEW, _referral(POLICE)),
        (Action.REFERRAL_VIEW, None),
        (Action.PERSON_RECORD_VIEW, _person_record(POLICE)),
        (Action.PERSON_RECORD_VIEW, None),
        (Action.DUTY_TO_NOTIFY_VIEW, _report(POLICE)),
        (Action.DECISION_VIEW, _decision(POLICE)),
        (Action.DECISION_VIEW, None),
        (Action.LINKAGE_REVIEW_PERSONS, None),
    ]:
        assert can(caseworker, action, obj), (role, action, obj)
    # ... but they refer nothing and amend nothing.
    assert not can(caseworker, Action.REFERRAL_AMEND, _referral(POLICE))
    assert not can(caseworker, Action.REFERRAL_CREATE)


def test_caseworkers_scopes_are_every_referral_and_person_record() -> None:
    caseworker = _user(Role.DECISION_MAKER, AUTHORITY)
    referrals = Referral.objects.all()
    records = PersonRecord.objects.all()

    assert referrals_visible_to(caseworker, referrals) is referrals
    assert person_records_visible_to(caseworker, records) is records


def test_a_first_responder_may_open_the_lists_but_only_their_own_cases() -> None:
    """With no object the question is 'may they use this page at all'."""
    first_responder = _user(Role.FIRST_RESPONDER, POLICE)

    assert can(first_responder, Action.REFERRAL_VIEW)
    assert can(first_responder, Action.REFERRAL_AMEND)
    assert can(first_responder, Action.PERSON_RECORD_VIEW)
    assert can(first_responder, Action.PERSON_RECORD_VIEW, _person_record(POLICE))
    assert not can(first_responder, Action.PERSON_RECORD_VIEW, _person_record(OTHER_POLICE))
    assert not can(first_responder, Action.PERSON_RECORD_VIEW, SimpleNamespace(referral=None))
    assert can(first_responder, Action.REFERRAL_AMEND, _referral(POLICE))
    assert not can(first_responder, Action.REFERRAL_AMEND, _referral(POLICE, decided=True))
    assert not can(first_responder, Action.REFERRAL_AMEND, _referral(OTHER_POLICE))


def test_a_first_responder_sees_the_decisions_on_their_own_referrals_only() -> None:
    first_responder = _user(Role.FIRST_RESPONDER, POLICE)

    assert can(first_responder, Action.DECISION_VIEW, _decision(POLICE))
    assert not can(first_responder, Action.DECISION_VIEW, _decision(OTHER_POLICE))
    assert not can(first_responder, Action.DECISION_VIEW, SimpleNamespace(referral=None))
    assert not can(first_responder, Action.DECISION_VIEW)


@pytest.mark.parametrize(
    ("user", "report", "allowed"),
    [
        (_user(Role.ANALYST, OTHER_POLICE), _report(POLICE), True),
        (_user(Role.FIRST_RESPONDER, POLICE), _report(POLICE), True),
        (_user(Role.FIRST_RESPONDER, POLICE), None, True),
        (_user(Role.FIRST_RESPONDER, OTHER_POLICE), _report(POLICE), False),
        # A specified NGO refers, but has no duty to notify: it sees no reports.
        (_user(Role.FIRST_RESPONDER, NGO), _report(NGO), False),
        (_user(Role.INVESTIGATOR, POLICE), _report(POLICE), False),
    ],
    ids=[
        "analyst",
        "notifying-organisation",
        "list",
        "other-organisation",
        "ngo",
        "investigator",
    ],
)
def test_duty_to_notify_reports_are_read_by_the_notifier_analysts_and_caseworkers(
    user: User, report: Any, allowed: bool
) -> None:
    assert can(user, Action.DUTY_TO_NOTIFY_VIEW, report) is allowed


def test_a_decision_maker_may_open_the_queue_unless_in_immigration_enforcement() -> None:
    assert can(_user(Role.DECISION_MAKER, AUTHORITY), Action.DECISION_MAKE)
    assert not can(_user(Role.DECISION_MAKER, ENFORCING_AUTHORITY), Action.DECISION_MAKE)
    assert not can(_user(Role.DECISION_MAKER, POLICE), Action.DECISION_MAKE)


def test_a_quality_assurer_may_open_the_queue_and_never_assures_their_own_decision() -> None:
    assurer = _user(Role.QUALITY_ASSURER, AUTHORITY, pk=7)

    assert can(assurer, Action.DECISION_ASSURE)
    assert can(assurer, Action.DECISION_ASSURE, _decision(POLICE, decision_maker=8))
    assert not can(assurer, Action.DECISION_ASSURE, _decision(POLICE, decision_maker=7))
    assert not can(_user(Role.QUALITY_ASSURER, POLICE), Action.DECISION_ASSURE)


def test_intelligence_is_asked_of_saved_reports_only() -> None:
    """The rule runs the scope's query for one report: an object that is not a saved report
    cannot be in it, so it is refused without a query."""
    investigator = _user(Role.INVESTIGATOR, POLICE)

    assert can(investigator, Action.INTELLIGENCE_VIEW)
    assert not can(investigator, Action.INTELLIGENCE_VIEW, IntelligenceReport())
    assert not can(investigator, Action.INTELLIGENCE_VIEW, SimpleNamespace(pk=1))
    assert not can(_user(Role.ANALYST, POLICE), Action.INTELLIGENCE_VIEW)


def test_no_organisation_works_no_suspect() -> None:
    assert suspect_records_worked_by(None, SuspectRecord.objects.all()).query.is_empty()


class _ReferralDetail(APIView):
    required_action = Action.REFERRAL_VIEW


class _Unmarked(APIView):
    pass


def test_the_api_asks_the_rules_about_each_object_too() -> None:
    request: Any = APIRequestFactory().get("/api/referrals/1/")
    request.user = _user(Role.FIRST_RESPONDER, POLICE)
    permission = RulePermission()

    assert permission.has_object_permission(request, _ReferralDetail(), _referral(POLICE))
    assert not permission.has_object_permission(request, _ReferralDetail(), _referral(OTHER_POLICE))
    assert not permission.has_object_permission(request, _Unmarked(), _referral(POLICE))


def test_require_lets_an_allowed_action_through() -> None:
    require(_user(Role.ANALYST, POLICE), Action.STATISTICS_VIEW)  # raises when refused


def test_the_api_schema_is_for_any_active_signed_in_user() -> None:
    request: Any = APIRequestFactory().get("/api/schema/")
    request.user = _user(Role.ANALYST, POLICE)
    disabled = _user(Role.ANALYST, POLICE, pk=101)
    disabled.is_active = False
    refused: Any = APIRequestFactory().get("/api/schema/")
    refused.user = disabled

    assert SignedIn().has_permission(request, _Unmarked())
    assert not SignedIn().has_permission(refused, _Unmarked())
