"""Sharing by rule, not by request (issue 7): a report about a suspect reaches the
organisations working that suspect, handling code C's named organisations still win, and
every read is in the audit trail, on every page and API endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from msht.accounts.models import Organisation, OrganisationType, Role, User
from msht.accounts.rules import Action, can, intelligence_visible_to, suspect_records_worked_by
from msht.audit.models import AuditEvent, AuditEventType
from msht.intelligence.models import (
    HandlingCode,
    IntelligenceReport,
    PursueOutcomeType,
    SuspectEntity,
    SuspectRecord,
)
from msht.intelligence.services import network_run
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.intelligence.factories import (
    IntelligenceReportFactory,
    PursueOutcomeFactory,
    SuspectRecordFactory,
)
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

REPORTS_API = "/api/intelligence/reports/"
OUTCOMES_API = "/api/intelligence/pursue-outcomes/"


@dataclass(frozen=True)
class Scene:
    """Border Force reports on a suspect the NCA recorded and Border Force met at the port
    (two records linked into one entity); Kent Police is investigating; Essex is not."""

    border_force: Organisation
    kent: Organisation
    essex: Organisation
    nca: Organisation
    nca_record: SuspectRecord
    port_record: SuspectRecord
    report: IntelligenceReport


def _scene(**report_fields: Any) -> Scene:
    border_force = OrganisationFactory.create(
        code="bf-test", name="Border Force (test)", organisation_type=OrganisationType.BORDER_FORCE
    )
    kent = OrganisationFactory.create(code="kent-test", name="Kent Police (test)")
    essex = OrganisationFactory.create(code="essex-test", name="Essex Police (test)")
    nca = OrganisationFactory.create(
        code="nca-test", name="NCA (test)", organisation_type=OrganisationType.NCA
    )
    suspect = SuspectEntity.objects.create()
    nca_record = SuspectRecordFactory.create(
        source_organisation=nca, source_reference="NCA-SUS-1", entity=suspect
    )
    port_record = SuspectRecordFactory.create(
        source_organisation=border_force, source_reference="BF-SUS-9", entity=suspect
    )
    PursueOutcomeFactory.create(
        agency=kent,
        suspect_record=nca_record,
        outcome_type=PursueOutcomeType.INVESTIGATION_OPENED,
    )
    report = IntelligenceReportFactory.create(
        originating_organisation=border_force,
        summary="Suspect met workers off the Calais ferry.",
        **report_fields,
    )
    report.suspects.set([port_record])
    return Scene(border_force, kent, essex, nca, nca_record, port_record, report)


def _investigator(organisation: Organisation) -> User:
    return UserFactory.create(role=Role.INVESTIGATOR, organisation=organisation)


def _web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _sees_everywhere(user: User, scene: Scene) -> dict[str, bool]:
    """Whether the report shows to ``user`` on each page and endpoint that can show it."""
    web, api = _web(user), _api(user)
    reference = scene.report.reference
    detail = web.get(reverse("intelligence:report", kwargs={"reference": reference}))
    listing = web.get(reverse("intelligence:reports")).content.decode()
    suspect_key = f"entity-{scene.port_record.entity_id}"
    suspect = web.get(reverse("intelligence:suspect", kwargs={"key": suspect_key}))
    api_detail = api.get(f"{REPORTS_API}{reference}/")
    api_list = [row["reference"] for row in api.get(REPORTS_API).json()]
    assert suspect.status_code == 200  # the suspect's records are for every investigator
    assert detail.status_code in {200, 404}
    assert api_detail.status_code in {200, 404}
    return {
        "page": detail.status_code == 200,
        "list": reference in listing,
        "suspect page": scene.report.summary in suspect.content.decode(),
        "api detail": api_detail.status_code == 200,
        "api list": reference in api_list,
    }


EVERYWHERE = {
    "page": True,
    "list": True,
    "suspect page": True,
    "api detail": True,
    "api list": True,
}
NOWHERE = dict.fromkeys(EVERYWHERE, False)


def test_a_border_force_report_reaches_the_force_investigating_its_suspect_only() -> None:
    scene = _scene()

    assert _sees_everywhere(_investigator(scene.kent), scene) == EVERYWHERE
    assert _sees_everywhere(_investigator(scene.essex), scene) == NOWHERE
    assert _sees_everywhere(_investigator(scene.border_force), scene) == EVERYWHERE
    # The NCA recorded the suspect (its record is linked to the one the report names).
    assert _sees_everywhere(_investigator(scene.nca), scene) == EVERYWHERE


def test_it_reaches_another_force_once_that_force_opens_an_investigation_on_the_suspect() -> None:
    scene = _scene()
    essex = _investigator(scene.essex)
    assert _sees_everywhere(essex, scene) == NOWHERE

    # Essex opens an investigation against the NCA's record: the report named Border
    # Force's record, and linkage has placed both in one suspect.
    opened = _api(essex).post(
        OUTCOMES_API,
        {
            "outcome_type": "investigation_opened",
            "occurred_on": "2024-09-02",
            "suspect_reference": scene.nca_record.source_reference,
        },
        format="json",
    )

    assert opened.status_code == 201, opened.json()
    assert _sees_everywhere(essex, scene) == EVERYWHERE


def test_records_linkage_has_not_joined_are_different_suspects() -> None:
    scene = _scene()
    unlinked = SuspectRecordFactory.create(source_organisation=scene.nca, entity=None)
    PursueOutcomeFactory.create(agency=scene.essex, suspect_record=unlinked)

    assert not can(_investigator(scene.essex), Action.INTELLIGENCE_VIEW, scene.report)


def test_handling_code_c_named_organisations_win_over_working_the_suspect() -> None:
    scene = _scene(
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="NCA only: a covert source; not for use in evidence.",
    )
    scene.report.permitted_organisations.set([scene.nca])

    assert _sees_everywhere(_investigator(scene.kent), scene) == NOWHERE  # works it, not named
    assert _sees_everywhere(_investigator(scene.essex), scene) == NOWHERE
    assert _sees_everywhere(_investigator(scene.nca), scene) == EVERYWHERE
    assert _sees_everywhere(_investigator(scene.border_force), scene) == EVERYWHERE


def test_handling_code_c_naming_no_one_stays_with_its_originator() -> None:
    scene = _scene(
        handling_code=HandlingCode.CONDITIONS, handling_conditions="Originator only for now."
    )

    for organisation in (scene.kent, scene.nca, scene.essex):
        assert not can(_investigator(organisation), Action.INTELLIGENCE_VIEW, scene.report)
    assert can(_investigator(scene.border_force), Action.INTELLIGENCE_VIEW, scene.report)


def test_a_report_naming_no_suspect_goes_to_every_investigator() -> None:
    scene = _scene()
    general = IntelligenceReportFactory.create(
        originating_organisation=scene.border_force, phone_numbers=["07700 900999"]
    )

    essex = _investigator(scene.essex)
    assert can(essex, Action.INTELLIGENCE_VIEW, general)
    assert set(intelligence_visible_to(essex, IntelligenceReport.objects.all())) == {general}
    analyst = UserFactory.create(role=Role.ANALYST, organisation=scene.kent)
    assert not can(analyst, Action.INTELLIGENCE_VIEW, general)


def test_each_way_of_working_a_suspect_counts() -> None:
    scene = _scene()
    referrer = OrganisationFactory.create(organisation_type=OrganisationType.LOCAL_AUTHORITY)
    informant = OrganisationFactory.create()
    recorder = OrganisationFactory.create()
    scene.nca_record.linked_referrals.add(
        ReferralFactory.create(first_responder_organisation=referrer)
    )
    IntelligenceReportFactory.create(originating_organisation=informant).suspects.set(
        [scene.nca_record]
    )
    SuspectRecordFactory.create(source_organisation=recorder, entity=scene.nca_record.entity)
    records = SuspectRecord.objects.all()

    for organisation in (referrer, informant, recorder, scene.kent, scene.nca):
        worked = set(suspect_records_worked_by(organisation.pk, records))
        assert {scene.nca_record, scene.port_record} <= worked, organisation
        assert can(_investigator(organisation), Action.INTELLIGENCE_VIEW, scene.report)
    assert not suspect_records_worked_by(scene.essex.pk, records).exists()
    assert not suspect_records_worked_by(None, records).exists()


def test_every_read_on_every_door_is_audited_with_the_reader() -> None:
    scene = _scene()
    reader = _investigator(scene.kent)
    outsider = _investigator(scene.essex)

    _sees_everywhere(reader, scene)
    _sees_everywhere(outsider, scene)

    reads = AuditEvent.objects.filter(
        event_type=AuditEventType.RECORD_VIEWED,
        object_type="intelligence.intelligencereport",
        object_id=str(scene.report.pk),
    )
    assert reads.filter(actor_id=reader.pk).count() == 5  # page, list, suspect page, API twice
    assert sorted(event.details.get("page", "") for event in reads) == sorted(
        ["", "", "intelligence list", "suspect profile", "intelligence API"]
    )
    assert not reads.filter(actor_id=outsider.pk).exists()


def test_a_network_page_shows_only_connections_from_sources_the_reader_may_see() -> None:
    scene = _scene()
    scene.nca_record.phone_numbers = ["07700 900001"]
    scene.nca_record.save()
    scene.nca_record.linked_referrals.add(ReferralFactory.create())
    scene.report.vehicles = ["XY99 ZZZ"]  # the code P report from Border Force
    scene.report.save()
    restricted = IntelligenceReportFactory.create(
        originating_organisation=scene.border_force,
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="NCA only.",
        phone_numbers=["07700 900777"],
    )
    restricted.permitted_organisations.set([scene.nca])
    restricted.suspects.set([scene.port_record])
    network_run(None)
    url = reverse("intelligence:network", kwargs={"number": 1})
    suspect = f"suspect:entity-{scene.port_record.entity_id}"

    def page(organisation: Organisation) -> str:
        response = _web(_investigator(organisation)).get(url)
        assert response.status_code == 200
        return response.content.decode()

    essex, kent, nca = page(scene.essex), page(scene.kent), page(scene.nca)

    for text in (essex, kent, nca):
        assert "phone:07700900001" in text  # the NCA's suspect record: every investigator
        assert suspect in text
        assert "victim:" in text  # the referral linked to the suspect
    assert "vehicle:XY99ZZZ" not in essex  # code P about a suspect Essex is not working
    assert "vehicle:XY99ZZZ" in kent
    assert "phone:07700900777" not in essex
    assert "phone:07700900777" not in kent  # code C naming only the NCA
    assert "phone:07700900777" in nca
    for text in (essex, kent, nca):  # nothing says how much is left out: that would leak it
        assert "are not shown" not in text


def test_the_rule_for_one_report_agrees_with_the_scope_for_every_reader_and_report() -> None:
    scene = _scene()
    referrer = OrganisationFactory.create()
    lone = SuspectRecordFactory.create(source_organisation=scene.essex, entity=None)
    lone.linked_referrals.add(ReferralFactory.create(first_responder_organisation=referrer))
    reports = [scene.report]
    for code, suspects, permitted in (
        (HandlingCode.PERMITTED, [lone], []),
        (HandlingCode.PERMITTED, [], []),
        (HandlingCode.PERMITTED, [lone, scene.nca_record], []),
        (HandlingCode.CONDITIONS, [scene.port_record], [scene.kent]),
        (HandlingCode.CONDITIONS, [], [scene.essex, referrer]),
        (HandlingCode.CONDITIONS, [lone], []),
    ):
        report = IntelligenceReportFactory.create(
            originating_organisation=scene.nca,
            handling_code=code,
            handling_conditions="Conditions." if code == HandlingCode.CONDITIONS else "",
        )
        report.suspects.set(suspects)
        report.permitted_organisations.set(permitted)
        reports.append(report)
    readers = [
        _investigator(organisation)
        for organisation in (scene.border_force, scene.kent, scene.essex, scene.nca, referrer)
    ]

    for reader in readers:
        scoped = set(intelligence_visible_to(reader, IntelligenceReport.objects.all()))
        one_by_one = {r for r in reports if can(reader, Action.INTELLIGENCE_VIEW, r)}
        assert one_by_one == scoped, reader.organisation
    kent = set(intelligence_visible_to(readers[1], IntelligenceReport.objects.all()))
    assert kent == {scene.report, reports[2], reports[3], reports[4]}
