"""The access-control matrix: every role against every page and API endpoint.

``ALLOWED`` declares, independently of the code, which roles may reach each URL of the
URL configuration. The matrix test signs in one user of each role and requests every
URL: an allowed role must not be refused (403); any other role must be refused (403) or
find nothing (404), never a page. A URL without an entry fails the completeness test, so
a new endpoint cannot arrive without a decision about who may use it. Object-level rules
(another organisation's referral answers 404) are tested beside it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from msht.accounts.models import Organisation, OrganisationType, Role, User
from tests.accounts.factories import OrganisationFactory, UserFactory, sign_in_verified
from tests.referrals.factories import ReferralFactory
from tests.test_default_deny import ROUTES, _concrete

FR = Role.FIRST_RESPONDER
DM = Role.DECISION_MAKER
QA = Role.QUALITY_ASSURER
INV = Role.INVESTIGATOR
AN = Role.ANALYST
GOV = Role.GOVERNANCE
ADM = Role.ADMINISTRATOR
EVERYONE = frozenset(Role)

# Reached before signing in, or the act of signing out: not part of the role matrix.
OUTSIDE_THE_MATRIX = {"accounts:sign-in", "accounts:sign-out"}

ALLOWED: dict[str, frozenset[Role]] = {
    "accounts:home": EVERYONE,
    # The second factor: each user sets up and uses their own app; administrators reset.
    "accounts:second-factor": EVERYONE,
    "accounts:second-factor-enrol": EVERYONE,
    "accounts:second-factor-reset": frozenset({ADM}),
    "accounts:recovery-codes": EVERYONE,
    "accounts:recovery-code-used": EVERYONE,
    "accounts:second-factor-replace": EVERYONE,
    # The users list, each row linked to the reset: administrators only.
    "accounts:users": frozenset({ADM}),
    "api:schema": EVERYONE,
    "api:docs": EVERYONE,
    # Casework: first responders refer and see their own; the competent authority decides.
    "referrals:list": frozenset({FR, DM, QA}),
    "referrals:start": frozenset({FR}),
    "referrals:duty-to-notify": frozenset({FR}),
    "referrals:drafts": frozenset({FR}),
    "referrals:check": frozenset({FR}),
    "referrals:step": frozenset({FR}),
    "referrals:detail": frozenset({FR, DM, QA}),
    "referrals:confirmation": frozenset({FR}),
    "referrals:amend": frozenset({FR}),
    "api:referrals": frozenset({FR, DM, QA}),
    "api:duty-to-notify-create": frozenset({FR}),
    "api:referral-detail": frozenset({FR, DM, QA}),
    "api:referral-submit": frozenset({FR}),
    "api:referral-amend": frozenset({FR}),
    "decisions:queue": frozenset({DM}),
    "decisions:reconsiderations": frozenset({DM}),
    "decisions:overdue": frozenset({DM, QA, GOV}),
    "decisions:assurance-queue": frozenset({QA}),
    "decisions:assure": frozenset({QA}),
    "decisions:case": frozenset({FR, DM, QA}),
    "decisions:record-rg": frozenset({DM}),
    "decisions:record-cg": frozenset({DM}),
    "decisions:withdraw": frozenset({DM}),
    "decisions:reconsideration-request": frozenset({FR, DM}),
    "decisions:record-reconsideration": frozenset({DM}),
    "api:decision-list": frozenset({FR, DM, QA}),
    "api:decision-rg-record": frozenset({DM}),
    "api:decision-cg-record": frozenset({DM}),
    # Pipelines: administrators load; analysts read pseudonymised figures.
    "ingest:upload": frozenset({ADM}),
    "ingest:batch": frozenset({ADM}),
    "ingest:quarantine": frozenset({ADM}),
    "ingest:quarantine-correct": frozenset({ADM}),
    "quality:national": frozenset({AN, GOV, ADM}),
    "quality:source": frozenset({AN, GOV, ADM}),
    "linkage:runs": frozenset({AN, ADM}),
    "linkage:run": frozenset({AN, ADM}),
    "linkage:run-start": frozenset({AN, ADM}),
    "linkage:queue-persons": frozenset({DM, QA}),
    "linkage:queue-suspects": frozenset({INV}),
    "linkage:pair": frozenset({DM, QA, INV}),
    "analytics:dashboard": frozenset({AN, GOV}),
    "analytics:organisation-dashboards": EVERYONE,
    "analytics:organisation-dashboard": EVERYONE,
    "analytics:publications": frozenset({AN, GOV}),
    "analytics:publication": frozenset({AN, GOV}),
    # A download releases the statistics to a named recipient: analysts, who publish.
    "analytics:publication-download": frozenset({AN}),
    "estimation:list": frozenset({AN, GOV}),
    "estimation:detail": frozenset({AN, GOV}),
    "fairness:monitoring": frozenset({GOV, QA}),
    "fairness:run": frozenset({GOV, QA}),
    # Governance board and managers.
    "governance:indicators": frozenset({GOV}),
    "governance:directorate": frozenset({GOV}),
    "governance:plan": frozenset({GOV}),
    "governance:plan-item": frozenset({GOV}),
    "governance:recommendations": frozenset({GOV}),
    "governance:respond": frozenset({GOV}),
    "governance:action-add": frozenset({GOV}),
    "governance:action": frozenset({GOV}),
    "governance:raci": frozenset({GOV}),
    "governance:skills": frozenset({GOV}),
    # Pursue: investigators only.
    "intelligence:networks": frozenset({INV}),
    "intelligence:network": frozenset({INV}),
    "intelligence:suspect": frozenset({INV}),
    "intelligence:reports": frozenset({INV}),
    "intelligence:report-new": frozenset({INV}),
    "intelligence:report": frozenset({INV}),
    "api:intelligence-reports": frozenset({INV}),
    "api:intelligence-report": frozenset({INV}),
    "api:pursue-outcome-record": frozenset({INV}),
    "intelligence:outcome-new": frozenset({INV}),
    # Subject access requests: administrators (there is no data protection officer role).
    "privacy:subject-access": frozenset({ADM}),
}

MATRIX_ROUTES = [(name, route) for name, route in ROUTES if name not in OUTSIDE_THE_MATRIX]


def _organisation_for(role: Role) -> Organisation:
    if role in (DM, QA):
        return OrganisationFactory.create(organisation_type=OrganisationType.COMPETENT_AUTHORITY)
    return OrganisationFactory.create(organisation_type=OrganisationType.POLICE_FORCE)


@pytest.fixture
def user_of() -> dict[Role, User]:
    return {
        role: UserFactory.create(role=role, organisation=_organisation_for(role)) for role in Role
    }


def test_every_url_has_an_entry_in_the_matrix() -> None:
    names = {name for name, _ in MATRIX_ROUTES}

    assert names - set(ALLOWED) == set(), "declare who may use these URLs"
    assert set(ALLOWED) - names == set(), "these entries name no URL any more"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), MATRIX_ROUTES)
def test_each_role_is_allowed_or_refused_as_declared(
    name: str, route: str, user_of: dict[Role, User]
) -> None:
    path = _concrete(route)
    wrong = []
    for role, user in user_of.items():
        # Signed in as each user is: password and a code from their authenticator app.
        client = sign_in_verified(Client(), user)
        status = client.get(path).status_code
        allowed = role in ALLOWED[name]
        if (
            status >= 500
            or (allowed and status == 403)
            or (not allowed and status not in (403, 404))
        ):
            wrong.append(f"{role.value}: {status}")
    assert wrong == [], f"{name} ({path}) allows {sorted(ALLOWED[name])}; got {wrong}"


@pytest.mark.django_db
def test_another_organisations_referral_answers_not_found(user_of: dict[Role, User]) -> None:
    own = user_of[FR]
    other = UserFactory.create(role=FR, organisation=OrganisationFactory.create())
    referral = ReferralFactory.create(first_responder_organisation=own.organisation)
    paths = [
        f"/referrals/{referral.reference}/",
        f"/cases/{referral.reference}/",
        f"/api/referrals/{referral.reference}/",
        f"/api/decisions/referrals/{referral.reference}/",
    ]
    for path in paths:
        mine, theirs = sign_in_verified(Client(), own), sign_in_verified(Client(), other)
        assert mine.get(path).status_code == 200, path
        assert theirs.get(path).status_code == 404, path
