"""Field-level rules by allow-list (issue 10).

(a) No user can change their own role, organisation, groups or staff flags: not through any
page or API endpoint of the URL configuration, and there is no admin site to do it with.

(b) For each role, the fields it may not see are absent from every page, API answer and
export it can reach. The allow-lists below are written down here, independently of the
code, and checked against real responses: the test walks the whole URL configuration as
each role, with a victim and a suspect whose every identifying field holds a value that
appears nowhere else.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
import re
from dataclasses import dataclass

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework import serializers

from msht.accounts.models import Organisation, OrganisationType, Role, User
from msht.intelligence.models import CandidateNetwork, NetworkRun, SuspectRanking
from msht.linkage.models import ClericalPair, LinkageKind
from msht.privacy.services import subject_access_export
from msht.referrals.models import PersonEntity
from tests.accounts.factories import OrganisationFactory, UserFactory, sign_in_verified
from tests.decisions.factories import PositiveRgDecisionFactory
from tests.intelligence.factories import IntelligenceReportFactory, SuspectRecordFactory
from tests.privacy.seed import _linkage_run
from tests.referrals.factories import PersonRecordFactory
from tests.test_default_deny import ROUTES

pytestmark = pytest.mark.django_db

FR = Role.FIRST_RESPONDER
DM = Role.DECISION_MAKER
QA = Role.QUALITY_ASSURER
INV = Role.INVESTIGATOR
AN = Role.ANALYST
GOV = Role.GOVERNANCE
ADM = Role.ADMINISTRATOR

# ---- The allow-lists: data, not code. -------------------------------------------------
# Each identifying field of a victim (a person record and its referral) and of a suspect.
VICTIM_FIELDS = (
    "given_names",
    "family_name",
    "passport_number",
    "pnc_id",
    "home_office_reference",
    "phone_numbers",
    "addresses",
    "aliases",
    "narrative",
    "police_crime_reference",
)
SUSPECT_FIELDS = (
    "given_names",
    "family_name",
    "passport_number",
    "pnc_id",
    "phone_numbers",
    "vehicles",
)
# Who may see a victim's identifying fields on pages and in API answers: the referring
# organisation's first responders and the competent authority (DOMAIN.md, NRM). Analysts,
# investigators, governance and administrators see pseudonyms (victim keys) only.
VICTIM_VISIBLE_TO = frozenset({"first_responder_referring", DM, QA})
# Who may see a suspect's identifying fields: investigators (ARCHITECTURE.md, 'Who uses it').
SUSPECT_VISIBLE_TO = frozenset({INV})
# Exports: the subject access export (administrators, audited) holds the victim's fields
# and never a suspect's; nobody else has an export that holds either.
SUBJECT_ACCESS_EXPORT_HOLDS = frozenset({"victim"})

# Actors walked: one per role, and a first responder of another organisation.
ACTORS = ("first_responder_referring", "first_responder_other", DM, QA, INV, AN, GOV, ADM)

# A distinctive value for every identifying field (values that occur nowhere else).
VICTIM_VALUES = {
    "given_names": "Zuzannaqx",
    "family_name": "Qwertyvillex",
    "passport_number": "PASSZX991",
    "pnc_id": "PNC77X123Q",
    "home_office_reference": "HOREFX5521",
    "phone_numbers": "07700 955123",
    "addresses": "ZX9 9QZ",
    "aliases": "Zuzaliasqx",
    "narrative": "Narrativemarkerqx",
    "police_crime_reference": "CRIMEREFQX42",
}
SUSPECT_VALUES = {
    "given_names": "Brutusqx",
    "family_name": "Villainovqx",
    "passport_number": "SUSPASSQX7",
    "pnc_id": "SUSPNCQX88",
    "phone_numbers": "07700 966456",
    "vehicles": "QX12 VAN",
}
# ----------------------------------------------------------------------------------------

SKIPPED_ROUTES = {"accounts:sign-in", "accounts:sign-out"}
PROTECTED_USER_FIELDS = ("role", "organisation_id", "is_staff", "is_superuser")


@dataclass
class World:
    users: dict[str | Role, User]
    values: dict[str, str]


def _organisation(kind: OrganisationType) -> Organisation:
    return OrganisationFactory.create(organisation_type=kind)


def _users(referring: Organisation) -> dict[str | Role, User]:
    authority = _organisation(OrganisationType.COMPETENT_AUTHORITY)
    police = _organisation(OrganisationType.POLICE_FORCE)
    users: dict[str | Role, User] = {
        "first_responder_referring": UserFactory.create(role=FR, organisation=referring),
        "first_responder_other": UserFactory.create(role=FR, organisation=police),
    }
    for role in (DM, QA):
        users[role] = UserFactory.create(role=role, organisation=authority)
    for role in (INV, AN, GOV, ADM):
        users[role] = UserFactory.create(role=role, organisation=police)
    return users


@pytest.fixture
def world() -> World:
    referring = _organisation(OrganisationType.POLICE_FORCE)
    entity = PersonEntity.objects.create()
    victim = PersonRecordFactory.create(
        source_organisation=referring,
        entity=entity,
        given_names=VICTIM_VALUES["given_names"],
        family_name=VICTIM_VALUES["family_name"],
        passport_number=VICTIM_VALUES["passport_number"],
        pnc_id=VICTIM_VALUES["pnc_id"],
        home_office_reference=VICTIM_VALUES["home_office_reference"],
        phone_numbers=[VICTIM_VALUES["phone_numbers"]],
        addresses=[f"1 High Street, Dover {VICTIM_VALUES['addresses']}"],
        aliases=[VICTIM_VALUES["aliases"]],
    )
    decision = PositiveRgDecisionFactory.create(
        referral__first_responder_organisation=referring,
        referral__person_record=victim,
        referral__narrative=VICTIM_VALUES["narrative"],
        referral__police_crime_reference=VICTIM_VALUES["police_crime_reference"],
    )
    referral = decision.referral
    other = PersonRecordFactory.create(entity=entity, source_organisation=referring)
    run = _linkage_run()
    low, high = sorted((victim.pk, other.pk))
    pair = ClericalPair.objects.create(
        kind=LinkageKind.PERSONS,
        record_l_id=low,
        record_r_id=high,
        run=run,
        match_probability=0.7,
        match_weight=1.0,
    )
    suspect = SuspectRecordFactory.create(
        given_names=SUSPECT_VALUES["given_names"],
        family_name=SUSPECT_VALUES["family_name"],
        passport_number=SUSPECT_VALUES["passport_number"],
        pnc_id=SUSPECT_VALUES["pnc_id"],
        phone_numbers=[SUSPECT_VALUES["phone_numbers"]],
        vehicles=[SUSPECT_VALUES["vehicles"]],
    )
    suspect.linked_referrals.add(referral)
    report = IntelligenceReportFactory.create(received_on=dt.date(2024, 7, 1))
    report.persons.add(victim)
    report.suspects.add(suspect)
    network = CandidateNetwork.objects.create(
        run=NetworkRun.objects.create(counts={"networks": 1}),
        number=1,
        suspects=[f"suspect:record-{suspect.pk}"],
        victims=[f"victim:entity-{entity.pk}"],
        edges=[[f"suspect:record-{suspect.pk}", f"victim:entity-{entity.pk}"]],
        referral_count=1,
    )
    SuspectRanking.objects.create(
        network=network,
        position=1,
        suspect=f"suspect:record-{suspect.pk}",
        record=suspect,
        centrality=1.0,
        degree=1,
        victims_connected=1,
    )
    users = _users(referring)
    values = {
        "reference": referral.reference,
        "report": report.reference,
        "decision": str(decision.pk),
        "pair": str(pair.pk),
        "run": str(run.pk),
        "number": "1",
        "key": f"record-{suspect.pk}",
        "code": referring.code,
        "username": users[ADM].username,
    }
    return World(users=users, values=values)


def _path(name: str, route: str, values: dict[str, str]) -> str:
    """The route with real ids of the seeded victim, report, pair, run, suspect."""

    def value(match: re.Match[str]) -> str:
        parameter = match.group(2)
        if parameter == "reference" and name.startswith(("intelligence:", "api:intelligence")):
            return values["report"]
        if parameter == "pk":
            if name.startswith("linkage:pair"):
                return values["pair"]
            if name.startswith("linkage:run"):
                return values["run"]
            return values["decision"]
        if parameter == "slug":
            return "person"
        return values.get(parameter, "1")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _responses(client: Client, values: dict[str, str]) -> dict[str, str]:
    """Every page and API answer the client can GET, by route name (refusals included)."""
    bodies = {}
    for name, route in ROUTES:
        if name in SKIPPED_ROUTES:
            continue
        response = client.get(_path(name, route, values))
        content = getattr(response, "content", b"")
        bodies[name] = content.decode("utf-8", errors="replace")
    return bodies


def _found(bodies: dict[str, str], values: dict[str, str]) -> set[tuple[str, str]]:
    return {
        (name, field)
        for name, body in bodies.items()
        for field, value in values.items()
        if value in body or json.dumps(value)[1:-1] in body
    }


@pytest.mark.parametrize("actor", ACTORS, ids=str)
def test_each_role_sees_only_the_fields_its_allow_list_names(world: World, actor: str) -> None:
    client = sign_in_verified(Client(), world.users[actor])

    bodies = _responses(client, world.values)

    victim_seen = _found(bodies, VICTIM_VALUES)
    suspect_seen = _found(bodies, SUSPECT_VALUES)
    if actor in VICTIM_VISIBLE_TO:
        # The walk reaches the victim's record: the absence checks below are not vacuous.
        assert {field for _, field in victim_seen} >= {"given_names", "family_name"}
    else:
        assert victim_seen == set(), f"{actor} sees a victim's fields: {sorted(victim_seen)}"
    if actor in SUSPECT_VISIBLE_TO:
        assert {field for _, field in suspect_seen} >= {"given_names", "family_name"}
    else:
        assert suspect_seen == set(), f"{actor} sees a suspect's fields: {sorted(suspect_seen)}"


def test_the_subject_access_export_holds_the_victim_and_no_suspect(world: World) -> None:
    from msht.referrals.models import PersonRecord

    entity_id = PersonRecord.objects.get(given_names=VICTIM_VALUES["given_names"]).entity_id
    assert entity_id is not None

    export = subject_access_export(
        world.users[ADM], person_id=entity_id, justification="SAR-1", recipient="The subject"
    )

    for text in (export.json, export.html):
        victim = {field for field, value in VICTIM_VALUES.items() if value in text}
        suspect = {field for field, value in SUSPECT_VALUES.items() if value in text}
        assert ("victim" in SUBJECT_ACCESS_EXPORT_HOLDS) == (victim == set(VICTIM_VALUES))
        assert ("suspect" in SUBJECT_ACCESS_EXPORT_HOLDS) == bool(suspect)


# ---- (a) No one changes their own role, organisation, groups or staff flags. ------------

SELF_PROMOTION = {
    "role": Role.ADMINISTRATOR.value,
    "is_staff": "on",
    "is_superuser": "on",
}


def _state(user: User) -> tuple[object, ...]:
    user.refresh_from_db()
    return (
        *(getattr(user, field) for field in PROTECTED_USER_FIELDS),
        sorted(user.groups.values_list("pk", flat=True)),
    )


@pytest.mark.slow
@pytest.mark.parametrize("actor", ACTORS, ids=str)
def test_no_page_or_endpoint_changes_the_users_own_role_organisation_or_groups(
    world: World, actor: str
) -> None:
    user = world.users[actor]
    group = Group.objects.create(name="Superusers by the back door")
    other = OrganisationFactory.create(organisation_type=OrganisationType.COMPETENT_AUTHORITY)
    payload = {
        **SELF_PROMOTION,
        "organisation": str(other.pk),
        "organisation_id": str(other.pk),
        "groups": [str(group.pk)],
        "user": str(user.pk),
        "username": user.username,
    }
    before = _state(user)
    client = sign_in_verified(Client(), user)
    values = {**world.values, "username": user.username}

    for name, route in ROUTES:
        if name in SKIPPED_ROUTES:
            continue
        path = _path(name, route, values)
        client.post(path, payload)  # a page's form
        for method in (client.patch, client.post):  # an API endpoint
            method(path, json.dumps(payload), content_type="application/json")

    assert _state(user) == before


def test_there_is_no_admin_site_to_change_users_through() -> None:
    names = {name for name, _ in ROUTES}

    assert not any(name.startswith("admin:") for name in names)
    assert Client().get("/admin/").status_code in {302, 404}


def _subclasses(base: type) -> set[type]:
    found: set[type] = set(base.__subclasses__())
    for child in list(found):
        found |= _subclasses(child)
    return found


def test_no_form_or_serializer_over_users_offers_the_protected_fields() -> None:
    for module in ("forms", "api", "views"):
        for app in apps.get_app_configs():
            if app.name.startswith("msht.") and importlib.util.find_spec(f"{app.name}.{module}"):
                importlib.import_module(f"{app.name}.{module}")
    protected = {"role", "organisation", "groups", "is_staff", "is_superuser", "user_permissions"}

    offered = {
        (form.__name__, field)
        for form in _subclasses(forms.ModelForm) | _subclasses(serializers.ModelSerializer)
        if getattr(getattr(form, "Meta", None), "model", None) is User
        for field in protected & set(getattr(form, "base_fields", None) or form().get_fields())
    }
    assert offered == set()
